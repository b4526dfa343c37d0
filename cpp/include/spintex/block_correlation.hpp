/// Retarded Green's function and correlations G Y G^dag for self-energies that couple sites of
/// neighbouring slice groups (the non-local Born self-energy of spin-orbit impurities).
///
/// Slices are grouped `group` at a time into super-slices s (the last one may be shorter).  The
/// self-energy Sigma and the sources Y are given as 2x2 blocks on a list of site pairs (u, v),
/// each pair inside one super-slice or between neighbouring ones, so that every matrix stays
/// block-tridiagonal in super-slices.  With A = z - H - Sigma_leads - Sigma, V_s = -A_{s,s+1} and
/// W_s = -A_{s+1,s} (not adjoint to each other: Sigma is not Hermitian):
///
///   g_s = (A_ss - W_{s-1} g_{s-1} V_{s-1})^-1                       (left-connected)
///   G_ss = g_s + P_s g_s,  P_s = g_s V_s G_{s+1,s+1} W_s,
///   G_{s,s+1} = g_s V_s G_{s+1,s+1},  G_{s+1,s} = G_{s+1,s+1} W_s g_s,
///
/// and for C = G Y G^dag with Y block-tridiagonal (derivation in docs/physics.md, section 10):
///
///   g<_s = g_s [Y_ss + W g<_{s-1} W^dag + W g_{s-1} Y_{s-1,s} + Y_{s,s-1} g_{s-1}^dag W^dag] g_s^dag
///   C_ss = g< + P g< + g< P^dag + g V C_{s+1} V^dag g^dag
///          + g Y_{s,s+1} G_{s+1}^dag V^dag g^dag + g V G_{s+1} Y_{s+1,s} g^dag
///   C_{s+1,s} = G_{s+1} W g< + C_{s+1} V^dag g^dag + G_{s+1} Y_{s+1,s} g^dag
///   C_{s,s+1} = g< W^dag G_{s+1}^dag + g V C_{s+1} + g Y_{s,s+1} G_{s+1}^dag
///
/// (W, V at s-1 in the first line, at s elsewhere; G_{s+1} = G_{s+1,s+1}).  The map is linear in
/// Y without assuming Y Hermitian, so Krylov solvers can use it as it is.
///
/// The same recursion gives C = G Y G2 for any right factor G2 = A2^-1 with the same block
/// structure, written with A2's sweep (g2, V2, W2, G2_ss) in place of the daggered factors on the
/// right of each term: g^dag -> g2, W^dag -> V2, V^dag -> W2, G^dag -> G2, P^dag -> V2 G2 W2 g2.
/// The adjoint A2 = A^dag has g2 = g^dag, V2 = W^dag, W2 = V^dag (the lines above); A2 = A gives
/// the retarded-retarded product G Y G (Pairing::RetardedRetarded: the Fermi-sea static response
/// and the RR Kubo-Bastin terms with spin-orbit impurities), with g2 = g, V2 = V, W2 = W.
#pragma once

#include <array>
#include <vector>

#include "spintex/correlation.hpp"
#include "spintex/device.hpp"

namespace spintex {

class BlockCorrelator {
 public:
  /// Cache the retarded sweep at energy z with the self-energy `sigma` (one block per pair).
  BlockCorrelator(const Device& device, cplx z, int group, std::vector<std::array<int, 2>> pairs,
                  const std::vector<Block2>& sigma);

  int super_slices() const { return static_cast<int>(g_.size()); }
  /// G^R_uv for every pair (u, v).
  const std::vector<Block2>& retarded_pairs() const { return retarded_pairs_; }

  /// C_uv for every pair of C = G Y G^dag (or G Y G with Pairing::RetardedRetarded),
  /// Y = (source on the pairs) + left_weight Gamma_L + right_weight Gamma_R.
  std::vector<Block2> apply(const std::vector<Block2>& source, double left_weight, double right_weight,
                            Pairing pairing = Pairing::RetardedAdvanced) const;

  /// C_uv for every pair of the mixed product C = G Y G2, G2 the retarded sweep of `right` (a
  /// sweep with the same slices, group and pairs, at another energy or self-energy; the
  /// right-factor recursion above): pumping's Fermi-sea products G(z + h) Y G(z) with spin-orbit impurities.
  std::vector<Block2> apply_mixed(const BlockCorrelator& right, const std::vector<Block2>& source) const;

 private:
  /// Where a pair lives: block kind (0 diagonal, 1 upper (s, s+1), 2 lower (s+1, s)), the
  /// super-slice s and the row / column offsets inside the block.
  struct Place {
    int kind, s, row, col;
  };
  struct Tridiagonal {
    std::vector<MatrixXc> diagonal, upper, lower;
  };
  Tridiagonal scatter(const std::vector<Block2>& blocks) const;
  /// C = G Y G2 with G2 = right's G (right == nullptr: G2 = G^dag).
  std::vector<Block2> correlate(const std::vector<Block2>& source, double left_weight, double right_weight,
                                const BlockCorrelator* right) const;
  void gather_into(const Tridiagonal& t, std::vector<Block2>& out) const;

  const Device& dev_;
  int group_;
  std::vector<int> sizes_, first_slice_;        // per super-slice: block size, first slice
  std::vector<std::array<int, 2>> pairs_;
  std::vector<Place> places_;
  std::vector<MatrixXc> V_, W_, g_, G_, P_;       // couplings, left-connected g, G_ss, P_s
  MatrixXc gamma_left_, gamma_right_;
  std::vector<Block2> retarded_pairs_;
};

}  // namespace spintex
