"""Dask benchmarks of st.sweep and st.ensemble (figures printed, never part of the test suite).

    python bench/bench_sweep.py [--points 200] [--samples 400] [--samples-per-task 20]

1. Throughput of a sweep of SCBA points (strip, drive "left", one energy per point) on a
   LocalCluster of 1 worker and of 2 workers (one thread each, BLAS at one thread): points per
   second and their ratio (target >= 1.8).
2. Memory of an ensemble of a 400 x 20 strip: peak RSS of the driver and of each worker after
   every finished chunk (it must stay flat: chunks are streamed to disk and merged one at a time).

Workers run with OMP_NUM_THREADS = SPINTEX_BLAS_THREADS = OPENBLAS_NUM_THREADS = 1
(spintex.runner.WORKER_ENV); the driver too (set below).
"""
import os

for _name in ("OMP_NUM_THREADS", "SPINTEX_BLAS_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import spintex as st  # noqa: E402
from spintex.runner import WORKER_ENV, local_cluster  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _timing import machine_busy_seconds  # noqa: E402


def scba_strip(exchange):
    return st.Model(st.lattice.strip(100, 10), exchange=exchange, texture=st.textures.neel_wall(50, 8))


def onsite_disorder(onsite):
    return st.Disorder(onsite=onsite)


def cluster(workers: int, dask_defaults: bool = False):
    """spintex's own LocalCluster (runner.local_cluster, as st.sweep starts it), or with
    ``dask_defaults`` the same without spintex's Dask settings (runner.CLUSTER_CONFIG)."""
    if not dask_defaults:
        return local_cluster(workers)
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                        env=WORKER_ENV)


def sweep_throughput(points: int, workers: int, folder: str, dask_defaults: bool = False) -> float:
    from distributed import Client

    grid = {"exchange": np.linspace(0.2, 0.8, points // 10), "onsite": np.linspace(0.02, 0.2, 10)}
    with cluster(workers, dask_defaults) as local, Client(local) as client:
        client.run(lambda: None)  # workers up before the clock starts
        cpu, driver = sum(client.run(cpu_seconds).values()), cpu_seconds()
        busy, t = machine_busy_seconds(), time.perf_counter()
        st.sweep(scba_strip, grid, energies=0.5, disorder=onsite_disorder, observables=("transmission", "torque"),
                 client=client, run_dir=os.path.join(folder, f"w{workers}"), progress=False)
        elapsed = time.perf_counter() - t
        load = (machine_busy_seconds() - busy) / elapsed
        cpu, driver = sum(client.run(cpu_seconds).values()) - cpu, cpu_seconds() - driver
    print(f"  {workers} worker(s): {points} SCBA points in {elapsed:.1f} s = {points / elapsed:.2f} points/s; "
          f"workers busy {cpu / (workers * elapsed):.0%}, {cpu / points * 1e3:.0f} CPU-ms per point, "
          f"driver (client + scheduler) {driver / points * 1e3:.1f} CPU-ms per point "
          f"(machine load during the run {load:.2f} of {os.cpu_count()} cores)")
    return points / elapsed


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> tuple:
    """(peak, current) resident memory of this process in MB."""
    import psutil  # a dependency of distributed

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, psutil.Process().memory_info().rss / 2**20


def ensemble_memory(samples: int, per_task: int, folder: str, energy: float):
    from distributed import Client

    model = st.Model(st.lattice.strip(400, 20), exchange=0.5, texture=st.textures.neel_wall(200, 10))
    disorder = st.Disorder(onsite=0.1, method="samples", samples=samples, seed=5)
    rows = []
    with cluster(2) as local, Client(local) as client:
        t0 = time.perf_counter()

        def checkpoint(done, total):
            workers = [v for _, v in sorted(client.run(rss_mb).items())]  # by address: stable order
            rows.append((done * per_task, time.perf_counter() - t0, rss_mb(), workers))

        r = st.ensemble(model, energy, disorder, samples_per_task=per_task, client=client,
                        run_dir=os.path.join(folder, "ensemble"), progress=checkpoint)
    print("  samples  time/s  driver RSS/MB (peak, now)  workers RSS/MB (peak, now)")
    shown = sorted(set(np.linspace(0, len(rows) - 1, min(len(rows), 21)).astype(int)))
    for n, t, driver, workers in (rows[k] for k in shown):
        print(f"  {n:7d}  {t:6.1f}  {driver[0]:10.0f} {driver[1]:6.0f}        "
              f"{'   '.join(f'{p:.0f} {c:.0f}' for p, c in workers)}")
    # trend of the current RSS over the second half of the run (after warm-up), MB per 10^4 samples
    half = rows[len(rows) // 2:]
    if len(half) > 2:
        n = np.array([row[0] for row in half], dtype=float)
        for label, series in (("driver", [row[2][1] for row in half]),
                              *((f"worker {w + 1}", [row[3][w][1] for row in half]) for w in range(len(half[0][3])))):
            slope = np.polyfit(n, series, 1)[0] * 1e4
            print(f"  {label}: current RSS {min(series):.0f}-{max(series):.0f} MB over the second half, "
                  f"trend {slope:+.2f} MB per 10^4 samples")
    print(f"  <T_y> summed over sites: {r.torque[:, 1].sum():.6g} +- "
          f"{np.sqrt((r.torque_stderr[:, 1] ** 2).sum()):.2g} (crude, for scale)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--points", type=int, default=200)
    p.add_argument("--samples", type=int, default=400)
    p.add_argument("--samples-per-task", type=int, default=20)
    p.add_argument("--energy", type=float, default=0.45,
                   help="ensemble energy (default 0.45; 0.5 sits on a lead channel threshold of the strip, where "
                        "every sample costs 5 sweeps for the limit from above)")
    p.add_argument("--repeats", type=int, default=3, help="sweep runs per worker count (best of)")
    p.add_argument("--only", choices=("sweep", "ensemble"), help="run one of the two parts")
    p.add_argument("--dask-defaults", action="store_true",
                   help="sweep also on a LocalCluster with Dask's default settings (without runner.CLUSTER_CONFIG)")
    args = p.parse_args()
    print(f"cpus={os.cpu_count()}  OMP_NUM_THREADS=1  SPINTEX_BLAS_THREADS=1 (driver and workers)")
    with tempfile.TemporaryDirectory() as folder:
        if args.only != "ensemble":
            print(f"1. sweep of {args.points} SCBA points, strip 100 x 10, one energy each")
            for defaults in (False, True) if args.dask_defaults else (False,):
                print(f"  LocalCluster {'with Dask defaults' if defaults else 'of runner.local_cluster'}:")
                best = {1: 0.0, 2: 0.0}
                for k in range(args.repeats):  # alternating, best of each: the machine is shared
                    for workers in (1, 2):
                        run = os.path.join(folder, f"r{k}{'d' if defaults else ''}")
                        best[workers] = max(best[workers], sweep_throughput(args.points, workers, run, defaults))
                print(f"  throughput ratio 2 workers / 1 worker, best of {args.repeats} each: "
                      f"{best[2] / best[1]:.2f}x (target >= 1.8x)")
        if args.only != "sweep":
            print(f"2. ensemble of {args.samples} samples of a 400 x 20 strip at E = {args.energy}, "
                  f"{args.samples_per_task} per chunk, 2 workers")
            ensemble_memory(args.samples, args.samples_per_task, folder, args.energy)


if __name__ == "__main__":
    main()
