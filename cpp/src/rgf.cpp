#include "spintex/rgf.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>

#include "spintex/dense.hpp"
#include "spintex/parallel.hpp"


namespace spintex {

namespace {

/// P_s M with P_s = (1 + s u.sigma)/2 acting on the spin index of every site (rows of M).
MatrixXc project_spin(const MatrixXc& M, const Eigen::Vector3d& u, int s) {
  Block2 P;
  const double h = 0.5 * s;
  P << 0.5 + h * u(2), h * cplx(u(0), -u(1)), h * cplx(u(0), u(1)), 0.5 - h * u(2);
  MatrixXc out(M.rows(), M.cols());
  for (Eigen::Index p = 0; p < M.rows() / 2; ++p)
    out.middleRows(2 * p, 2).noalias() = P * M.middleRows(2 * p, 2);
  return out;
}

double real_trace_product(const MatrixXc& A, const MatrixXc& B) {  // Re Tr[A B]
  return (A.cwiseProduct(B.transpose())).sum().real();
}

/// Add w * M[rows 2q.., cols 2p..] to the 2x2 block stored at out[4 k].
inline void add_block(const MatrixXc& M, int q, int p, cplx w, cplx* out) {
  out[0] += w * M(2 * q, 2 * p);
  out[1] += w * M(2 * q, 2 * p + 1);
  out[2] += w * M(2 * q + 1, 2 * p);
  out[3] += w * M(2 * q + 1, 2 * p + 1);
}

/// Add w * (B C^dagger)[rows 2q.., cols 2p..], only that 2x2 block of the product.
inline void add_outer_block(const MatrixXc& B, const MatrixXc& C, int q, int p, cplx w,
                            cplx* out) {
  const Block2 blk = B.middleRows(2 * q, 2) * C.middleRows(2 * p, 2).adjoint();
  out[0] += w * blk(0, 0);
  out[1] += w * blk(0, 1);
  out[2] += w * blk(1, 0);
  out[3] += w * blk(1, 1);
}

/// One energy: forward and backward sweeps with the products needed by the request.
class Sweep {
 public:
  Sweep(const Device& device, const Request& request, const std::vector<Block2>* sigma)
      : dev_(device), req_(request), sigma_(sigma) {
    const auto L = static_cast<std::size_t>(dev_.slices());
    g_.resize(L);
  }

  void run(std::size_t k, Accumulated& acc) {
    const cplx z = req_.energies[k];
    const cplx w_ret = req_.retarded_weights.empty() ? cplx(0) : req_.retarded_weights[k];
    const cplx w_left = req_.left_weights.empty() ? cplx(0) : req_.left_weights[k];
    const cplx w_right = req_.right_weights.empty() ? cplx(0) : req_.right_weights[k];
    const bool want_ret = !req_.retarded_weights.empty();
    // Columns: the requested leads; a transmission alone uses the left column, and the reverse
    // transmission needs both.
    const bool want_left = !req_.left_weights.empty() || req_.reverse_transmission ||
                           (req_.transmission && req_.right_weights.empty());
    const bool want_right = !req_.right_weights.empty() || req_.reverse_transmission;

    const MatrixXc sigma_left = dev_.left().self_energy(z);
    const MatrixXc sigma_right = dev_.right().self_energy(z);
    const MatrixXc gamma_left = dev_.left().broadening(z);
    const MatrixXc gamma_right = dev_.right().broadening(z);

    // Lead-injected blocks by one-sided sweeps (no G_ll needed), the retarded ones by the full
    // sweep; each reuses the stored g_l.
    if (want_left) injected_column(k, acc, true, z, sigma_left, sigma_right, gamma_left, gamma_right, w_left);
    if (want_right) injected_column(k, acc, false, z, sigma_left, sigma_right, gamma_left, gamma_right, w_right);
    if (want_ret) retarded_sweep(acc, z, sigma_left, sigma_right, w_ret);
  }

