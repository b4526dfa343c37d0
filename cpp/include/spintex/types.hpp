/// Basic numeric types shared by the whole core.
#pragma once

#include <Eigen/Dense>
#include <complex>
#include <vector>

namespace spintex {

using cplx = std::complex<double>;
/// Dense complex matrix, column-major (the BLAS/LAPACK layout).
using MatrixXc = Eigen::Matrix<cplx, Eigen::Dynamic, Eigen::Dynamic>;
using VectorXc = Eigen::Matrix<cplx, Eigen::Dynamic, 1>;
/// A 2x2 spin block of one site (or of one bond).
using Block2 = Eigen::Matrix<cplx, 2, 2>;

}  // namespace spintex
