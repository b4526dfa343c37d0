/// Dense complex block kernels used by the recursive Green's function sweeps.
///
/// The hot loops of spintex are products and inversions of complex blocks of size
/// 2 x (sites per slice).  These wrappers call OpenBLAS (the scipy-openblas32 wheel) when the
/// core was built against it and fall back to Eigen's own kernels otherwise.
#pragma once

#include <stdexcept>

#include "spintex/types.hpp"

namespace spintex::dense {

/// True when the kernels dispatch to an optimized BLAS/LAPACK.
bool using_blas();

/// Name of the backend ("openblas" or "eigen").
const char* backend_name();

/// C = alpha * A * B.
void multiply(const MatrixXc& A, const MatrixXc& B, MatrixXc& C, cplx alpha = cplx(1.0));

/// C = A^dagger * B.
void multiply_adjoint_left(const MatrixXc& A, const MatrixXc& B, MatrixXc& C);

/// C = A * B^dagger.
void multiply_adjoint_right(const MatrixXc& A, const MatrixXc& B, MatrixXc& C);

/// C += alpha * A * B.
void multiply_add(const MatrixXc& A, const MatrixXc& B, MatrixXc& C, cplx alpha = cplx(1.0));

/// Thrown when a block to invert is singular (a real energy on a threshold or bound state of a
/// clean system, or entries that overflow); spintex._core.SingularBlockError in Python.
struct SingularBlock : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Ainv = A^{-1} by LU with partial pivoting; throws SingularBlock if A is singular.
void invert(const MatrixXc& A, MatrixXc& Ainv);

/// Set the number of BLAS threads (process-wide); returns the previous setting (0 without BLAS).
/// Parallel loops over energies set it to 1 so that the two levels do not oversubscribe.
int set_blas_threads(int threads);

}  // namespace spintex::dense