 private:
  /// G_ll, G_{l+1,l}, G_{l,l+1}: left-connected forward sweep, then
  /// G_ll = g_l + g_l V_l G_{l+1,l+1} V_l^dag g_l backwards; their site and bond blocks are added
  /// to the retarded accumulators with weight w.
  void retarded_sweep(Accumulated& acc, cplx z, const MatrixXc& sl, const MatrixXc& sr, cplx w) {
    const int L = dev_.slices();
    MatrixXc A, tmp;
    for (int l = 0; l < L; ++l) {
      effective_block(dev_, l, z, sl, sr, sigma_, A);
      if (l > 0) {
        dev_.sandwich_dagger_first(l - 1, g_[l - 1], tmp);  // V^dag g V
        A -= tmp;
      }
      dense::invert(A, g_[l]);
    }
    MatrixXc G = g_[L - 1], G_next, G_up, G_dn, X, Y;
    for (int l = L - 1; l >= 0; --l) {
      if (l < L - 1) {
        G_next.swap(G);
        dev_.times_coupling(l, g_[l], X);         // X = g_l V_l
        dev_.coupling_dagger_times(l, g_[l], Y);  // Y = V_l^dag g_l
        dense::multiply(X, G_next, G_up);         // G_{l,l+1}
        G = g_[l];
        dense::multiply_add(G_up, Y, G);          // G_ll
        dense::multiply(G_next, Y, G_dn);         // G_{l+1,l}
      }
      const int W = dev_.sites_per_slice();
      for (int p = 0; p < W; ++p)
        add_block(G, p, p, w, &acc.retarded_sites[static_cast<std::size_t>(l * W + p) * 4]);
      for (const BondRef& b : dev_.bonds_from_slice(l)) {
        const std::size_t at = static_cast<std::size_t>(b.index) * 4;
        add_block(b.inter ? G_dn : G, b.to, b.from, w, &acc.retarded_bonds_ji[at]);
        add_block(b.inter ? G_up : G, b.from, b.to, w, &acc.retarded_bonds_ij[at]);
      }
    }
  }

  /// One lead's column and its injected blocks without the diagonal G_ll.
  ///
  /// Left lead: right-connected sweep gR_l = (A_l - V_l gR_{l+1} V_l^dag)^{-1} from the right
  /// end (gR_0 = G_00 includes everything), then G_{l,0} = gR_l V_{l-1}^dag G_{l-1,0}.  Right
  /// lead, mirrored: left-connected g_l, then G_{l,L-1} = g_l V_l G_{l+1,L-1}.  Per slice one
  /// inversion and two block products (column, column x Gamma).
  void injected_column(std::size_t k, Accumulated& acc, bool left, cplx z, const MatrixXc& sl,
                       const MatrixXc& sr, const MatrixXc& gamma_left, const MatrixXc& gamma_right,
                       cplx weight) {
    const int L = dev_.slices();
    const bool accumulate = left ? !req_.left_weights.empty() : !req_.right_weights.empty();
    std::vector<cplx>& sites = left ? acc.left_sites : acc.right_sites;
    std::vector<cplx>& bonds = left ? acc.left_bonds : acc.right_bonds;
    const MatrixXc& gamma = left ? gamma_left : gamma_right;
    MatrixXc A, tmp;
    // connected sweep away from the injecting lead, stored in g_
    for (int step = 0; step < L; ++step) {
      const int l = left ? L - 1 - step : step;
      effective_block(dev_, l, z, sl, sr, sigma_, A);
      if (step > 0) {
        const int c = left ? l : l - 1;  // the coupling to the part already swept
        const MatrixXc& g_prev = g_[left ? l + 1 : l - 1];
        if (dev_.upper_is_scalar(c)) {
          A -= std::norm(dev_.upper_scalar(c)) * g_prev;
        } else {
          if (left) dev_.sandwich_dagger_last(c, g_prev, tmp);  // V_l g V_l^dag
          else dev_.sandwich_dagger_first(c, g_prev, tmp);      // V^dag g V
          A -= tmp;
        }
      }
      dense::invert(A, g_[l]);
    }
    // column from the injecting lead, walking towards the other one
    MatrixXc col = g_[left ? 0 : L - 1], B, col_prev, B_prev;
    dense::multiply(col, gamma, B);
    for (int step = 0; step < L; ++step) {
      const int l = left ? step : L - 1 - step;
      if (step > 0) {
        col_prev.swap(col);
        B_prev.swap(B);
        const int c = left ? l - 1 : l;
        if (dev_.upper_is_scalar(c)) {  // the scalar rides along in the product's alpha
          const cplx v = dev_.upper_scalar(c);
          dense::multiply(g_[l], col_prev, col, left ? std::conj(v) : v);
        } else {
          if (left) dev_.coupling_dagger_times(c, col_prev, tmp);  // V_{l-1}^dag G_{l-1,0}
          else dev_.coupling_times(c, col_prev, tmp);              // V_l G_{l+1,L-1}
          dense::multiply(g_[l], tmp, col);
        }
        dense::multiply(col, gamma, B);
      }
      if (!accumulate) continue;
      add_sites_and_intra_bonds(l, B, col, weight, sites, bonds);
      // bonds from slice l-1 (left sweep) or l (right sweep) into the next slice
      if (step > 0) {
        if (left) add_inter_bonds(l - 1, B, col_prev, weight, bonds);
        else add_inter_bonds(l, B_prev, col, weight, bonds);
      }
    }
    if (req_.transmission || req_.reverse_transmission)
      transmissions(k, acc, gamma_left, gamma_right, col, left);
  }

