"""Disorder benchmarks: SCBA iterations and time, ladder GMRES vs fixed point, samples per second.

    python bench/bench_disorder.py [--quick]

Figures printed, never part of the test suite. Thread counts are set explicitly below.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import spintex as st  # noqa: E402
from spintex import _core  # noqa: E402
from spintex.disorder import BornMap, scba, solve_ladder  # noqa: E402


def timed(f, *a, **k):
    t = time.perf_counter()
    out = f(*a, **k)
    return out, time.perf_counter() - t


def scba_case(label, model, energy, disorder, compare_fixed_point=True):
    sol, t_scba = timed(scba, model, energy, disorder)
    corr, t_corr = timed(_core.Correlator, model.device, energy, sol.self_energy)
    born = BornMap(model, disorder)
    lad, t_gmres = timed(solve_ladder, corr, born, left=1.0, tolerance=1e-10)
    line = (f"{label:28s} SCBA {sol.iterations:3d} it {t_scba:7.2f} s (residual {sol.residual:.1e}) | "
            f"ladder GMRES {lad.iterations:4d} it {t_gmres + t_corr:7.2f} s")
    if compare_fixed_point:
        try:
            fp, t_fp = timed(solve_ladder, corr, born, left=1.0, method="fixed_point", tolerance=1e-10,
                             max_iterations=20000)
            err = np.abs(fp.sites - lad.sites).max() / np.abs(lad.sites).max()
            line += f" | fixed point {fp.iterations:5d} it {t_fp:7.2f} s (rel. diff {err:.1e})"
        except st.SCBAConvergenceError as e:
            line += f" | fixed point: {e}"
    print(line, flush=True)


def samples_case(model, energy, n, workers):
    d = st.Disorder(onsite=0.05, magnetic=(0.01, 0.01), method="samples", samples=n, seed=1, workers=workers)
    _, t = timed(st.linear_response, model, energy, disorder=d)
    return n / t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    blas = _core.set_blas_threads(1)
    _core.set_blas_threads(blas)
    print(f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} spintex BLAS threads={blas} "
          f"backend={_core.blas_backend()} cores={os.cpu_count()}")
    L = 1000 if args.quick else 4000
    chain = st.Model(st.lattice.chain(L), exchange=0.5, texture=st.textures.neel_wall(L / 2, L / 12))
    scba_case(f"chain {L}, Gm=0.0025", chain, -1.0, st.Disorder(magnetic=(0.0025, 0.0025)))
    scba_case(f"chain {L}, G0=0.02 Gm=0.0025", chain, -1.0, st.Disorder(onsite=0.02, magnetic=(0.0025, 0.0025)))
    Lb = 50 if args.quick else 200
    bar = st.Model(st.lattice.bar(Lb, 6, 6), exchange=0.5, texture=st.textures.neel_wall(Lb / 2, 20))
    scba_case(f"bar {Lb}x6x6, G0=0.05 Gm=0.01", bar, -2.0, st.Disorder(onsite=0.05, magnetic=(0.01, 0.01)),
              compare_fixed_point=False)

    strip = st.Model(st.lattice.strip(400, 20), exchange=0.5, texture=st.textures.neel_wall(200, 10))
    n = 8 if args.quick else 32
    st.linear_response(strip, -1.0)  # warm-up
    one = samples_case(strip, -1.0, n, 1)
    two = samples_case(strip, -1.0, n, 2)
    print(f"samples, strip 400x20: {one:.2f} samples/s on 1 worker, {two:.2f} on 2 workers: speed-up {two / one:.2f}x")


if __name__ == "__main__":
    main()
