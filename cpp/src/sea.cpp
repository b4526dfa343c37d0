#include "spintex/sea.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <sstream>
#include <string>

#include "spintex/parallel.hpp"


namespace spintex {

namespace {

constexpr const char* kMixedShift = "lead shifts need one energy per node (not mixed products)";

/// for k in 0..K-1: work(k, scratch) on the OpenMP threads (one Scratch per thread), then
/// add(k, scratch) in order of k (the ordered region), so sums formed in add do not depend on the
/// number of threads.  An exception in any work(k) stops the remaining work and is rethrown at the
/// end; so does `progress(done, K)` returning false (called by the master thread after each of
/// its tasks; Cancelled): a long contour sum answers Ctrl-C between nodes.
template <typename Scratch, typename Work, typename Add>
void ordered_for(std::size_t K, const Work& work, const Add& add, const Progress& progress) {
  TaskGuard guard(K, progress);
  const TaskThreads threads(K);
#pragma omp parallel if (threads.parallel())
  {
    Scratch scratch;
#pragma omp for ordered schedule(dynamic, 1)
    for (long long k = 0; k < static_cast<long long>(K); ++k) {
      const auto kk = static_cast<std::size_t>(k);
      const bool done = guard.run([&] { work(kk, scratch); });
      if (done) guard.finished();
#pragma omp ordered
      {
        if (done && !guard.stopping()) add(kk, scratch);
      }
    }
  }
  guard.finish();
}

/// Row-major vec of the 2x2 blocks, one after the other.
VectorXc flatten(const std::vector<Block2>& blocks) {
  VectorXc v(4 * static_cast<Eigen::Index>(blocks.size()));
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto k = 4 * static_cast<Eigen::Index>(i);
    v(k) = blocks[i](0, 0);
    v(k + 1) = blocks[i](0, 1);
    v(k + 2) = blocks[i](1, 0);
    v(k + 3) = blocks[i](1, 1);
  }
  return v;
}

void unflatten(const VectorXc& v, std::vector<Block2>& blocks) {
  blocks.resize(static_cast<std::size_t>(v.size() / 4));
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto k = 4 * static_cast<Eigen::Index>(i);
    blocks[i] << v(k), v(k + 1), v(k + 2), v(k + 3);
  }
}

/// S[X] site by site: vec(S[X]_i) = K_i vec(X_i).
std::vector<Block2> born_map(const std::vector<Superoperator>& born, const std::vector<Block2>& X) {
  std::vector<Block2> out(X.size());
  for (std::size_t i = 0; i < X.size(); ++i) {
    Eigen::Matrix<cplx, 4, 1> x;
    x << X[i](0, 0), X[i](0, 1), X[i](1, 0), X[i](1, 1);
    const Eigen::Matrix<cplx, 4, 1> y = born[i] * x;
    out[i] << y(0), y(1), y(2), y(3);
  }
  return out;
}

/// The site blocks of G(z_a) X G(z_b) (RR when a and b are one object; no lead terms).
std::vector<Block2> rr_sites(const Correlator& a, const Correlator& b, const std::vector<Block2>& X) {
  std::vector<Block2> sites;
  if (&a == &b) a.apply_sites(X, Pairing::RetardedRetarded, sites);
  else apply_mixed_sites(a, b, X, sites);
  return sites;
}

}  // namespace

SeaNodes::SeaNodes(std::vector<const Correlator*> cached) : cached_(std::move(cached)) {
  if (cached_.empty()) throw std::invalid_argument("a contour sum needs at least one node");
  for (const Correlator* c : cached_)
    if (&c->device() != &cached_.front()->device())
      throw std::invalid_argument("the correlators must share one device");
}

SeaNodes::SeaNodes(const Device& device, std::vector<cplx> energies, std::vector<std::vector<Block2>> self_energies)
    : device_(&device), energies_(std::move(energies)), self_energies_(std::move(self_energies)) {
  if (energies_.empty()) throw std::invalid_argument("a contour sum needs at least one node");
  if (!self_energies_.empty() && self_energies_.size() != energies_.size())
    throw std::invalid_argument("self_energies must be empty or one per node");
}

const Device& SeaNodes::device() const { return cached_.empty() ? *device_ : cached_.front()->device(); }

const Correlator& SeaNodes::at(std::size_t k, std::unique_ptr<Correlator>& scratch) const {
  if (!cached_.empty()) return *cached_[k];
  static const std::vector<Block2> clean;
  const std::vector<Block2>& sigma = self_energies_.empty() ? clean : self_energies_[k];
  if (scratch) scratch->recompute(energies_[k], sigma, /*retarded_retarded=*/true);
  else scratch = std::make_unique<Correlator>(*device_, energies_[k], sigma);
  return *scratch;
}