  void add_sites_and_intra_bonds(int l, const MatrixXc& B, const MatrixXc& col, cplx w,
                                 std::vector<cplx>& sites, std::vector<cplx>& bonds) const {
    const int W = dev_.sites_per_slice();
    for (int p = 0; p < W; ++p)
      add_outer_block(B, col, p, p, w, &sites[static_cast<std::size_t>(l * W + p) * 4]);
    for (const BondRef& b : dev_.bonds_from_slice(l))
      if (!b.inter) add_outer_block(B, col, b.to, b.from, w, &bonds[static_cast<std::size_t>(b.index) * 4]);
  }

  /// Bonds from slice l into l+1: (G Gamma G^dag)_ji = B_{l+1}[j] col_l[i]^dag.
  void add_inter_bonds(int l, const MatrixXc& B_next, const MatrixXc& col, cplx w,
                       std::vector<cplx>& bonds) const {
    for (const BondRef& b : dev_.bonds_from_slice(l))
      if (b.inter) add_outer_block(B_next, col, b.to, b.from, w, &bonds[static_cast<std::size_t>(b.index) * 4]);
  }

  /// The reported transmission is that of the injecting lead: left unless only the right lead's
  /// weights were requested.
  bool primary_is_left() const { return !req_.left_weights.empty() || req_.right_weights.empty(); }

  /// Caroli transmission and its spin-resolved parts from one column: left injection uses
  /// G = G_{L-1,0}, T_{ss'} = Tr[P'_{s'} Gamma_R P'_{s'} G P_s Gamma_L P_s G^dag]; right injection
  /// G = G_{0,L-1}, T_{ss'} = Tr[P_s Gamma_L P_s G P'_{s'} Gamma_R P'_{s'} G^dag] (P along the left
  /// axis, P' along the right one; Gamma commutes with them for collinear leads).
  void transmissions(std::size_t k, Accumulated& acc, const MatrixXc& gamma_left,
                     const MatrixXc& gamma_right, const MatrixXc& column, bool left_injection) const {
    const MatrixXc& gamma_in = left_injection ? gamma_left : gamma_right;
    const MatrixXc& gamma_out = left_injection ? gamma_right : gamma_left;
    const Eigen::Vector3d& axis_in = left_injection ? req_.left_axis : req_.right_axis;
    const Eigen::Vector3d& axis_out = left_injection ? req_.right_axis : req_.left_axis;
    MatrixXc T1, T2;
    dense::multiply(column, gamma_in, T1);
    dense::multiply_adjoint_right(T1, column, T2);
    const double total = real_trace_product(gamma_out, T2);
    const bool primary = left_injection == primary_is_left();
    (primary ? acc.transmission : acc.reverse_transmission)[k] = total;
    if (!primary) return;
    for (int a = 0; a < 2; ++a) {  // incoming spin
      dense::multiply(column, project_spin(gamma_in, axis_in, a == 0 ? 1 : -1), T1);
      dense::multiply_adjoint_right(T1, column, T2);
      for (int b = 0; b < 2; ++b) {  // outgoing spin
        const double t = real_trace_product(project_spin(gamma_out, axis_out, b == 0 ? 1 : -1), T2);
        const int s = left_injection ? a : b, sp = left_injection ? b : a;
        acc.spin_transmission[4 * k + 2 * s + sp] = t;
      }
    }
  }

  const Device& dev_;
  const Request& req_;
  const std::vector<Block2>* sigma_;
  std::vector<MatrixXc> g_;  // connected Green's functions of the current sweep
};

void validate(const Device& device, const Request& request, const std::vector<Block2>* sigma) {
  const std::size_t K = request.energies.size();
  auto check = [&](const std::vector<cplx>& w, const char* name) {
    if (!w.empty() && w.size() != K)
      throw std::invalid_argument(std::string(name) + " must have one weight per energy");
  };
  check(request.retarded_weights, "retarded_weights");
  check(request.left_weights, "left_weights");
  check(request.right_weights, "right_weights");
  for (const cplx& z : request.energies)
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag()) || z.imag() < 0.0)
      throw std::invalid_argument("energies must be finite with Im(E) >= 0 (retarded)");
  if (sigma && sigma->size() != static_cast<std::size_t>(device.num_sites()))
    throw std::invalid_argument("local self-energy needs one 2x2 block per site");
}

