#include "spintex/device.hpp"

#include "spintex/dense.hpp"

#include <stdexcept>
#include <string>

namespace spintex {

namespace {
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
  if (left_.size() != n || right_.size() != n)
    throw std::invalid_argument("lead cells must have the size of the device slices");

  upper_is_scalar_.resize(upper_.size());
  upper_scalar_.resize(upper_.size());
  for (std::size_t l = 0; l < upper_.size(); ++l) {
    cplx c;
    upper_is_scalar_[l] = is_scalar_identity(upper_[l], c);
    upper_scalar_[l] = c;
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

void Device::coupling_times(int l, const MatrixXc& M, MatrixXc& out) const {
  if (upper_is_scalar(l)) out = upper_scalar(l) * M; else dense::multiply(upper(l), M, out);
}

void Device::coupling_dagger_times(int l, const MatrixXc& M, MatrixXc& out) const {
  if (upper_is_scalar(l)) out = std::conj(upper_scalar(l)) * M;
  else dense::multiply_adjoint_left(upper(l), M, out);
}

void Device::times_coupling(int l, const MatrixXc& M, MatrixXc& out) const {
  if (upper_is_scalar(l)) out = upper_scalar(l) * M; else dense::multiply(M, upper(l), out);
}

void Device::times_coupling_dagger(int l, const MatrixXc& M, MatrixXc& out) const {
  if (upper_is_scalar(l)) out = std::conj(upper_scalar(l)) * M;
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

}  // namespace spintex
