// Paths of the core that the other tests left unchecked, each against dense inversion or an exact
// statement: the mixed-energy product and the ladder-dressed contour sums, the lead traces, right
// injection's spin transmission, a transmission requested alone, couplings just off the exact fast
// paths, channel counts on the thresholds, the SCBA's refusal of the advanced branch (also after
// its damped fallback), and NaN through LAPACK.  Found by mutating the core: each test fails on the
// mutant it was written for (session 13).
#include <gtest/gtest.h>

#include <cmath>

#include "random_device.hpp"
#include "spintex/correlation.hpp"
#include "spintex/dense.hpp"
#include "spintex/leads.hpp"
#include "spintex/rgf.hpp"
#include "spintex/sea.hpp"

namespace spintex::test {
namespace {

Eigen::Matrix<cplx, 4, 1> vec(const Block2& X) { Eigen::Matrix<cplx, 4, 1> v; v << X(0, 0), X(0, 1), X(1, 0), X(1, 1); return v; }
Block2 unvec(const Eigen::Matrix<cplx, 4, 1>& v) { Block2 b; b << v(0), v(1), v(2), v(3); return b; }

std::vector<Superoperator> random_born(int N, std::mt19937& rng) {
  std::vector<Superoperator> out;
  for (int i = 0; i < N; ++i) {
    Superoperator K = 0.03 * Superoperator::Identity();
    K += Superoperator(random_matrix(4, 4, 0.01, rng));
    out.push_back(K);
  }
  return out;
}

/// Dense ladder: x = (G (U + S x) G)_ii solved exactly; returns Y = G (U + S x) G' (G' = Gb).
MatrixXc dense_ladder(const MatrixXc& Ga, const MatrixXc& Gb, const std::vector<Superoperator>& born,
                      const std::vector<Block2>& U) {
  const int N = static_cast<int>(U.size());
  auto C = [&](const std::vector<Block2>& X) {  // site blocks of Ga diag(X) Gb, vec'd
    const MatrixXc M = Ga * site_diagonal_matrix(X) * Gb;
    VectorXc v(4 * N);
    for (int i = 0; i < N; ++i) v.segment<4>(4 * i) = vec(site_block(M, i, i));
    return v;
  };
  MatrixXc A(4 * N, 4 * N);  // columns of C S
  for (int c = 0; c < 4 * N; ++c) {
    std::vector<Block2> X(N, Block2::Zero());
    Eigen::Matrix<cplx, 4, 1> e = Eigen::Matrix<cplx, 4, 1>::Zero(); e(c % 4) = 1.0;
    X[c / 4] = unvec(born[c / 4] * e);
    A.col(c) = C(X);
  }
  const VectorXc x = (MatrixXc::Identity(4 * N, 4 * N) - A).fullPivLu().solve(C(U));
  std::vector<Block2> total = U;
  for (int i = 0; i < N; ++i) total[i] += unvec(born[i] * x.segment<4>(4 * i));
  return Ga * site_diagonal_matrix(total) * Gb;
}

class RarePaths : public ::testing::TestWithParam<DeviceShape> {};

// apply_mixed G(z_a) Y G(z_b) against dense, sites and both bond orientations
TEST_P(RarePaths, MixedProductMatchesDense) {
  const Device dev = random_device(GetParam(), 7);
  std::mt19937 rng(5);
  const int N = dev.num_sites();
  const auto sa = random_retarded_blocks(N, 0.3, rng), sb = random_retarded_blocks(N, 0.2, rng);
  std::vector<Block2> src; for (int i = 0; i < N; ++i) src.push_back(random_block(1.0, rng));
  const cplx za(0.3, 0.02), zb(-0.6, 0.3);
  const Correlator a(dev, za, sa), b(dev, zb, sb);
  std::vector<Block2> sites, bji, bij;
  apply_mixed(a, b, src, sites, bji, bij);
  const MatrixXc C = dense_system(dev, za, &sa).green * site_diagonal_matrix(src) * dense_system(dev, zb, &sb).green;
  for (int i = 0; i < N; ++i) EXPECT_LT(relative_error(sites[i], site_block(C, i, i)), 1e-10);
  for (std::size_t k = 0; k < dev.bonds().size(); ++k) {
    const int i = dev.bonds()[k][0], j = dev.bonds()[k][1];
    EXPECT_LT(relative_error(bji[k], site_block(C, j, i)), 1e-10);
    EXPECT_LT(relative_error(bij[k], site_block(C, i, j)), 1e-10);
  }
}

// the contour sum with a ladder (sea_response and mixed_sea_response) against dense
TEST_P(RarePaths, LadderSumMatchesDense) {
  const Device dev = random_device(GetParam(), 3);
  std::mt19937 rng(8);
  const int N = dev.num_sites();
  const auto born = random_born(N, rng);
  std::vector<Block2> U; for (int i = 0; i < N; ++i) U.push_back(random_block(1.0, rng));
  const std::vector<cplx> z{cplx(0.3, 0.05), cplx(-0.5, 0.4)}, zb{cplx(1.0, 0.2), cplx(-1.1, 0.1)};
  const std::vector<cplx> w{cplx(0.2, -0.7), cplx(-0.4, 0.3)};
  const auto sig = random_retarded_blocks(N, 0.2, rng);
  std::vector<Correlator> ca, cb;
  ca.reserve(2); cb.reserve(2);
  for (int k = 0; k < 2; ++k) { ca.emplace_back(dev, z[k], sig); cb.emplace_back(dev, zb[k], sig); }
  std::vector<const Correlator*> pa{&ca[0], &ca[1]}, pb{&cb[0], &cb[1]};
  SeaOptions opt; opt.tolerance = 1e-13;
  for (bool mixed : {false, true}) {
    const SeaSum s = mixed ? mixed_sea_response(pa, pb, w, born, U, opt) : sea_response(pa, w, born, U, opt);
    MatrixXc Y = MatrixXc::Zero(2 * N, 2 * N);
    for (int k = 0; k < 2; ++k) {
      const MatrixXc Ga = dense_system(dev, z[k], &sig).green;
      const MatrixXc Gb = mixed ? dense_system(dev, zb[k], &sig).green : Ga;
      Y += w[k] * dense_ladder(Ga, Gb, born, U);
    }
    for (int i = 0; i < N; ++i) EXPECT_LT(relative_error(s.sites[i], site_block(Y, i, i)), 1e-9) << "mixed " << mixed;
    for (std::size_t k = 0; k < dev.bonds().size(); ++k) {
      const int i = dev.bonds()[k][0], j = dev.bonds()[k][1];
      EXPECT_LT(relative_error(s.bonds_ji[k], site_block(Y, j, i)), 1e-9);
      EXPECT_LT(relative_error(s.bonds_ij[k], site_block(Y, i, j)), 1e-9);
    }
    // without bonds the site blocks come from the ladders' residuals (no final product), and
    // the kept vertices U + S[x_k] give the bond blocks back (sea_response only)
    SeaOptions sites_only = opt;
    sites_only.bonds = false;
    sites_only.vertices = true;
    const SeaSum t = mixed ? mixed_sea_response(pa, pb, w, born, U, sites_only) : sea_response(pa, w, born, U, sites_only);
    EXPECT_TRUE(t.bonds_ji.empty() && t.bonds_ij.empty());
    ASSERT_EQ(t.vertices.size(), 2u);
    for (int i = 0; i < N; ++i) EXPECT_LT(relative_error(t.sites[i], site_block(Y, i, i)), 1e-9) << "mixed " << mixed;
    if (mixed) continue;
    const SeaSum v = sea_vertex_sum(SeaNodes(pa), w, t.vertices, opt);
    for (int i = 0; i < N; ++i) EXPECT_LT(relative_error(v.sites[i], site_block(Y, i, i)), 1e-9);
    for (std::size_t k = 0; k < dev.bonds().size(); ++k) {
      const int i = dev.bonds()[k][0], j = dev.bonds()[k][1];
      EXPECT_LT(relative_error(v.bonds_ji[k], site_block(Y, j, i)), 1e-9);
      EXPECT_LT(relative_error(v.bonds_ij[k], site_block(Y, i, j)), 1e-9);
    }
  }
}

// lead traces Tr[Gamma_L C_00], Tr[Gamma_R C_last] against dense
TEST_P(RarePaths, LeadTracesMatchDense) {
  const Device dev = random_device(GetParam(), 9);
  std::mt19937 rng(2);
  const int N = dev.num_sites();
  std::vector<Block2> src; for (int i = 0; i < N; ++i) src.push_back(random_block(1.0, rng));
  const cplx z(0.2, 0.01);
  Correlator c(dev, z, {});
  for (Pairing p : {Pairing::RetardedAdvanced, Pairing::RetardedRetarded}) {
    std::vector<Block2> sites, bji, bij; std::array<cplx, 2> tr{};
    c.apply(src, 0.7, -0.3, sites, bji, p, &bij, &tr);
    const DenseSystem d = dense_system(dev, z);
    const MatrixXc Y = site_diagonal_matrix(src) + 0.7 * d.gamma_left - 0.3 * d.gamma_right;
    const MatrixXc C = p == Pairing::RetardedAdvanced ? MatrixXc(d.green * Y * d.green.adjoint()) : MatrixXc(d.green * Y * d.green);
    const cplx tl = (d.gamma_left * C).trace(), trr = (d.gamma_right * C).trace();
    EXPECT_LT(std::abs(tr[0] - tl), 1e-10 * std::max(1.0, std::abs(tl)));
    EXPECT_LT(std::abs(tr[1] - trr), 1e-10 * std::max(1.0, std::abs(trr)));
  }
}

/// G_ii by RGF against dense for the couplings of `sh` plus off-diagonal entries of size 1e-8:
/// a coupling that is only nearly scalar or site-diagonal must not take the exact fast paths.
void check_nearly_structured(const DeviceShape& sh) {
  const Device base = random_device(sh, 4);
  std::mt19937 rng(6);
  std::vector<MatrixXc> diag, up;
  for (int l = 0; l < base.slices(); ++l) diag.push_back(base.diagonal(l));
  for (int l = 0; l + 1 < base.slices(); ++l) {
    MatrixXc V = base.upper(l);
    const int n = static_cast<int>(V.rows());
    MatrixXc E = random_matrix(n, n, 1e-8, rng);
    for (int p = 0; p < n / 2; ++p) E.block<2, 2>(2 * p, 2 * p).setZero();
    up.push_back(V + E);
  }
  const Device dev(diag, up, base.left(), base.right(), all_bonds(sh.slices, sh.width));
  Request r; r.energies = {cplx(0.3, 0.01)}; r.retarded_weights = {1.0};
  const Accumulated acc = integrate(dev, r);
  const DenseSystem d = dense_system(dev, r.energies[0]);
  for (int i = 0; i < dev.num_sites(); ++i)
    EXPECT_LT(relative_error(flat_block(acc.retarded_sites, i), site_block(d.green, i, i)), 1e-12);
}

TEST(RarePathsCouplings, NearlyStructuredCouplingsMatchDense) {
  // (the shapes with a scalar or site-diagonal coupling between at least two slices)
  for (const DeviceShape& sh : all_shapes()) {
    if (sh.slices < 2 || sh.coupling == Coupling::Dense) continue;
    SCOPED_TRACE(shape_name(sh));
    check_nearly_structured(sh);
  }
}

// spin-resolved transmission of right injection
TEST_P(RarePaths, RightInjectionSpinTransmission) {
  const Eigen::Vector3d la = Eigen::Vector3d(0.3, -0.5, 0.8).normalized(), ra = Eigen::Vector3d::UnitZ();
  const Device dev = random_device(GetParam(), 42, la, ra);
  Request r; r.energies = {cplx(0.3, 0.0)}; r.right_weights = {1.0}; r.transmission = true;
  r.left_axis = la; r.right_axis = ra;
  const Accumulated acc = integrate(dev, r);
  const DenseSystem d = dense_system(dev, r.energies[0]);
  const int N = dev.num_sites();
  for (int s = 0; s < 2; ++s)
    for (int sp = 0; sp < 2; ++sp) {
      const MatrixXc P = spin_projector(N, la, s == 0 ? 1 : -1), Pp = spin_projector(N, ra, sp == 0 ? 1 : -1);
      const double T = (P * d.gamma_left * P * d.green * Pp * d.gamma_right * Pp * d.green.adjoint()).trace().real();
      EXPECT_NEAR(acc.spin_transmission[2 * s + sp], T, 1e-10) << s << sp;
    }
}

// a transmission alone (no weights, no reverse) is the Caroli transmission
TEST_P(RarePaths, TransmissionAlone) {
  const Device dev = random_device(GetParam(), 42);
  Request r; r.energies = {cplx(0.3, 0.0)}; r.transmission = true;
  const Accumulated acc = integrate(dev, r);
  const DenseSystem d = dense_system(dev, r.energies[0]);
  const double T = (d.gamma_right * d.green * d.gamma_left * d.green.adjoint()).trace().real();
  EXPECT_GT(T, 1e-3);
  EXPECT_NEAR(acc.transmission[0], T, 1e-10);
}

INSTANTIATE_TEST_SUITE_P(RandomDevices, RarePaths, ::testing::ValuesIn(all_shapes()),
                         [](const auto& info) { return shape_name(info.param); });

// channel counting exactly at the thresholds (bottom open, top closed)
TEST(RarePathsLead, OpenChannelsAtThresholds) {
  MatrixXc cell(2, 2); cell << 0.3, cplx(0.1, 0.05), cplx(0.1, -0.05), -0.2;
  for (double tau : {1.0, -0.7}) {
    const Lead lead(cell, tau);
    const auto& e = lead.mode_levels();
    const double b = 2 * std::abs(tau);
    for (int m = 0; m < 2; ++m) {
      const int other_lo = lead.open_channels(e(m) - b) - 1;  // this channel open at its bottom
      EXPECT_GE(other_lo, 0);
      const double lo = e(m) - b, hi = e(m) + b;
      EXPECT_EQ(lead.open_channels(lo) - lead.open_channels(lo - 1e-9), 1) << "bottom edge counts as open";
      EXPECT_EQ(lead.open_channels(hi - 1e-9) - lead.open_channels(hi), 1) << "top edge counts as closed";
    }
  }
}

// the SCBA must refuse the advanced branch. Spin-split chain with closed leads and
// Gamma_0 disorder: the spins decouple, so Sigma = diag(retarded up, advanced down) is a fixed point
// (Im Sigma eigenvalues of both signs) at z = E + i0; started there, the result must be causal and
// equal to the retarded solution.
TEST(RarePathsScba, RefusesPartlyAdvancedFixedPoint) {
  const int L = 30;
  Block2 zeeman; zeeman << 0.15, 0, 0, -0.15;
  const MatrixXc hop = -MatrixXc::Identity(2, 2);
  std::vector<MatrixXc> diag(L, MatrixXc(zeeman)), up(L - 1, hop);
  const Lead lead(3.0 * MatrixXc::Identity(2, 2), 1.0);  // band 1..5: closed at E = -1
  const Device dev(diag, up, lead, lead, {});
  std::vector<Superoperator> born(L, 0.05 * Superoperator::Identity());
  ScbaOptions opt; opt.tolerance = 1e-11;
  const cplx z(-1.0, 1e-9);
  const ScbaNode ret = solve_scba(dev, z, born, {}, opt);
  double most = -1;
  for (const Block2& s : ret.self_energy) most = std::max(most, -s(1, 1).imag());
  ASSERT_GT(most, 1e-3);  // disorder broadens: a clearly retarded solution
  std::vector<Block2> start = ret.self_energy;
  for (Block2& s : start) s(1, 1) = std::conj(s(1, 1));  // spin down on the advanced branch
  const ScbaNode node = solve_scba(dev, z, born, start, opt);
  for (std::size_t i = 0; i < node.self_energy.size(); ++i) {
    EXPECT_LE(node.self_energy[i](0, 0).imag(), 1e-9);
    EXPECT_LE(node.self_energy[i](1, 1).imag(), 1e-9);
    EXPECT_LT((node.self_energy[i] - ret.self_energy[i]).cwiseAbs().maxCoeff(), 1e-7);
  }
}

// the ladder's GMRES must honour its tolerance: strong disorder (slow Krylov convergence),
// default SeaOptions (1e-11), against the dense ladder to 1e-8
TEST(RarePathsLadder, StrongDisorderMeetsTolerance) {
  const Device dev = random_device({5, 3, Coupling::Dense}, 3);
  std::mt19937 rng(8);
  const int N = dev.num_sites();
  std::vector<Superoperator> born;
  for (int i = 0; i < N; ++i) born.push_back(0.5 * Superoperator::Identity() + Superoperator(random_matrix(4, 4, 0.1, rng)));
  std::vector<Block2> U; for (int i = 0; i < N; ++i) U.push_back(random_block(1.0, rng));
  const auto sig = random_retarded_blocks(N, 0.5, rng);
  const cplx z(0.2, 0.05);
  const Correlator c(dev, z, sig);
  const SeaSum s = sea_response(std::vector<const Correlator*>{&c}, {1.0}, born, U, SeaOptions{});
  const MatrixXc G = dense_system(dev, z, &sig).green;
  const MatrixXc Y = dense_ladder(G, G, born, U);
  for (int i = 0; i < N; ++i) EXPECT_LT(relative_error(s.sites[i], site_block(Y, i, i)), 1e-8);
}

// after a non-causal fixed point and a diverging undamped retry, the damped fallback must start
// from the broadened start, not the original (advanced) guess
TEST(RarePathsScba, DampedFallbackAfterNonCausalStartsBroadened) {
  const int L = 30;
  Block2 zeeman; zeeman << 0.15, 0, 0, -0.15;
  std::vector<MatrixXc> diag(L, MatrixXc(zeeman)), up(L - 1, -MatrixXc::Identity(2, 2));
  const Lead lead(3.0 * MatrixXc::Identity(2, 2), 1.0);
  const Device dev(diag, up, lead, lead, {});
  std::vector<Superoperator> born(L, 0.05 * Superoperator::Identity());
  ScbaOptions opt; opt.tolerance = 1e-8;
  const cplx z(-1.0, 1e-9);
  const ScbaNode ret = solve_scba(dev, z, born, {}, opt);
  std::vector<Block2> start = ret.self_energy;
  for (Block2& s : start) s(1, 1) = std::conj(s(1, 1));
  ScbaOptions wild = opt;
  wild.depth = 0; wild.mixing = 2.5; wild.fallback_mixing = 0.5; wild.max_iterations = 2000;
  ScbaNode node;
  ASSERT_NO_THROW(node = solve_scba(dev, z, born, start, wild));
  for (std::size_t i = 0; i < node.self_energy.size(); ++i)
    EXPECT_LT((node.self_energy[i] - ret.self_energy[i]).cwiseAbs().maxCoeff(), 1e-6);
}

// LAPACK passes NaN through with info 0; invert must still refuse it
TEST(RarePathsDense, InvertRefusesNaN) {
  for (int n : {2, 4, 20, 80}) {
    MatrixXc A = MatrixXc::Identity(n, n);
    A(1, n - 1) = cplx(std::nan(""), 0.0);
    MatrixXc Ainv;
    EXPECT_THROW(dense::invert(A, Ainv), dense::SingularBlock) << n;
  }
}

}  // namespace
}  // namespace spintex::test
