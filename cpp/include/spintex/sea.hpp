/// The Fermi-sea (static) response on the contour: one call over all nodes.
///
/// For a local perturbation dH = sum_i c_i^dag U_i c_i at fixed chemical potential, each contour
/// node z_k contributes Y(z_k) = G (U + S[Y]) G (the retarded-retarded product dressed by the RR
/// ladder of the SCBA, S the local Born map; docs/physics.md section 12).  The ladder is linear
/// in the site blocks x = Y_ii:  (1 - C S) x = C[U],  C[X] = (G X G)_ii,  solved by GMRES(m);
/// then Y = C[U + S x] on sites and bonds.  `sea_response` runs the nodes in parallel (OpenMP,
/// one node per thread) and sums w_k Y(z_k) in node order, so the result does not depend on the
/// number of threads.
///
/// The contour nodes need the SCBA self-energy at complex z: `scba_nodes` solves it at every
/// node (Anderson mixing, the algorithm of spintex.disorder.scba) in C++, nodes on the OpenMP
/// threads in fixed contiguous runs, each node warm-started from the previous one of its run.
#pragma once

#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "spintex/correlation.hpp"
#include "spintex/rgf.hpp"

namespace spintex {

/// The local Born map on one site as a superoperator on the row-major vec of a 2x2 block:
/// vec(S[X]_i) = K_i vec(X_i), vec(X) = (X_00, X_01, X_10, X_11).
using Superoperator = Eigen::Matrix<cplx, 4, 4>;

struct SeaOptions {
  double tolerance = 1e-11;  ///< GMRES: |residual| <= tolerance |C[U]| per node
  int max_iterations = 5000;
  int restart = 20;          ///< Krylov basis size of GMRES(m)
  bool bonds = true;         ///< false: site blocks only (the bond products skipped; bonds left empty)
  /// Rigid shifts (v_L, v_R) of the leads' bands, a source -v dSigma_a/dz on the end slices next
  /// to the local source U (Correlator::apply_lead_shift; sea_response only: one energy per node).
  std::array<double, 2> lead_shift{0.0, 0.0};
  bool shifts_leads() const { return lead_shift[0] != 0.0 || lead_shift[1] != 0.0; }
  /// keep every node's dressed vertex U + S[x_k] (SeaSum::vertices), from which sea_vertex_sum
  /// forms the bond blocks of any combination of such sums later (no lead shifts)
  bool vertices = false;
};

/// sum_k w_k Y(z_k) as site blocks, bond blocks Y_ji and Y_ij, and the ladder's GMRES
/// iterations per node.
struct SeaSum {
  std::vector<Block2> sites, bonds_ji, bonds_ij;
  std::vector<int> iterations;
  std::vector<std::vector<Block2>> vertices;  ///< per node U + S[x_k], with options.vertices
};

/// The correlators of a contour sum: cached, one per node, or swept again inside the sum from each
/// node's energy and self-energy (one sweep per node and sum, into one correlator per thread:
/// memory for the threads' correlators instead of every node's, 66 MB per node on a 200 x 6 x 6
/// bar and 1 GB on a 400 x 10 x 10 one).  The swept blocks are those of a correlator built from
/// the same self-energy, so the sums are too.
class SeaNodes {
 public:
  SeaNodes(std::vector<const Correlator*> cached);  // NOLINT: implicit, the cached form is the common one
  /// Swept nodes; `self_energies` empty (clean) or one per node (each empty or N site blocks).
  SeaNodes(const Device& device, std::vector<cplx> energies, std::vector<std::vector<Block2>> self_energies);

  std::size_t size() const { return cached_.empty() ? energies_.size() : cached_.size(); }
  const Device& device() const;
  /// Node k's correlator with its RR factors: the cached one, or swept into `scratch`.
  const Correlator& at(std::size_t k, std::unique_ptr<Correlator>& scratch) const;

