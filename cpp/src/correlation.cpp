#include "spintex/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "spintex/dense.hpp"

namespace spintex {


Correlator::Correlator(const Device& device, cplx z, const std::vector<Block2>& sigma, bool retarded_retarded)
    : dev_(device) {
  sweep(z, sigma);
  if (retarded_retarded) complete_retarded_retarded();
}

void Correlator::recompute(cplx z, const std::vector<Block2>& sigma, bool retarded_retarded) {
  has_q_ = false;  // (Q_'s storage is kept for the next completion)
  sweep(z, sigma);
  if (retarded_retarded) complete_retarded_retarded();
}

void Correlator::sweep(cplx z, const std::vector<Block2>& sigma) {
  const int L = dev_.slices(), W = dev_.sites_per_slice();
  if (!sigma.empty() && sigma.size() != static_cast<std::size_t>(dev_.num_sites()))
    throw std::invalid_argument("local self-energy needs one 2x2 block per site");
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag()) || !(z.imag() >= 0.0))
    throw std::invalid_argument("energy must be finite with Im(E) >= 0");
  z_ = z;
  g_.resize(static_cast<std::size_t>(L));
  G_.resize(static_cast<std::size_t>(L));
  P_.resize(static_cast<std::size_t>(L));
  const MatrixXc sl = dev_.left().self_energy(z), sr = dev_.right().self_energy(z);
  gamma_left_ = dev_.left().broadening(z);
  gamma_right_ = dev_.right().broadening(z);
  MatrixXc A, t1, t2;
  for (int l = 0; l < L; ++l) {
    effective_block(dev_, l, z, sl, sr, sigma.empty() ? nullptr : &sigma, A);
    if (l > 0) {
      dev_.sandwich_dagger_first(l - 1, g_[l - 1], t1);  // V^dag g V
      A -= t1;
    }
    dense::invert(A, g_[l]);
  }
  G_[L - 1] = g_[L - 1];
  for (int l = L - 2; l >= 0; --l) {
    dev_.times_coupling(l, g_[l], t1);            // g V
    dense::multiply(t1, G_[l + 1], t2);     // g V G_{l+1}
    dev_.times_coupling_dagger(l, t2, P_[l]);         // P = g V G V^dag
    G_[l] = g_[l];
    dense::multiply_add(P_[l], g_[l], G_[l]);  // G_ll = g + P g
  }
  retarded_sites_.resize(static_cast<std::size_t>(dev_.num_sites()));
  for (int l = 0; l < L; ++l)
    for (int p = 0; p < W; ++p)
      retarded_sites_[static_cast<std::size_t>(l * W + p)] = G_[l].block<2, 2>(2 * p, 2 * p);
}

void Correlator::complete_retarded_retarded() {
  if (has_q_) return;
  const int L = dev_.slices();
  Q_.resize(static_cast<std::size_t>(L));
  MatrixXc t1, t2;
  for (int l = L - 2; l >= 0; --l) {
    dev_.coupling_dagger_times(l, g_[l], t1);  // V^dag g
    dev_.coupling_times(l, G_[l + 1], t2);     // V G_{l+1}
    dense::multiply(t2, t1, Q_[l]);            // Q = V G V^dag g
  }
  has_q_ = true;
}

void Correlator::apply(const std::vector<Block2>& source, double left_weight, double right_weight,
                       std::vector<Block2>& sites, std::vector<Block2>& bonds, Pairing pairing,
                       std::vector<Block2>* bonds_ij, std::array<cplx, 2>* lead_traces) const {
  correlate(source, left_weight, right_weight, sites, &bonds, pairing, bonds_ij, lead_traces);
}

void Correlator::apply_sites(const std::vector<Block2>& source, Pairing pairing, std::vector<Block2>& sites) const {
  correlate(source, 0.0, 0.0, sites, nullptr, pairing, nullptr, nullptr);
}

void Correlator::apply_lead_shift(const std::vector<Block2>& source, const std::array<double, 2>& lead_shift,
                                  std::vector<Block2>& sites, std::vector<Block2>* bonds_ji,
                                  std::vector<Block2>* bonds_ij) const {
  correlate(source, 0.0, 0.0, sites, bonds_ji, Pairing::RetardedRetarded, bonds_ij, nullptr, &lead_shift);
}

