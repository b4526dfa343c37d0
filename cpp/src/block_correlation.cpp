#include "spintex/block_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "spintex/dense.hpp"

namespace spintex {

namespace {
void add_block(MatrixXc& M, int row, int col, const Block2& b) { M.block<2, 2>(row, col) += b; }
Block2 read_block(const MatrixXc& M, int row, int col) { return M.block<2, 2>(row, col); }
}  // namespace

BlockCorrelator::BlockCorrelator(const Device& device, cplx z, int group,
                                 std::vector<std::array<int, 2>> pairs,
                                 const std::vector<Block2>& sigma)
    : dev_(device), group_(group), pairs_(std::move(pairs)) {
  if (group < 1) throw std::invalid_argument("group must be >= 1 slices per super-slice");
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag()) || !(z.imag() >= 0.0))
    throw std::invalid_argument("energy must be finite with Im(E) >= 0");
  if (sigma.size() != pairs_.size())
    throw std::invalid_argument("self-energy needs one 2x2 block per pair");
  const int L = dev_.slices(), Wd = dev_.sites_per_slice(), n = dev_.block_size();
  group_ = std::min(group, L);  // (a larger group is the whole device; L + group - 1 could overflow)
  const int S = (L - 1) / group_ + 1;
  for (int s = 0; s < S; ++s) {
    first_slice_.push_back(s * group_);
    sizes_.push_back(n * (std::min(L, (s + 1) * group_) - s * group_));
  }
  // locate every pair in the super-slice structure
  places_.reserve(pairs_.size());
  for (const auto& pr : pairs_) {
    for (int site : pr)
      if (site < 0 || site >= dev_.num_sites())
        throw std::invalid_argument("pair site index " + std::to_string(site) + " out of range");
    const int lu = pr[0] / Wd, lv = pr[1] / Wd, su = lu / group_, sv = lv / group_;
    const int row = 2 * ((lu - su * group_) * Wd + pr[0] % Wd);
    const int col = 2 * ((lv - sv * group_) * Wd + pr[1] % Wd);
    if (su == sv) places_.push_back({0, su, row, col});
    else if (sv == su + 1) places_.push_back({1, su, row, col});
    else if (su == sv + 1) places_.push_back({2, sv, row, col});
    else
      throw std::invalid_argument("pair (" + std::to_string(pr[0]) + ", " + std::to_string(pr[1]) +
                                  ") spans more than neighbouring super-slices; increase group");
  }
  const Tridiagonal sig = scatter(sigma);

  V_.resize(static_cast<std::size_t>(S > 1 ? S - 1 : 0));
  W_.resize(V_.size());
  g_.resize(static_cast<std::size_t>(S));
  G_.resize(static_cast<std::size_t>(S));
  P_.resize(static_cast<std::size_t>(S));
  gamma_left_ = dev_.left().broadening(z);
  gamma_right_ = dev_.right().broadening(z);
  const MatrixXc sl = dev_.left().self_energy(z), sr = dev_.right().self_energy(z);

  MatrixXc A, slice_block, t1, t2;
  for (int s = 0; s < S; ++s) {
    const int m = sizes_[s], count = m / n, l0 = first_slice_[s];
    // A_ss = z - H_ss - Sigma_leads - Sigma: the slices' effective blocks, the couplings inside
    // the super-slice, then the pair self-energy
    A.setZero(m, m);
    for (int i = 0; i < count; ++i) {
      effective_block(dev_, l0 + i, z, sl, sr, nullptr, slice_block);
      A.block(i * n, i * n, n, n) = slice_block;
      if (i + 1 < count) {
        A.block(i * n, (i + 1) * n, n, n) -= dev_.upper(l0 + i);
        A.block((i + 1) * n, i * n, n, n) -= dev_.upper(l0 + i).adjoint();
      }
    }
    A -= sig.diagonal[s];
    if (s + 1 < S) {  // couplings to the next super-slice: H + Sigma
      const MatrixXc& h = dev_.upper(l0 + count - 1);
      V_[s] = sig.upper[s];
      V_[s].block(m - n, 0, n, n) += h;
      W_[s] = sig.lower[s];
      W_[s].block(0, m - n, n, n) += h.adjoint();
    }
    if (s > 0) {
      dense::multiply(W_[s - 1], g_[s - 1], t1);
      dense::multiply(t1, V_[s - 1], t2);
      A -= t2;
    }
    dense::invert(A, g_[s]);
  }
  G_[S - 1] = g_[S - 1];
  Tridiagonal ret{std::vector<MatrixXc>(S), std::vector<MatrixXc>(V_.size()), std::vector<MatrixXc>(V_.size())};
  ret.diagonal[S - 1] = G_[S - 1];
  for (int s = S - 2; s >= 0; --s) {
    dense::multiply(g_[s], V_[s], t1);            // g V
    dense::multiply(t1, G_[s + 1], ret.upper[s]);  // G_{s,s+1} = g V G
    dense::multiply(ret.upper[s], W_[s], P_[s]);   // P = g V G W
    dense::multiply(G_[s + 1], W_[s], t2);
    dense::multiply(t2, g_[s], ret.lower[s]);      // G_{s+1,s} = G W g
    G_[s] = g_[s];
    dense::multiply_add(P_[s], g_[s], G_[s]);      // G_ss = g + P g
    ret.diagonal[s] = G_[s];
  }
  gather_into(ret, retarded_pairs_);
}

