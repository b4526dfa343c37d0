#include "spintex/device.hpp"

#include "spintex/dense.hpp"

#include <stdexcept>
#include <string>

namespace spintex {

namespace {
/// The 2x2 diagonal blocks of V if every off-diagonal 2x2 block is zero.
bool site_diagonal_blocks(const MatrixXc& V, std::vector<Block2>& blocks) {
  const Eigen::Index W = V.rows() / 2;
  blocks.assign(static_cast<std::size_t>(W), Block2::Zero());
  for (Eigen::Index q = 0; q < W; ++q)
    for (Eigen::Index p = 0; p < W; ++p) {
      const Block2 b = V.block<2, 2>(2 * p, 2 * q);
      if (p == q) blocks[static_cast<std::size_t>(p)] = b;
      else if (b.cwiseAbs().maxCoeff() != 0.0) return false;
    }
  return true;
}

bool is_scalar_identity(const MatrixXc& V, cplx& c) {
  c = V(0, 0);
  const MatrixXc diff = V - c * MatrixXc::Identity(V.rows(), V.cols());
  return diff.cwiseAbs().maxCoeff() == 0.0;
}
}  // namespace

Device::Device(std::vector<MatrixXc> diagonal, std::vector<MatrixXc> upper, Lead left, Lead right,
               std::vector<std::array<int, 2>> bonds)
    : diagonal_(std::move(diagonal)),
      upper_(std::move(upper)),
      left_(std::move(left)),
      right_(std::move(right)),
      bonds_(std::move(bonds)) {
  if (diagonal_.empty()) throw std::invalid_argument("device needs at least one slice");
  const Eigen::Index n = diagonal_.front().rows();
  if (n == 0 || n % 2 != 0)
    throw std::invalid_argument("block size must be 2 x sites per slice (spin-1/2), got " +
                                std::to_string(n));
  for (const auto& D : diagonal_)
    if (D.rows() != n || D.cols() != n)
      throw std::invalid_argument("all diagonal blocks must be " + std::to_string(n) + " x " +
                                  std::to_string(n));
  if (upper_.size() + 1 != diagonal_.size())
    throw std::invalid_argument("need exactly one coupling block between consecutive slices");
  for (const auto& V : upper_)
    if (V.rows() != n || V.cols() != n)
      throw std::invalid_argument("coupling blocks must have the size of the diagonal blocks");
  for (const auto& D : diagonal_)
    if (!D.allFinite()) throw std::invalid_argument("diagonal blocks must be finite");
  for (const auto& V : upper_)
    if (!V.allFinite()) throw std::invalid_argument("coupling blocks must be finite");
  if (left_.size() != n || right_.size() != n)
    throw std::invalid_argument("lead cells must have the size of the device slices");

  upper_is_scalar_.resize(upper_.size());
  upper_scalar_.resize(upper_.size());
  upper_is_site_diagonal_.resize(upper_.size());
  upper_site_blocks_.resize(upper_.size());
  for (std::size_t l = 0; l < upper_.size(); ++l) {
    cplx c;
    upper_is_scalar_[l] = is_scalar_identity(upper_[l], c);
    upper_scalar_[l] = c;
    upper_is_site_diagonal_[l] = !upper_is_scalar_[l] && site_diagonal_blocks(upper_[l], upper_site_blocks_[l]);
  }

  const int W = sites_per_slice();
  const int N = num_sites();
  bonds_by_slice_.assign(diagonal_.size(), {});
  for (std::size_t b = 0; b < bonds_.size(); ++b) {
    const int i = bonds_[b][0], j = bonds_[b][1];
    if (i < 0 || j < 0 || i >= N || j >= N)
      throw std::invalid_argument("bond (" + std::to_string(i) + ", " + std::to_string(j) +
                                  ") refers to a site outside the device");
    const int li = i / W, lj = j / W;
    if (lj != li && lj != li + 1)
      throw std::invalid_argument("bond (" + std::to_string(i) + ", " + std::to_string(j) +
                                  ") must join a slice to itself or to the next slice");
    bonds_by_slice_[static_cast<std::size_t>(li)].push_back(
        BondRef{static_cast<int>(b), i % W, j % W, lj != li});
  }
}

Device Device::with_site_blocks(const std::vector<Block2>& extra) const {
  if (extra.size() != static_cast<std::size_t>(num_sites()))
    throw std::invalid_argument("need one extra 2x2 block per site");
  Device copy = *this;
  const int W = sites_per_slice();
  for (int s = 0; s < num_sites(); ++s)
    copy.diagonal_[static_cast<std::size_t>(s / W)].block<2, 2>(2 * (s % W), 2 * (s % W)) +=
        extra[static_cast<std::size_t>(s)];
  return copy;
}

namespace {
/// out = diag(B_p) M: each pair of rows (2p, 2p+1) mixed by B_p (or B_p^dagger).  Plain loops
/// down the columns (the column-major order); Eigen's strided 2-row products were slower.
void site_blocks_left(const std::vector<Block2>& B, bool adjoint, const MatrixXc& M, MatrixXc& out) {
  out.resize(M.rows(), M.cols());
  const Eigen::Index W = static_cast<Eigen::Index>(B.size());
  for (Eigen::Index j = 0; j < M.cols(); ++j) {
    const cplx* m = M.col(j).data();
    cplx* o = out.col(j).data();
    for (Eigen::Index p = 0; p < W; ++p) {
      const Block2 b = adjoint ? Block2(B[static_cast<std::size_t>(p)].adjoint()) : B[static_cast<std::size_t>(p)];
      const cplx m0 = m[2 * p], m1 = m[2 * p + 1];
      o[2 * p] = b(0, 0) * m0 + b(0, 1) * m1;
      o[2 * p + 1] = b(1, 0) * m0 + b(1, 1) * m1;
    }
  }
}

/// out = M diag(B_p): each pair of columns (2p, 2p+1) mixed by B_p (or B_p^dagger).
void site_blocks_right(const std::vector<Block2>& B, bool adjoint, const MatrixXc& M, MatrixXc& out) {
  out.resize(M.rows(), M.cols());
  for (std::size_t p = 0; p < B.size(); ++p) {
    const Block2 b = adjoint ? Block2(B[p].adjoint()) : B[p];
    const Eigen::Index c = 2 * static_cast<Eigen::Index>(p);
    const cplx* m0 = M.col(c).data();
    const cplx* m1 = M.col(c + 1).data();
    cplx* o0 = out.col(c).data();
    cplx* o1 = out.col(c + 1).data();
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
      o0[i] = m0[i] * b(0, 0) + m1[i] * b(1, 0);
      o1[i] = m0[i] * b(0, 1) + m1[i] * b(1, 1);
    }
  }
}
}  // namespace

