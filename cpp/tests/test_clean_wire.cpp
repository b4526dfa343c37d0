// A clean uniform wire (device = lead) transmits exactly one quantum per open channel, in each
// direction and spin by spin, away from the band edges.
#include <gtest/gtest.h>

#include "spintex/rgf.hpp"

namespace spintex::test {
namespace {

/// Strip of `width` sites with transverse hopping -1 and Zeeman splitting b sigma_z.
MatrixXc strip_cell(int width, double b) {
  MatrixXc h = MatrixXc::Zero(2 * width, 2 * width);
  for (int p = 0; p < width; ++p) {
    h(2 * p, 2 * p) = b;
    h(2 * p + 1, 2 * p + 1) = -b;
    if (p + 1 < width) {
      h.block<2, 2>(2 * p, 2 * p + 2) = -Block2::Identity();
      h.block<2, 2>(2 * p + 2, 2 * p) = -Block2::Identity();
    }
  }
  return h;
}

class CleanWire : public ::testing::TestWithParam<int> {};

TEST_P(CleanWire, TransmissionCountsOpenChannels) {
  const int width = GetParam(), slices = 12, n = 2 * width;
  const double b = 0.3, tau = -1.0;
  const MatrixXc cell = strip_cell(width, b);
  const Lead lead(cell, tau);
  const Device device(std::vector<MatrixXc>(slices, cell),
                      std::vector<MatrixXc>(slices - 1, tau * MatrixXc::Identity(n, n)), lead,
                      lead, {});
  Request r;
  for (double E = -4.9; E < 4.9; E += 0.0625) {
    bool near_edge = false;
    for (Eigen::Index m = 0; m < lead.mode_levels().size(); ++m)
      near_edge = near_edge || std::abs(std::abs(E - lead.mode_levels()(m)) - 2.0) < 0.02;
    if (!near_edge) r.energies.push_back(E);
  }
  r.transmission = r.reverse_transmission = true;
  const Accumulated acc = integrate(device, r);
  int max_open = 0;
  for (std::size_t k = 0; k < r.energies.size(); ++k) {
    const double E = r.energies[k].real();
    const int open = lead.open_channels(E);
    max_open = std::max(max_open, open);
    int open_up = 0;  // sigma_z = +1 modes: transverse level + b
    for (int q = 1; q <= width; ++q)
      if (std::abs(E - (-2.0 * std::cos(q * M_PI / (width + 1)) + b)) < 2.0) ++open_up;
    EXPECT_NEAR(acc.transmission[k], open, 1e-10) << "E " << E;
    EXPECT_NEAR(acc.reverse_transmission[k], open, 1e-10) << "E " << E;
    EXPECT_NEAR(acc.spin_transmission[4 * k + 0], open_up, 1e-10) << "E " << E;
    EXPECT_NEAR(acc.spin_transmission[4 * k + 1], 0.0, 1e-10) << "E " << E;
    EXPECT_NEAR(acc.spin_transmission[4 * k + 2], 0.0, 1e-10) << "E " << E;
    EXPECT_NEAR(acc.spin_transmission[4 * k + 3], open - open_up, 1e-10) << "E " << E;
    EXPECT_EQ(acc.open_channels_left[k], open);
    EXPECT_EQ(acc.open_channels_right[k], open);
  }
  EXPECT_EQ(max_open, n);  // the energy grid visits every channel count up to all modes open
}

INSTANTIATE_TEST_SUITE_P(Widths, CleanWire, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return "W" + std::to_string(info.param); });

}  // namespace
}  // namespace spintex::test
