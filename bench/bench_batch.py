"""A batch of 64 energies in one ``st.linear_response`` call against a Python loop of single calls.

Run ``python bench/bench_batch.py [--quick] [--omp-threads 2] [--blas-threads 1] [--repeats 3]``.
Not part of the test suite.

Model: ``st.Model(lattice, exchange=0.5, texture=st.textures.neel_wall(L/2, 5))``, clean, the
default drive (left lead), K = 64 energies evenly spaced in [-1.45, -0.55].

* loop: ``[st.linear_response(model, E) for E in energies]`` (today's way: one energy per call,
  each a Python round trip and a sequential sweep);
* batch: ``st.linear_response(model, energies)`` (one C++ call: OpenMP threads take whole
  energies, the GIL released; observables vectorized over the energy axis).

Both on the same finalized model, best of the repeats, in one run; loop / batch is the speed-up.
* kwant: the issue's reference, Kwant 1.5 doing the same 64 energies in a Python loop
  (``bench/kwant_reference.py``: left-lead scattering states, spin and charge densities, particle
  and spin currents of every bond), when Kwant is importable; its spin densities are checked
  against the batch's.  Without Kwant the ratio is against spintex's own per-call loop only.
"""
from __future__ import annotations

import os
import sys

from _timing import parse_and_set_threads  # bench/_timing.py (no numpy)

ARGS = parse_and_set_threads(__doc__.split("\n")[0])

import numpy as np  # noqa: E402
from _timing import best_of, load_average, most_other, provenance  # noqa: E402

import spintex as st  # noqa: E402
from spintex import _core  # noqa: E402

try:
    import kwant_reference  # bench/kwant_reference.py (needs Kwant)
except ImportError:
    kwant_reference = None

K = 64
ENERGIES = np.linspace(-1.45, -0.55, K)
EXCHANGE = 0.5
WALL_WIDTH = 5.0

# (label, length, width, issue's target speed-up against Kwant)
SYSTEMS = [
    ("chain 200", 200, 1, 50),
    ("strip 400 x 10", 400, 10, 20),
    ("strip 400 x 40", 400, 40, 5),
    ("strip 80 x 80", 80, 80, 5),
]


def build(L: int, W: int) -> st.Model:
    lattice = st.lattice.chain(L) if W == 1 else st.lattice.strip(L, W)
    model = st.Model(lattice, exchange=EXCHANGE, texture=st.textures.neel_wall(L / 2, WALL_WIDTH))
    model.device  # finalize (cached on the model)
    return model


def loop(model):
    return [st.linear_response(model, e) for e in ENERGIES]


def batch(model):
    return st.linear_response(model, ENERGIES)


def largest_difference(model) -> float:
    """max |batch - loop| of the spin density, relative to its largest entry."""
    b, singles = batch(model), loop(model)
    s = np.stack([r.spin_density for r in singles])
    return float(np.abs(b.spin_density - s).max() / np.abs(s).max())


def main():
    repeats = ARGS.repeats or (1 if ARGS.quick else 3)
    systems = SYSTEMS[:2] if ARGS.quick else SYSTEMS
    print(f"{K}-energy batch against a loop of single calls (bench/bench_batch.py{', --quick' if ARGS.quick else ''})")
    print(f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}  "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}  "
          f"SPINTEX_BLAS_THREADS={os.environ['SPINTEX_BLAS_THREADS']}  cpus={os.cpu_count()}  "
          f"load average at start={load_average():.2f}  dense backend={_core.blas_backend()}")
    print(provenance(_core.__file__))
    print(f"Neel wall (center L/2, width {WALL_WIDTH:g}), exchange {EXCHANGE}, clean, drive 'left'; "
          f"K = {K} energies in [{ENERGIES[0]}, {ENERGIES[-1]}]; best of {repeats}")
    print("loop / batch: against spintex's per-call loop; diff: max |batch - loop| / max |loop| of the spin density")
    print("cpu: CPU-seconds of this process in the same runs (loop/batch in CPU time: the work the batch saves, "
          "without the parallel gain)")
    if kwant_reference is None:
        print("kwant: not importable here, so no Kwant column (the issue allows the per-call loop instead)")
    else:
        import kwant
        print(f"kwant: Kwant {kwant.__version__} in a Python loop over the same energies (bench/kwant_reference.py); "
              "kwant/batch: the issue's speed-up; kdiff: max |Kwant - batch| / max |batch| of the spin density")
    print("other: CPUs used by other processes during the timed runs (* if > 0.2: figures disturbed)")
    header = (f"{'system':<15} {'sites':>6} | {'kwant s':>8} {'loop s':>8} {'batch s':>8} {'kwant/batch':>11} "
              f"{'loop/batch':>10} {'target':>6} | {'loop cpu':>8} {'batch cpu':>9} {'ratio':>5} | "
              f"{'diff':>7} {'kdiff':>7} {'other':>6}")
    print(header)
    print("-" * len(header))
    for label, L, W, target in systems:
        model = build(L, W)
        batch(model)  # warm-up: first calls pay allocations
        st.linear_response(model, ENERGIES[0])
        t_loop = best_of(lambda: loop(model), repeats)
        t_batch = best_of(lambda: batch(model), repeats)
        if kwant_reference is not None:
            reference = kwant_reference.Loop(model)
            out: list = []
            t_kwant = best_of(lambda: out.append(np.stack([reference(e) for e in ENERGIES])), 1)  # slow: once
            kwant_s = f"{t_kwant.seconds:8.2f}"
            speedup = f"{t_kwant.seconds / t_batch.seconds:11.0f}"
            s_batch = batch(model).spin_density
            kdiff = f"{np.abs(out[-1] - s_batch).max() / np.abs(s_batch).max():7.1e}"
            other = most_other(t_loop, t_batch, t_kwant)
        else:
            kwant_s, speedup, kdiff = f"{'-':>8}", f"{'-':>11}", f"{'-':>7}"
            other = most_other(t_loop, t_batch)
        cpu_loop, cpu_batch = t_loop.cpu * t_loop.seconds, t_batch.cpu * t_batch.seconds
        print(f"{label:<15} {L * W:6d} | {kwant_s} {t_loop.seconds:8.3f} {t_batch.seconds:8.3f} {speedup} "
              f"{t_loop.seconds / t_batch.seconds:10.1f} {target:6d} | "
              f"{cpu_loop:8.3f} {cpu_batch:9.3f} {cpu_loop / cpu_batch:5.1f} | "
              f"{largest_difference(model):7.1e} {kdiff} {other:5.2f}{'*' if other > 0.2 else ''}",
              flush=True)
    print(f"load average at end: {load_average():.2f}")


if __name__ == "__main__":
    sys.exit(main())
