// Dense block kernels (cpp/src/dense.cpp) against Eigen's own expressions, on both sides of the
// BLAS size threshold.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "random_device.hpp"
#include "spintex/dense.hpp"

namespace spintex::test {
namespace {

class DenseInvert : public ::testing::TestWithParam<int> {};

TEST_P(DenseInvert, InverseOfRandomBlock) {
  const int n = GetParam();
  std::mt19937 rng(77 + n);
  const MatrixXc A = random_matrix(n, n, 1.0, rng) + 2.0 * MatrixXc::Identity(n, n);
  MatrixXc Ainv(3, 5);  // wrong size on entry: must be resized
  dense::invert(A, Ainv);
  ASSERT_EQ(Ainv.rows(), n);
  ASSERT_EQ(Ainv.cols(), n);
  EXPECT_LT(relative_error(A * Ainv, MatrixXc::Identity(n, n)), 1e-12);
  EXPECT_LT(relative_error(Ainv, A.fullPivLu().inverse()), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DenseInvert,
                         ::testing::Values(1, 2, 6, 11, 12, 13, 40, 59, 60, 61, 120),
                         [](const auto& info) { return "n" + std::to_string(info.param); });

TEST(DenseInvertSingular, Throws) {
  MatrixXc Ainv;
  EXPECT_THROW(dense::invert(MatrixXc::Zero(2, 2), Ainv), dense::SingularBlock);
  EXPECT_THROW(dense::invert(MatrixXc::Zero(4, 4), Ainv), dense::SingularBlock);
  EXPECT_THROW(dense::invert(MatrixXc::Zero(40, 40), Ainv), dense::SingularBlock);
  MatrixXc rank_one(2, 2);
  rank_one << cplx(1.0), cplx(0.0, 2.0), cplx(2.0), cplx(0.0, 4.0);  // rows proportional (exactly, in binary)
  EXPECT_THROW(dense::invert(rank_one, Ainv), dense::SingularBlock);
}

// The 2 x 2 blocks (a chain's slices) are inverted in closed form: at any scale of the entries
// and near singularity it must agree with LU to the accuracy the condition number allows.
TEST(DenseInvertTwoByTwo, ScaleAndConditioning) {
  MatrixXc Ainv;
  for (double scale : {1e-150, 1e-8, 1.0, 1e8, 1e150}) {
    MatrixXc A(2, 2);
    A << cplx(0.3, 0.1), cplx(-1.2, 0.4), cplx(0.7, -0.2), cplx(2.0, 0.5);
    A *= scale;
    dense::invert(A, Ainv);
    EXPECT_LT(relative_error(Ainv, A.fullPivLu().inverse()), 1e-14) << scale;
  }
  for (double eps : {1e-4, 1e-8, 1e-12}) {  // cond(A) ~ 4 / eps
    MatrixXc A(2, 2);
    A << cplx(1.0, 0.0), cplx(1.0, 0.0), cplx(1.0, 0.0), cplx(1.0 + eps, 0.0);
    dense::invert(A, Ainv);
    EXPECT_LT(relative_error(A * Ainv, MatrixXc::Identity(2, 2)), 1e-15 / eps) << eps;
  }
  MatrixXc tiny_pivot(2, 2);  // LU would pivot: a zero leading entry is no problem here
  tiny_pivot << cplx(0.0), cplx(1.0, 1.0), cplx(2.0, -1.0), cplx(0.5);
  dense::invert(tiny_pivot, Ainv);
  EXPECT_LT(relative_error(tiny_pivot * Ainv, MatrixXc::Identity(2, 2)), 1e-15);
}

class DenseProducts : public ::testing::TestWithParam<std::array<int, 3>> {};

TEST_P(DenseProducts, MatchEigenExpressions) {
  const auto [m, k, n] = GetParam();
  std::mt19937 rng(5 + m + k + n);
  const MatrixXc A = random_matrix(m, k, 1.0, rng), B = random_matrix(k, n, 1.0, rng);
  const MatrixXc At = random_matrix(k, m, 1.0, rng), Bt = random_matrix(n, k, 1.0, rng);
  const cplx alpha(0.3, -1.2);
  MatrixXc C;
  dense::multiply(A, B, C);
  EXPECT_LT(relative_error(C, A * B), 1e-14);
  dense::multiply(A, B, C, alpha);
  EXPECT_LT(relative_error(C, alpha * A * B), 1e-14);
  dense::multiply_adjoint_left(At, B, C);
  EXPECT_LT(relative_error(C, At.adjoint() * B), 1e-14);
  dense::multiply_adjoint_right(A, Bt, C);
  EXPECT_LT(relative_error(C, A * Bt.adjoint()), 1e-14);
  const MatrixXc C0 = random_matrix(m, n, 1.0, rng);
  C = C0;
  dense::multiply_add(A, B, C, alpha);
  EXPECT_LT(relative_error(C, C0 + alpha * A * B), 1e-14);
}

INSTANTIATE_TEST_SUITE_P(Shapes, DenseProducts,
                         ::testing::Values(std::array<int, 3>{2, 2, 2}, std::array<int, 3>{3, 5, 4},
                                           std::array<int, 3>{20, 13, 17},
                                           std::array<int, 3>{40, 40, 40}),
                         [](const auto& info) {
                           return "m" + std::to_string(info.param[0]) + "_k" +
                                  std::to_string(info.param[1]) + "_n" +
                                  std::to_string(info.param[2]);
                         });

TEST(DenseBackend, NameMatchesDispatch) {
  EXPECT_EQ(std::string(dense::backend_name()), dense::using_blas() ? "openblas" : "eigen");
  if (!dense::using_blas()) {
    EXPECT_EQ(dense::set_blas_threads(1), 0);
  }
}

}  // namespace
}  // namespace spintex::test
