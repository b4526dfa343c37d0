/// Random small devices and dense reference Green's functions for the core's unit tests.
#pragma once

#include <array>
#include <random>
#include <string>
#include <vector>

#include "spintex/device.hpp"

namespace spintex::test {

/// How neighbouring slices couple: a dense block, c * identity, or 2x2 blocks site by site
/// (the three code paths of Device's coupling products).
enum class Coupling { Dense, Scalar, SiteDiagonal };

/// Slices, sites per slice (each with spin) and coupling kind of a random device.
struct DeviceShape {
  int slices;
  int width;
  Coupling coupling;
};

/// All combinations of slices in {1, 2, 5}, width in {1, 2, 3} and the three coupling kinds.
std::vector<DeviceShape> all_shapes();
/// Test-name suffix, e.g. "L5_W2_dense".
std::string shape_name(const DeviceShape& shape);

/// Random n x n Hermitian matrix with entries of order `scale`.
MatrixXc random_hermitian(int n, double scale, std::mt19937& rng);
/// Random complex matrix with entries of order `scale`.
MatrixXc random_matrix(int rows, int cols, double scale, std::mt19937& rng);
/// Random complex 2x2 block with entries of order `scale`.
Block2 random_block(double scale, std::mt19937& rng);
/// Retarded-like 2x2 blocks: Hermitian part plus -i (positive semidefinite), `count` of them.
std::vector<Block2> random_retarded_blocks(int count, double scale, std::mt19937& rng);

/// Lead cell h_orb x 1 + h_spin x (axis . sigma) on `width` sites: collinear along the axis, so
/// its broadening commutes with spin projectors along it.
MatrixXc collinear_lead_cell(int width, const Eigen::Vector3d& axis, std::mt19937& rng);

/// Every ordered pair of distinct sites inside a slice and every pair (i in slice l, j in l+1).
std::vector<std::array<int, 2>> all_bonds(int slices, int width);

/// Random device of the given shape: Hermitian slice blocks, random couplings of the given
/// kind, collinear random leads along left_axis / right_axis (hopping 1), all_bonds.
Device random_device(const DeviceShape& shape, unsigned seed,
                     const Eigen::Vector3d& left_axis = Eigen::Vector3d::UnitZ(),
                     const Eigen::Vector3d& right_axis = Eigen::Vector3d::UnitZ());

/// The whole device as dense matrices at energy z, independent of the recursive code.
struct DenseSystem {
  MatrixXc hamiltonian;  ///< H assembled from the device's blocks
  MatrixXc inverse_green;  ///< z - H - Sigma_L - Sigma_R - Sigma_local
  MatrixXc green;        ///< G = (z - H - Sigma_L - Sigma_R - Sigma_local)^-1, by full-pivot LU
  MatrixXc gamma_left;   ///< Gamma_L on slice 0, zero elsewhere
  MatrixXc gamma_right;  ///< Gamma_R on the last slice, zero elsewhere
};
DenseSystem dense_system(const Device& device, cplx z,
                         const std::vector<Block2>* local_self_energy = nullptr);

/// Block-diagonal matrix of 2x2 site blocks (one per site).
MatrixXc site_diagonal_matrix(const std::vector<Block2>& blocks);
/// Spin projector (1 + s axis.sigma)/2 on every one of `sites` sites.
MatrixXc spin_projector(int sites, const Eigen::Vector3d& axis, int s);

/// The 2x2 block of M in the rows of site i and the columns of site j.
Block2 site_block(const MatrixXc& M, int i, int j);
/// The k-th row-major 2x2 block of a flat accumulator.
Block2 flat_block(const std::vector<cplx>& flat, std::size_t k);
/// max |a - b| / max(1, max |b|).
double relative_error(const MatrixXc& a, const MatrixXc& b);

}  // namespace spintex::test