/// Size the accumulators of `a` for `copies` sets of blocks (1: one energy or a sum; K: every
/// energy apart).
void resize_accumulators(const Device& d, const Request& r, Accumulated& a, std::size_t copies = 1) {
  const std::size_t K = r.energies.size();
  const std::size_t N4 = 4 * static_cast<std::size_t>(d.num_sites()) * copies;
  const std::size_t B4 = 4 * static_cast<std::size_t>(d.num_bonds()) * copies;
  if (!r.retarded_weights.empty()) {
    a.retarded_sites.assign(N4, 0.0);
    a.retarded_bonds_ji.assign(B4, 0.0);
    a.retarded_bonds_ij.assign(B4, 0.0);
  }
  if (!r.left_weights.empty()) {
    a.left_sites.assign(N4, 0.0);
    a.left_bonds.assign(B4, 0.0);
  }
  if (!r.right_weights.empty()) {
    a.right_sites.assign(N4, 0.0);
    a.right_bonds.assign(B4, 0.0);
  }
  if (r.transmission || r.reverse_transmission) {
    a.transmission.assign(K, 0.0);
    a.reverse_transmission.assign(K, 0.0);
    a.spin_transmission.assign(4 * K, 0.0);
  }
}

/// The block accumulators of `a` (not the per-energy transmissions), in a fixed order.
std::vector<std::vector<cplx>*> block_accumulators(Accumulated& a) {
  return {&a.retarded_sites, &a.retarded_bonds_ji, &a.retarded_bonds_ij, &a.left_sites,
          &a.left_bonds,     &a.right_sites,       &a.right_bonds};
}

/// Add one energy's blocks (`part`) into `total` (or, `per_energy`, copy them to slot k) and copy
/// its transmissions (slot k); zero the blocks of `part` for the next energy.
void commit_energy(std::size_t k, Accumulated& part, Accumulated& total, bool per_energy) {
  const auto parts = block_accumulators(part);
  const auto totals = block_accumulators(total);
  for (std::size_t a = 0; a < parts.size(); ++a) {
    std::vector<cplx>& p = *parts[a];
    std::vector<cplx>& t = *totals[a];
    if (per_energy)
      std::copy(p.begin(), p.end(), t.begin() + static_cast<std::ptrdiff_t>(k * p.size()));
    else
      for (std::size_t i = 0; i < p.size(); ++i) t[i] += p[i];
    std::fill(p.begin(), p.end(), cplx(0.0));
  }
  if (!part.transmission.empty()) {
    total.transmission[k] = part.transmission[k];
    total.reverse_transmission[k] = part.reverse_transmission[k];
    for (std::size_t s = 4 * k; s < 4 * k + 4; ++s) total.spin_transmission[s] = part.spin_transmission[s];
  }
}

}  // namespace

Accumulated integrate(const Device& device, const Request& request,
                      const std::vector<Block2>* local_self_energy, const Progress& progress) {
  validate(device, request, local_self_energy);
  const std::size_t K = request.energies.size();
  Accumulated total;
  resize_accumulators(device, request, total, request.per_energy ? K : 1);
  total.open_channels_left.resize(K);
  total.open_channels_right.resize(K);
  for (std::size_t k = 0; k < K; ++k) {
    total.open_channels_left[k] = device.left().open_channels(request.energies[k].real());
    total.open_channels_right[k] = device.right().open_channels(request.energies[k].real());
  }

  TaskGuard guard(K, progress);
  // Threads sweep whole energies; their BLAS calls must then stay single-threaded.
  const TaskThreads threads(K);

#pragma omp parallel if (threads.parallel())
  {
    Accumulated mine;  // one energy's blocks
    resize_accumulators(device, request, mine);
    Sweep sweep(device, request, local_self_energy);
    if (request.per_energy) {
      // every energy has its own slot: no ordering, so a thread never waits for a slower one
#pragma omp for schedule(dynamic, 1)
      for (long long k = 0; k < static_cast<long long>(K); ++k) {
        const auto kk = static_cast<std::size_t>(k);
        if (!guard.run([&] { sweep.run(kk, mine); })) continue;
        commit_energy(kk, mine, total, true);
        guard.finished();
      }
    } else {
      // Deterministic sums: each energy's weighted blocks are formed alone and added to the
      // totals in energy order (the ordered region), so results are bitwise the same for any
      // number of threads.
#pragma omp for ordered schedule(dynamic, 1)
      for (long long k = 0; k < static_cast<long long>(K); ++k) {
        const auto kk = static_cast<std::size_t>(k);
        const bool swept = guard.run([&] { sweep.run(kk, mine); });
#pragma omp ordered
        {
          if (swept && !guard.stopping()) commit_energy(kk, mine, total, false);
        }
        if (swept) guard.finished();
      }
    }
  }
  guard.finish();
  return total;
}

}  // namespace spintex
