// BlockCorrelator: retarded pair blocks and C = G Y G^dag (and G Y G) for a non-local (pair)
// self-energy and pair sources, against dense inversion, for super-slices of 1-3 slices.
#include <gtest/gtest.h>

#include <stdexcept>

#include "random_device.hpp"
#include "spintex/block_correlation.hpp"

namespace spintex::test {
namespace {

constexpr double kTol = 1e-10;

struct BlockCase {
  DeviceShape shape;
  int group;
};

class BlockCorrelatorTest : public ::testing::TestWithParam<BlockCase> {
 protected:
  BlockCorrelatorTest() : device_(random_device(GetParam().shape, 23)), rng_(31) {
    // every site with itself, and a random third of the pairs within reach (both orders
    // independently), so that Sigma and Y are not Hermitian
    const int N = device_.num_sites(), W = device_.sites_per_slice(), group = GetParam().group;
    std::bernoulli_distribution take(0.35);
    for (int u = 0; u < N; ++u)
      for (int v = 0; v < N; ++v) {
        const int su = u / W / group, sv = v / W / group;
        if (u == v || (std::abs(su - sv) <= 1 && take(rng_))) pairs_.push_back({u, v});
      }
    for (const auto& p : pairs_) {
      sigma_.push_back(p[0] == p[1] ? random_retarded_blocks(1, 0.3, rng_)[0] : random_block(0.1, rng_));
      source_.push_back(random_block(1.0, rng_));
    }
  }

  /// The pair blocks as a dense matrix.
  MatrixXc pair_matrix(const std::vector<Block2>& blocks) const {
    const int size = 2 * device_.num_sites();
    MatrixXc M = MatrixXc::Zero(size, size);
    for (std::size_t k = 0; k < pairs_.size(); ++k)
      M.block<2, 2>(2 * pairs_[k][0], 2 * pairs_[k][1]) += blocks[k];
    return M;
  }

  void check(cplx z, double wl, double wr, Pairing pairing = Pairing::RetardedAdvanced) {
    const BlockCorrelator corr(device_, z, GetParam().group, pairs_, sigma_);
    const DenseSystem d0 = dense_system(device_, z);
    // G = (G0^-1 - Sigma)^-1 with the pair self-energy
    const MatrixXc A = d0.inverse_green - pair_matrix(sigma_);
    const MatrixXc G = A.fullPivLu().inverse();
    const MatrixXc Y = pair_matrix(source_) + wl * d0.gamma_left + wr * d0.gamma_right;
    const MatrixXc C = pairing == Pairing::RetardedAdvanced ? MatrixXc(G * Y * G.adjoint()) : MatrixXc(G * Y * G);
    const std::vector<Block2> out = corr.apply(source_, wl, wr, pairing);
    ASSERT_EQ(out.size(), pairs_.size());
    for (std::size_t k = 0; k < pairs_.size(); ++k) {
      const int u = pairs_[k][0], v = pairs_[k][1];
      EXPECT_LT(relative_error(corr.retarded_pairs()[k], site_block(G, u, v)), kTol) << "pair " << k;
      EXPECT_LT(relative_error(out[k], site_block(C, u, v)), kTol) << "pair " << k;
    }
  }

