// The RGF sweep (`integrate`): retarded site and bond blocks, lead-injected G Gamma G^dag blocks
// and Caroli transmissions against the dense inverse of the whole small device.
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "random_device.hpp"
#include "spintex/rgf.hpp"

namespace spintex::test {
namespace {

constexpr double kTol = 1e-10;

class RgfTest : public ::testing::TestWithParam<DeviceShape> {
 protected:
  RgfTest()
      : left_axis_(Eigen::Vector3d(0.3, -0.5, 0.8).normalized()),
        right_axis_(Eigen::Vector3d::UnitZ()),
        device_(random_device(GetParam(), 42, left_axis_, right_axis_)) {}

  /// All parts of the request at two energies (one real, one complex) with complex weights.
  Request full_request() const {
    Request r;
    r.energies = energies_;
    r.retarded_weights = {cplx(0.6, -0.2), cplx(-0.3, 0.9)};
    r.left_weights = {cplx(1.1, 0.4), cplx(0.2, -0.7)};
    r.right_weights = {cplx(-0.5, 0.3), cplx(0.8, 0.1)};
    r.transmission = r.reverse_transmission = true;
    r.left_axis = left_axis_;
    r.right_axis = right_axis_;
    return r;
  }

  /// Every accumulated block of `acc` against sum_k w_k (dense blocks at z_k).
  void expect_matches_dense(const Request& r, const Accumulated& acc,
                            const std::vector<Block2>* sigma) const {
    const int N = device_.num_sites();
    const auto& bonds = device_.bonds();
    MatrixXc ret_sum, left_sum, right_sum;
    for (std::size_t k = 0; k < r.energies.size(); ++k) {
      const DenseSystem d = dense_system(device_, r.energies[k], sigma);
      const MatrixXc left = d.green * d.gamma_left * d.green.adjoint();
      const MatrixXc right = d.green * d.gamma_right * d.green.adjoint();
      ret_sum = k == 0 ? MatrixXc(r.retarded_weights[k] * d.green)
                       : MatrixXc(ret_sum + r.retarded_weights[k] * d.green);
      left_sum = k == 0 ? MatrixXc(r.left_weights[k] * left)
                        : MatrixXc(left_sum + r.left_weights[k] * left);
      right_sum = k == 0 ? MatrixXc(r.right_weights[k] * right)
                         : MatrixXc(right_sum + r.right_weights[k] * right);
      const double T = (d.gamma_right * left).trace().real();
      const double T_reverse = (d.gamma_left * right).trace().real();
      EXPECT_NEAR(acc.transmission[k], T, kTol * std::max(1.0, T)) << "energy " << k;
      EXPECT_NEAR(acc.reverse_transmission[k], T_reverse, kTol * std::max(1.0, T)) << "energy " << k;
      double spin_sum = 0.0;
      for (int s = 0; s < 2; ++s)
        for (int sp = 0; sp < 2; ++sp) {
          const MatrixXc P = spin_projector(N, left_axis_, s == 0 ? 1 : -1);
          const MatrixXc Pp = spin_projector(N, right_axis_, sp == 0 ? 1 : -1);
          const double Tss = (Pp * d.gamma_right * Pp * d.green * P * d.gamma_left * P *
                              d.green.adjoint()).trace().real();
          EXPECT_NEAR(acc.spin_transmission[4 * k + 2 * s + sp], Tss, kTol * std::max(1.0, T))
              << "energy " << k << " spins " << s << sp;
          spin_sum += acc.spin_transmission[4 * k + 2 * s + sp];
        }
      EXPECT_NEAR(spin_sum, T, kTol * std::max(1.0, T));
    }
    for (int i = 0; i < N; ++i) {
      const auto at = static_cast<std::size_t>(i);
      EXPECT_LT(relative_error(flat_block(acc.retarded_sites, at), site_block(ret_sum, i, i)), kTol);
      EXPECT_LT(relative_error(flat_block(acc.left_sites, at), site_block(left_sum, i, i)), kTol);
      EXPECT_LT(relative_error(flat_block(acc.right_sites, at), site_block(right_sum, i, i)), kTol);
    }
    for (std::size_t b = 0; b < bonds.size(); ++b) {
      const int i = bonds[b][0], j = bonds[b][1];
      EXPECT_LT(relative_error(flat_block(acc.retarded_bonds_ji, b), site_block(ret_sum, j, i)), kTol);
      EXPECT_LT(relative_error(flat_block(acc.retarded_bonds_ij, b), site_block(ret_sum, i, j)), kTol);
      EXPECT_LT(relative_error(flat_block(acc.left_bonds, b), site_block(left_sum, j, i)), kTol);
      EXPECT_LT(relative_error(flat_block(acc.right_bonds, b), site_block(right_sum, j, i)), kTol);
    }
  }

