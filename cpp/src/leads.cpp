#include "spintex/leads.hpp"

#include "spintex/dense.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace spintex {

cplx chain_surface_green(cplx zeta, double tau) {
  const double t2 = tau * tau;
  const cplx root = std::sqrt(zeta * zeta - 4.0 * t2);
  // g1 = (zeta - root) / 2t^2 = 2 / (zeta + root) and g2 = (zeta + root) / 2t^2 = 2 / (zeta - root):
  // each from the form without cancellation (the small root loses all its digits at |zeta| >> t
  // in the first form: 49 % at zeta = 1e8 (1 + i), t = 1)
  const cplx plus = zeta + root, minus = zeta - root;
  const bool plus_larger = std::abs(plus) >= std::abs(minus);
  const cplx g1 = plus_larger ? 2.0 / plus : minus / (2.0 * t2);
  const cplx g2 = plus_larger ? plus / (2.0 * t2) : 2.0 / minus;
  const double a1 = std::abs(g1), a2 = std::abs(g2);
  // Off the real axis exactly one root decays; on the band (|tau g| = 1 for both) take the
  // retarded one, Im g < 0.
  const double tol = 1e-12 * std::max(a1, a2);
  if (a1 < a2 - tol) return g1;
  if (a2 < a1 - tol) return g2;
  return g1.imag() <= g2.imag() ? g1 : g2;
}

Lead::Lead(const MatrixXc& cell_hamiltonian, double hopping) : tau_(hopping) {
  if (cell_hamiltonian.rows() != cell_hamiltonian.cols() || cell_hamiltonian.rows() == 0)
    throw std::invalid_argument("lead cell Hamiltonian must be a non-empty square matrix");
  if (!(std::abs(hopping) > 0.0) || !std::isfinite(hopping))
    throw std::invalid_argument("lead hopping must be finite and non-zero");
  if (!cell_hamiltonian.allFinite()) throw std::invalid_argument("lead cell Hamiltonian must be finite");
  if ((cell_hamiltonian - cell_hamiltonian.adjoint()).cwiseAbs().maxCoeff() >
      1e-12 * (1.0 + cell_hamiltonian.cwiseAbs().maxCoeff()))
    throw std::invalid_argument("lead cell Hamiltonian must be Hermitian");
  Eigen::SelfAdjointEigenSolver<MatrixXc> eig(cell_hamiltonian);
  modes_ = eig.eigenvectors();
  levels_ = eig.eigenvalues();
}

MatrixXc Lead::self_energy(cplx z) const {
  MatrixXc scaled = modes_, out;  // U diag(tau^2 g_m), then one product with U^dagger
  for (Eigen::Index m = 0; m < levels_.size(); ++m)
    scaled.col(m) *= tau_ * tau_ * chain_surface_green(z - levels_(m), tau_);
  dense::multiply_adjoint_right(scaled, modes_, out);
  return out;
}

MatrixXc Lead::broadening(cplx z) const {
  MatrixXc scaled = modes_, out;
  for (Eigen::Index m = 0; m < levels_.size(); ++m)
    scaled.col(m) *= -2.0 * tau_ * tau_ * chain_surface_green(z - levels_(m), tau_).imag();
  dense::multiply_adjoint_right(scaled, modes_, out);
  return out;
}

MatrixXc Lead::self_energy_derivative(cplx z) const {
  MatrixXc scaled = modes_, out;
  const double t2 = tau_ * tau_;
  for (Eigen::Index m = 0; m < levels_.size(); ++m) {
    const cplx g = chain_surface_green(z - levels_(m), tau_);
    scaled.col(m) *= -t2 * g * g / (1.0 - t2 * g * g);
  }
  dense::multiply_adjoint_right(scaled, modes_, out);
  return out;
}

int Lead::open_channels(double energy) const {
  // Counted in the limit from above along the real axis (E -> E + 0): a channel is open for
  // E_low <= E < E_high, E_low,high = e_m -+ 2|tau|.  An energy within a few ulps of an edge counts
  // as on it (the levels e_m carry the rounding of the eigensolver): 128 ulps of
  // max(1, |E|, |E_c|), the width within which the Python layer evaluates an energy as on the
  // threshold E_c (spintex.integration._EDGE_ULPS and _threshold_hits).
  const double band = 2.0 * std::abs(tau_);
  const auto ulps = [energy](double edge) {
    return 128.0 * std::numeric_limits<double>::epsilon() * std::max({1.0, std::abs(energy), std::abs(edge)});
  };
  int count = 0;
  for (Eigen::Index m = 0; m < levels_.size(); ++m) {
    const double low = levels_(m) - band, high = levels_(m) + band;
    if (energy >= low - ulps(low) && energy < high - ulps(high)) ++count;
  }
  return count;
}

}  // namespace spintex