void Correlator::correlate(const std::vector<Block2>& source, double left_weight, double right_weight,
                           std::vector<Block2>& sites, std::vector<Block2>* bonds_ji, Pairing pairing,
                           std::vector<Block2>* bonds_ij, std::array<cplx, 2>* lead_traces,
                           const std::array<double, 2>* lead_shift) const {
  const int L = dev_.slices(), W = dev_.sites_per_slice(), n = dev_.block_size();
  if (!source.empty() && source.size() != static_cast<std::size_t>(dev_.num_sites()))
    throw std::invalid_argument("source needs one 2x2 block per site");
  const bool ra = pairing == Pairing::RetardedAdvanced;
  if (!ra && !has_q_) throw std::logic_error("G Y G needs a correlator built with its RR factors");
  // out = A * partner(B): B^dag for G^R Y G^A, B itself for G^R Y G^R
  auto times_partner = [ra](const MatrixXc& A, const MatrixXc& B, MatrixXc& out) {
    if (ra) dense::multiply_adjoint_right(A, B, out); else dense::multiply(A, B, out);
  };
  std::vector<MatrixXc> gl(static_cast<std::size_t>(L));  // g<_l (or h_l)
  MatrixXc Y, t1, t2, X, Xr;
  for (int l = 0; l < L; ++l) {
    Y.setZero(n, n);
    if (!source.empty())
      for (int p = 0; p < W; ++p) Y.block<2, 2>(2 * p, 2 * p) = source[static_cast<std::size_t>(l * W + p)];
    if (l == 0 && left_weight != 0.0) Y += left_weight * gamma_left_;
    if (l == L - 1 && right_weight != 0.0) Y += right_weight * gamma_right_;
    if (lead_shift && l == 0 && (*lead_shift)[0] != 0.0) Y -= (*lead_shift)[0] * dev_.left().self_energy_derivative(z_);
    if (lead_shift && l == L - 1 && (*lead_shift)[1] != 0.0)
      Y -= (*lead_shift)[1] * dev_.right().self_energy_derivative(z_);
    if (l > 0) {
      dev_.sandwich_dagger_first(l - 1, gl[l - 1], t1);  // V^dag g< V
      Y += t1;
    }
    dense::multiply(g_[l], Y, t1);
    times_partner(t1, g_[l], gl[l]);
  }
  sites.assign(static_cast<std::size_t>(dev_.num_sites()), Block2::Zero());
  if (bonds_ji) bonds_ji->assign(static_cast<std::size_t>(dev_.num_bonds()), Block2::Zero());
  if (bonds_ij) bonds_ij->assign(static_cast<std::size_t>(dev_.num_bonds()), Block2::Zero());
  MatrixXc C = gl[L - 1], C_next, C_dn, C_up;
  for (int l = L - 1; l >= 0; --l) {
    if (l < L - 1) {
      C_next.swap(C);
      // RA: C_ll = g< + P g< + g< P^dag + (g V) C_{l+1} (g V)^dag
      // RR: C_ll = h + P h + h Q + (g V) C_{l+1} (V^dag g)
      dev_.times_coupling(l, g_[l], X);                  // g V
      dense::multiply(X, C_next, t1);
      if (ra) {
        dense::multiply_adjoint_right(t1, X, C);
      } else {
        dev_.coupling_dagger_times(l, g_[l], Xr);            // V^dag g
        dense::multiply(t1, Xr, C);
      }
      C += gl[l];
      dense::multiply_add(P_[l], gl[l], C);
      if (ra) dense::multiply_adjoint_right(gl[l], P_[l], t1); else dense::multiply(gl[l], Q_[l], t1);
      C += t1;
    }
    if (l < L - 1 && bonds_ji) {  // (without bond output: sites only, the ladder's inner products)
      // C_{l+1,l} = G_{l+1} V^dag g< + C_{l+1} (g V)^dag      (RR: ... + C_{l+1} V^dag g)
      dev_.coupling_dagger_times(l, gl[l], t1);
      dense::multiply(G_[l + 1], t1, C_dn);
      if (ra) dense::multiply_adjoint_right(C_next, X, t2); else dense::multiply(C_next, Xr, t2);
      C_dn += t2;
      if (bonds_ij) {  // C_{l,l+1} = g<_l V G_{l+1}^dag + (g V) C_{l+1}   (RR: h_l V G_{l+1} + ...)
        // (not C_{l+1,l}^dag: that holds for a Hermitian Y only)
        dev_.times_coupling(l, gl[l], t1);  // g< V
        times_partner(t1, G_[l + 1], C_up);
        dense::multiply_add(X, C_next, C_up);
      }
    }
    if (lead_traces && l == L - 1) (*lead_traces)[1] = (gamma_right_.cwiseProduct(C.transpose())).sum();
    if (lead_traces && l == 0) (*lead_traces)[0] = (gamma_left_.cwiseProduct(C.transpose())).sum();
    for (int p = 0; p < W; ++p)
      sites[static_cast<std::size_t>(l * W + p)] = C.block<2, 2>(2 * p, 2 * p);
    if (!bonds_ji) continue;
    for (const BondRef& b : dev_.bonds_from_slice(l)) {
      (*bonds_ji)[static_cast<std::size_t>(b.index)] = (b.inter ? C_dn : C).block<2, 2>(2 * b.to, 2 * b.from);
      if (bonds_ij)
        (*bonds_ij)[static_cast<std::size_t>(b.index)] = (b.inter ? C_up : C).block<2, 2>(2 * b.from, 2 * b.to);
    }
  }
}

