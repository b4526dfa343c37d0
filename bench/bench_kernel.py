"""GFLOP/s of the RGF kernel (``_core.integrate``) against complex matrix products in the same run.

Run ``python bench/bench_kernel.py [--quick] [--omp-threads 2] [--blas-threads 1]``.
Not part of the test suite.

What is timed
-------------
Strips of width W (block size n = 2W, spin included) with a Neel wall (exchange 0.5, no
Rashba), at E = -1.  One call is ``_core.integrate(model.device, energies,
left_weights=w, transmission=True)``, the request made by ``st.linear_response``.

* single energy: one energy per call; the sweep runs on one thread and its BLAS calls use
  SPINTEX_BLAS_THREADS threads (spintex sets its core's OpenBLAS from it at import; the script
  sets it and OPENBLAS_NUM_THREADS, for numpy, to --blas-threads, default 1: a one-core figure);
* batch of 8: eight energies per call; OpenMP threads (OMP_NUM_THREADS) take whole energies and
  the core sets its BLAS to one thread meanwhile, so the fair comparison is
  OMP_NUM_THREADS x (one-thread matmul speed).

Each size is timed at two lengths L1 and L2 = 2 L1.  The slope (t(L2) - t(L1)) / (L2 - L1) is
the time of one slice of the sweep alone; the intercept is the per-energy work (lead
self-energies, transmissions, Python binding).  Times are best of ``--repeats``.  L2 is chosen
for ~0.6 s per call (0.25 s with --quick) but capped where the stored blocks g_l, Z_l
(2 L n^2 complex numbers) would exceed 64 MB: beyond the last-level cache they stream from
memory (measured at n = 20: 23.5 us per slice up to L = 4000, 26.9 us at L = 16000).

The machine may be shared: the ``other`` column is the CPU time other processes used during the
timed runs (from /proc/stat).  On this 2-vCPU VM a busy neighbour slows even a one-thread sweep
(shared caches and memory bandwidth, possibly a shared physical core), so rows marked * are not
to be trusted.

Flop count (per energy, read off ``Sweep::run`` / ``Sweep::injected_column`` in cpp/src/rgf.cpp)
-----------------------------------------------------------------------------------------------
Counted for rgf.cpp blob 1e71815 (same counts as a219e17; the scalar coupling now rides in
the product's alpha); the script warns when rgf.cpp differs.  Below n = 60 the inversion is
zgetrf + zgetri (8 n^3 flops) rather than zgesv; the 32/3 n^3 count slightly overstates GF/s there.
With left_weights and transmission=True and no retarded weights, ``run`` takes the one-sided
path ``injected_column(left)``.  An n x n complex product counts 8 n^3 real flops (a complex
multiply-add is 8 flops); an inversion (``dense::invert``: zgesv with n right-hand sides)
counts 32/3 n^3 (LU 8/3 n^3 + forward/back substitution of n columns 8 n^3).  O(n^2) work
(effective block, scalar x matrix, copies, the 2x2 output blocks) is not counted.

* right-connected sweep, each slice: 1 inversion; for l < L-1 also V g V^dag (2 products when
  the coupling V is not a multiple of the identity);
* column walk: B_0 = G_00 Gamma_L (1 product), then for each l > 0: V^dag G_{l-1,0} (1 product
  if V is not scalar), G_{l,0} = gR_l (V^dag G_{l-1,0}) and B_l = G_{l,0} Gamma_L: 2 products;
* transmissions (left injection): T1 = G Gamma_L, T2 = T1 G^dag, and for each of the two
  incoming spins the same pair with the spin-projected Gamma_L: 6 products;
* lead self-energies and broadenings, U diag(s) U^dag for both leads: 4 products.

The coupling V is -t 1 without Rashba (``Device::upper_is_scalar``: O(n^2) scalings) and
1_W (x) v with Rashba on these lattices (``upper_is_site_diagonal``: O(n^2) 2x2 row/column
mixing), so in both cases V products are not counted: per energy L inversions and 2 L + 9
products; per slice 32/3 n^3 + 2 x 8 n^3 = 26.7 n^3 flops, 40 % of them in the inversion.
Below n = 12 the core uses Eigen's fixed-size paths instead of BLAS (``kBlasMinSize`` in
dense.cpp) and per-slice overhead, not flops, sets the time.
"""
from __future__ import annotations

import os
import sys

from _timing import parse_and_set_threads  # bench/_timing.py (no numpy)

ARGS = parse_and_set_threads(__doc__.split("\n")[0], lambda p: p.add_argument(
    "--rashba", type=float, default=0.0, help="Rashba alpha (site-diagonal coupling V instead of a scalar)"))

import time  # noqa: E402

import numpy as np  # noqa: E402
from _timing import best_of, load_average, most_other, provenance  # noqa: E402  (bench/_timing.py)

import spintex as st  # noqa: E402
from spintex import _core  # noqa: E402