int solve_mixed_ladder(const Correlator& a, const Correlator& b, const std::vector<Superoperator>& born,
                       const std::vector<Block2>& source, const SeaOptions& options, std::vector<Block2>& x,
                       std::vector<Block2>* final_residual) {
  if (final_residual) final_residual->assign(source.size(), Block2::Zero());
  if (&a == &b) {
    a.apply_lead_shift(source, options.lead_shift, x, nullptr, nullptr);  // (no shift: the RR sites product)
  } else {
    if (options.shifts_leads()) throw std::invalid_argument(kMixedShift);
    apply_mixed_sites(a, b, source, x);
  }
  if (born.empty()) return 0;
  if (born.size() != source.size()) throw std::invalid_argument("born must have one superoperator per site");
  const VectorXc rhs = flatten(x);
  const double bnorm = rhs.norm();
  VectorXc solution = VectorXc::Zero(rhs.size());
  if (bnorm == 0.0) return 0;
  std::vector<Block2> blocks;
  auto apply = [&](const VectorXc& v) {  // (1 - C S) v
    unflatten(v, blocks);
    return VectorXc(v - flatten(rr_sites(a, b, born_map(born, blocks))));
  };
  // GMRES(m): Arnoldi with modified Gram-Schmidt; the small least-squares problem by QR
  const int m = std::max(1, options.restart);
  int count = 0;
  VectorXc last_residual;  // of the converged cycle, when final_residual is wanted
  VectorXc r = rhs;
  while (true) {
    const double beta = r.norm();
    std::vector<VectorXc> V{r / beta};
    MatrixXc H = MatrixXc::Zero(m + 1, m);
    VectorXc y;
    double residual = beta;
    int j = 0;
    for (; j < m && count < options.max_iterations; ++j) {
      VectorXc w = apply(V[static_cast<std::size_t>(j)]);
      ++count;
      for (int i = 0; i <= j; ++i) {
        H(i, j) = V[static_cast<std::size_t>(i)].dot(w);  // conjugates the first factor
        w -= H(i, j) * V[static_cast<std::size_t>(i)];
      }
      H(j + 1, j) = w.norm();
      VectorXc g = VectorXc::Zero(j + 2);
      g(0) = beta;
      const MatrixXc Hj = H.topLeftCorner(j + 2, j + 1);
      y = Hj.householderQr().solve(g);
      const VectorXc left = g - Hj * y;  // the residual in the basis V_0 .. V_j, w / H(j+1, j)
      residual = left.norm();
      if (residual <= options.tolerance * bnorm || H(j + 1, j) == 0.0) {
        if (final_residual) {  // sum_i left_i V_i (+ left_{j+1} V_{j+1}, V_{j+1} = w / H(j+1, j))
          last_residual = VectorXc::Zero(rhs.size());
          for (int i = 0; i <= j; ++i) last_residual += left(i) * V[static_cast<std::size_t>(i)];
          if (H(j + 1, j) != 0.0) last_residual += (left(j + 1) / H(j + 1, j).real()) * w;
        }
        ++j;
        break;
      }
      V.push_back(w / H(j + 1, j).real());
    }
    for (int i = 0; i < static_cast<int>(y.size()); ++i) solution += y(i) * V[static_cast<std::size_t>(i)];
    if (residual <= options.tolerance * bnorm) break;
    if (count >= options.max_iterations)
      throw NotConverged("GMRES for the RR ladder did not converge in " +
                         std::to_string(options.max_iterations) + " steps (relative residual " +
                         std::to_string(residual / bnorm) + ")");
    r = rhs - apply(solution);
  }
  unflatten(solution, x);
  if (final_residual) unflatten(last_residual, *final_residual);
  return count;
}

