"""Best-of timing for the benchmarks, with a check on how busy the (shared) machine was.

No numpy here: the benchmark scripts import this before they set the thread variables.
"""
from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass


def parse_and_set_threads(description: str, add_arguments=None) -> argparse.Namespace:
    """Common options (--quick, --omp-threads, --blas-threads, --repeats, plus ``add_arguments``),
    then the thread counts into the environment, which must happen before numpy and spintex
    load OpenMP and OpenBLAS."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="short run (fewer sizes, repeats and points)")
    p.add_argument("--omp-threads", type=int, default=2, help="OMP_NUM_THREADS (default 2)")
    p.add_argument("--blas-threads", type=int, default=1,
                   help="OPENBLAS_NUM_THREADS and SPINTEX_BLAS_THREADS (default 1, the package default)")
    p.add_argument("--repeats", type=int, default=None, help="best of this many (default 3, fewer with --quick)")
    if add_arguments:
        add_arguments(p)
    args = p.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.omp_threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    os.environ["SPINTEX_BLAS_THREADS"] = str(args.blas_threads)  # spintex/__init__ sets the core's BLAS
    return args


def machine_busy_seconds() -> float:
    """CPU-seconds spent non-idle by all processes since boot (Linux /proc/stat; nan elsewhere)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return float("nan")
    idle = v[3] + v[4]  # idle + iowait
    return (sum(v) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Timing:
    seconds: float  # best wall time
    cpu: float  # this process's CPU time / wall time during that run (busy threads)
    other: float  # CPUs kept busy by other processes during that run (0 on an idle machine)
    result: object = None  # what fn returned in that run


def best_of(fn, repeats: int) -> Timing:
    """Run ``fn`` ``repeats`` times; the fastest run with its CPU shares.

    ``other`` has the 10 ms resolution of /proc/stat: nan for runs shorter than 0.1 s.
    """
    best = Timing(float("inf"), 0.0, 0.0)
    for _ in range(max(1, repeats)):
        b0, c0, t0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        mine = time.process_time() - c0
        if dt < best.seconds:
            # /proc/stat counts in 10 ms ticks: no verdict on runs shorter than 0.1 s
            other = max(0.0, (machine_busy_seconds() - b0 - mine) / dt) if dt >= 0.1 else float("nan")
            best = Timing(dt, mine / dt, other, out)
    return best


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def most_other(*timings: Timing) -> float:
    """The largest ``other`` among the timings that have one (nan if none)."""
    values = [t.other for t in timings if t.other == t.other]
    return max(values) if values else float("nan")


def provenance(core_file: str) -> str:
    """Git commit of the checkout and build time of the loaded extension (the core may be
    rebuilt while benchmarks run: quote both with the figures)."""
    import subprocess

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(core_file)))
    return f"checkout {commit}; _core built {built}"
