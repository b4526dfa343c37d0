#include "random_device.hpp"

#include <algorithm>

namespace spintex::test {

std::vector<DeviceShape> all_shapes() {
  std::vector<DeviceShape> shapes;
  for (int slices : {1, 2, 5})
    for (int width : {1, 2, 3})
      for (Coupling c : {Coupling::Dense, Coupling::Scalar, Coupling::SiteDiagonal})
        shapes.push_back({slices, width, c});
  return shapes;
}

std::string shape_name(const DeviceShape& shape) {
  const char* kind = shape.coupling == Coupling::Dense ? "dense"
                     : shape.coupling == Coupling::Scalar ? "scalar" : "sitediag";
  return "L" + std::to_string(shape.slices) + "_W" + std::to_string(shape.width) + "_" + kind;
}

MatrixXc random_matrix(int rows, int cols, double scale, std::mt19937& rng) {
  std::normal_distribution<double> normal(0.0, scale);
  MatrixXc M(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) M(i, j) = cplx(normal(rng), normal(rng));
  return M;
}

MatrixXc random_hermitian(int n, double scale, std::mt19937& rng) {
  const MatrixXc M = random_matrix(n, n, scale, rng);
  return 0.5 * (M + M.adjoint());
}

Block2 random_block(double scale, std::mt19937& rng) { return random_matrix(2, 2, scale, rng); }

std::vector<Block2> random_retarded_blocks(int count, double scale, std::mt19937& rng) {
  std::vector<Block2> blocks;
  for (int k = 0; k < count; ++k) {
    const Block2 K = random_block(scale, rng);
    blocks.push_back(Block2(random_hermitian(2, scale, rng)) - cplx(0, 1) * K * K.adjoint());
  }
  return blocks;
}

MatrixXc collinear_lead_cell(int width, const Eigen::Vector3d& axis, std::mt19937& rng) {
  const Eigen::Vector3d u = axis.normalized();
  Block2 u_sigma;
  u_sigma << u(2), cplx(u(0), -u(1)), cplx(u(0), u(1)), -u(2);
  const MatrixXc h_orb = random_hermitian(width, 1.0, rng);
  const MatrixXc h_spin = random_hermitian(width, 0.4, rng);
  MatrixXc cell(2 * width, 2 * width);
  for (int q = 0; q < width; ++q)
    for (int p = 0; p < width; ++p)
      cell.block<2, 2>(2 * p, 2 * q) = h_orb(p, q) * Block2::Identity() + h_spin(p, q) * u_sigma;
  return cell;
}

std::vector<std::array<int, 2>> all_bonds(int slices, int width) {
  std::vector<std::array<int, 2>> bonds;
  for (int l = 0; l < slices; ++l)
    for (int p = 0; p < width; ++p) {
      const int i = l * width + p;
      for (int q = 0; q < width; ++q)
        if (q != p) bonds.push_back({i, l * width + q});
      if (l + 1 < slices)
        for (int q = 0; q < width; ++q) bonds.push_back({i, (l + 1) * width + q});
    }
  return bonds;
}

Device random_device(const DeviceShape& shape, unsigned seed, const Eigen::Vector3d& left_axis,
                     const Eigen::Vector3d& right_axis) {
  std::mt19937 rng(seed);
  const int n = 2 * shape.width;
  std::vector<MatrixXc> diagonal, upper;
  for (int l = 0; l < shape.slices; ++l) diagonal.push_back(random_hermitian(n, 1.0, rng));
  for (int l = 0; l + 1 < shape.slices; ++l) {
    switch (shape.coupling) {
      case Coupling::Dense:
        upper.push_back(random_matrix(n, n, 0.6, rng));
        break;
      case Coupling::Scalar:
        upper.push_back(std::polar(0.9, 0.3 + l) * MatrixXc::Identity(n, n));
        break;
      case Coupling::SiteDiagonal: {
        MatrixXc V = MatrixXc::Zero(n, n);
        for (int p = 0; p < shape.width; ++p) V.block<2, 2>(2 * p, 2 * p) = random_block(0.8, rng);
        upper.push_back(V);
        break;
      }
    }
  }
  Lead left(collinear_lead_cell(shape.width, left_axis, rng), 1.0);
  Lead right(collinear_lead_cell(shape.width, right_axis, rng), 1.0);
  return Device(diagonal, upper, left, right, all_bonds(shape.slices, shape.width));
}

DenseSystem dense_system(const Device& device, cplx z,
                         const std::vector<Block2>* local_self_energy) {
  const int L = device.slices(), n = device.block_size(), size = L * n;
  DenseSystem d;
  d.hamiltonian = MatrixXc::Zero(size, size);
  for (int l = 0; l < L; ++l) {
    d.hamiltonian.block(l * n, l * n, n, n) = device.diagonal(l);
    if (l + 1 < L) {
      d.hamiltonian.block(l * n, (l + 1) * n, n, n) = device.upper(l);
      d.hamiltonian.block((l + 1) * n, l * n, n, n) = device.upper(l).adjoint();
    }
  }
  MatrixXc& A = d.inverse_green;
  A = z * MatrixXc::Identity(size, size) - d.hamiltonian;
  A.topLeftCorner(n, n) -= device.left().self_energy(z);
  A.bottomRightCorner(n, n) -= device.right().self_energy(z);
  if (local_self_energy) A -= site_diagonal_matrix(*local_self_energy);
  d.green = A.fullPivLu().inverse();
  d.gamma_left = MatrixXc::Zero(size, size);
  d.gamma_right = MatrixXc::Zero(size, size);
  d.gamma_left.topLeftCorner(n, n) = device.left().broadening(z);
  d.gamma_right.bottomRightCorner(n, n) = device.right().broadening(z);
  return d;
}

MatrixXc site_diagonal_matrix(const std::vector<Block2>& blocks) {
  const int N = static_cast<int>(blocks.size());
  MatrixXc M = MatrixXc::Zero(2 * N, 2 * N);
  for (int s = 0; s < N; ++s) M.block<2, 2>(2 * s, 2 * s) = blocks[static_cast<std::size_t>(s)];
  return M;
}

MatrixXc spin_projector(int sites, const Eigen::Vector3d& axis, int s) {
  const Eigen::Vector3d u = axis.normalized();
  Block2 P;
  P << 0.5 * (1.0 + s * u(2)), 0.5 * s * cplx(u(0), -u(1)), 0.5 * s * cplx(u(0), u(1)),
      0.5 * (1.0 - s * u(2));
  return site_diagonal_matrix(std::vector<Block2>(static_cast<std::size_t>(sites), P));
}

Block2 site_block(const MatrixXc& M, int i, int j) { return M.block<2, 2>(2 * i, 2 * j); }

Block2 flat_block(const std::vector<cplx>& flat, std::size_t k) {
  Block2 b;
  b << flat[4 * k], flat[4 * k + 1], flat[4 * k + 2], flat[4 * k + 3];
  return b;
}

double relative_error(const MatrixXc& a, const MatrixXc& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

}  // namespace spintex::test