 private:
  std::vector<const Correlator*> cached_;
  const Device* device_ = nullptr;
  std::vector<cplx> energies_;
  std::vector<std::vector<Block2>> self_energies_;
};

/// Site blocks x of the ladder (1 - C S) x = C[source] with C[X] = (G(z_a) X G(z_b))_ii (`born`
/// empty: x = C[source]): the vertex of the two-energy product G(z_a) (U + S[Y]) G(z_b); a and b
/// the same object give the RR ladder of one node (whose source also carries the leads' band
/// shifts of options.lead_shift).  Returns the GMRES iteration count (throws NotConverged if it
/// does not converge).  `final_residual` (optional): C[source] - (1 - C S) x, from
/// the Arnoldi relation of the last GMRES cycle (no further product), so that the site blocks of
/// G (source + S[x]) G are x + residual.
int solve_mixed_ladder(const Correlator& a, const Correlator& b, const std::vector<Superoperator>& born,
                       const std::vector<Block2>& source, const SeaOptions& options, std::vector<Block2>& x,
                       std::vector<Block2>* final_residual = nullptr);

/// sum_k weights[k] Y(z_k) over the nodes (correlators at z_k with their SCBA self-energy).
/// `progress(done, total)` is called by the master thread after each of its nodes (false: the
/// remaining nodes are skipped and Cancelled is thrown; the bindings check Ctrl-C there).
SeaSum sea_response(const SeaNodes& nodes, const std::vector<cplx>& weights,
                    const std::vector<Superoperator>& born, const std::vector<Block2>& source,
                    const SeaOptions& options, const Progress& progress = nullptr);

/// sum_k w_k G(z_k) V_k G(z_k) for a vertex V_k per node (no ladder: the vertices are already
/// dressed, e.g. combinations of SeaSum::vertices), sites and (options.bonds) bonds; no lead shifts.
SeaSum sea_vertex_sum(const SeaNodes& nodes, const std::vector<cplx>& weights,
                      const std::vector<std::vector<Block2>>& vertices, const SeaOptions& options,
                      const Progress& progress = nullptr);
/// sum_k w_k Y_k with Y_k = G(a_k) (U + S[Y_k]) G(b_k): the two-energy products of energy
/// derivatives (the Fermi-sea term of Kubo-Bastin responses, by differences), pairs in parallel.
SeaSum mixed_sea_response(const std::vector<const Correlator*>& left, const std::vector<const Correlator*>& right,
                          const std::vector<cplx>& weights, const std::vector<Superoperator>& born,
                          const std::vector<Block2>& source, const SeaOptions& options,
                          const Progress& progress = nullptr);

/// The bare (ladder-free) contour sum of site-pair products between slice s and its neighbours,
///   K[dx][p'][p] = sum_k w_k G_{(s+dx,p'),(s,p)}(z_k) G_{(s,p),(s+dx,p')}(z_k),   dx = -range..range,
/// 2x2 blocks flattened as ((dx + range) W + p') W + p: the site block (s+dx, p') of sum_k w_k
/// G U G for a unit potential U on site (s, p), i.e. the column of the bare static
/// susceptibility (Tr (i/2pi)(K - K^dag) = chi_{(s+dx,p'),(s,p)}).  From Correlator::slice_column
/// (O(range) products per node instead of a whole-wire apply per source); nodes in parallel
/// (OpenMP), summed in node order (the result does not depend on the number of threads).
std::vector<Block2> bare_kernel(const SeaNodes& nodes, const std::vector<cplx>& weights, int slice, int range);

struct ScbaOptions {
  double tolerance = 1e-10;  ///< converged when max_i |S[G]_i - Sigma_i| (entrywise modulus) < tolerance
  double mixing = 0.5;
  int max_iterations = 200;
  int depth = 6;             ///< Anderson history: the last depth + 1 iterates
  /// > 0: should the iteration with `mixing` fail or diverge (a residual 100x its best), start
  /// again from the same guess with this mixing (e.g. undamped mixing on the contour, where the
  /// Born map contracts strongly, with the user's damped mixing as the safe fallback).
  double fallback_mixing = 0.0;
};

/// A converged local SCBA at one complex energy.  `correlator` is the sweep of the last iterate
/// Sigma (whose residual passed the test), as in the Python solver: no extra sweep.
struct ScbaNode {
  std::unique_ptr<Correlator> correlator;  // null when scba_nodes was given a probe
  std::vector<Block2> self_energy;
  std::vector<Block2> probe;  // site blocks of G U G for scba_nodes' probe U (empty without)
  int iterations = 0;
  double residual = 0.0;
};

/// Thrown when an iteration (SCBA, ladder GMRES) does not converge; the message says which and
/// has the residuals.  spintex._core.NotConvergedError in Python.
struct NotConverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown when the SCBA does not converge.
struct ScbaNotConverged : NotConverged {
  using NotConverged::NotConverged;
};

/// Sigma = S[G^R(z; Sigma)] (S the local Born map) by Anderson mixing, from `initial` (empty: the
/// Born self-energy of the clean G, one extra sweep).
ScbaNode solve_scba(const Device& device, cplx z, const std::vector<Superoperator>& born,
                    const std::vector<Block2>& initial, const ScbaOptions& options);

/// solve_scba at every node z[k].  The nodes are cut into `runs` contiguous runs (independent of
/// the number of threads, so the results are too); threads take whole runs.  Node k starts from
/// guesses[k] when it is non-empty, else from the solutions of the nodes before it in its run
/// (linear extrapolation in `path`, a real parameter of the nodes along their contour, or in z if
/// `path` is empty; from the one node before it at a run's second node); the
/// first node of the first run starts from `first` (empty: from scratch), that of any other run
/// from scratch.  `progress(done, total)` is called from the master thread after each node
/// (false: cancel, throws Cancelled).  With a `probe` U (N site blocks) every node returns the site
/// blocks of G U G (RR) instead of its correlator, which is freed at once: a rule solved only to
/// measure another's error then holds one correlator per thread, not one per node (on a
/// 200 x 6 x 6 bar 66 MB each, and fresh pages cost as much as the sweeps that fill them).
std::vector<ScbaNode> scba_nodes(const Device& device, const std::vector<cplx>& z,
                                 const std::vector<Superoperator>& born,
                                 const std::vector<std::vector<Block2>>& guesses, const std::vector<Block2>& first,
                                 int runs, const ScbaOptions& options, const Progress& progress = nullptr,
                                 const std::vector<Block2>& probe = {}, const std::vector<double>& path = {});

}  // namespace spintex
