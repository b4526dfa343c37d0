// The local SCBA of the core (solve_scba, scba_nodes) against its defining equation with a dense
// Green's function: Sigma = S[G(z; Sigma)] with G from full-pivot LU of the whole device.
#include <gtest/gtest.h>

#include "random_device.hpp"
#include "spintex/sea.hpp"

namespace spintex::test {
namespace {

/// Born superoperators of Gamma_0 X + Gamma_m sum_a sigma_a X sigma_a on every site (row-major vec).
std::vector<Superoperator> born_maps(int sites, double gamma0, double gamma_m) {
  const std::array<Block2, 3> pauli = {(Block2() << 0, 1, 1, 0).finished(),
                                       (Block2() << 0, cplx(0, -1), cplx(0, 1), 0).finished(),
                                       (Block2() << 1, 0, 0, -1).finished()};
  Superoperator K = gamma0 * Superoperator::Identity();
  for (const Block2& s : pauli)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        for (int k = 0; k < 2; ++k)
          for (int l = 0; l < 2; ++l) K(2 * i + j, 2 * k + l) += gamma_m * s(i, k) * s(l, j);  // vec(s X s)
  return std::vector<Superoperator>(static_cast<std::size_t>(sites), K);
}

/// max over sites of |S[G_dense(Sigma)]_ii - Sigma_i|.
double dense_residual(const Device& device, cplx z, const std::vector<Superoperator>& born,
                      const std::vector<Block2>& sigma) {
  const DenseSystem dense = dense_system(device, z, &sigma);
  double worst = 0.0;
  for (int i = 0; i < device.num_sites(); ++i) {
    const Block2 G = site_block(dense.green, i, i);
    Eigen::Matrix<cplx, 4, 1> g;
    g << G(0, 0), G(0, 1), G(1, 0), G(1, 1);
    const Eigen::Matrix<cplx, 4, 1> s = born[static_cast<std::size_t>(i)] * g;
    const Block2 S = (Block2() << s(0), s(1), s(2), s(3)).finished();
    worst = std::max(worst, (S - sigma[static_cast<std::size_t>(i)]).cwiseAbs().maxCoeff());
  }
  return worst;
}

TEST(Scba, SolvesTheSelfConsistentEquationAgainstDense) {
  const Device device = random_device({5, 2, Coupling::Dense}, 11);
  const auto born = born_maps(device.num_sites(), 0.05, 0.01);
  ScbaOptions options;
  options.tolerance = 1e-12;
  for (const cplx z : {cplx(-0.7, 0.0), cplx(-1.2, 0.3), cplx(0.4, 1.5)}) {
    const ScbaNode node = solve_scba(device, z, born, {}, options);
    EXPECT_LT(node.residual, 1e-12);
    EXPECT_GT(node.iterations, 1);
    EXPECT_LT(dense_residual(device, z, born, node.self_energy), 1e-10) << "z = " << z;
    // the correlator is that of the returned Sigma
    const DenseSystem dense = dense_system(device, z, &node.self_energy);
    for (int i = 0; i < device.num_sites(); ++i)
      EXPECT_LT((node.correlator->retarded_sites()[static_cast<std::size_t>(i)] - site_block(dense.green, i, i))
                    .cwiseAbs()
                    .maxCoeff(),
                1e-10);
  }
}

TEST(Scba, UndampedMixingWithFallbackSolvesTheSameEquation) {
  // the contour's setting: mixing 1 first, the damped mixing kept as the fallback
  const Device device = random_device({5, 2, Coupling::Dense}, 11);
  ScbaOptions options;
  options.tolerance = 1e-12;
  options.mixing = 1.0;
  options.fallback_mixing = 0.5;
  for (const double gamma : {0.05, 1.0}) {  // weak, and strong disorder
    const auto born = born_maps(device.num_sites(), gamma, 0.2 * gamma);
    for (const cplx z : {cplx(-0.7, 0.0), cplx(-1.2, 0.3), cplx(0.4, 1.5)}) {
      const ScbaNode node = solve_scba(device, z, born, {}, options);
      EXPECT_LT(node.residual, 1e-12);
      EXPECT_LT(dense_residual(device, z, born, node.self_energy), 1e-10) << "z = " << z << ", gamma " << gamma;
    }
  }
}

TEST(Scba, NodesDoNotDependOnThreadsAndUseGuesses) {
  const Device device = random_device({5, 3, Coupling::Scalar}, 3);
  const auto born = born_maps(device.num_sites(), 0.08, 0.0);
  std::vector<cplx> z;
  for (int k = 0; k < 7; ++k) z.push_back(-2.0 + 0.3 * k + cplx(0.0, 0.05 + 0.1 * k));
  ScbaOptions options;
  const auto a = scba_nodes(device, z, born, {}, {}, 3, options);
  ASSERT_EQ(a.size(), z.size());
  for (std::size_t k = 0; k < z.size(); ++k) {
    EXPECT_LT(dense_residual(device, z[k], born, a[k].self_energy), 1e-9);
  }
  // a converged Sigma as the guess: accepted after one sweep, unchanged
  std::vector<std::vector<Block2>> guesses;
  for (const auto& node : a) guesses.push_back(node.self_energy);
  const auto b = scba_nodes(device, z, born, guesses, {}, 3, options);
  for (std::size_t k = 0; k < z.size(); ++k) {
    EXPECT_EQ(b[k].iterations, 1);
    EXPECT_EQ(b[k].self_energy, a[k].self_energy);
  }
  // extrapolated along a path parameter instead of z: the same fixed points; with a probe U the
  // nodes give G U G (here against the correlator of the same Sigma) and no correlator
  std::vector<double> path;
  for (int k = 0; k < 7; ++k) path.push_back(0.1 * k * k);
  const std::vector<Block2> probe(static_cast<std::size_t>(device.num_sites()), Block2::Identity());
  const auto c = scba_nodes(device, z, born, {}, {}, 3, options, nullptr, probe, path);
  for (std::size_t k = 0; k < z.size(); ++k) {
    EXPECT_LT(dense_residual(device, z[k], born, c[k].self_energy), 1e-9);
    EXPECT_FALSE(c[k].correlator);
    std::vector<Block2> sites;
    Correlator(device, z[k], c[k].self_energy).apply_sites(probe, Pairing::RetardedRetarded, sites);
    EXPECT_EQ(c[k].probe, sites);
  }
  EXPECT_THROW(scba_nodes(device, z, born, {}, {}, 3, options, nullptr, {}, {0.0, 1.0}), std::invalid_argument);
  EXPECT_THROW(scba_nodes(device, z, born, {}, {}, 3, options, nullptr, {Block2::Identity()}), std::invalid_argument);
}

TEST(Scba, RejectsBadArgumentsAndReportsNonConvergence) {
  const Device device = random_device({2, 1, Coupling::Dense}, 5);
  const auto born = born_maps(device.num_sites(), 0.05, 0.0);
  EXPECT_THROW(solve_scba(device, cplx(0.0, 0.1), born_maps(1, 0.05, 0.0), {}, ScbaOptions{}), std::invalid_argument);
  EXPECT_THROW(scba_nodes(device, {cplx(0.0, 0.1)}, born, {}, {}, 0, ScbaOptions{}), std::invalid_argument);
  ScbaOptions one;
  one.max_iterations = 1;
  one.tolerance = 1e-300;
  EXPECT_THROW(solve_scba(device, cplx(0.0, 0.1), born, {}, one), ScbaNotConverged);
  // through the node loop (TaskGuard): a node's failure reaches the caller, as does a stop request
  const std::vector<cplx> z{cplx(-1.0, 0.3), cplx(-0.5, 0.2), cplx(0.0, 0.1), cplx(0.5, 0.2)};
  EXPECT_THROW(scba_nodes(device, z, born, {}, {}, 2, one), NotConverged);
  std::size_t reports = 0;
  const Progress stop = [&](std::size_t, std::size_t) { return ++reports < 2; };
  EXPECT_THROW(scba_nodes(device, z, born, {}, {}, 1, ScbaOptions{}, stop), Cancelled);
  EXPECT_EQ(reports, 2u);  // the second report stopped the loop: no node after it was solved
}

}  // namespace
}  // namespace spintex::test