void Device::coupling_times(int l, const MatrixXc& M, MatrixXc& out) const {
  const auto i = static_cast<std::size_t>(l);
  if (upper_is_scalar_[i]) out = upper_scalar_[i] * M;
  else if (upper_is_site_diagonal_[i]) site_blocks_left(upper_site_blocks_[i], false, M, out);
  else dense::multiply(upper(l), M, out);
}

void Device::coupling_dagger_times(int l, const MatrixXc& M, MatrixXc& out) const {
  const auto i = static_cast<std::size_t>(l);
  if (upper_is_scalar_[i]) out = std::conj(upper_scalar_[i]) * M;
  else if (upper_is_site_diagonal_[i]) site_blocks_left(upper_site_blocks_[i], true, M, out);
  else dense::multiply_adjoint_left(upper(l), M, out);
}

void Device::times_coupling(int l, const MatrixXc& M, MatrixXc& out) const {
  const auto i = static_cast<std::size_t>(l);
  if (upper_is_scalar_[i]) out = upper_scalar_[i] * M;
  else if (upper_is_site_diagonal_[i]) site_blocks_right(upper_site_blocks_[i], false, M, out);
  else dense::multiply(M, upper(l), out);
}

void Device::times_coupling_dagger(int l, const MatrixXc& M, MatrixXc& out) const {
  const auto i = static_cast<std::size_t>(l);
  if (upper_is_scalar_[i]) out = std::conj(upper_scalar_[i]) * M;
  else if (upper_is_site_diagonal_[i]) site_blocks_right(upper_site_blocks_[i], true, M, out);
  else dense::multiply_adjoint_right(M, upper(l), out);
}

void Device::sandwich_dagger_first(int l, const MatrixXc& g, MatrixXc& out) const {
  if (upper_is_scalar(l)) {
    out = std::norm(upper_scalar(l)) * g;
    return;
  }
  MatrixXc t;
  times_coupling(l, g, t);
  coupling_dagger_times(l, t, out);
}

void Device::sandwich_dagger_last(int l, const MatrixXc& g, MatrixXc& out) const {
  if (upper_is_scalar(l)) {
    out = std::norm(upper_scalar(l)) * g;
    return;
  }
  MatrixXc t;
  times_coupling_dagger(l, g, t);
  coupling_times(l, t, out);
}

void effective_block(const Device& device, int l, cplx z, const MatrixXc& sigma_left,
                     const MatrixXc& sigma_right, const std::vector<Block2>* local_self_energy,
                     MatrixXc& A) {
  A = -device.diagonal(l);
  A.diagonal().array() += z;
  if (l == 0) A -= sigma_left;
  if (l == device.slices() - 1) A -= sigma_right;
  if (local_self_energy) {
    const int W = device.sites_per_slice();
    for (int p = 0; p < W; ++p)
      A.block<2, 2>(2 * p, 2 * p) -= (*local_self_energy)[static_cast<std::size_t>(l * W + p)];
  }
}

}  // namespace spintex