namespace {

/// Scratch of one thread in a contour sum: the node's products, and its swept correlator.
struct SumScratch {
  std::vector<Block2> x, residual, sites, bonds_ji, bonds_ij;
  std::unique_ptr<Correlator> swept;
};

/// sum_k w_k G(a_k) (U_k + S[Y_k]) G(b_k) with (a_k, b_k) = pair(k, scratch) and U_k = source(k).
/// Without bonds the site blocks of a dressed node are x + residual of its ladder (no final
/// product: C[U + S x] = C[U] + C S x = x + (C[U] - (1 - C S) x)).
template <typename Pair, typename Source>
SeaSum ladder_sum(std::size_t K, const Pair& pair, const std::vector<cplx>& weights,
                  const std::vector<Superoperator>& born, const Source& source,
                  const SeaOptions& options, const Progress& progress) {
  if (weights.size() != K) throw std::invalid_argument("weights must have one entry per node");
  SeaSum total;
  total.iterations.assign(K, 0);
  if (options.vertices) total.vertices.resize(K);
  const auto work = [&](std::size_t k, SumScratch& t) {
    const auto [pa, pb] = pair(k, t);
    const Correlator &a = *pa, &b = *pb;
    const std::vector<Block2>& u = source(k);
    std::vector<Block2> final = u;  // U + S[x]
    const bool dressed = !born.empty();
    if (dressed) {
      total.iterations[k] = solve_mixed_ladder(a, b, born, u, options, t.x, options.bonds ? nullptr : &t.residual);
      const std::vector<Block2> vertex = born_map(born, t.x);
      for (std::size_t i = 0; i < final.size(); ++i) final[i] += vertex[i];
    }  // (no ladder: the one product below, not a sites-only product first)
    if (options.vertices) total.vertices[k] = final;
    if (dressed && !options.bonds) {
      t.sites.resize(t.x.size());
      for (std::size_t i = 0; i < t.x.size(); ++i) t.sites[i] = t.x[i] + t.residual[i];
      t.bonds_ji.clear();
      t.bonds_ij.clear();
      return;
    }
    std::vector<Block2>* bonds_ji = options.bonds ? &t.bonds_ji : nullptr;
    std::vector<Block2>* bonds_ij = options.bonds ? &t.bonds_ij : nullptr;
    if (&a == &b) {
      a.apply_lead_shift(final, options.lead_shift, t.sites, bonds_ji, bonds_ij);  // (no shift: G Y G)
    } else {
      if (options.shifts_leads()) throw std::invalid_argument(kMixedShift);
      mixed_product(a, b, final, t.sites, bonds_ji, bonds_ij);
    }
  };
  // each node's Y is formed alone and added in node order: bitwise the same sums for any number
  // of threads
  const auto add = [&](std::size_t k, const SumScratch& t) {
    const cplx w = weights[k];
    if (total.sites.empty()) {
      total.sites.assign(t.sites.size(), Block2::Zero());
      total.bonds_ji.assign(t.bonds_ji.size(), Block2::Zero());
      total.bonds_ij.assign(t.bonds_ij.size(), Block2::Zero());
    }
    for (std::size_t i = 0; i < t.sites.size(); ++i) total.sites[i] += w * t.sites[i];
    for (std::size_t i = 0; i < t.bonds_ji.size(); ++i) total.bonds_ji[i] += w * t.bonds_ji[i];
    for (std::size_t i = 0; i < t.bonds_ij.size(); ++i) total.bonds_ij[i] += w * t.bonds_ij[i];
  };
  ordered_for<SumScratch>(K, work, add, progress);
  return total;
}

}  // namespace

SeaSum sea_response(const SeaNodes& nodes, const std::vector<cplx>& weights, const std::vector<Superoperator>& born,
                    const std::vector<Block2>& source, const SeaOptions& options, const Progress& progress) {
  const auto pair = [&](std::size_t k, SumScratch& t) {
    const Correlator* c = &nodes.at(k, t.swept);
    return std::make_pair(c, c);
  };
  return ladder_sum(nodes.size(), pair, weights, born, [&](std::size_t) -> const std::vector<Block2>& { return source; },
                    options, progress);
}

SeaSum sea_vertex_sum(const SeaNodes& nodes, const std::vector<cplx>& weights,
                      const std::vector<std::vector<Block2>>& vertices, const SeaOptions& options,
                      const Progress& progress) {
  if (vertices.size() != nodes.size()) throw std::invalid_argument("vertices must have one entry per node");
  if (options.shifts_leads()) throw std::invalid_argument("sea_vertex_sum takes no lead shifts");
  const auto pair = [&](std::size_t k, SumScratch& t) {
    const Correlator* c = &nodes.at(k, t.swept);
    return std::make_pair(c, c);
  };
  return ladder_sum(nodes.size(), pair, weights, {},
                    [&](std::size_t k) -> const std::vector<Block2>& { return vertices[k]; }, options, progress);
}

