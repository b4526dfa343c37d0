/// The Fermi-sea (static) response on the contour: one call over all nodes.
///
/// For a local perturbation dH = sum_i c_i^dag U_i c_i at fixed chemical potential, each contour
/// node z_k contributes Y(z_k) = G (U + S[Y]) G (the retarded-retarded product dressed by the RR
/// ladder of the SCBA, S the local Born map; docs/physics.md section 12).  The ladder is linear
/// in the site blocks x = Y_ii:  (1 - C S) x = C[U],  C[X] = (G X G)_ii,  solved by GMRES(m);
/// then Y = C[U + S x] on sites and bonds.  `sea_response` runs the nodes in parallel (OpenMP,
/// one node per thread) and sums w_k Y(z_k) in node order, so the result does not depend on the
/// number of threads.
#pragma once

#include <vector>

#include "spintex/correlation.hpp"

namespace spintex {

/// The local Born map on one site as a superoperator on the row-major vec of a 2x2 block:
/// vec(S[X]_i) = K_i vec(X_i), vec(X) = (X_00, X_01, X_10, X_11).
using Superoperator = Eigen::Matrix<cplx, 4, 4>;

struct SeaOptions {
  double tolerance = 1e-11;  ///< GMRES: |residual| <= tolerance |C[U]| per node
  int max_iterations = 5000;
  int restart = 20;          ///< Krylov basis size of GMRES(m)
};

/// sum_k w_k Y(z_k) as site blocks, bond blocks Y_ji and Y_ij, and the ladder's GMRES
/// iterations per node.
struct SeaSum {
  std::vector<Block2> sites, bonds_ji, bonds_ij;
  std::vector<int> iterations;
};

/// Site blocks x of the RR ladder (1 - C S) x = C[source] at one node (`born` empty: x = C[source]);
/// returns the GMRES iteration count (throws std::runtime_error if it does not converge).
int solve_rr_ladder(const Correlator& node, const std::vector<Superoperator>& born,
                    const std::vector<Block2>& source, const SeaOptions& options, std::vector<Block2>& x);

/// sum_k weights[k] Y(z_k) over the nodes (correlators cached at z_k with their SCBA self-energy).
SeaSum sea_response(const std::vector<const Correlator*>& nodes, const std::vector<cplx>& weights,
                    const std::vector<Superoperator>& born, const std::vector<Block2>& source,
                    const SeaOptions& options);

}  // namespace spintex
