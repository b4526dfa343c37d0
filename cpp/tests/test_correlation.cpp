// Correlator::apply (G Y G^dag and G Y G) against dense products on random devices.
#include <gtest/gtest.h>

#include <stdexcept>

#include "random_device.hpp"
#include "spintex/correlation.hpp"

namespace spintex::test {
namespace {

constexpr double kTol = 1e-10;

class CorrelatorTest : public ::testing::TestWithParam<DeviceShape> {
 protected:
  CorrelatorTest() : device_(random_device(GetParam(), 7)), rng_(11) {
    sigma_ = random_retarded_blocks(device_.num_sites(), 0.3, rng_);
    for (int i = 0; i < device_.num_sites(); ++i) source_.push_back(random_block(1.0, rng_));
  }

  /// C = G Y G^dag (RA) or G Y G (RR) with Y = diag(source) + wl Gamma_L + wr Gamma_R, checked
  /// on every site block and on the blocks C_ji of every bond.
  void check(cplx z, const std::vector<Block2>& sigma, double wl, double wr, Pairing pairing,
             bool completed_later = false) {
    Correlator corr(device_, z, sigma, /*retarded_retarded=*/!completed_later);
    if (completed_later) corr.complete_retarded_retarded();
    std::vector<Block2> sites, bonds;
    corr.apply(source_, wl, wr, sites, bonds, pairing);
    const DenseSystem d = dense_system(device_, z, sigma.empty() ? nullptr : &sigma);
    const MatrixXc Y = site_diagonal_matrix(source_) + wl * d.gamma_left + wr * d.gamma_right;
    const MatrixXc C = pairing == Pairing::RetardedAdvanced ? MatrixXc(d.green * Y * d.green.adjoint())
                                                            : MatrixXc(d.green * Y * d.green);
    ASSERT_EQ(sites.size(), static_cast<std::size_t>(device_.num_sites()));
    ASSERT_EQ(bonds.size(), device_.bonds().size());
    for (int i = 0; i < device_.num_sites(); ++i) {
      EXPECT_LT(relative_error(sites[static_cast<std::size_t>(i)], site_block(C, i, i)), kTol) << "site " << i;
      EXPECT_LT(relative_error(corr.retarded_sites()[static_cast<std::size_t>(i)],
                               site_block(d.green, i, i)), kTol);
    }
    for (std::size_t b = 0; b < bonds.size(); ++b) {
      const int i = device_.bonds()[b][0], j = device_.bonds()[b][1];
      EXPECT_LT(relative_error(bonds[b], site_block(C, j, i)), kTol) << "bond " << b;
    }
  }

  Device device_;
  std::mt19937 rng_;
  std::vector<Block2> sigma_, source_;
};

TEST_P(CorrelatorTest, RetardedAdvancedMatchesDense) {
  check(cplx(0.3, 0.0), sigma_, 0.7, -0.4, Pairing::RetardedAdvanced);
  check(cplx(-0.8, 0.02), {}, 1.0, 0.0, Pairing::RetardedAdvanced);
}

TEST_P(CorrelatorTest, RetardedRetardedMatchesDense) {
  check(cplx(0.3, 0.0), sigma_, 0.7, -0.4, Pairing::RetardedRetarded);
  check(cplx(-0.8, 0.02), {}, 0.0, 1.0, Pairing::RetardedRetarded);
}

TEST_P(CorrelatorTest, RetardedRetardedFactorsAddedLaterMatchDense) {
  // the SCBA iterations build correlators without Q_l and complete the converged one
  check(cplx(0.3, 0.01), sigma_, 0.2, 0.5, Pairing::RetardedRetarded, /*completed_later=*/true);
  check(cplx(0.3, 0.01), sigma_, 0.2, 0.5, Pairing::RetardedAdvanced, /*completed_later=*/true);
  const Correlator light(device_, cplx(0.3, 0.01), sigma_, /*retarded_retarded=*/false);
  std::vector<Block2> sites;
  EXPECT_THROW(light.apply_sites(source_, Pairing::RetardedRetarded, sites), std::logic_error);
  light.apply_sites(source_, Pairing::RetardedAdvanced, sites);  // G Y G^dag needs no Q_l
  EXPECT_EQ(sites.size(), static_cast<std::size_t>(device_.num_sites()));
}

INSTANTIATE_TEST_SUITE_P(RandomDevices, CorrelatorTest, ::testing::ValuesIn(all_shapes()),
                         [](const auto& info) { return shape_name(info.param); });

TEST(CorrelatorValidation, RejectsInvalidArguments) {
  const Device device = random_device({3, 2, Coupling::Dense}, 1);
  EXPECT_THROW(Correlator(device, cplx(0.1, -0.1), {}), std::invalid_argument);
  EXPECT_THROW(Correlator(device, 0.1, std::vector<Block2>(2, Block2::Zero())), std::invalid_argument);
  const Correlator corr(device, 0.1, {});
  std::vector<Block2> sites, bonds;
  EXPECT_THROW(corr.apply(std::vector<Block2>(5, Block2::Zero()), 1.0, 0.0, sites, bonds),
               std::invalid_argument);
}

}  // namespace
}  // namespace spintex::test