SeaSum mixed_sea_response(const std::vector<const Correlator*>& left, const std::vector<const Correlator*>& right,
                          const std::vector<cplx>& weights, const std::vector<Superoperator>& born,
                          const std::vector<Block2>& source, const SeaOptions& options, const Progress& progress) {
  if (right.size() != left.size()) throw std::invalid_argument("left and right must have one correlator per pair");
  for (std::size_t k = 0; k < left.size(); ++k)  // (the sums are sized by the first pair's device)
    if (!left[k] || !right[k] || &left[k]->device() != &left[0]->device() ||
        &right[k]->device() != &left[0]->device())
      throw std::invalid_argument("left and right correlators must all belong to one device");
  const auto pair = [&](std::size_t k, SumScratch&) { return std::make_pair(left[k], right[k]); };
  return ladder_sum(left.size(), pair, weights, born,
                    [&](std::size_t) -> const std::vector<Block2>& { return source; }, options, progress);
}

namespace {

/// sum_k w_k X_k, X_k (`count` 2x2 blocks) formed by fill(node k, below, above, X_k) (below and
/// above: scratch slice blocks), nodes in parallel and added in node order (ordered_for).
template <typename Fill>
std::vector<Block2> node_sum(const SeaNodes& nodes, const std::vector<cplx>& weights, std::size_t count,
                             const Fill& fill) {
  if (weights.size() != nodes.size()) throw std::invalid_argument("weights must have one entry per node");
  struct Scratch {
    std::vector<MatrixXc> below, above;
    std::vector<Block2> products;
    std::unique_ptr<Correlator> swept;
  };
  std::vector<Block2> total(count, Block2::Zero());
  const auto work = [&](std::size_t k, Scratch& t) {
    t.products.resize(count);
    fill(nodes.at(k, t.swept), t.below, t.above, t.products);
  };
  const auto add = [&](std::size_t k, const Scratch& t) {
    for (std::size_t i = 0; i < count; ++i) total[i] += weights[k] * t.products[i];
  };
  ordered_for<Scratch>(nodes.size(), work, add, nullptr);  // (O(range) products per node: fast)
  return total;
}

}  // namespace

std::vector<Block2> bare_kernel(const SeaNodes& nodes, const std::vector<cplx>& weights, int slice, int range) {
  const Device& device = nodes.device();
  if (range < 0 || slice - range < 0 || slice + range > device.slices() - 1)
    throw std::invalid_argument("bare_kernel: slices slice - range .. slice + range must lie in the device");
  const int W = device.sites_per_slice(), D = 2 * range + 1;
  auto fill = [&](const Correlator& node, std::vector<MatrixXc>& below, std::vector<MatrixXc>& above,
                  std::vector<Block2>& products) {
    node.slice_column(slice, slice - range, slice + range, below, above);
    for (int d = 0; d < D; ++d)
      for (int q = 0; q < W; ++q)  // p' (row site, slice s + dx)
        for (int p = 0; p < W; ++p)
          products[static_cast<std::size_t>((d * W + q) * W + p)].noalias() =
              below[static_cast<std::size_t>(d)].block<2, 2>(2 * q, 2 * p) *
              above[static_cast<std::size_t>(d)].block<2, 2>(2 * p, 2 * q);
  };
  return node_sum(nodes, weights, static_cast<std::size_t>(D * W * W), fill);
}