ENERGY = -1.0
WIDTHS = (1, 2, 5, 10, 20, 40, 80, 120, 160, 200)
WIDTHS_QUICK = (1, 5, 20, 80, 200)
BATCH = 8
STORAGE_CAP = 64e6  # bytes of stored g_l, Z_l per energy at L2 (see choose_length)


# ----------------------------------------------------------------------------- flop count
PRODUCTS_PER_SLICE = {True: 2, False: 2}  # scalar coupling V or site-diagonal (Rashba): same
COUNTED_RGF_BLOB = "1e71815a7fd68b66bb2c89aacbcd539fb0f14323"  # git hash-object cpp/src/rgf.cpp


def products_per_energy(L: int, scalar_coupling: bool) -> int:
    """n x n complex products of one energy (left_weights + transmission), see the docstring."""
    sandwiches = 0  # V g V^dag with a scalar or site-diagonal V is O(n^2)
    column = 1 + 2 * (L - 1)
    transmissions = 6
    leads = 4
    return sandwiches + column + transmissions + leads


def rgf_source_changed() -> bool:
    """True when cpp/src/rgf.cpp is not the version the flop count was read from."""
    import hashlib

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cpp", "src", "rgf.cpp")
    try:
        data = open(path, "rb").read()
    except OSError:
        return False
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() != COUNTED_RGF_BLOB


def flops_per_energy(n: int, L: int, scalar_coupling: bool) -> float:
    return (L * 32.0 / 3.0 + 8.0 * products_per_energy(L, scalar_coupling)) * float(n) ** 3


def flops_per_slice(n: int, scalar_coupling: bool) -> float:
    return (32.0 / 3.0 + 8.0 * PRODUCTS_PER_SLICE[scalar_coupling]) * float(n) ** 3


