/// Recursive Green's function (RGF) sweeps and energy integrals of their blocks.
///
/// For each energy z the sweep computes, in O(L n^3) time and O(L n^2) memory,
///  - the retarded blocks G_ll, G_{l+1,l}, G_{l,l+1} (left-connected forward sweep, then the
///    standard backward recursion G_ll = g_l + g_l V_l G_{l+1,l+1} V_l^dagger g_l),
///  - the block column of the injecting lead, G_{l,0} (or G_{l,L-1}), by a one-sided sweep:
///    connected functions from the far end, then G_{l,0} = gR_l V_{l-1}^dagger G_{l-1,0}, one
///    inversion and two block products per slice; the lead-injected correlation blocks
///    (G Gamma_lead G^dagger)_{ji} and the Caroli transmissions follow from it,
/// and adds weighted 2x2 site and bond blocks of them to accumulators.  Energy integrals are
/// weighted sums over energies, run in parallel with OpenMP and added up in energy order, so
/// that results do not depend on the number of threads (bitwise); or, on request, the weighted
/// blocks of every energy apart (batched solvers: one call for K energies).
#pragma once

#include <cstddef>
#include <functional>

#include "spintex/device.hpp"
#include "spintex/parallel.hpp"

namespace spintex {

/// Which blocks to accumulate and with which weights; an empty weight list skips that part.
struct Request {
  std::vector<cplx> energies;
  std::vector<cplx> retarded_weights;  ///< sum_k w_k G^R(z_k)            (sites and bonds)
  std::vector<cplx> left_weights;      ///< sum_k w_k G Gamma_L G^dagger  (sites and bonds)
  std::vector<cplx> right_weights;     ///< sum_k w_k G Gamma_R G^dagger  (sites and bonds)
  bool transmission = false;           ///< per-energy Caroli transmission (and spin-resolved),
                                       ///< from the injecting lead's column (left if requested)
  bool reverse_transmission = false;   ///< also the other direction (needs both columns)
  bool per_energy = false;             ///< keep each energy's weighted blocks apart (energy k at
                                       ///< offset k x count) instead of summing them
  Eigen::Vector3d left_axis{0, 0, 1};  ///< spin quantization axes of the spin-resolved
  Eigen::Vector3d right_axis{0, 0, 1}; ///< transmission (the leads' magnetizations)
};

/// Accumulated blocks, each a flat array of 2x2 row-major blocks (site i or bond b); with
/// Request::per_energy, K such arrays one after the other (energy-major).
struct Accumulated {
  std::vector<cplx> retarded_sites;     ///< G^R_ii                  (N x 4)
  std::vector<cplx> retarded_bonds_ji;  ///< G^R_ji for bond (i, j)  (nb x 4)
  std::vector<cplx> retarded_bonds_ij;  ///< G^R_ij for bond (i, j)  (nb x 4)
  std::vector<cplx> left_sites, left_bonds;    ///< (G Gamma_L G^dagger)_ii and _ji
  std::vector<cplx> right_sites, right_bonds;  ///< (G Gamma_R G^dagger)_ii and _ji
  std::vector<double> transmission;          ///< Caroli T per energy, from the injecting lead
  std::vector<double> reverse_transmission;  ///< the other direction (if requested)
  std::vector<double> spin_transmission;     ///< per energy T_{s s'}: s along left_axis (left
                                             ///< lead), s' along right_axis; order ++, +-, -+, --
  std::vector<int> open_channels_left, open_channels_right;  ///< per energy (real part of z)
};

/// Evaluate the request.  `local_self_energy` (optional, N site blocks) is added to H
/// (Sigma^R of disorder) at every energy.
Accumulated integrate(const Device& device, const Request& request,
                      const std::vector<Block2>* local_self_energy = nullptr,
                      const Progress& progress = nullptr);

}  // namespace spintex