namespace {

/// A fixed point on the advanced branch (Im Sigma > 0 at Im z > 0).
struct NonCausal : ScbaNotConverged {
  using ScbaNotConverged::ScbaNotConverged;
};

/// The Born self-energy of G = -i on every site: a start deep inside the causal cone (the clean
/// G_0 near the real axis, where no lead channel is open, is almost Hermitian and can lead the
/// iteration to the advanced branch).
std::vector<Block2> broadened_start(const std::vector<Superoperator>& born) {
  return born_map(born, std::vector<Block2>(born.size(), Block2::Identity() * cplx(0.0, -1.0)));
}

/// Whether every site's Im Sigma = (Sigma - Sigma^dagger) / 2i has no eigenvalue above `slack`
/// (a retarded self-energy in the upper half plane has Im Sigma <= 0).
bool causal(const std::vector<Block2>& sigma, double slack) {
  for (const Block2& s : sigma) {
    const Block2 im = (s - s.adjoint()) / cplx(0.0, 2.0);
    const double mean = 0.5 * (im(0, 0).real() + im(1, 1).real());
    const double half = 0.5 * (im(0, 0).real() - im(1, 1).real());
    if (mean + std::sqrt(half * half + std::norm(im(0, 1))) > slack) return false;
  }
  return true;
}

/// The Anderson iteration of solve_scba from node.self_energy (throws ScbaNotConverged; with
/// `abort_on_divergence`, also once the residual exceeds 100x the best one so far).
void anderson_scba(const Device& device, cplx z, const std::vector<Superoperator>& born, const ScbaOptions& options,
                   bool abort_on_divergence, ScbaNode& node) {
  const std::size_t N = born.size();
  // Anderson mixing on the real vector of Sigma (as spintex.disorder.scba: numpy's real view)
  const Eigen::Index n = 8 * static_cast<Eigen::Index>(N);
  std::vector<Eigen::VectorXd> xs, fs;
  double residual = 0.0, best = std::numeric_limits<double>::infinity();
  for (int it = 1; it <= options.max_iterations; ++it) {
    if (node.correlator) node.correlator->recompute(z, node.self_energy);  // the last iterate's storage
    else node.correlator = std::make_unique<Correlator>(device, z, node.self_energy, /*retarded_retarded=*/false);
    const std::vector<Block2> S = born_map(born, node.correlator->retarded_sites());
    Eigen::VectorXd x(n), f(n);
    residual = 0.0;
    bool finite = true;  // (std::max drops a NaN: a NaN Sigma would pass as converged)
    for (std::size_t i = 0; i < N; ++i) {
      for (int a = 0; a < 4; ++a) {
        const cplx xi = node.self_energy[i](a / 2, a % 2), fi = S[i](a / 2, a % 2) - xi;
        finite = finite && std::isfinite(fi.real()) && std::isfinite(fi.imag());
        residual = std::max(residual, std::abs(fi));
        const auto k = 8 * static_cast<Eigen::Index>(i) + 2 * a;
        x(k) = xi.real();
        x(k + 1) = xi.imag();
        f(k) = fi.real();
        f(k + 1) = fi.imag();
      }
    }
    node.iterations = it;
    if (!finite) {
      std::ostringstream msg;
      msg << "SCBA at E = " << z << ": the self-energy is not finite after " << it << " iterations";
      throw ScbaNotConverged(msg.str());
    }
    if (residual < options.tolerance) {
      // Anderson extrapolation is not confined to the causal cone: a fixed point with Im Sigma > 0
      // (the advanced branch) is refused, and the fallback mixing, if any, starts again
      if (z.imag() > 0.0 && !causal(node.self_energy, 10.0 * options.tolerance))
        throw NonCausal("non-causal fixed point");
      node.correlator->complete_retarded_retarded();  // the contour's G U G needs it
      node.residual = residual;
      return;
    }
    best = std::min(best, residual);
    if (abort_on_divergence && residual > 100.0 * best)
      throw ScbaNotConverged("SCBA diverging");
    xs.push_back(x);
    fs.push_back(f);
    if (static_cast<int>(xs.size()) > options.depth + 1) {
      xs.erase(xs.begin());
      fs.erase(fs.begin());
    }
    Eigen::VectorXd next = x + options.mixing * f;
    const auto m = static_cast<Eigen::Index>(xs.size()) - 1;
    if (m > 0) {
      Eigen::MatrixXd dX(n, m), dF(n, m);
      for (Eigen::Index j = 0; j < m; ++j) {
        const auto jj = static_cast<std::size_t>(j);
        dX.col(j) = xs[jj + 1] - xs[jj];
        dF.col(j) = fs[jj + 1] - fs[jj];
      }
      const Eigen::VectorXd coef = dF.completeOrthogonalDecomposition().solve(f);  // min-norm least squares
      next -= (dX + options.mixing * dF) * coef;
    }
    for (std::size_t i = 0; i < N; ++i)
      for (int a = 0; a < 4; ++a) {
        const auto k = 8 * static_cast<Eigen::Index>(i) + 2 * a;
        node.self_energy[i](a / 2, a % 2) = cplx(next(k), next(k + 1));
      }
  }
  std::ostringstream msg;
  msg << "SCBA did not converge at E = " << z << ": residual " << residual << " > tolerance "
      << options.tolerance << " after " << options.max_iterations << " iterations";
  throw ScbaNotConverged(msg.str());
}

}  // namespace

