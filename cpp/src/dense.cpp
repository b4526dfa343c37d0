#include "spintex/dense.hpp"

#include <stdexcept>
#include <string>

#ifdef SPINTEX_USE_OPENBLAS
// Prototypes of the prefixed symbols exported by the scipy-openblas32 wheel (32-bit integers).
// Declared here rather than through its headers to keep their C complex types out of C++.
extern "C" {
void scipy_cblas_zgemm(int order, int transa, int transb, int m, int n, int k, const void* alpha,
                       const void* a, int lda, const void* b, int ldb, const void* beta, void* c,
                       int ldc);
int scipy_LAPACKE_zgesv_work(int layout, int n, int nrhs, void* a, int lda, int* ipiv, void* b, int ldb);
int scipy_LAPACKE_zgetrf_work(int layout, int m, int n, void* a, int lda, int* ipiv);
int scipy_LAPACKE_zgetri_work(int layout, int n, void* a, int lda, const int* ipiv, void* work, int lwork);
void scipy_openblas_set_num_threads(int num_threads);
int scipy_openblas_get_num_threads(void);
}
namespace {
constexpr int kColMajor = 102, kNoTrans = 111, kConjTrans = 113;
}
#endif

namespace spintex::dense {

bool using_blas() {
#ifdef SPINTEX_USE_OPENBLAS
  return true;
#else
  return false;
#endif
}

const char* backend_name() { return using_blas() ? "openblas" : "eigen"; }

namespace {
// Below this size the call overhead of BLAS outweighs its faster kernels.
constexpr Eigen::Index kBlasMinSize = 12;

#ifdef SPINTEX_USE_OPENBLAS
void zgemm(int ta, int tb, const MatrixXc& A, const MatrixXc& B, MatrixXc& C, cplx alpha,
           cplx beta) {
  const int m = static_cast<int>(ta == kNoTrans ? A.rows() : A.cols());
  const int k = static_cast<int>(ta == kNoTrans ? A.cols() : A.rows());
  const int n = static_cast<int>(tb == kNoTrans ? B.cols() : B.rows());
  scipy_cblas_zgemm(kColMajor, ta, tb, m, n, k, &alpha, A.data(), static_cast<int>(A.rows()),
                    B.data(), static_cast<int>(B.rows()), &beta, C.data(),
                    static_cast<int>(C.rows()));
}

bool small(const MatrixXc& A, const MatrixXc& B) {
  return A.rows() < kBlasMinSize && A.cols() < kBlasMinSize && B.cols() < kBlasMinSize;
}
#endif
}  // namespace

void multiply(const MatrixXc& A, const MatrixXc& B, MatrixXc& C, cplx alpha) {
  C.resize(A.rows(), B.cols());
#ifdef SPINTEX_USE_OPENBLAS
  if (!small(A, B)) return zgemm(kNoTrans, kNoTrans, A, B, C, alpha, 0.0);
#endif
  C.noalias() = alpha * (A * B);
}

void multiply_adjoint_left(const MatrixXc& A, const MatrixXc& B, MatrixXc& C) {
  C.resize(A.cols(), B.cols());
#ifdef SPINTEX_USE_OPENBLAS
  if (!small(A, B)) return zgemm(kConjTrans, kNoTrans, A, B, C, 1.0, 0.0);
#endif
  C.noalias() = A.adjoint() * B;
}

void multiply_adjoint_right(const MatrixXc& A, const MatrixXc& B, MatrixXc& C) {
  C.resize(A.rows(), B.rows());
#ifdef SPINTEX_USE_OPENBLAS
  if (!small(A, B)) return zgemm(kNoTrans, kConjTrans, A, B, C, 1.0, 0.0);
#endif
  C.noalias() = A * B.adjoint();
}

void multiply_add(const MatrixXc& A, const MatrixXc& B, MatrixXc& C, cplx alpha) {
#ifdef SPINTEX_USE_OPENBLAS
  if (!small(A, B)) return zgemm(kNoTrans, kNoTrans, A, B, C, alpha, 1.0);
#endif
  C.noalias() += alpha * (A * B);
}

void invert(const MatrixXc& A, MatrixXc& Ainv) {
  const std::string singular =
      "singular block in the recursive Green's function; shift the energy off the real axis";
#ifdef SPINTEX_USE_OPENBLAS
  const Eigen::Index n = A.rows();
  // The *_work LAPACKE entry points skip the NaN scans of the plain ones.  Measured on the
  // benchmark machine: LU + zgetri is faster below n ~ 60, LU + n-column solve above.
  constexpr Eigen::Index kGetriMaxSize = 60;
  if (n >= kBlasMinSize) {
    std::vector<int> pivots(static_cast<std::size_t>(n));
    const int ni = static_cast<int>(n);
    int info;
    if (n < kGetriMaxSize) {
      Ainv = A;
      info = scipy_LAPACKE_zgetrf_work(kColMajor, ni, ni, Ainv.data(), ni, pivots.data());
      if (info == 0) {
        std::vector<cplx> work(static_cast<std::size_t>(64 * n));
        info = scipy_LAPACKE_zgetri_work(kColMajor, ni, Ainv.data(), ni, pivots.data(), work.data(),
                                         static_cast<int>(work.size()));
      }
    } else {
      MatrixXc lu = A;
      Ainv.setIdentity(n, n);
      info = scipy_LAPACKE_zgesv_work(kColMajor, ni, ni, lu.data(), ni, pivots.data(), Ainv.data(), ni);
    }
    if (info != 0) throw SingularBlock(singular + " (LAPACK info " + std::to_string(info) + ")");
    if (!Ainv.allFinite()) throw SingularBlock(singular);  // (LAPACK passes NaN through with info 0)
    return;
  }
#endif
  if (A.rows() == 2 && A.cols() == 2) {
    // A chain's slice: the adjugate over the determinant, without the allocations of a dynamic
    // LU and its inverse (which took 40 % of a 2 x 2 sweep).  Scaled by the largest entry so
    // that the determinant neither overflows nor underflows; its rounding is that of LU's at
    // this size (a few eps of cond(A)).  A singular block gives a non-finite inverse: the error.
    const double scale = A.cwiseAbs().maxCoeff();
    const cplx a = A(0, 0) / scale, b = A(0, 1) / scale, c = A(1, 0) / scale, d = A(1, 1) / scale;
    const cplx inv_det = 1.0 / ((a * d - b * c) * scale);
    Ainv.resize(2, 2);
    Ainv(0, 0) = d * inv_det;
    Ainv(0, 1) = -b * inv_det;
    Ainv(1, 0) = -c * inv_det;
    Ainv(1, 1) = a * inv_det;
    if (!Ainv.allFinite()) throw SingularBlock(singular);
    return;
  }
  Eigen::PartialPivLU<MatrixXc> lu(A);
  Ainv = lu.inverse();
  if (!Ainv.allFinite()) throw SingularBlock(singular);
}

int set_blas_threads(int threads) {
#ifdef SPINTEX_USE_OPENBLAS
  const int previous = scipy_openblas_get_num_threads();
  scipy_openblas_set_num_threads(threads);
  return previous;
#else
  (void)threads;
  return 0;
#endif
}

}  // namespace spintex::dense
