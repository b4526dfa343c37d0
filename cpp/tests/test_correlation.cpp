// Correlator::apply (G Y G^dag and G Y G) against dense products on random devices.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "random_device.hpp"
#include "spintex/correlation.hpp"
#include "spintex/sea.hpp"

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
  /// on every site block and on the blocks C_ji and C_ij of every bond (the source blocks are not
  /// Hermitian: C_ij is not C_ji^dag).
  void check(cplx z, const std::vector<Block2>& sigma, double wl, double wr, Pairing pairing,
             bool completed_later = false) {
    Correlator corr(device_, z, sigma, /*retarded_retarded=*/!completed_later);
    if (completed_later) corr.complete_retarded_retarded();
    std::vector<Block2> sites, bonds, bonds_ij;
    corr.apply(source_, wl, wr, sites, bonds, pairing, &bonds_ij);
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
      EXPECT_LT(relative_error(bonds_ij[b], site_block(C, i, j)), kTol) << "bond " << b << " (i, j)";
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

TEST_P(CorrelatorTest, RecomputedInPlaceEqualsNewlyBuilt) {
  // an SCBA iteration redoes the sweep in the previous iterate's storage (Correlator::recompute):
  // the same blocks as a correlator built afresh, RR factors dropped until completed again
  Correlator reused(device_, cplx(-0.8, 0.02), {}, /*retarded_retarded=*/true);
  reused.recompute(cplx(0.3, 0.01), sigma_);
  const Correlator fresh(device_, cplx(0.3, 0.01), sigma_, /*retarded_retarded=*/false);
  for (int i = 0; i < device_.num_sites(); ++i)
    EXPECT_EQ(reused.retarded_sites()[static_cast<std::size_t>(i)], fresh.retarded_sites()[static_cast<std::size_t>(i)]);
  std::vector<Block2> a, b, ab, bb;
  EXPECT_THROW(reused.apply_sites(source_, Pairing::RetardedRetarded, a), std::logic_error);
  reused.apply(source_, 0.3, 0.2, a, ab, Pairing::RetardedAdvanced);
  fresh.apply(source_, 0.3, 0.2, b, bb, Pairing::RetardedAdvanced);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ab, bb);
  reused.complete_retarded_retarded();
  Correlator full(device_, cplx(0.3, 0.01), sigma_);
  reused.apply(source_, 0.0, 0.0, a, ab, Pairing::RetardedRetarded);
  full.apply(source_, 0.0, 0.0, b, bb, Pairing::RetardedRetarded);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ab, bb);
}

TEST_P(CorrelatorTest, SliceColumnMatchesDenseInverse) {
  // G_{l,s} and G_{s,l} for every slice s and every window first..last around it, with and without a
  // local self-energy (slice 0 and the last slice carry the leads' self-energies)
  const int L = device_.slices(), n = device_.block_size();
  for (const auto& sigma : {sigma_, std::vector<Block2>{}}) {
    const cplx z(0.3, 0.02);
    const Correlator corr(device_, z, sigma, /*retarded_retarded=*/false);
    const DenseSystem d = dense_system(device_, z, sigma.empty() ? nullptr : &sigma);
    std::vector<MatrixXc> below, above;
    for (int s = 0; s < L; ++s)
      for (int first = 0; first <= s; ++first)
        for (int last = s; last < L; ++last) {
          corr.slice_column(s, first, last, below, above);
          ASSERT_EQ(below.size(), static_cast<std::size_t>(last - first + 1));
          for (int l = first; l <= last; ++l) {
            const auto k = static_cast<std::size_t>(l - first);
            EXPECT_LT(relative_error(below[k], d.green.block(l * n, s * n, n, n)), kTol)
                << "G_{l,s}, s " << s << " l " << l << " window " << first << ".." << last;
            EXPECT_LT(relative_error(above[k], d.green.block(s * n, l * n, n, n)), kTol)
                << "G_{s,l}, s " << s << " l " << l << " window " << first << ".." << last;
          }
        }
    EXPECT_THROW(corr.slice_column(0, 1, 1, below, above), std::invalid_argument);
    EXPECT_THROW(corr.slice_column(L - 1, L - 1, L, below, above), std::invalid_argument);
    EXPECT_THROW(corr.slice_column(0, -1, 0, below, above), std::invalid_argument);
  }
}