ScbaNode solve_scba(const Device& device, cplx z, const std::vector<Superoperator>& born,
                    const std::vector<Block2>& initial, const ScbaOptions& options) {
  const std::size_t N = born.size();
  if (N == 0 || static_cast<int>(N) != device.num_sites())
    throw std::invalid_argument("born must have one superoperator per site");
  if (!initial.empty() && initial.size() != N) throw std::invalid_argument("initial must have one block per site");
  ScbaNode node;
  node.self_energy = initial.empty() ? born_map(born, Correlator(device, z, {}).retarded_sites()) : initial;
  // At most one restart for each way an attempt can fail, counting the iterations of all:
  // - a non-causal fixed point (the advanced branch): again from inside the causal cone;
  // - divergence of the undamped iteration (only when there is a fallback): again with the
  //   fallback mixing, from the same start.
  // Either can follow the other (the damped iteration can also end on the advanced branch).
  ScbaOptions with = options;
  const std::vector<Block2> start = node.self_energy;
  bool broadened = false, damped = options.fallback_mixing <= 0.0;
  int spent = 0;  // iterations of the failed attempts
  for (;;) {
    try {
      anderson_scba(device, z, born, with, /*abort_on_divergence=*/!damped, node);
      node.iterations += spent;
      return node;
    } catch (const NonCausal&) {
      if (broadened) {
        std::ostringstream msg;
        msg << "SCBA at E = " << z << " converged to a non-causal self-energy (Im Sigma > 0, the advanced "
            << "solution), also from the broadened start G = -i";
        throw NonCausal(msg.str());
      }
      broadened = true;
      node.self_energy = broadened_start(born);
    } catch (const ScbaNotConverged&) {
      if (damped) throw;
      damped = true;
      with.mixing = options.fallback_mixing;
      with.fallback_mixing = 0.0;
      node.self_energy = broadened ? broadened_start(born) : start;
    }
    spent += node.iterations;
  }
}


std::vector<ScbaNode> scba_nodes(const Device& device, const std::vector<cplx>& z,
                                 const std::vector<Superoperator>& born,
                                 const std::vector<std::vector<Block2>>& guesses, const std::vector<Block2>& first,
                                 int runs, const ScbaOptions& options, const Progress& progress,
                                 const std::vector<Block2>& probe, const std::vector<double>& path) {
  const std::size_t K = z.size();
  if (!path.empty() && path.size() != K) throw std::invalid_argument("path must be empty or one per node");
  if (!guesses.empty() && guesses.size() != K) throw std::invalid_argument("guesses must be empty or one per node");
  if (!probe.empty() && probe.size() != born.size()) throw std::invalid_argument("probe must have one block per site");
  if (runs < 1) throw std::invalid_argument("runs must be positive");
  const std::size_t R = std::min(K, static_cast<std::size_t>(runs));
  std::vector<ScbaNode> out(K);
  TaskGuard guard(K, progress);
  const TaskThreads threads(R);
#pragma omp parallel for schedule(dynamic, 1) if (threads.parallel())
  for (long long r = 0; r < static_cast<long long>(R); ++r) {
    // run r: nodes [K r / R, K (r + 1) / R), as numpy.array_split
    const std::size_t begin = K / R * static_cast<std::size_t>(r) + std::min<std::size_t>(static_cast<std::size_t>(r), K % R);
    const std::size_t end = begin + K / R + (static_cast<std::size_t>(r) < K % R ? 1 : 0);
    for (std::size_t k = begin; k < end && !guard.stopping(); ++k) {
      const bool solved = guard.run([&] {
        std::vector<Block2> start;  // empty: from scratch
        if (!guesses.empty() && !guesses[k].empty()) {
          start = guesses[k];
        } else if (k >= begin + 2) {  // linear extrapolation from the run's last two nodes, in s (path) or z
          const cplx t = path.empty() ? (z[k] - z[k - 1]) / (z[k - 1] - z[k - 2])
                                      : cplx((path[k] - path[k - 1]) / (path[k - 1] - path[k - 2]));
          start = out[k - 1].self_energy;
          if (std::isfinite(t.real()) && std::isfinite(t.imag()))  // (two equal nodes: no slope)
            for (std::size_t i = 0; i < start.size(); ++i)
              start[i] += t * (out[k - 1].self_energy[i] - out[k - 2].self_energy[i]);
        } else if (k == begin + 1) {
          start = out[k - 1].self_energy;
        } else if (r == 0) {
          start = first;
        }
        out[k] = solve_scba(device, z[k], born, start, options);
        if (!probe.empty()) {
          out[k].correlator->apply_sites(probe, Pairing::RetardedRetarded, out[k].probe);
          out[k].correlator.reset();
        }
      });
      if (!solved) break;
      guard.finished();
    }
  }
  guard.finish();
  return out;
}

}  // namespace spintex
