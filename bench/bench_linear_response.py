"""Time per energy of ``st.linear_response`` for a Neel wall in chains, strips and a square.

Run ``python bench/bench_linear_response.py [--quick] [--omp-threads 2] [--blas-threads 1]``.
Not part of the test suite.

Model: ``st.Model(lattice, exchange=0.5, texture=st.textures.neel_wall(L/2, 5))`` with
magnetic leads, at E = -1.0 (no Rashba, no disorder).  For each system:

* build: ``Model(...)`` construction plus ``model.device`` (slice blocks and the lead mode
  decompositions), best of the repeats;
* solve: ``st.linear_response(model, -1.0)`` on the finalized model (one energy per call: the
  sweep is sequential and only its BLAS calls may use more threads, SPINTEX_BLAS_THREADS =
  --blas-threads, default 1 as in the package), best of the repeats;
* batch: ``st.transmission(model, np.linspace(-1.5, -0.5, K))`` and
  ``_core.integrate(model.device, K energies, left_weights=w, transmission=True)`` (the request
  of linear_response, K at once: OpenMP threads take whole energies), divided by K.

Then the scaling of the solve time with the width W (L = 200) and the length L (W = 10), with
exponents from least-squares fits of log t against log W and log L.  The RGF cost is
~ L (2W)^3 flops, so the expected exponents are 3 in W (once n = 2W is large enough for the
products to dominate) and 1 in L.

The reference figures are those of a well-known Python package with a sparse direct solver,
measured earlier on this machine for the same four systems (not imported or re-run here).
bench_batch.py measures Kwant 1.5 itself when it is installed (bench/kwant_reference.py); on
2026-11-30 its per-energy times were 0.009, 0.11, 1.4 and 1.2 s for these systems.
"""
from __future__ import annotations

import os
import sys

from _timing import parse_and_set_threads  # bench/_timing.py (no numpy)

ARGS = parse_and_set_threads(__doc__.split("\n")[0])

import numpy as np  # noqa: E402
from _timing import best_of, load_average, most_other, provenance  # noqa: E402  (bench/_timing.py)

import spintex as st  # noqa: E402
from spintex import _core  # noqa: E402

ENERGY = -1.0
EXCHANGE = 0.5
WALL_WIDTH = 5.0

# (label, length, width, seconds per energy of the sparse-direct reference on this machine)
SYSTEMS = [
    ("chain 200", 200, 1, 0.03),
    ("strip 400 x 10", 400, 10, 0.17),
    ("strip 400 x 40", 400, 40, 1.3),
    ("square 80 x 80", 80, 80, 1.2),
]
WIDTH_SCAN = (10, 20, 40, 80)  # at L = 200
LENGTH_SCAN = (100, 200, 400, 800)  # at W = 10


def lattice(L: int, W: int):
    return st.lattice.chain(L) if W == 1 else st.lattice.strip(L, W)


def build(L: int, W: int) -> st.Model:
    model = st.Model(lattice(L, W), exchange=EXCHANGE, texture=st.textures.neel_wall(L / 2, WALL_WIDTH))
    model.device  # finalize (cached on the model)
    return model


def solve_time(model: st.Model, repeats: int):
    st.linear_response(model, ENERGY)  # warm-up (first call pays allocations)
    return best_of(lambda: st.linear_response(model, ENERGY), repeats)


def batch_times(model: st.Model, K: int, repeats: int):
    energies = np.linspace(-1.5, -0.5, K)
    tr = best_of(lambda: st.transmission(model, energies), repeats)
    e = energies.astype(complex)
    w = np.full(K, 1.0 / (2.0 * np.pi * K))
    integ = best_of(lambda: _core.integrate(model.device, e, left_weights=w, transmission=True), repeats)
    return tr, integ


def fit_exponent(x, t) -> float:
    return float(np.polyfit(np.log(x), np.log(t), 1)[0])


