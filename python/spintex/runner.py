"""Running the chunks of a sweep: on Dask (a LocalCluster, a scheduler address or a client) or
in this process, with a bounded window of tasks in flight, progress, and atomic chunk files."""
from __future__ import annotations

import itertools
import os
import sys

from ._validate import positive_int
from .dataset import write_chunk
from .integration import Progress

#: worker environment: one thread per worker, BLAS included (parallelism comes from the workers)
WORKER_ENV = {"OMP_NUM_THREADS": "1", "SPINTEX_BLAS_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}


def run_chunks(job, chunks, paths, *, client=None, scheduler=None, workers=None, retries=2, progress=True,
               on_done=None):
    """Run the chunks whose file is missing (on Dask, or here for scheduler="synchronous").
    ``on_done(paths)``: called in this process with the files of each finished group of chunks
    (the driver reads them while the workers go on)."""
    check_execution(client, scheduler, workers, retries, progress)
    todo = [(c, p) for c, p in zip(chunks, paths) if not p.exists()]
    report = progress if callable(progress) else Progress("sweep", unit="chunks", enabled=bool(progress))
    done, total = len(chunks) - len(todo), len(chunks)
    if progress is True and todo:
        print(f"sweep: {total} chunks ({done} done) in {paths[0].parent}", file=sys.stderr)
    if not todo:
        return
    if scheduler == "synchronous":
        for c, p in todo:
            finished = run_chunk(job, c, str(p))
            if on_done is not None:
                on_done([finished])
            done += 1
            report(done, total)
        return
    from distributed import as_completed

    client, owned = connect(client, scheduler, workers)
    try:
        # The job (which may hold a model) travels once, as the result of a task of its own: each
        # worker fetches it once, and it is recomputed if the worker holding it is lost.  A
        # bounded window of chunks in flight keeps the scheduler's state small for 10^4 chunks.
        # Chunks travel in groups (guided_groups): a task costs the driver ~7 CPU-ms and a round
        # trip, more than a small SCBA chunk.  Each chunk still has its own file, so resuming and
        # retries are unchanged.
        shared = client.submit(identity, job, pure=False)
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        queue = guided_groups(todo, n_workers)
        submit = lambda group: client.submit(run_group, shared, [(c, str(p)) for c, p in group], retries=retries,
                                             pure=False)
        running = as_completed([submit(g) for g in itertools.islice(queue, 4 * n_workers)])
        try:
            for future in running:
                finished = future.result()
                future.release()
                if on_done is not None:
                    on_done(finished)
                done += len(finished)
                report(done, total)
                for g in itertools.islice(queue, 1):
                    running.add(submit(g))
        finally:  # Ctrl-C, a failed chunk: stop what is still running; finished files stay
            client.cancel([*running.futures, shared])
            running.clear()
    finally:
        for resource in owned:  # the client, then the LocalCluster we started
            resource.close()
    for tmp in paths[0].parent.glob("*.tmp"):  # partial writes of killed workers
        tmp.unlink(missing_ok=True)


def guided_groups(todo: list, n_workers: int, updates: int = 50):
    """Consecutive groups of ``todo``, each a 1/(4 n_workers) share of what is left (at least one
    item): large groups while much is left (few tasks, little driver work), single chunks at the
    end, so that no worker idles while another finishes a large last group (guided
    self-scheduling, Polychronopoulos and Kuck, IEEE Trans. Comput. 36, 1425 (1987)).  No group
    holds more than 1/``updates`` of the chunks: progress is reported per finished group."""
    cap = -(-len(todo) // updates)
    k = 0
    while k < len(todo):
        size = max(1, min(cap, (len(todo) - k) // (4 * n_workers)))
        yield todo[k:k + size]
        k += size


def check_execution(client, scheduler, workers, retries, progress):
    if scheduler is not None and not isinstance(scheduler, str):
        raise ValueError(f"scheduler must be an address 'tcp://...' or 'synchronous', got {scheduler!r}")
    if client is not None and scheduler is not None:
        raise ValueError("give either client= or scheduler=, not both")
    if workers is not None:
        positive_int(workers, "workers")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError(f"retries must be an integer >= 0, got {retries!r}")
    if not (isinstance(progress, bool) or callable(progress)):
        raise ValueError(f"progress must be True, False or a callable progress(done, total), got {progress!r}")


def identity(x):
    return x


def run_chunk(job, chunk, path: str) -> str:
    """Task body: compute and write one chunk (nothing if its file exists: a retried duplicate)."""
    if not os.path.exists(path):
        write_chunk(job.run(chunk), path)
    return path


def run_group(job, group) -> list:
    """Task body: :func:`run_chunk` for each (chunk, path) of ``group``, in order."""
    return [run_chunk(job, chunk, path) for chunk, path in group]


class SchedulerUnreachable(Exception):
    """The Dask scheduler at ``address`` did not answer; ``source`` names where the address came
    from (the ``scheduler`` argument or DASK_SCHEDULER_ADDRESS; the CLI renames it to its key)."""

    def __init__(self, address: str, source: str, reason: str):
        super().__init__(address, source, reason)
        self.address, self.source, self.reason = address, source, reason

    def __str__(self) -> str:
        return (f"cannot connect to the Dask scheduler {self.source} = {self.address!r}: {self.reason} (start it with "
                "`dask scheduler`, or use scheduler = \"synchronous\" or no scheduler for a local cluster)")


def connect(client, scheduler, workers):
    """(a distributed.Client, what to close afterwards): the given client; one connected to the
    scheduler address (argument or ``DASK_SCHEDULER_ADDRESS``); or one on a new LocalCluster."""
    from distributed import Client

    if client is not None:
        return client, []
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        try:
            client = Client(address)
        except (OSError, ValueError) as err:  # (an OSError would read as a failure to write the output)
            raise SchedulerUnreachable(address, "scheduler" if scheduler else "DASK_SCHEDULER_ADDRESS",
                                       str(err)) from None
        return client, [client]
    cluster = local_cluster((os.cpu_count() or 1) if workers is None else workers)
    client = Client(cluster)
    return client, [client, cluster]


#: Dask settings of the LocalCluster that spintex starts: its workers run long single-threaded
#: numerical tasks, so the statistical profiler of each worker (a stack sample every 10 ms) and
#: the 10-per-second memory polls only take CPU from them (on 2 cores, an idle 2-worker cluster
#: used 0.08 CPU-s per s with the defaults and 0.05 with these)
CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False,
                  "distributed.worker.memory.monitor-interval": "1s",
                  "distributed.admin.system-monitor.interval": "2s"}


def local_cluster(n_workers: int):
    """A LocalCluster of ``n_workers`` processes with one thread each (BLAS and OpenMP at one
    thread: :data:`WORKER_ENV`), no dashboard port, and :data:`CLUSTER_CONFIG`."""
    import dask
    from distributed import LocalCluster

    n_workers = positive_int(n_workers, "workers")
    with dask.config.set(CLUSTER_CONFIG):  # the nannies hand this config to their workers
        try:
            return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                dashboard_address=":0", env=WORKER_ENV)
        except RuntimeError as err:  # Dask says only "Nanny failed to start."
            raise RuntimeError(f"{err} The Dask worker processes could not start. Run from a script, the call "
                               "must sit under `if __name__ == \"__main__\":` (each worker re-imports the "
                               "script); or pass scheduler=\"synchronous\" to run in this process") from err