  Device device_;
  std::mt19937 rng_;
  std::vector<std::array<int, 2>> pairs_;
  std::vector<Block2> sigma_, source_;
};

TEST_P(BlockCorrelatorTest, MatchesDenseAtRealEnergy) { check(cplx(0.3, 0.0), 0.7, -0.4); }

TEST_P(BlockCorrelatorTest, MatchesDenseOffTheRealAxis) { check(cplx(-0.8, 0.02), 0.0, 1.0); }

// G Y G: the Fermi sea's static response (off the axis, on the contour) and the RR Kubo-Bastin
// terms (on it), with lead sources as well
TEST_P(BlockCorrelatorTest, RetardedRetardedMatchesDense) {
  check(cplx(-0.5, 0.4), 0.0, 0.0, Pairing::RetardedRetarded);
  check(cplx(0.3, 0.0), 0.7, -0.4, Pairing::RetardedRetarded);
}

// G(z) Y G2(z'): pumping's mixed-energy products, the right factor at another energy and with
// another self-energy (both sweeps on the same pairs)
TEST_P(BlockCorrelatorTest, MixedProductMatchesDense) {
  const cplx z(-0.5, 0.4), z2(-0.45, 0.3);
  std::vector<Block2> sigma2;
  for (const auto& p : pairs_)
    sigma2.push_back(p[0] == p[1] ? random_retarded_blocks(1, 0.3, rng_)[0] : random_block(0.1, rng_));
  const BlockCorrelator left(device_, z, GetParam().group, pairs_, sigma_);
  const BlockCorrelator right(device_, z2, GetParam().group, pairs_, sigma2);
  const MatrixXc G = (dense_system(device_, z).inverse_green - pair_matrix(sigma_)).fullPivLu().inverse();
  const MatrixXc G2 = (dense_system(device_, z2).inverse_green - pair_matrix(sigma2)).fullPivLu().inverse();
  const MatrixXc C = G * pair_matrix(source_) * G2;
  const std::vector<Block2> out = left.apply_mixed(right, source_);
  ASSERT_EQ(out.size(), pairs_.size());
  for (std::size_t k = 0; k < pairs_.size(); ++k)
    EXPECT_LT(relative_error(out[k], site_block(C, pairs_[k][0], pairs_[k][1])), kTol) << "pair " << k;
  // with itself on the right it is the RR product
  const std::vector<Block2> same = left.apply_mixed(left, source_), rr = left.apply(source_, 0.0, 0.0,
                                                                                     Pairing::RetardedRetarded);
  for (std::size_t k = 0; k < pairs_.size(); ++k) EXPECT_LT(relative_error(same[k], rr[k]), 1e-14);
}

std::vector<BlockCase> block_cases() {
  std::vector<BlockCase> cases;
  for (int group : {1, 2, 3})
    for (const DeviceShape& shape : all_shapes())
      cases.push_back({shape, group});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(RandomDevices, BlockCorrelatorTest, ::testing::ValuesIn(block_cases()),
                         [](const auto& info) {
                           return shape_name(info.param.shape) + "_group" +
                                  std::to_string(info.param.group);
                         });

TEST(BlockCorrelatorValidation, RejectsInvalidArguments) {
  const Device device = random_device({5, 1, Coupling::Dense}, 1);
  const std::vector<Block2> one(1, Block2::Zero());
  EXPECT_THROW(BlockCorrelator(device, 0.1, 0, {{0, 0}}, one), std::invalid_argument);
  EXPECT_THROW(BlockCorrelator(device, cplx(0.1, -1.0), 1, {{0, 0}}, one), std::invalid_argument);
  EXPECT_THROW(BlockCorrelator(device, 0.1, 1, {{0, 0}}, {}), std::invalid_argument);
  // a mixed product needs sweeps of the same structure
  const BlockCorrelator a(device, 0.1, 1, {{0, 0}}, one), b(device, 0.1, 2, {{0, 0}}, one);
  const BlockCorrelator c(device, 0.1, 1, {{1, 1}}, one);
  EXPECT_THROW(a.apply_mixed(b, one), std::invalid_argument);
  EXPECT_THROW(a.apply_mixed(c, one), std::invalid_argument);
  EXPECT_THROW(BlockCorrelator(device, 0.1, 1, {{0, 5}}, one), std::invalid_argument);
  // slices 0 and 2 are two super-slices apart with group 1, neighbours with group 2
  EXPECT_THROW(BlockCorrelator(device, 0.1, 1, {{0, 2}}, one), std::invalid_argument);
  EXPECT_NO_THROW(BlockCorrelator(device, 0.1, 2, {{0, 2}}, one));
  const BlockCorrelator corr(device, 0.1, 1, {{0, 0}}, one);
  EXPECT_THROW(corr.apply(std::vector<Block2>(2, Block2::Zero()), 1.0, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace spintex::test