void Correlator::slice_column(int s, int first, int last, std::vector<MatrixXc>& below,
                              std::vector<MatrixXc>& above) const {
  const int L = dev_.slices();
  if (first < 0 || first > s || s > last || last > L - 1)
    throw std::invalid_argument("slice_column needs slices 0 <= first <= s <= last < L");
  const auto at = [first](int l) { return static_cast<std::size_t>(l - first); };
  below.assign(static_cast<std::size_t>(last - first + 1), MatrixXc());
  above.assign(static_cast<std::size_t>(last - first + 1), MatrixXc());
  below[at(s)] = G_[static_cast<std::size_t>(s)];
  above[at(s)] = G_[static_cast<std::size_t>(s)];
  MatrixXc X;
  for (int l = s - 1; l >= first; --l) {  // left of s
    const MatrixXc& g = g_[static_cast<std::size_t>(l)];
    dev_.times_coupling(l, g, X);                     // g_l V_l
    dense::multiply(X, below[at(l + 1)], below[at(l)]);  // G_{l,s} = g_l V_l G_{l+1,s}
    dev_.coupling_dagger_times(l, g, X);              // V_l^dag g_l
    dense::multiply(above[at(l + 1)], X, above[at(l)]);  // G_{s,l} = G_{s,l+1} V_l^dag g_l
  }
  MatrixXc lower = g_[static_cast<std::size_t>(s)], upper = lower;  // g^(l-1)_{l-1,s}, g^(l-1)_{s,l-1}
  for (int l = s + 1; l <= last; ++l) {  // right of s
    const MatrixXc& G = G_[static_cast<std::size_t>(l)];
    const MatrixXc& g = g_[static_cast<std::size_t>(l)];
    dev_.coupling_dagger_times(l - 1, lower, X);       // V_{l-1}^dag g^(l-1)_{l-1,s}
    dense::multiply(G, X, below[at(l)]);               // G_{l,s} = G_ll V_{l-1}^dag g^(l-1)_{l-1,s}
    if (l < last) dense::multiply(g, X, lower);   // g^(l)_{l,s} = g_l V_{l-1}^dag g^(l-1)_{l-1,s}
    dev_.times_coupling(l - 1, upper, X);              // g^(l-1)_{s,l-1} V_{l-1}
    dense::multiply(X, G, above[at(l)]);               // G_{s,l} = g^(l-1)_{s,l-1} V_{l-1} G_ll
    if (l < last) dense::multiply(X, g, upper);   // g^(l)_{s,l} = g^(l-1)_{s,l-1} V_{l-1} g_l
  }
}

