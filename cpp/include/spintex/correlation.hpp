/// Correlation functions C = G^R Y G^A for local sources Y (lesser Green's functions).
///
/// Disorder in the self-consistent Born approximation enters the Keldysh equation through local
/// lesser self-energies: -i G^< = G^R (f_L Gamma_L + f_R Gamma_R - i Sigma^<_dis) G^A.  At one
/// energy the retarded blocks are fixed, so C[Y] = G Y G^dag is a linear map applied many times
/// (once per GMRES iteration of the ladder equation).  Correlator caches the retarded sweep and
/// applies the map in O(L n^3) by the recursion (Y block-diagonal in slices):
///
///   g<_l = g_l (Y_l + V_{l-1}^dag g<_{l-1} V_{l-1}) g_l^dag                 (left-connected)
///   C_ll = g<_l + P_l g<_l + g<_l P_l^dag + g_l V_l C_{l+1,l+1} V_l^dag g_l^dag,
///          P_l = g_l V_l G_{l+1,l+1} V_l^dag
///   C_{l+1,l} = G_{l+1,l+1} V_l^dag g<_l + C_{l+1,l+1} V_l^dag g_l^dag
///
/// (derived by splitting sum_m G_lm Y_m G_lm^dag at the l | l+1 boundary; see docs/physics.md sections 2-3).
/// The retarded-retarded product G Y G (Kubo-Bastin Fermi-surface terms) follows the same
/// recursion with every right factor X^dag replaced by its retarded partner:
/// h_l = g_l (Y_l + V^dag h_{l-1} V) g_l, C_ll = h + P h + h Q + g V C_{l+1} V^dag g,
/// Q_l = V_l G_{l+1,l+1} V_l^dag g_l, and C_{l+1,l} = G_{l+1} V^dag h + C_{l+1} V^dag g_l.
#pragma once

#include <array>

#include "spintex/device.hpp"

namespace spintex {

/// Which product the correlator forms: G^R Y G^A (= G Y G^dag) or G^R Y G^R.
enum class Pairing { RetardedAdvanced, RetardedRetarded };

class Correlator {
 public:
  /// Cache the retarded sweep at energy z with the local self-energy (N site blocks, may be empty).
  /// `retarded_retarded = false` skips the factors Q_l that only G Y G needs (one of the four
  /// products per slice: the SCBA iterations need G^R alone); complete_retarded_retarded() adds them.
  Correlator(const Device& device, cplx z, const std::vector<Block2>& local_self_energy,
             bool retarded_retarded = true);

  /// Redo the retarded sweep at energy z with another local self-energy, in the storage of this
  /// correlator (no allocation: an SCBA iteration reuses the previous iterate's slice blocks
  /// instead of faulting in fresh pages, which on the benchmark machine cost as much as the
  /// sweep); the RR factors are computed again if `retarded_retarded`, else dropped until
  /// complete_retarded_retarded().
  void recompute(cplx z, const std::vector<Block2>& local_self_energy, bool retarded_retarded = false);

  /// Compute the RR factors Q_l if the constructor skipped them (idempotent).
  void complete_retarded_retarded();

  /// G^R_ii site blocks (N).
  const std::vector<Block2>& retarded_sites() const { return retarded_sites_; }

  /// Site blocks C_ii and bond blocks C_ji (for the device's bonds) of C = G Y G^dag, with
  /// Y = diag(site_source) + left_weight Gamma_L (slice 0) + right_weight Gamma_R (last slice).
  /// With Pairing::RetardedRetarded the product is G Y G and the bond blocks are C_ji, j after i.
  /// If `bonds_ij` is given it also receives the reverse bond blocks C_ij; for RR (C is not
  /// Hermitian) C_{l,l+1} = h_l V_l G_{l+1,l+1} + g_l V_l C_{l+1,l+1} (docs/physics.md).
  /// If `lead_traces` is given it receives Tr[Gamma_L C_00] and Tr[Gamma_R C_{L-1,L-1}] (for RA:
  /// 2 pi x the particle currents into the leads of the correlation C, the emissivities).
  void apply(const std::vector<Block2>& site_source, double left_weight, double right_weight,
             std::vector<Block2>& sites, std::vector<Block2>& bonds,
             Pairing pairing = Pairing::RetardedAdvanced,
             std::vector<Block2>* bonds_ij = nullptr, std::array<cplx, 2>* lead_traces = nullptr) const;

  /// Site blocks C_ii alone of C = G Y G^dag or G Y G, Y = diag(site_source) (the inner products
  /// of ladder solvers: the bond blocks' products are skipped).
  void apply_sites(const std::vector<Block2>& site_source, Pairing pairing, std::vector<Block2>& sites) const;

