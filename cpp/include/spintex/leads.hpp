/// Semi-infinite leads and their exact surface self-energies.
#pragma once

#include "spintex/types.hpp"

namespace spintex {

/// A semi-infinite lead of identical cells: cell Hamiltonian h0 (n x n, Hermitian) and
/// inter-cell hopping tau * identity (the same block couples the lead to the device).
///
/// Because the hopping is proportional to the identity, h0 = U diag(e_m) U^dagger splits the lead
/// into independent chains (modes m) with on-site energy e_m and hopping tau.  The surface Green's
/// function of a semi-infinite chain solves g = 1 / (z - e - tau^2 g):
/// \f$ g_m(z) = [\zeta - \sqrt{\zeta^2 - 4\tau^2}] / (2\tau^2),\ \zeta = z - e_m \f$, with the
/// root that decays into the lead (|tau g| <= 1; Im g <= 0 on the real axis).  Hence the exact
/// \f$ \Sigma(z) = \tau^2 U\, \mathrm{diag}(g_m(z))\, U^\dagger \f$ for any complex z.
class Lead {
 public:
  Lead() = default;
  Lead(const MatrixXc& cell_hamiltonian, double hopping);

  /// Retarded self-energy at complex energy z (z real: the limit z + i0).
  MatrixXc self_energy(cplx z) const;
  /// Broadening Gamma = i(Sigma - Sigma^dagger) = tau^2 U diag(-2 Im g_m) U^dagger: exactly zero
  /// for closed channels on the real axis.
  MatrixXc broadening(cplx z) const;
  /// dSigma/dz = tau^2 U diag(g_m'(z)) U^dagger, g' = -g^2 / (1 - tau^2 g^2) (from g (zeta - tau^2 g) = 1):
  /// a rigid shift v of the lead's band changes its self-energy by Sigma(z - v) - Sigma(z) = -v dSigma/dz
  /// to first order (off the real axis; divergent at a band edge on it).
  MatrixXc self_energy_derivative(cplx z) const;
  /// Number of propagating channels at real energy E in the limit from above (E + 0 on the real
  /// axis): modes with e_m - 2|tau| <= E < e_m + 2|tau|, energies within a few ulps of an edge
  /// counted as on it.  Consistent with the transmission at a threshold (spintex.keldysh).
  int open_channels(double energy) const;
  int size() const { return static_cast<int>(levels_.size()); }
  const Eigen::VectorXd& mode_levels() const { return levels_; }

 private:
  MatrixXc modes_;          // U: columns are the transverse eigenvectors of h0
  Eigen::VectorXd levels_;  // e_m
  double tau_ = 1.0;
};

/// Surface Green's function of a semi-infinite chain (on-site 0, hopping tau) at zeta.
cplx chain_surface_green(cplx zeta, double tau);

}  // namespace spintex
