/// The finalized open system: a block-tridiagonal Hamiltonian between two leads.
#pragma once

#include <array>
#include <vector>

#include "spintex/leads.hpp"
#include "spintex/types.hpp"

namespace spintex {

/// Where one bond (i, j) sits in the slice structure: j lies in slice(i) or slice(i) + 1.
struct BondRef {
  int index;   ///< position in the device's bond list
  int from;    ///< local index of site i in its slice
  int to;      ///< local index of site j in its slice
  bool inter;  ///< true if j lies in the next slice
};

/// Device Hamiltonian H (sites ordered slice by slice, spin fastest) with leads on both ends.
///
/// H_{ll} = diagonal[l] and H_{l,l+1} = upper[l], blocks of size n = 2 x sites_per_slice.  The
/// left lead couples to slice 0 and the right lead to the last slice, each through tau * identity.
class Device {
 public:
  Device(std::vector<MatrixXc> diagonal, std::vector<MatrixXc> upper, Lead left, Lead right,
         std::vector<std::array<int, 2>> bonds);

  /// A copy with extra on-site 2x2 blocks added to the diagonal (one disorder realization).
  Device with_site_blocks(const std::vector<Block2>& extra) const;

  int slices() const { return static_cast<int>(diagonal_.size()); }
  int block_size() const { return static_cast<int>(diagonal_.front().rows()); }
  int sites_per_slice() const { return block_size() / 2; }
  int num_sites() const { return slices() * sites_per_slice(); }
  int num_bonds() const { return static_cast<int>(bonds_.size()); }

  const MatrixXc& diagonal(int l) const { return diagonal_[static_cast<std::size_t>(l)]; }
  const MatrixXc& upper(int l) const { return upper_[static_cast<std::size_t>(l)]; }
  /// True if H_{l,l+1} = c * identity (then products with it are scalings); c in upper_scalar.
  bool upper_is_scalar(int l) const { return upper_is_scalar_[static_cast<std::size_t>(l)]; }
  cplx upper_scalar(int l) const { return upper_scalar_[static_cast<std::size_t>(l)]; }
  /// Products with the coupling V_l = H_{l,l+1}; a scaling when V_l is a multiple of 1.
  void coupling_times(int l, const MatrixXc& M, MatrixXc& out) const;          ///< V_l M
  void coupling_dagger_times(int l, const MatrixXc& M, MatrixXc& out) const;   ///< V_l^dag M
  void times_coupling(int l, const MatrixXc& M, MatrixXc& out) const;          ///< M V_l
  void times_coupling_dagger(int l, const MatrixXc& M, MatrixXc& out) const;   ///< M V_l^dag
  void sandwich_dagger_first(int l, const MatrixXc& g, MatrixXc& out) const;   ///< V_l^dag g V_l
  void sandwich_dagger_last(int l, const MatrixXc& g, MatrixXc& out) const;    ///< V_l g V_l^dag

  const Lead& left() const { return left_; }
  const Lead& right() const { return right_; }
  const std::vector<std::array<int, 2>>& bonds() const { return bonds_; }
  const std::vector<BondRef>& bonds_from_slice(int l) const {
    return bonds_by_slice_[static_cast<std::size_t>(l)];
  }

 private:
  std::vector<MatrixXc> diagonal_, upper_;
  std::vector<bool> upper_is_scalar_;
  std::vector<cplx> upper_scalar_;
  // V_l block-diagonal in sites (each site couples only to its own image in the next slice, as
  // on the chain, strip and bar lattices): products with it cost O(n^2) via its 2x2 blocks.
  std::vector<bool> upper_is_site_diagonal_;
  std::vector<std::vector<Block2>> upper_site_blocks_;
  Lead left_, right_;
  std::vector<std::array<int, 2>> bonds_;
  std::vector<std::vector<BondRef>> bonds_by_slice_;
};

/// A_l = z - H_ll - Sigma_left (slice 0) - Sigma_right (last slice) - local self-energy site
/// blocks (slice l's sites of `local_self_energy`, N site blocks, if given): the slice block
/// that the recursive sweeps invert.
void effective_block(const Device& device, int l, cplx z, const MatrixXc& sigma_left,
                     const MatrixXc& sigma_right, const std::vector<Block2>* local_self_energy,
                     MatrixXc& A);

}  // namespace spintex