BlockCorrelator::Tridiagonal BlockCorrelator::scatter(const std::vector<Block2>& blocks) const {
  const int S = static_cast<int>(sizes_.size());
  Tridiagonal t;
  for (int s = 0; s < S; ++s) {
    t.diagonal.push_back(MatrixXc::Zero(sizes_[s], sizes_[s]));
    if (s + 1 < S) {
      t.upper.push_back(MatrixXc::Zero(sizes_[s], sizes_[s + 1]));
      t.lower.push_back(MatrixXc::Zero(sizes_[s + 1], sizes_[s]));
    }
  }
  for (std::size_t k = 0; k < places_.size(); ++k) {
    const Place& p = places_[k];
    MatrixXc& M = p.kind == 0 ? t.diagonal[p.s] : p.kind == 1 ? t.upper[p.s] : t.lower[p.s];
    add_block(M, p.row, p.col, blocks[k]);
  }
  return t;
}

void BlockCorrelator::gather_into(const Tridiagonal& t, std::vector<Block2>& out) const {
  out.resize(places_.size());
  for (std::size_t k = 0; k < places_.size(); ++k) {
    const Place& p = places_[k];
    const MatrixXc& M = p.kind == 0 ? t.diagonal[p.s] : p.kind == 1 ? t.upper[p.s] : t.lower[p.s];
    out[k] = read_block(M, p.row, p.col);
  }
}

std::vector<Block2> BlockCorrelator::apply(const std::vector<Block2>& source, double left_weight,
                                           double right_weight, Pairing pairing) const {
  return correlate(source, left_weight, right_weight, pairing == Pairing::RetardedRetarded ? this : nullptr);
}

std::vector<Block2> BlockCorrelator::apply_mixed(const BlockCorrelator& right,
                                                 const std::vector<Block2>& source) const {
  if (right.sizes_ != sizes_ || right.group_ != group_ || right.pairs_ != pairs_)
    throw std::invalid_argument("apply_mixed needs two block sweeps with the same slices, group and pair list");
  return correlate(source, 0.0, 0.0, &right);
}