  /// The RR product G Y G with the first-order change of the lead self-energies under rigid shifts
  /// (v_L, v_R) = `lead_shift` of the leads' bands added to the source on the end slices:
  /// Y = diag(site_source) - v_L dSigma_L/dz (slice 0) - v_R dSigma_R/dz (slice L-1), at this
  /// correlator's z (the static response to the leads' band shifts: dG = G dSigma G).  Site blocks,
  /// and bond blocks C_ji and C_ij where those pointers are given.
  void apply_lead_shift(const std::vector<Block2>& site_source, const std::array<double, 2>& lead_shift,
                        std::vector<Block2>& sites, std::vector<Block2>* bonds_ji,
                        std::vector<Block2>* bonds_ij) const;

  /// The slice blocks of G^R in the column and row of slice s over the slices first..last
  /// (0 <= first <= s <= last < L, std::invalid_argument otherwise): below[l - first] = G_{l,s} and
  /// above[l - first] = G_{s,l} (n x n).  2 dense products per slice left of s and 4 right of it,
  /// from the cached sweep (derivation below).
  ///
  /// Dyson's equation across a cut between slices l and l + 1 (H_{l,l+1} = V_l, H_{l+1,l} = V_l^dag,
  /// as in Device's coupling products), with g^(l) the Green's function of slices 0..l alone
  /// (left lead included, no coupling to l + 1; its diagonal block g^(l)_{ll} is the cached g_l):
  ///   a in 0..l, b in l+1..L-1:  G_{ab} = g^(l)_{al} V_l G_{l+1,b},  G_{ba} = G_{b,l+1} V_l^dag g^(l)_{la}.
  /// Left of s (l < s, a = l, b = s):
  ///   G_{l,s} = g_l V_l G_{l+1,s},   G_{s,l} = G_{s,l+1} V_l^dag g_l          (one product each).
  /// Right of s (l > s: cut between l - 1 and l, a = s, b = l, and g^(l-1)_{l-1,l-1} = g_{l-1}):
  ///   G_{l,s} = G_{l,l} V_{l-1}^dag g^(l-1)_{l-1,s},   G_{s,l} = g^(l-1)_{s,l-1} V_{l-1} G_{l,l},
  /// the left-connected off-diagonal blocks by the same cut inside 0..l (Dyson for g^(l)):
  ///   g^(l)_{l,s} = g_l V_{l-1}^dag g^(l-1)_{l-1,s},   g^(l)_{s,l} = g^(l-1)_{s,l-1} V_{l-1} g_l,
  /// starting from g^(s)_{ss} = g_s.  (The bond formula C_{l+1,l} = G_{l+1} V_l^dag g<_l above is
  /// the first of these with g replaced by g<.)  Each step right of s shares V^dag g^(l-1)_{l-1,s}
  /// (resp. g^(l-1)_{s,l-1} V) between its two products.
  void slice_column(int s, int first, int last, std::vector<MatrixXc>& below, std::vector<MatrixXc>& above) const;

  const Device& device() const { return dev_; }

 private:
  void correlate(const std::vector<Block2>& source, double left_weight, double right_weight,
                 std::vector<Block2>& sites, std::vector<Block2>* bonds_ji, Pairing pairing,
                 std::vector<Block2>* bonds_ij, std::array<cplx, 2>* lead_traces,
                 const std::array<double, 2>* lead_shift = nullptr) const;
  friend void mixed_product(const Correlator&, const Correlator&, const std::vector<Block2>&,
                            std::vector<Block2>&, std::vector<Block2>*, std::vector<Block2>*);
  void sweep(cplx z, const std::vector<Block2>& local_self_energy);
  const Device& dev_;
  cplx z_;                                // the energy of the cached sweep
  std::vector<MatrixXc> g_, G_, P_, Q_;  // left-connected g_l, G_ll, P_l, Q_l
  bool has_q_ = false;                    // Q_ holds this sweep's RR factors
  MatrixXc gamma_left_, gamma_right_;
  std::vector<Block2> retarded_sites_;
};

/// C = G(z_a) Y G(z_b) for two correlators of the same device at energies z_a, z_b: the RR
/// recursion with left factors from `a` and right factors from `b`,
///   h_l = g^a_l (Y_l + V^dag h_{l-1} V) g^b_l,
///   C_ll = h + P^a h + h Q^b + g^a V C_{l+1} V^dag g^b,
///   C_{l+1,l} = G^a_{l+1} V^dag h + C_{l+1} V^dag g^b,  C_{l,l+1} = h V G^b_{l+1} + g^a V C_{l+1}.
/// Site blocks C_ii, bond blocks C_ji and C_ij.  (Energy derivatives of G Y G, the Fermi-sea
/// terms of Kubo-Bastin responses, by differences in z_b.)
void apply_mixed(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                 std::vector<Block2>& sites, std::vector<Block2>& bonds_ji, std::vector<Block2>& bonds_ij);

/// The site blocks alone of G(z_a) Y G(z_b) (the inner products of mixed-energy ladders).
void apply_mixed_sites(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                       std::vector<Block2>& sites);

/// apply_mixed with optional bond outputs (nullptr: those products skipped).
void mixed_product(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                   std::vector<Block2>& sites, std::vector<Block2>* bonds_ji, std::vector<Block2>* bonds_ij);

}  // namespace spintex