def main():
    quick = ARGS.quick
    repeats = ARGS.repeats or (1 if quick else 3)
    K = 8 if quick else 16
    widths = WIDTH_SCAN[:3] if quick else WIDTH_SCAN
    lengths = LENGTH_SCAN[:3] if quick else LENGTH_SCAN

    print("linear response timings (bench/bench_linear_response.py" + (", --quick)" if quick else ")"))
    print(f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}  "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}  "
          f"SPINTEX_BLAS_THREADS={os.environ['SPINTEX_BLAS_THREADS']}  cpus={os.cpu_count()}  "
          f"load average at start={load_average():.2f}  dense backend={_core.blas_backend()}")
    print(provenance(_core.__file__))
    print(f"Neel wall (center L/2, width {WALL_WIDTH:g}), exchange {EXCHANGE}, E = {ENERGY}; "
          f"best of {repeats}; batch of K = {K} energies in [-1.5, -0.5]")
    print()
    print("solve = st.linear_response, one energy per call; T(E) = st.transmission and integ = "
          f"_core.integrate (left_weights + transmission), {K} energies per call, time / {K}")
    print("1E/batch = solve / integ; ref = sparse-direct reference package on this machine (not re-run); "
          "ref/solve > 1: spintex faster")
    print("other = CPUs used by other processes during the timed runs (* if > 0.2: figures disturbed)")
    header = (f"{'system':<15} {'sites':>6} {'n':>4} | {'build s':>8} {'solve s/E':>9} | "
              f"{'T(E) s/E':>9} {'integ s/E':>9} {'1E/batch':>8} | {'ref s/E':>7} {'ref/solve':>9} | "
              f"{'other':>5}")
    print(header)
    print("-" * len(header))
    for label, L, W, ref in SYSTEMS:
        build_t = best_of(lambda: build(L, W), repeats)
        model = build(L, W)
        solve = solve_time(model, repeats)
        tr, integ = batch_times(model, K, repeats)
        other = most_other(build_t, solve, tr, integ)
        print(f"{label:<15} {L * W:6d} {2 * W:4d} | {build_t.seconds:8.4f} {solve.seconds:9.4f} | "
              f"{tr.seconds / K:9.4f} {integ.seconds / K:9.4f} {solve.seconds * K / integ.seconds:8.2f} | "
              f"{ref:7.2f} {ref / solve.seconds:9.1f} | {other:5.2f}{'*' if other > 0.2 else ''}",
              flush=True)

    print()
    print("scaling of the solve time (st.linear_response, s per energy)")
    t_w = []
    for W in widths:
        r = solve_time(build(200, W), repeats)
        t_w.append(r.seconds)
        print(f"  L = 200, W = {W:3d} (n = {2 * W:3d}): {r.seconds:.4f} s   other {r.other:.2f}", flush=True)
    t_l = []
    for L in lengths:
        r = solve_time(build(L, 10), repeats)
        t_l.append(r.seconds)
        print(f"  W = 10,  L = {L:4d}:          {r.seconds:.4f} s   other {r.other:.2f}", flush=True)
    pair_w = [np.log(t_w[i + 1] / t_w[i]) / np.log(widths[i + 1] / widths[i]) for i in range(len(widths) - 1)]
    pair_l = [np.log(t_l[i + 1] / t_l[i]) / np.log(lengths[i + 1] / lengths[i]) for i in range(len(lengths) - 1)]
    print(f"exponent in W (W = {', '.join(map(str, widths))}; L = 200): {fit_exponent(widths, t_w):.2f}"
          f"   pairwise {', '.join(f'{x:.2f}' for x in pair_w)}   (RGF flops ~ W^3)")
    print(f"exponent in L (L = {', '.join(map(str, lengths))}; W = 10): {fit_exponent(lengths, t_l):.2f}"
          f"   pairwise {', '.join(f'{x:.2f}' for x in pair_l)}   (RGF flops ~ L)")
    print(f"load average at end: {load_average():.2f}")


if __name__ == "__main__":
    sys.exit(main())