  Eigen::Vector3d left_axis_, right_axis_;
  Device device_;
  std::vector<cplx> energies_{cplx(0.3, 0.0), cplx(-0.7, 0.05)};
};

TEST_P(RgfTest, AllBlocksMatchDenseInverse) {
  const Request r = full_request();
  expect_matches_dense(r, integrate(device_, r), nullptr);
}

TEST_P(RgfTest, AllBlocksMatchDenseInverseWithLocalSelfEnergy) {
  std::mt19937 rng(9);
  const std::vector<Block2> sigma = random_retarded_blocks(device_.num_sites(), 0.3, rng);
  const Request r = full_request();
  expect_matches_dense(r, integrate(device_, r, &sigma), &sigma);
}

TEST_P(RgfTest, RightInjectionAloneReportsRightTransmission) {
  // with only right weights the right column is swept and its transmission is the primary one
  Request r;
  r.energies = energies_;
  r.right_weights = {1.0, 1.0};
  r.transmission = true;
  const Accumulated acc = integrate(device_, r);
  EXPECT_TRUE(acc.left_sites.empty());
  for (std::size_t k = 0; k < energies_.size(); ++k) {
    const DenseSystem d = dense_system(device_, energies_[k]);
    const double T = (d.gamma_left * d.green * d.gamma_right * d.green.adjoint()).trace().real();
    EXPECT_NEAR(acc.transmission[k], T, kTol * std::max(1.0, T));
  }
}

TEST_P(RgfTest, PerEnergyBlocksAreTheSingleEnergyRequests) {
  // per_energy keeps energy k's weighted blocks at offset k: the same numbers (bitwise) as a
  // request of energy k alone, for every part
  Request batch = full_request();
  batch.per_energy = true;
  const Accumulated all = integrate(device_, batch);
  for (std::size_t k = 0; k < energies_.size(); ++k) {
    Request one = full_request();
    one.energies = {energies_[k]};
    one.retarded_weights = {batch.retarded_weights[k]};
    one.left_weights = {batch.left_weights[k]};
    one.right_weights = {batch.right_weights[k]};
    const Accumulated single = integrate(device_, one);
    const std::vector<std::pair<const std::vector<cplx>*, const std::vector<cplx>*>> parts = {
        {&all.retarded_sites, &single.retarded_sites},       {&all.retarded_bonds_ji, &single.retarded_bonds_ji},
        {&all.retarded_bonds_ij, &single.retarded_bonds_ij}, {&all.left_sites, &single.left_sites},
        {&all.left_bonds, &single.left_bonds},               {&all.right_sites, &single.right_sites},
        {&all.right_bonds, &single.right_bonds}};
    for (const auto& [batched, alone] : parts) {
      ASSERT_EQ(batched->size(), energies_.size() * alone->size());
      for (std::size_t i = 0; i < alone->size(); ++i)
        EXPECT_EQ((*batched)[k * alone->size() + i], (*alone)[i]) << "energy " << k << " entry " << i;
    }
    EXPECT_EQ(all.transmission[k], single.transmission[0]);
    EXPECT_EQ(all.reverse_transmission[k], single.reverse_transmission[0]);
  }
}

INSTANTIATE_TEST_SUITE_P(RandomDevices, RgfTest, ::testing::ValuesIn(all_shapes()),
                         [](const auto& info) { return shape_name(info.param); });

TEST(RgfValidation, RejectsInvalidArguments) {
  const Device device = random_device({3, 2, Coupling::Dense}, 1);
  Request r;
  r.energies = {cplx(0.1, 0.0), cplx(0.2, 0.0)};
  r.retarded_weights = {1.0};
  EXPECT_THROW(integrate(device, r), std::invalid_argument);
  r.retarded_weights = {1.0, 1.0};
  r.energies[1] = cplx(0.2, -1e-3);
  EXPECT_THROW(integrate(device, r), std::invalid_argument);
  r.energies[1] = cplx(0.2, 0.0);
  const std::vector<Block2> too_few(2, Block2::Zero());
  EXPECT_THROW(integrate(device, r, &too_few), std::invalid_argument);
}

TEST(RgfProgress, CancelThrows) {
  const Device device = random_device({3, 1, Coupling::Scalar}, 1);
  Request r;
  r.energies = {cplx(0.1, 0.0), cplx(0.2, 0.0), cplx(0.3, 0.0)};
  r.retarded_weights = {1.0, 1.0, 1.0};
  EXPECT_THROW(integrate(device, r, nullptr, [](std::size_t, std::size_t) { return false; }),
               Cancelled);
}

}  // namespace
}  // namespace spintex::test