std::vector<Block2> BlockCorrelator::correlate(const std::vector<Block2>& source, double left_weight,
                                               double right_weight, const BlockCorrelator* right_sweep) const {
  if (!source.empty() && source.size() != places_.size())
    throw std::invalid_argument("source needs one 2x2 block per pair");
  const int S = super_slices(), n = dev_.block_size();
  Tridiagonal Y = scatter(source.empty() ? std::vector<Block2>(places_.size(), Block2::Zero()) : source);
  if (left_weight != 0.0) Y.diagonal[0].topLeftCorner(n, n) += left_weight * gamma_left_;
  if (right_weight != 0.0) Y.diagonal[S - 1].bottomRightCorner(n, n) += right_weight * gamma_right_;
  // The right factor of C = G Y G2 (header): for RA G2 = G^dag, whose sweep has g2 = g^dag,
  // V2 = W^dag, W2 = V^dag, G2_ss = G_ss^dag; otherwise G2 is the retarded sweep R of
  // `right_sweep` (this one for RR).  `right(ra, r)` is the right factor's matrix given the left
  // factor's one (ra: adjoint it) and R's (r).
  const BlockCorrelator* R = right_sweep;
  const bool rr = R != nullptr;
  MatrixXc adjointed;
  auto right = [rr, &adjointed](const MatrixXc& of, const MatrixXc& r) -> const MatrixXc& {
    if (rr) return r;
    adjointed = of.adjoint();
    return adjointed;
  };

  // forward: left-connected g<_s = g [Y_ss + W (g<_{s-1} V2 + g_{s-1} Y_{s-1,s}) + Y_{s,s-1} g2_{s-1} V2] g2
  // (the W g_{s-1} Y_{s-1,s} term folded into one product with W)
  std::vector<MatrixXc> gl(static_cast<std::size_t>(S));
  MatrixXc X, t1, T, V2, g2;
  for (int s = 0; s < S; ++s) {
    X = Y.diagonal[s];
    if (s > 0) {
      V2 = right(W_[s - 1], R ? R->V_[s - 1] : V_[s - 1]);
      g2 = right(g_[s - 1], R ? R->g_[s - 1] : g_[s - 1]);
      dense::multiply(gl[s - 1], V2, T);                // g< V2
      dense::multiply_add(g_[s - 1], Y.upper[s - 1], T);  // + g Y_{s-1,s}
      dense::multiply_add(W_[s - 1], T, X);             // W (...)
      dense::multiply(Y.lower[s - 1], g2, t1);
      dense::multiply_add(t1, V2, X);                   // + Y_{s,s-1} g2 V2
    }
    dense::multiply(g_[s], X, t1);
    dense::multiply(t1, right(g_[s], R ? R->g_[s] : g_[s]), gl[s]);
  }
  // backward, with the products shared between the three blocks of super-slice s:
  //   Lo = C_{s+1} W2g2 + G_{s+1} Y_{s+1,s} g2,   UpY = g Y_{s,s+1} G2_{s+1}
  //   C_{s+1,s} = G W g< + Lo
  //   C_{s,s+1} = g< V2 G2 + g V C_{s+1} + UpY
  //   C_ss = g< + P g< + g< P2 + g V Lo + UpY W2g2
  // (the header's C_ss with g V C W2g2 + g V G Y_{s+1,s} g2 = g V Lo and g Y G2 W2 g2 = UpY W2g2)
  Tridiagonal C{std::vector<MatrixXc>(S), std::vector<MatrixXc>(V_.size()), std::vector<MatrixXc>(V_.size())};
  C.diagonal[S - 1] = gl[S - 1];
  MatrixXc gV, GW, W2g2, P2, V2G2, G2n, Lo, UpY;
  for (int s = S - 2; s >= 0; --s) {
    const MatrixXc& Cn = C.diagonal[s + 1];
    const MatrixXc& Gn = G_[s + 1];
    dense::multiply(g_[s], V_[s], gV);  // g V
    dense::multiply(Gn, W_[s], GW);     // G W
    // the right factor's composites (RA: adjoints of the left's, no products)
    if (rr) {  // R's sweep (RR: R = this, and G2 W2 = G W)
      g2 = R->g_[s];
      G2n = R->G_[s + 1];
      dense::multiply(R->W_[s], g2, W2g2);  // W2 g2
      if (R == this) {
        dense::multiply(GW, g2, t1);        // G2 W2 g2
      } else {
        dense::multiply(G2n, R->W_[s], T);
        dense::multiply(T, g2, t1);
      }
      dense::multiply(R->V_[s], t1, P2);    // P2 = V2 G2 W2 g2
      dense::multiply(R->V_[s], G2n, V2G2);  // V2 G2
    } else {
      g2 = g_[s].adjoint();
      G2n = Gn.adjoint();
      W2g2 = gV.adjoint();
      P2 = P_[s].adjoint();
      V2G2 = GW.adjoint();
    }
    dense::multiply(Cn, W2g2, Lo);
    dense::multiply(Gn, Y.lower[s], t1);
    dense::multiply_add(t1, g2, Lo);
    dense::multiply(g_[s], Y.upper[s], t1);
    dense::multiply(t1, G2n, UpY);
    dense::multiply(GW, gl[s], C.lower[s]);
    C.lower[s] += Lo;
    dense::multiply(gl[s], V2G2, C.upper[s]);
    dense::multiply_add(gV, Cn, C.upper[s]);
    C.upper[s] += UpY;
    MatrixXc& Cs = C.diagonal[s];
    Cs = gl[s];
    dense::multiply_add(P_[s], gl[s], Cs);
    dense::multiply_add(gl[s], P2, Cs);
    dense::multiply_add(gV, Lo, Cs);
    dense::multiply_add(UpY, W2g2, Cs);
  }
  std::vector<Block2> out;
  gather_into(C, out);
  return out;
}

}  // namespace spintex