# ----------------------------------------------------------------------------- timing
def matmul_gflops(n: int, seconds: float) -> float:
    """numpy complex128 matmul (OpenBLAS zgemm) at size n, best of 3 runs of >= ``seconds``/3."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    b = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    c = np.empty_like(a)
    np.matmul(a, b, out=c)
    reps = 1
    while True:  # calibrate the repetition count
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        dt = time.perf_counter() - t0
        if dt > seconds / 6 or reps > 10**7:
            break
        reps *= 4
    per = best_of(lambda: [np.matmul(a, b, out=c) for _ in range(reps)], 3).seconds / reps
    return 8.0 * n**3 / per / 1e9


def build_device(L: int, W: int, rashba: float):
    lat = st.lattice.strip(L, W)
    with np.errstate(over="ignore"):  # exp((x - center)/width) overflows far from the wall
        model = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(L / 2, 5), rashba=rashba)
    return model.device


def integrate(device, energies):
    e = np.asarray(energies, dtype=complex)
    w = np.full(e.size, 1.0 / (2.0 * np.pi * e.size))
    return _core.integrate(device, e, left_weights=w, transmission=True)


def choose_length(W: int, target: float, rashba: float) -> int:
    """L1 such that a single-energy call at L2 = 2 L1 takes about ``target`` seconds.

    L2 is capped so that the stored g_l and Z_l (2 L n^2 complex numbers) stay under
    ``STORAGE_CAP`` bytes, beyond which they stream from memory rather than cache; L1 >= 10 so
    that the slope between L1 and L2 is not lost in the per-energy work.
    """
    n = 2 * W
    L = 8
    while True:  # grow L until the per-call overhead no longer dominates the estimate
        dev = build_device(L, W, rashba)
        integrate(dev, [ENERGY])
        t = best_of(lambda: integrate(dev, [ENERGY]), 2).seconds
        if t > target / 10 or L >= 50_000:
            break
        L = int(min(50_000, L * max(2.0, 0.2 * target / max(t, 1e-6))))
    by_time = target * L / t / 2
    by_storage = STORAGE_CAP / (2 * 16 * n * n) / 2
    return int(max(10, min(by_time, by_storage, 100_000)))


# ----------------------------------------------------------------------------- report
def blas_info() -> list[str]:
    lines = [f"spintex dense backend: {_core.blas_backend()}"]
    try:  # the core links scipy-openblas32; numpy has its own OpenBLAS (64-bit integers)
        import ctypes

        import scipy_openblas32

        lib = ctypes.CDLL(os.path.join(scipy_openblas32.get_lib_dir(), "libscipy_openblas.so"))
        lib.scipy_openblas_get_config.restype = ctypes.c_char_p
        lib.scipy_openblas_get_corename.restype = ctypes.c_char_p
        lines.append(f"spintex OpenBLAS: {lib.scipy_openblas_get_config().decode()} "
                     f"(kernels: {lib.scipy_openblas_get_corename().decode()})")
    except Exception as exc:  # informational only
        lines.append(f"spintex OpenBLAS: unknown ({exc})")
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        lines.append(f"numpy {np.__version__} BLAS: {blas.get('name')} {blas.get('version')}")
    except Exception:
        lines.append(f"numpy {np.__version__}")
    return lines


def main():
    quick = ARGS.quick
    repeats = ARGS.repeats or (2 if quick else 3)
    target = 0.25 if quick else 0.6  # seconds of a single-energy call at L2
    widths = WIDTHS_QUICK if quick else WIDTHS
    scalar = ARGS.rashba == 0.0
    load = load_average()

    print("RGF kernel vs complex matmul (bench/bench_kernel.py" + (", --quick)" if quick else ")"))
    print(f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}  "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}  "
          f"SPINTEX_BLAS_THREADS={os.environ['SPINTEX_BLAS_THREADS']}  cpus={os.cpu_count()}  "
          f"load average at start={load:.2f}")
    for line in blas_info():
        print(line)
    print(provenance(_core.__file__))
    print(f"request: left_weights + transmission=True at E = {ENERGY}; rashba = {ARGS.rashba} "
          f"({'scalar' if scalar else 'non-scalar'} coupling: "
          f"{PRODUCTS_PER_SLICE[scalar]} products + 1 inversion per slice); best of {repeats}")
    if rgf_source_changed():
        print("WARNING: cpp/src/rgf.cpp differs from the version the flop count was read from: "
              "recheck products_per_energy (GF/s may be wrong)")
    print()
    print("single energy: ms/slice and RGF GF/s from the slope between L1 and L2; 'whole' = all "
          "flops / time of the L2 call;")
    print("  ratio = RGF GF/s / matmul GF/s (numpy complex128 matmul at size n, "
          f"{ARGS.blas_threads} BLAS thread(s))")
    print(f"batch of {BATCH} energies (L2): GF/s; 'vs matmul' = that / ({ARGS.omp_threads} x matmul "
          f"at 1 BLAS thread); speedup = {BATCH} x t(single) / t(batch)")
    print("  (n < 12: numpy's per-call overhead and the core's Eigen path set both speeds; ratio not meaningful)")
    print("cpu = this process's CPU time / wall time (busy threads); other = CPUs used by other "
          "processes meanwhile (* if > 0.2: figures disturbed)")
    header = (f"{'n':>4} {'W':>4} {'L1/L2':>13} | {'ms/slice':>9} {'RGF GF/s':>8} {'whole':>6} "
              f"{'matmul':>7} {'ratio':>5} {'cpu':>4} | {'batch GF/s':>10} {'vs matmul':>9} "
              f"{'speedup':>7} {'cpu':>4} | {'other':>5}")
    print(header)
    print("-" * len(header))

    rows = []
    for W in widths:
        n = 2 * W
        L1 = choose_length(W, target, ARGS.rashba)
        L2 = 2 * L1
        d1, d2 = build_device(L1, W, ARGS.rashba), build_device(L2, W, ARGS.rashba)
        integrate(d1, [ENERGY])
        single1 = best_of(lambda: integrate(d1, [ENERGY]), repeats)
        single2 = best_of(lambda: integrate(d2, [ENERGY]), repeats)
        slope = max((single2.seconds - single1.seconds) / (L2 - L1), 1e-12)
        gf_slice = flops_per_slice(n, scalar) / slope / 1e9
        gf_whole = flops_per_energy(n, L2, scalar) / single2.seconds / 1e9

        energies = ENERGY + np.linspace(-0.05, 0.05, BATCH)
        batch = best_of(lambda: integrate(d2, energies), repeats)
        gf_batch = BATCH * flops_per_energy(n, L2, scalar) / batch.seconds / 1e9
        speedup = BATCH * single2.seconds / batch.seconds

        mm = matmul_gflops(n, 0.3 if quick else 0.6)
        vs = gf_batch / (ARGS.omp_threads * mm) if ARGS.blas_threads == 1 else float("nan")
        other = most_other(single1, single2, batch)
        flag = "*" if other > 0.2 else " "
        print(f"{n:4d} {W:4d} {L1:6d}/{L2:<6d} | {slope * 1e3:9.4f} {gf_slice:8.2f} {gf_whole:6.2f} "
              f"{mm:7.2f} {gf_slice / mm:5.2f} {single2.cpu:4.2f} | {gf_batch:10.2f} {vs:9.2f} "
              f"{speedup:7.2f} {batch.cpu:4.2f} | {other:5.2f}{flag}", flush=True)
        rows.append((n, gf_slice, mm))
    print()
    if ARGS.blas_threads != 1:
        print("('vs matmul' of the batch needs the one-thread matmul: run with --blas-threads 1)")
    big = [r for r in rows if r[0] >= 160]
    if big:
        print(f"n >= 160: mean RGF/matmul ratio = {np.mean([g / m for _, g, m in big]):.2f}")
    print(f"load average at end: {load_average():.2f}")


if __name__ == "__main__":
    sys.exit(main())
