// Benchmarks of the core's hot loops at block sizes n = 2W, W in {20, 80, 200}, with a plain
// complex matrix product (dense::multiply: the BLAS zgemm the core links, or Eigen's product) of
// the same size as the reference.  Run with OMP_NUM_THREADS=1; BLAS is set to one thread.
//
// GFLOP/s are nominal: every dense n x n kernel call counts 8 n^3 real flops (a complex
// product; an LU inverse, 8/3 + 16/3 n^3), products with scalar couplings V = c 1 count zero.
// Per energy (L slices) the counts in such units are
//   retarded sweep  : 4 (lead Sigma, Gamma) + L inversions + 3 (L - 1) products
//   injected sweep  : 4 + L inversions + 1 + 2 (L - 1) products
//   Correlator      : 2 L + 6 (L - 1) products (both pairings)
//   BlockCorrelator : 2 S + 24 (S - 1) products (S super-slices; here group 1, S = L).
#include <benchmark/benchmark.h>

#include <random>

#include "spintex/block_correlation.hpp"
#include "spintex/correlation.hpp"
#include "spintex/dense.hpp"
#include "spintex/rgf.hpp"

namespace {

using spintex::Block2;
using spintex::cplx;
using spintex::MatrixXc;

constexpr int kSlices = 4;
const cplx kEnergy(-1.0, 0.0);

MatrixXc random_matrix(int n, std::mt19937& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  MatrixXc M(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) M(i, j) = cplx(normal(rng), normal(rng));
  return M;
}

/// Strip of W sites: slice blocks = transverse chain (hopping -1) plus random Hermitian
/// exchange-like noise, couplings -1 (scalar, as in the package's strips), leads of the clean
/// strip.
spintex::Device strip_device(int W, int slices) {
  std::mt19937 rng(2024);
  const int n = 2 * W;
  MatrixXc cell = MatrixXc::Zero(n, n);
  for (int p = 0; p + 1 < W; ++p) {
    cell.block<2, 2>(2 * p, 2 * p + 2) = -Block2::Identity();
    cell.block<2, 2>(2 * p + 2, 2 * p) = -Block2::Identity();
  }
  std::vector<MatrixXc> diagonal, upper;
  for (int l = 0; l < slices; ++l) {
    const MatrixXc noise = 0.05 * random_matrix(n, rng);
    diagonal.push_back(cell + noise + noise.adjoint());
  }
  for (int l = 0; l + 1 < slices; ++l) upper.push_back(-MatrixXc::Identity(n, n));
  const spintex::Lead lead(cell, -1.0);
  return spintex::Device(diagonal, upper, lead, lead, {});
}

/// GFLOP/s counter for `units` dense kernel calls of size n per iteration.
void set_flops(benchmark::State& state, double units, int n) {
  const double flops = units * 8.0 * double(n) * n * n;
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["n"] = n;
}

void BM_Zgemm(benchmark::State& state) {
  const int n = 2 * static_cast<int>(state.range(0));
  std::mt19937 rng(1);
  const MatrixXc A = random_matrix(n, rng), B = random_matrix(n, rng);
  MatrixXc C;
  for (auto _ : state) {
    spintex::dense::multiply(A, B, C);
    benchmark::DoNotOptimize(C.data());
  }
  set_flops(state, 1, n);
}

void BM_BlockInversion(benchmark::State& state) {
  const int n = 2 * static_cast<int>(state.range(0));
  std::mt19937 rng(2);
  const MatrixXc A = random_matrix(n, rng) + 4.0 * MatrixXc::Identity(n, n);
  MatrixXc Ainv;
  for (auto _ : state) {
    spintex::dense::invert(A, Ainv);
    benchmark::DoNotOptimize(Ainv.data());
  }
  set_flops(state, 1, n);
}

void BM_RetardedSweep(benchmark::State& state) {
  const int W = static_cast<int>(state.range(0));
  const spintex::Device device = strip_device(W, kSlices);
  spintex::Request request;
  request.energies = {kEnergy};
  request.retarded_weights = {1.0};
  for (auto _ : state) benchmark::DoNotOptimize(spintex::integrate(device, request));
  set_flops(state, 4 + kSlices + 3 * (kSlices - 1), 2 * W);
}

void BM_InjectedSweep(benchmark::State& state) {
  const int W = static_cast<int>(state.range(0));
  const spintex::Device device = strip_device(W, kSlices);
  spintex::Request request;
  request.energies = {kEnergy};
  request.left_weights = {1.0};
  for (auto _ : state) benchmark::DoNotOptimize(spintex::integrate(device, request));
  set_flops(state, 4 + kSlices + 1 + 2 * (kSlices - 1), 2 * W);
}

void correlator_apply(benchmark::State& state, spintex::Pairing pairing) {
  const int W = static_cast<int>(state.range(0));
  const spintex::Device device = strip_device(W, kSlices);
  const std::vector<Block2> sigma(static_cast<std::size_t>(device.num_sites()),
                                  Block2(cplx(0.0, -0.01) * Block2::Identity()));
  const spintex::Correlator corr(device, kEnergy, sigma);
  const std::vector<Block2> source(sigma.size(), Block2::Identity());
  std::vector<Block2> sites, bonds;
  for (auto _ : state) {
    corr.apply(source, 1.0, 0.0, sites, bonds, pairing);
    benchmark::DoNotOptimize(sites.data());
  }
  set_flops(state, 2 * kSlices + 6 * (kSlices - 1), 2 * W);
}

void BM_CorrelatorRA(benchmark::State& state) {
  correlator_apply(state, spintex::Pairing::RetardedAdvanced);
}

void BM_CorrelatorRR(benchmark::State& state) {
  correlator_apply(state, spintex::Pairing::RetardedRetarded);
}

void BM_BlockCorrelator(benchmark::State& state) {
  const int W = static_cast<int>(state.range(0));
  const spintex::Device device = strip_device(W, kSlices);
  std::vector<std::array<int, 2>> pairs;
  for (int u = 0; u < device.num_sites(); ++u) pairs.push_back({u, u});
  const std::vector<Block2> sigma(pairs.size(), Block2(cplx(0.0, -0.01) * Block2::Identity()));
  const spintex::BlockCorrelator corr(device, kEnergy, 1, pairs, sigma);
  const std::vector<Block2> source(pairs.size(), Block2::Identity());
  for (auto _ : state) benchmark::DoNotOptimize(corr.apply(source, 1.0, 0.0));
  set_flops(state, 2 * kSlices + 24 * (kSlices - 1), 2 * W);
}

void widths(benchmark::internal::Benchmark* b) {
  b->ArgName("W")->Arg(20)->Arg(80)->Arg(200)->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Zgemm)->Apply(widths);
BENCHMARK(BM_BlockInversion)->Apply(widths);
BENCHMARK(BM_RetardedSweep)->Apply(widths);
BENCHMARK(BM_InjectedSweep)->Apply(widths);
BENCHMARK(BM_CorrelatorRA)->Apply(widths);
BENCHMARK(BM_CorrelatorRR)->Apply(widths);
BENCHMARK(BM_BlockCorrelator)->Apply(widths);

}  // namespace

int main(int argc, char** argv) {
  spintex::dense::set_blas_threads(1);
  benchmark::AddCustomContext("spintex dense backend", spintex::dense::backend_name());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
