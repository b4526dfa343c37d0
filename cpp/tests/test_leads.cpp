// Lead self-energies: the chain's surface Green's function, the matrix Dyson equation, an
// independent decimation and a long finite lead, and the broadening's positivity and rank.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "random_device.hpp"
#include "spintex/leads.hpp"

namespace spintex::test {
namespace {

const cplx kI(0.0, 1.0);

TEST(ChainSurfaceGreen, SolvesItsDysonEquationWithTheDecayingRoot) {
  for (double tau : {1.0, 0.7, -1.3}) {
    for (cplx zeta : {cplx(0.5), cplx(-1.1), cplx(3.0), cplx(-4.5), cplx(0.3, 0.2),
                      cplx(5.0, 1.0), cplx(-1.0, 1e-6)}) {
      const cplx g = chain_surface_green(zeta, tau);
      // g = 1 / (zeta - tau^2 g)
      EXPECT_LT(std::abs(g * (zeta - tau * tau * g) - 1.0), 1e-13) << "zeta " << zeta << " tau " << tau;
      EXPECT_LE(std::abs(tau * g), 1.0 + 1e-12);
      EXPECT_LE(g.imag(), 0.0);
      // the real-axis value is the limit from above (retarded branch)
      const cplx above = chain_surface_green(zeta + cplx(0, 1e-9), tau);
      EXPECT_LT(std::abs(g - above), 1e-6) << "zeta " << zeta << " tau " << tau;
    }
  }
  // inside the band Im g < 0 strictly, outside it g is real and decays (|tau g| < 1)
  EXPECT_LT(chain_surface_green(0.4, 1.0).imag(), -0.1);
  EXPECT_EQ(chain_surface_green(2.5, 1.0).imag(), 0.0);
  EXPECT_LT(std::abs(chain_surface_green(2.5, 1.0)), 0.99);
}

TEST(ChainSurfaceGreen, KeepsItsDigitsFarFromTheBand) {
  // the decaying root ~ 1/zeta: from 2 / (zeta + root), not (zeta - root) / 2t^2, which cancels
  // (49 % wrong at zeta = 1e8 (1 + i)); the reference is the series 1/zeta + tau^2/zeta^3 + ...
  for (double tau : {1.0, -0.6}) {
    for (cplx zeta : {cplx(1e3), cplx(0.0, 1e5), cplx(-1e6), cplx(1e8, 1e8), cplx(-3e7, 2e2)}) {
      const double t2 = tau * tau;
      const cplx series = 1.0 / zeta + t2 / (zeta * zeta * zeta) + 2.0 * t2 * t2 / std::pow(zeta, 5);
      EXPECT_LT(std::abs(chain_surface_green(zeta, tau) / series - 1.0), 1e-14) << "zeta " << zeta;
    }
  }
}

/// Surface Green's function of a semi-infinite lead by Lopez Sancho-Rubio decimation.
MatrixXc decimated_surface_green(const MatrixXc& h0, double tau, cplx z) {
  const int n = static_cast<int>(h0.rows());
  const MatrixXc one = MatrixXc::Identity(n, n);
  MatrixXc alpha = tau * one, beta = tau * one, eps_surface = h0, eps_bulk = h0;
  for (int it = 0; it < 200 && alpha.cwiseAbs().maxCoeff() + beta.cwiseAbs().maxCoeff() > 1e-300;
       ++it) {
    const MatrixXc g = (z * one - eps_bulk).partialPivLu().inverse();
    const MatrixXc agb = alpha * g * beta, bga = beta * g * alpha;
    eps_surface += agb;
    eps_bulk += agb + bga;
    alpha = (alpha * g * alpha).eval();
    beta = (beta * g * beta).eval();
  }
  return (z * one - eps_surface).partialPivLu().inverse();
}

class LeadTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    std::mt19937 rng(1234 + GetParam());
    h0_ = random_hermitian(2 * GetParam(), 1.0, rng);
  }
  MatrixXc h0_;
  const double tau_ = 0.9;
};

TEST_P(LeadTest, SelfEnergySolvesTheMatrixDysonEquation) {
  const Lead lead(h0_, tau_);
  const int n = static_cast<int>(h0_.rows());
  for (cplx z : {cplx(0.3), cplx(-2.2), cplx(4.5), cplx(0.1, 0.3), cplx(-1.0, 1e-8)}) {
    const MatrixXc sigma = lead.self_energy(z);
    // Sigma = tau^2 (z - h0 - Sigma)^-1
    const MatrixXc lhs = (z * MatrixXc::Identity(n, n) - h0_ - sigma) * sigma;
    EXPECT_LT(relative_error(lhs, tau_ * tau_ * MatrixXc::Identity(n, n)), 1e-12) << "z " << z;
  }
}