TEST_P(CorrelatorTest, BareKernelIsTheContourSumOfSitePairProducts) {
  // K[dx][p'][p] = sum_k w_k G_{(s+dx,p'),(s,p)} G_{(s,p),(s+dx,p')}: the site block (s+dx, p')
  // of sum_k w_k G U G for a unit potential on site (s, p), against dense inverses
  const int L = device_.slices(), W = device_.sites_per_slice();
  const std::vector<cplx> z{cplx(0.3, 0.02), cplx(-0.5, 0.4), cplx(1.1, 0.1)};
  const std::vector<cplx> w{cplx(0.2, -0.1), cplx(-0.7, 0.3), cplx(0.05, 0.5)};
  std::vector<Correlator> corr;
  corr.reserve(z.size());
  std::vector<DenseSystem> dense;
  for (cplx e : z) {
    corr.emplace_back(device_, e, sigma_);
    dense.push_back(dense_system(device_, e, &sigma_));
  }
  std::vector<const Correlator*> nodes;
  for (const Correlator& c : corr) nodes.push_back(&c);
  const int s = L / 2, R = std::min(s, L - 1 - s);
  const std::vector<Block2> K = bare_kernel(nodes, w, s, R);
  ASSERT_EQ(K.size(), static_cast<std::size_t>((2 * R + 1) * W * W));
  for (int dx = -R; dx <= R; ++dx)
    for (int q = 0; q < W; ++q)
      for (int p = 0; p < W; ++p) {
        const int i = (s + dx) * W + q, j = s * W + p;
        MatrixXc expected = MatrixXc::Zero(2, 2);
        for (std::size_t k = 0; k < z.size(); ++k)
          expected += w[k] * site_block(dense[k].green, i, j) * site_block(dense[k].green, j, i);
        EXPECT_LT(relative_error(K[static_cast<std::size_t>(((dx + R) * W + q) * W + p)], expected), kTol)
            << "dx " << dx << " p' " << q << " p " << p;
      }
  // the same as the site blocks of the RR product with a unit potential on (s, 0)
  std::vector<Block2> source(static_cast<std::size_t>(device_.num_sites()), Block2::Zero());
  source[static_cast<std::size_t>(s * W)] = Block2::Identity();
  std::vector<Block2> total(source.size(), Block2::Zero()), sites;
  for (std::size_t k = 0; k < z.size(); ++k) {
    corr[k].apply_sites(source, Pairing::RetardedRetarded, sites);
    for (std::size_t i = 0; i < sites.size(); ++i) total[i] += w[k] * sites[i];
  }
  for (int dx = -R; dx <= R; ++dx)
    for (int q = 0; q < W; ++q)
      EXPECT_LT(relative_error(K[static_cast<std::size_t>(((dx + R) * W + q) * W)],
                               total[static_cast<std::size_t>((s + dx) * W + q)]), kTol);
  EXPECT_THROW(bare_kernel(nodes, w, s, R + 1), std::invalid_argument);
  EXPECT_THROW(bare_kernel(nodes, {w[0]}, s, R), std::invalid_argument);
}

TEST_P(CorrelatorTest, SweptNodesSumAsCachedOnes) {
  // a contour sum whose nodes are swept again from (z, Sigma) inside it (SeaNodes' swept form:
  // one correlator per thread) gives the sums of correlators cached from the same (z, Sigma),
  // bitwise: with and without a ladder, with bonds, and the bare kernel; clean nodes too
  const std::vector<cplx> z{cplx(0.3, 0.02), cplx(-0.5, 0.4), cplx(1.1, 0.1), cplx(-1.2, 0.05)};
  const std::vector<cplx> w{cplx(0.2, -0.1), cplx(-0.7, 0.3), cplx(0.05, 0.5), cplx(0.3, 0.3)};
  std::vector<Superoperator> born(static_cast<std::size_t>(device_.num_sites()));
  for (Superoperator& K : born) K = 0.02 * Superoperator::Identity();
  for (const bool clean : {false, true}) {
    const std::vector<std::vector<Block2>> sigmas(clean ? 0 : z.size(), sigma_);
    std::vector<Correlator> corr;
    corr.reserve(z.size());
    for (cplx e : z) corr.emplace_back(device_, e, clean ? std::vector<Block2>{} : sigma_);
    std::vector<const Correlator*> cached;
    for (const Correlator& c : corr) cached.push_back(&c);
    const SeaNodes swept(device_, z, sigmas);
    for (const bool ladder : {false, true}) {
      SeaOptions options;
      const auto& K = ladder ? born : std::vector<Superoperator>{};
      const SeaSum a = sea_response(cached, w, K, source_, options), b = sea_response(swept, w, K, source_, options);
      EXPECT_EQ(a.sites, b.sites);
      EXPECT_EQ(a.bonds_ji, b.bonds_ji);
      EXPECT_EQ(a.bonds_ij, b.bonds_ij);
      EXPECT_EQ(a.iterations, b.iterations);
    }
    const int L = device_.slices(), s = L / 2, R = std::min(s, L - 1 - s);
    EXPECT_EQ(bare_kernel(cached, w, s, R), bare_kernel(swept, w, s, R));
  }
  // a progress callback that says stop: the remaining nodes are skipped, Cancelled is thrown
  std::size_t calls = 0;
  const Progress stop = [&calls](std::size_t, std::size_t) { ++calls; return false; };
  EXPECT_THROW(sea_response(SeaNodes(device_, z, {}), w, born, source_, SeaOptions{}, stop), Cancelled);
  EXPECT_EQ(calls, 1u);
  EXPECT_THROW(SeaNodes(device_, {}, {}), std::invalid_argument);
  EXPECT_THROW(SeaNodes(device_, z, {sigma_}), std::invalid_argument);
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
