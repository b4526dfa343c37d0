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
  EXPECT_THROW(dense::invert(MatrixXc::Zero(4, 4), Ainv), dense::SingularBlock);
  EXPECT_THROW(dense::invert(MatrixXc::Zero(40, 40), Ainv), dense::SingularBlock);
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