TEST_P(LeadTest, SelfEnergyEqualsDecimation) {
  const Lead lead(h0_, tau_);
  for (cplx z : {cplx(0.3, 1e-3), cplx(-1.7, 1e-3), cplx(3.9, 1e-3), cplx(0.2, 0.5)}) {
    const MatrixXc reference = tau_ * tau_ * decimated_surface_green(h0_, tau_, z);
    EXPECT_LT(relative_error(lead.self_energy(z), reference), 1e-10) << "z " << z;
  }
}

TEST_P(LeadTest, SelfEnergyDerivativeIsTheSlopeOfTheSelfEnergy) {
  // dSigma/dz (the first-order change under a rigid band shift) against a central difference, and
  // the derivative of the matrix Dyson equation Sigma = tau^2 (z - h0 - Sigma)^-1:
  // Sigma' = -Sigma (1 - Sigma') Sigma / tau^2
  const Lead lead(h0_, tau_);
  const int n = static_cast<int>(h0_.rows());
  const MatrixXc one = MatrixXc::Identity(n, n);
  for (cplx z : {cplx(0.3, 0.2), cplx(-1.7, 0.05), cplx(3.9, 1.0), cplx(-5.0, 0.5)}) {
    const double h = 1e-5 * z.imag();
    const MatrixXc slope = (lead.self_energy(z + h) - lead.self_energy(z - h)) / (2.0 * h);
    const MatrixXc d = lead.self_energy_derivative(z), sigma = lead.self_energy(z);
    EXPECT_LT(relative_error(d, slope), 1e-7) << "z " << z;
    EXPECT_LT(relative_error(d, -sigma * (one - d) * sigma / (tau_ * tau_)), 1e-11) << "z " << z;
  }
}

TEST_P(LeadTest, SelfEnergyEqualsLongFiniteLead) {
  // 120 cells at Im z = 0.5: the far end's reflection is damped by ~exp(-2 * 120 * 0.25)
  const Lead lead(h0_, tau_);
  const int n = static_cast<int>(h0_.rows()), cells = 120, size = n * cells;
  for (cplx z : {cplx(0.4, 0.5), cplx(-2.0, 0.5)}) {
    MatrixXc A = MatrixXc::Zero(size, size);
    for (int c = 0; c < cells; ++c) {
      A.block(c * n, c * n, n, n) = z * MatrixXc::Identity(n, n) - h0_;
      if (c + 1 < cells) {
        A.block(c * n, (c + 1) * n, n, n) = -tau_ * MatrixXc::Identity(n, n);
        A.block((c + 1) * n, c * n, n, n) = -tau_ * MatrixXc::Identity(n, n);
      }
    }
    const MatrixXc first_columns = A.partialPivLu().solve(MatrixXc::Identity(size, n));
    const MatrixXc surface = first_columns.topRows(n);
    EXPECT_LT(relative_error(lead.self_energy(z), tau_ * tau_ * surface), 1e-10) << "z " << z;
  }
}

TEST_P(LeadTest, BroadeningIsPositiveSemidefiniteWithOneRankPerOpenChannel) {
  const Lead lead(h0_, tau_);
  for (double E : {-3.1, -1.2, 0.0, 0.7, 2.4, 4.0}) {
    const MatrixXc sigma = lead.self_energy(E);
    const MatrixXc gamma = lead.broadening(E);
    EXPECT_LT(relative_error(gamma, kI * (sigma - sigma.adjoint())), 1e-13) << "E " << E;
    EXPECT_LT(relative_error(gamma, gamma.adjoint()), 1e-14);
    const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<MatrixXc>(gamma).eigenvalues();
    EXPECT_GT(ev.minCoeff(), -1e-12) << "E " << E;
    bool near_edge = false;
    for (Eigen::Index m = 0; m < lead.mode_levels().size(); ++m)
      near_edge = near_edge || std::abs(std::abs(E - lead.mode_levels()(m)) - 2 * tau_) < 1e-3;
    if (!near_edge) {
      EXPECT_EQ((ev.array() > 1e-9).count(), lead.open_channels(E)) << "E " << E;
    }
  }
  // off the real axis every mode is broadened
  const Eigen::VectorXd ev =
      Eigen::SelfAdjointEigenSolver<MatrixXc>(lead.broadening(cplx(5.0, 0.1))).eigenvalues();
  EXPECT_GT(ev.minCoeff(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Widths, LeadTest, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return "W" + std::to_string(info.param); });

TEST(Lead, RejectsInvalidArguments) {
  MatrixXc h(2, 2);
  h << 0.0, 1.0, 2.0, 0.0;  // not Hermitian
  EXPECT_THROW(Lead(h, 1.0), std::invalid_argument);
  EXPECT_THROW(Lead(MatrixXc::Identity(2, 2), 0.0), std::invalid_argument);
  EXPECT_THROW(Lead(MatrixXc(0, 0), 1.0), std::invalid_argument);
  EXPECT_THROW(Lead(MatrixXc::Zero(2, 3), 1.0), std::invalid_argument);
  MatrixXc nan = MatrixXc::Identity(2, 2);
  nan(0, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(Lead(nan, 1.0), std::invalid_argument);
  nan(0, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(Lead(nan, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace spintex::test