void apply_mixed(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                 std::vector<Block2>& sites, std::vector<Block2>& bonds_ji, std::vector<Block2>& bonds_ij) {
  mixed_product(a, b, source, sites, &bonds_ji, &bonds_ij);
}

void apply_mixed_sites(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                       std::vector<Block2>& sites) {
  mixed_product(a, b, source, sites, nullptr, nullptr);
}

void mixed_product(const Correlator& a, const Correlator& b, const std::vector<Block2>& source,
                   std::vector<Block2>& sites, std::vector<Block2>* bonds_ji, std::vector<Block2>* bonds_ij) {
  if (&a.dev_ != &b.dev_) throw std::invalid_argument("apply_mixed needs two correlators of the same device");
  if (!b.has_q_) throw std::logic_error("apply_mixed needs a right correlator built with its RR factors");
  const Device& dev = a.dev_;
  const int L = dev.slices(), W = dev.sites_per_slice(), n = dev.block_size();
  if (!source.empty() && source.size() != static_cast<std::size_t>(dev.num_sites()))
    throw std::invalid_argument("source needs one 2x2 block per site");
  std::vector<MatrixXc> h(static_cast<std::size_t>(L));
  MatrixXc Y, t1, t2, X, Xr;
  for (int l = 0; l < L; ++l) {
    Y.setZero(n, n);
    if (!source.empty())
      for (int p = 0; p < W; ++p) Y.block<2, 2>(2 * p, 2 * p) = source[static_cast<std::size_t>(l * W + p)];
    if (l > 0) {
      dev.sandwich_dagger_first(l - 1, h[l - 1], t1);  // V^dag h V
      Y += t1;
    }
    dense::multiply(a.g_[l], Y, t1);
    dense::multiply(t1, b.g_[l], h[l]);
  }
  sites.assign(static_cast<std::size_t>(dev.num_sites()), Block2::Zero());
  if (bonds_ji) bonds_ji->assign(static_cast<std::size_t>(dev.num_bonds()), Block2::Zero());
  if (bonds_ij) bonds_ij->assign(static_cast<std::size_t>(dev.num_bonds()), Block2::Zero());
  MatrixXc C = h[L - 1], C_next, C_dn, C_up;
  for (int l = L - 1; l >= 0; --l) {
    if (l < L - 1) {
      C_next.swap(C);
      dev.times_coupling(l, a.g_[l], X);          // g^a V
      dev.coupling_dagger_times(l, b.g_[l], Xr);  // V^dag g^b
      dense::multiply(X, C_next, t1);
      dense::multiply(t1, Xr, C);
      C += h[l];
      dense::multiply_add(a.P_[l], h[l], C);
      dense::multiply(h[l], b.Q_[l], t1);
      C += t1;
      if (bonds_ji) {
        dev.coupling_dagger_times(l, h[l], t1);     // V^dag h
        dense::multiply(a.G_[l + 1], t1, C_dn);
        dense::multiply_add(C_next, Xr, C_dn);
      }
      if (bonds_ij) {
        dev.times_coupling(l, h[l], t1);            // h V
        dense::multiply(t1, b.G_[l + 1], C_up);
        dense::multiply_add(X, C_next, C_up);
      }
    }
    for (int p = 0; p < W; ++p)
      sites[static_cast<std::size_t>(l * W + p)] = C.block<2, 2>(2 * p, 2 * p);
    for (const BondRef& bond : dev.bonds_from_slice(l)) {
      if (bonds_ji)
        (*bonds_ji)[static_cast<std::size_t>(bond.index)] = (bond.inter ? C_dn : C).block<2, 2>(2 * bond.to, 2 * bond.from);
      if (bonds_ij)
        (*bonds_ij)[static_cast<std::size_t>(bond.index)] = (bond.inter ? C_up : C).block<2, 2>(2 * bond.from, 2 * bond.to);
    }
  }
}

}  // namespace spintex
