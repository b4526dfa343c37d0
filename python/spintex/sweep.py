"""Parameter sweeps and disorder ensembles on Dask: labelled, checkpointed, resumable.

A sweep is cut into **chunks**: one grid point x one block of energies (solved together, so a
task amortizes its scheduling) x, for ``Disorder(method="samples")``, one block of realizations.
Each chunk runs as one Dask task and writes one NetCDF file to the run folder (atomically: a
temporary file, then a rename).  The file name is the chunk's identity (grid indices, energy and
sample range), so a resumed run skips finished chunks, a chunk retried after a lost worker
overwrites its own file with the same numbers, and nothing is counted twice.  The result is
assembled in the driver in chunk order: sample blocks are merged by Chan's pairwise update
(:meth:`RunningMean.merge`), so the numbers do not depend on the number of workers or on which
worker ran what.  Realization k is seeded ``SeedSequence(seed, spawn_key=(k,))`` as in
``linear_response(..., disorder=Disorder(method="samples"))``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import inspect
import itertools
import json
import re
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ._validate import _short, check_model, finite_float, positive_int, real_array
from .dataset import COORDS, FIELDS, FIT_FIELDS, netcdf_attrs, netcdf_value, read_chunk
from .disorder import Disorder, RunningMean
from .ensemble import SAMPLED, chunk_stats, sample_chunk
from .model import Model
from .observables import Response
from .response import DRIVE_WEIGHTS, averaged_response, linear_response
from . import units
from .runner import check_execution, run_chunks
from .screening import DEFAULT_FIELD, SCREENING_TOLERANCE, FieldOptions, check_screening_length

#: scalar outputs computed from each response by st.fit_torque
FIT_REDUCTIONS = ("beta", "adiabatic", "nonadiabatic", "residual")
DEFAULT_OBSERVABLES = ("transmission", "torque", "spin_density", "charge_density", "current")
#: grid names a sweep takes itself (passed to neither ``build`` nor ``disorder``)
OWN_NAMES = ("drive", "screening_length", "neutral_leads")


def sweep(build: Callable[..., Model], grid: dict | None = None, energies=0.0, *,
          disorder: Disorder | Callable[..., Disorder | None] | None = None, drive: str = "left",
          screening_length: float | Callable[..., float | None] | None = None,
          neutral_leads: bool | Callable[..., bool] = False,
          screening_tolerance: float | Callable[..., float | None] | None = None,
          observables=DEFAULT_OBSERVABLES, reductions: dict | None = None,
          energies_per_task: int | None = None, samples_per_task: int = 100, run_dir=None,
          client=None, scheduler: str | None = None, workers: int | None = None, retries: int = 2,
          progress: bool | Callable[[int, int], Any] = True):
    """Linear responses over a grid of parameters, on Dask; one ``xarray.Dataset`` with the grid as dimensions.

    Parameters
    ----------
    build : callable
        ``build(**params) -> Model``; receives the grid parameters named in its signature (all
        of them if it takes ``**kwargs``).
    grid : dict
        ``{name: values}``: the sweep is the outer product of the value lists, in this order (the
        Dataset's first dimensions, with the values as coordinates).  The names ``"drive"``,
        ``"screening_length"`` and ``"neutral_leads"`` sweep those arguments of linear_response;
        every other name must be taken by ``build`` or by ``disorder``.
    energies : float or 1-d array
        Fermi energies (dimension ``energy``; a scalar gives a scalar coordinate, no dimension).
    disorder : Disorder, callable or None
        One disorder for every point, or ``disorder(**params) -> Disorder`` taking grid
        parameters like ``build``.  Sampled disorder needs an explicit ``seed`` (a resumed run
        must draw the same realizations).
    drive : str
        As in :func:`spintex.linear_response`: "left", "right", "bias" or "field" ("thermal", which
        needs a temperature, is not supported here).
    screening_length : float or callable, optional
        drive="field" only: Thomas-Fermi screening over this length (lattice constants), as in
        :func:`spintex.linear_response` (None or 0: perfect screening), or
        ``screening_length(**params)`` taking grid parameters like ``build``.  A grid name
        ``"screening_length"`` sweeps it (each point's drive must then be "field").
    neutral_leads : bool or callable
        drive="field" only: the leads' bands rise with their chemical potentials, as in
        :func:`spintex.linear_response`; or ``neutral_leads(**params)``; or a grid name.
    screening_tolerance : float or callable, optional
        drive="field" only: the neutrality the screening stops at and the Fermi sea's tolerance, as
        in :func:`spintex.linear_response` (None: 1e-6); or ``screening_tolerance(**params)``.
    observables : sequence of str
        Response fields to keep (:data:`spintex.dataset.FIELDS`, e.g. "torque", "transmission",
        "screening_potential") and fit reductions "beta", "adiabatic", "nonadiabatic",
        "residual" (:func:`spintex.fit_torque` of each response, scalars per grid point and
        energy).  Sampled runs keep the averages of the :class:`State` arrays and
        "transmission", with their standard errors as ``<name>_stderr``.
    reductions : dict, optional
        ``{name: f(model, response) -> float or array}``: further outputs computed from each
        response (for samples: from the averaged response, in the driver).
    energies_per_task, samples_per_task : int
        Task size: energies solved in one task (default: all), realizations per chunk.  The
        result depends on ``samples_per_task`` (merge order) but never on the number of workers.
    run_dir : path, optional
        Folder of the chunk files (default ``spintex-runs/sweep-<hash of the call>``).  Calling
        again with the same arguments resumes: finished chunks are read, not recomputed.  A
        folder holding another sweep is an error.
    client, scheduler, workers :
        Where the chunks run: a ``distributed.Client``; or a scheduler address ("tcp://...",
        also read from ``DASK_SCHEDULER_ADDRESS``); or "synchronous" (in this process, no
        Dask); by default a ``LocalCluster`` of ``workers`` processes (default: one per core),
        one thread each, BLAS at one thread, closed at the end (in a script, call sweep under
        ``if __name__ == "__main__":``: the worker processes re-import the script).  ``build``,
        ``disorder`` and ``reductions`` travel to the workers by cloudpickle.
    retries : int
        Dask retries of a chunk that raised (a lost worker's chunks are rescheduled by Dask).
    progress : bool or callable
        Done/total chunks and the time left on stderr (:class:`spintex.integration.Progress`),
        or ``progress(done, total)`` called after each chunk.

    Returns
    -------
    xarray.Dataset with dimensions (*grid, energy, site/boundary/bond/component ...); arrays of
    grid points with fewer sites are padded with NaN.  Attributes as :meth:`Response.to_xarray`,
    plus ``run_dir``.

    Examples
    --------
    >>> def build(width, exchange):
    ...     lat = st.lattice.strip(60, width)
    ...     return st.Model(lat, exchange=exchange, texture=st.textures.neel_wall(30, 6))
    >>> ds = st.sweep(build, {"width": [4, 8], "exchange": [0.3, 0.5]}, energies=[0.5, 1.0],
    ...               disorder=st.Disorder(onsite=0.1), drive="field", observables=("beta", "torque"))
    >>> ds.beta.sel(energy=0.5).plot(x="exchange", hue="width")
    """
    check_execution(client, scheduler, workers, retries, progress)
    job = Job.make(build, grid, energies, disorder, drive, observables, reductions, screening_length, neutral_leads,
                   screening_tolerance)
    chunks = job.chunks(energies_per_task, samples_per_task)
    folder = job.run_folder(run_dir, chunks)
    paths = [folder / c.name for c in chunks]
    # plain chunks are read while the workers run (not the sample chunks: they are merged in
    # order, one file at a time, at the end, in constant memory)
    read: dict = {}
    collect = None if any(c.samples for c in chunks) else lambda done: read.update({p: read_chunk(p) for p in done})
    run_chunks(job, chunks, paths, client=client, scheduler=scheduler, workers=workers, retries=retries,
               progress=progress, on_done=collect)
    ds = job.assemble(chunks, paths, read)
    ds.attrs["run_dir"] = str(folder)
    return ds


# ----------------------------------------------------------------------------- the job
@dataclass(frozen=True)
class Chunk:
    """One task: grid point ``point`` (indices), energies [e0, e1), realizations [s0, s1) or all."""

    point: tuple
    energies: tuple
    samples: tuple | None = None

    @property
    def name(self) -> str:
        text = "p" + "-".join(map(str, self.point)) + "_e{}-{}".format(*self.energies)
        return text + ("_s{}-{}".format(*self.samples) if self.samples else "") + ".nc"


@dataclass
class Job:
    """Everything a worker needs to run a chunk (pickled to the workers with the chunk)."""

    build: Callable[..., Model]
    grid: dict
    energies: np.ndarray
    scalar_energy: bool
    disorder: Any
    drive: str
    observables: tuple
    reductions: dict
    screening_length: float | Callable[..., float | None] | None = None
    neutral_leads: bool | Callable[..., bool] = False
    screening_tolerance: float | Callable[..., float | None] | None = None

    @classmethod
    def make(cls, build, grid, energies, disorder, drive, observables, reductions,
             screening_length=None, neutral_leads=False, screening_tolerance=None) -> "Job":
        if not callable(build):
            raise ValueError(f"build must be a callable returning a spintex Model, got {type(build).__name__}")
        grid = dict(grid or {})
        for name, values in grid.items():
            if np.ndim(values) != 1 or len(values) == 0:
                raise ValueError(f"grid[{name!r}] must be a non-empty 1-d list of values")
            if name == "screening_length" and any(v is None for v in values):
                raise ValueError("grid['screening_length'] takes lengths (0.0 for perfect screening), not None")
        scalar = np.ndim(energies) == 0
        e = np.atleast_1d(real_array(energies, "energies"))
        if e.ndim != 1 or e.size == 0 or not np.all(np.isfinite(e)):
            raise ValueError(f"energies must be a finite real number or a non-empty 1-d array of them, "
                             f"got {_short(energies)}")
        if isinstance(observables, str):
            observables = (observables,)
        for name in observables:
            if name not in FIELDS and name not in FIT_REDUCTIONS:
                raise ValueError(f"observables: unknown {name!r}; choose from {', '.join(FIELDS)} or "
                                 f"{', '.join(FIT_REDUCTIONS)}")
        reductions = dict(reductions or {})
        for name, f in reductions.items():
            if not callable(f):
                raise ValueError(f"reductions[{name!r}] must be a callable f(model, response)")
        job = cls(build, grid, e, scalar, disorder, drive, tuple(observables), reductions, screening_length,
                  neutral_leads, screening_tolerance)
        job.check()
        return job

    def check(self):
        """Every grid name has a taker, every point's drive and disorder are valid."""
        takers = [takes(f) for f in (self.build, self.disorder, self.screening_length, self.neutral_leads,
                                     self.screening_tolerance) if callable(f)]
        for name in self.grid:
            if name not in OWN_NAMES and not any(t is None or name in t for t in takers):
                raise ValueError(f"grid parameter {name!r} is taken by neither build nor disorder")
        for point in self.points():
            drive, disorder = self.drive_and_disorder(point)
            check_sweep_drive(drive)
            self.field_options(point)
            if disorder is not None and not isinstance(disorder, Disorder):
                raise ValueError(f"disorder must be a spintex.Disorder, a callable returning one, or None; "
                                 f"got {type(disorder).__name__}")
            if disorder is not None and disorder.method == "samples" and disorder.seed is None:
                raise ValueError("disorder: a sweep of samples needs Disorder(seed=...) so that a resumed "
                                 "run draws the same realizations")

    def points(self):
        return itertools.product(*(range(len(v)) for v in self.grid.values()))

    def parameters(self, point) -> dict:
        return {name: values[i] for (name, values), i in zip(self.grid.items(), point)}

    def drive_and_disorder(self, point):
        params = self.parameters(point)
        drive = params.get("drive", self.drive)
        disorder = self.disorder(**pick(self.disorder, params)) if callable(self.disorder) else self.disorder
        return drive, disorder

    def field_options(self, point) -> FieldOptions:
        """The checked field-drive options of a grid point (:meth:`FieldOptions.of`): its grid
        values, else the sweep's, called with the point's parameters where callables."""
        params = self.parameters(point)

        def value(name, given):
            return params.get(name, given(**pick(given, params)) if callable(given) else given)

        drive = params.get("drive", self.drive)
        return FieldOptions.of(drive, value("screening_length", self.screening_length),
                               value("neutral_leads", self.neutral_leads),
                               value("screening_tolerance", self.screening_tolerance))

    def setup(self, point):
        """(model, drive, disorder) of a grid point."""
        model = check_model(self.build(**pick(self.build, self.parameters(point))), "build(...)")
        return (model, *self.drive_and_disorder(point))

    def chunks(self, energies_per_task, samples_per_task) -> list:
        n_e = self.energies.size if energies_per_task is None else positive_int(energies_per_task, "energies_per_task")
        positive_int(samples_per_task, "samples_per_task")
        out = []
        for point in self.points():
            disorder = self.drive_and_disorder(point)[1]
            for e0 in range(0, self.energies.size, n_e):
                e = (e0, min(e0 + n_e, self.energies.size))
                if disorder is None or disorder.method != "samples":
                    out.append(Chunk(point, e))
                    continue
                for s0 in range(0, disorder.samples, samples_per_task):
                    out.append(Chunk(point, e, (s0, min(s0 + samples_per_task, disorder.samples))))
        return out

    def manifest(self, chunks) -> dict:
        """What identifies the sweep: a folder holding another manifest is refused."""
        disorders = [self.drive_and_disorder(p)[1] for p in self.points()]
        options = [self.field_options(p) for p in self.points()]
        lengths = [o.length for o in options]
        neutral = [o.neutral_leads for o in options]
        tolerances = [o.tolerance for o in options]
        return {"build": fingerprint(self.build), "grid": {k: [repr(v) for v in vs] for k, vs in self.grid.items()},
                "energies": [repr(e) for e in self.energies], "drive": self.drive,
                "disorder": [fingerprint(d) for d in disorders], "observables": list(self.observables),
                "reductions": {k: fingerprint(f) for k, f in self.reductions.items()},
                "chunks": [c.name for c in chunks],
                # the values each point resolves to, recorded only where one is not the default, so
                # that the manifests of sweeps without them (and of equivalent settings) still match
                **({"screening_length": [repr(x) for x in lengths]} if any(lengths) else {}),
                **({"neutral_leads": list(neutral)} if any(neutral) else {}),
                **({"screening_tolerance": [repr(x) for x in tolerances]}
                   if any(x != SCREENING_TOLERANCE for x in tolerances) else {})}

    def run_folder(self, run_dir, chunks) -> Path:
        manifest = self.manifest(chunks)
        text = json.dumps(manifest, indent=1)
        if run_dir is None:
            run_dir = Path("spintex-runs") / ("sweep-" + hashlib.sha256(text.encode()).hexdigest()[:16])
        # absolute: the workers of a remote scheduler would resolve a relative folder against their own
        # working directory, and the driver would not find their chunks
        folder = Path(run_dir).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / "sweep.json"
        if stored.exists():
            old = json.loads(stored.read_text())
            if old != manifest:
                differ = sorted(k for k in set(old) | set(manifest) if old.get(k) != manifest.get(k))
                raise ValueError(f"run_dir {str(folder)!r} holds another sweep ({', '.join(differ)} differ); "
                                 "give a new run_dir or delete that folder")
        else:
            tmp = folder / "sweep.json.tmp"
            tmp.write_text(text)
            os.replace(tmp, stored)
        return folder

    # ------------------------------------------------------------------ assembly (driver)
    def assemble(self, chunks, paths, read=None):
        """The Dataset of all chunks, read in chunk order (sample blocks merged in order); ``read``:
        {path (str): chunk data} of the chunks already read."""
        read = {} if read is None else read
        pieces = {}  # (point, energies) -> {name: (dims, array)}, positions
        groups = itertools.groupby(zip(chunks, paths), key=lambda cp: (cp[0].point, cp[0].energies))
        for (point, erange), items in groups:
            items = list(items)
            first = read.pop(str(items[0][1]), None) or read_chunk(items[0][1])
            coords = {k: first.pop(k)[1] for k in ("x", "y", "z") if k in first}
            if items[0][0].samples is not None:
                rest = (read_chunk(p) for _, p in items[1:])  # one at a time: constant memory
                first = self.merged_samples(point, erange, itertools.chain([first], rest))
            pieces[point, erange] = first, coords
        return self.combine(pieces)

    def merged_samples(self, point, erange, chunk_data) -> dict:
        """Means and standard errors over the sample chunks (``chunk_data``, an iterable of
        :func:`read_chunk` dicts, in order) of one point and energy block, and the reductions
        of the averaged responses."""
        stats = [RunningMean() for _ in range(erange[1] - erange[0])]
        dims = {}
        for part in chunk_data:
            names = [k for k in part if k in SAMPLED]
            dims.update({k: part[k][0] for k in names})
            for j, s in enumerate(stats):
                s.merge(chunk_stats(part, j))
        data = {}
        for name in (n for n in self.observables if n in SAMPLED):
            data[name] = (dims[name], np.stack([s.mean[name] for s in stats]))
            data[f"{name}_stderr"] = (dims[name], np.stack([s.stderr(name) for s in stats]))
        if self.reductions or any(n in FIT_REDUCTIONS for n in self.observables):
            model, drive, disorder = self.setup(point)
            energies = self.energies[erange[0]:erange[1]]
            field = self.field_options(point)
            responses = [averaged_response(model, e, disorder, drive, s, field) for e, s in zip(energies, stats)]
            data.update(self.reduce(model, responses))
        return data

    def combine(self, pieces):
        """One Dataset from the pieces: grid dims, energy, then each variable's own dims (NaN-padded)."""
        import xarray as xr

        shape = tuple(len(v) for v in self.grid.values())
        names = dict.fromkeys(k for data, _ in pieces.values() for k in data)
        variables = {}
        for name in names:
            parts = [(key, data[name]) for key, (data, _) in pieces.items() if name in data]
            dims = parts[0][1][0]
            tail = tuple(max(a.shape[i + 1] for _, (_, a) in parts) for i in range(len(dims) - 1))
            full = np.full((*shape, self.energies.size, *tail), np.nan)
            for (point, (e0, e1)), (_, a) in parts:
                full[(*point, slice(e0, e1), *(slice(0, n) for n in a.shape[1:]))] = a
            base = FIELDS.get(name.removesuffix("_stderr"))
            fit = FIT_FIELDS.get(name.removesuffix("_stderr"))
            attrs = ({"units": base[1], "long_name": base[2]} if base
                     else {"units": fit[0], "long_name": fit[1]} if fit else {})
            variables[name] = ((*self.grid, *dims), full, attrs)
        ds = xr.Dataset(variables, coords={**{k: grid_coordinate(v) for k, v in self.grid.items()},
                                           "energy": ("energy", self.energies, {"units": "t"})})
        ds = ds.assign_coords({k: v for k, v in COORDS.items() if k in ds.dims})
        coords = [c for _, c in pieces.values()]
        same = all(c.keys() == coords[0].keys() and all(np.array_equal(c[k], coords[0][k]) for k in c)
                   for c in coords)
        if coords and "site" in ds.dims and same:
            ds = ds.assign_coords({k: ("site", v, {"units": "a"}) for k, v in coords[0].items()})
        if "boundary" in ds.dims:
            ds = ds.assign_coords(boundary=np.arange(ds.sizes["boundary"]) + 0.5)
        ds.attrs.update(self.attrs())
        return ds.isel(energy=0) if self.scalar_energy else ds

    def attrs(self) -> dict:
        from . import __version__

        attrs: dict = {"spintex_version": __version__, "grid": ", ".join(self.grid) or "(none)"}
        if "drive" not in self.grid:
            attrs.update(drive=self.drive, units=f"{units.DRIVES.get(self.drive, self.drive)}; {units.OBSERVABLES}")
        if "screening_length" not in self.grid and self.screening_length is not None and not callable(
                self.screening_length):
            attrs["screening_length"] = check_screening_length(self.screening_length)
        if "neutral_leads" not in self.grid and not callable(self.neutral_leads) and bool(self.neutral_leads):
            attrs["neutral_leads"] = 1
        if self.screening_tolerance is not None and not callable(self.screening_tolerance):
            attrs["screening_tolerance"] = float(self.screening_tolerance)
        if isinstance(self.disorder, Disorder):
            attrs.update(netcdf_attrs({"disorder": self.disorder}))
            if self.disorder.method == "samples":
                attrs["seed"] = netcdf_value(self.disorder.resolved_seed)
        return attrs

    # ------------------------------------------------------------------ chunks (workers)
    def run(self, chunk: Chunk) -> dict:
        """The variables {name: (dims, array)} of one chunk, with the site positions x, y, z."""
        model, drive, disorder = self.setup(chunk.point)
        energies = self.energies[chunk.energies[0]:chunk.energies[1]]
        if chunk.samples is None:
            responses = solve_energies(model, energies, disorder, drive, self.field_options(chunk.point))
            data = {}
            for name in (n for n in self.observables if n in FIELDS):
                values = [getattr(r, name) for r in responses]
                if any(v is None for v in values):
                    raise ValueError(f"observables: {name!r} is not produced by drive={drive!r} with "
                                     f"disorder={disorder!r}")
                data[name] = (("energy", *FIELDS[name][0]), np.stack(values))
            data.update(self.reduce(model, responses))
        else:
            data = sample_chunk(model, energies, disorder, drive, range(*chunk.samples), self.sampled_names(),
                                self.field_options(chunk.point))
        positions = model.lattice.positions
        return {**data, **{n: (("site",), positions[:, a]) for a, n in enumerate("xyz"[:positions.shape[1]])}}

    def sampled_names(self) -> tuple:
        if self.reductions or any(n in FIT_REDUCTIONS for n in self.observables):
            return SAMPLED  # the reductions see a whole averaged Response
        unknown = [n for n in self.observables if n not in SAMPLED]
        if unknown:
            raise ValueError(f"observables: {', '.join(map(repr, unknown))} are not averaged over samples; "
                             f"choose from {', '.join(SAMPLED)}")
        return tuple(self.observables)

    def reduce(self, model, responses) -> dict:
        """Fit reductions and user reductions of each response, stacked over energies."""
        from .analysis import fit_torque

        out: dict = {}
        fits = [fit_torque(model, r) for r in responses] if any(n in FIT_REDUCTIONS for n in self.observables) else []
        for name in (n for n in self.observables if n in FIT_REDUCTIONS):
            out[name] = (("energy",), np.array([getattr(f, name) for f in fits]))
        for name, f in self.reductions.items():
            values = np.stack([np.asarray(f(model, r), dtype=float) for r in responses])
            out[name] = (("energy", *(f"{name}_dim{i}" for i in range(values.ndim - 1))), values)
        return out


def solve_energies(model: Model, energies, disorder, drive, field: FieldOptions = DEFAULT_FIELD) -> list:
    """One Response per energy (the place to call the batched solver once it takes an array); the
    field drive's options only with that drive."""
    if drive != "field":
        return [linear_response(model, float(e), disorder=disorder, drive=drive) for e in energies]
    return [linear_response(model, float(e), disorder=disorder, drive=drive, screening_length=field.length,
                            neutral_leads=field.neutral_leads, screening_tolerance=field.tolerance) for e in energies]


# ----------------------------------------------------------------------------- ensembles
def ensemble(model: Model, energy: float, disorder: Disorder, *, drive: str = "left", samples_per_task: int = 100,
             screening_length: float | None = None, neutral_leads: bool = False,
             screening_tolerance: float | None = None, run_dir=None, client=None,
             scheduler: str | None = None, workers: int | None = None, retries: int = 2,
             progress: bool | Callable[[int, int], Any] = True) -> Response:
    """``linear_response(model, energy, disorder=disorder, drive=drive, screening_length=...)`` for sampled disorder,
    with the realizations in chunks of ``samples_per_task`` on Dask, checkpointed and resumable
    (run_dir, client, scheduler, workers, retries, progress as in :func:`sweep`).

    Realization k is the same as in ``linear_response``; each chunk is a sequential Welford
    stream, chunks are merged in order (Chan), so the result is bitwise the same for any number
    of workers, and bitwise equal to ``linear_response`` when one chunk holds every sample
    (otherwise equal to rounding).
    """
    check_model(model)
    if not isinstance(disorder, Disorder) or disorder.method != "samples":
        raise ValueError("disorder must be a spintex.Disorder(method='samples', ...)")
    energy = finite_float(energy, "energy")
    job = Job.make(FixedModel(model), {}, energy, disorder, drive, SAMPLED, {}, screening_length, neutral_leads,
                   screening_tolerance)
    chunks = job.chunks(None, samples_per_task)
    folder = job.run_folder(run_dir, chunks)
    paths = [folder / c.name for c in chunks]
    run_chunks(job, chunks, paths, client=client, scheduler=scheduler, workers=workers, retries=retries,
               progress=progress)
    stats = RunningMean()
    for path in paths:
        stats.merge(chunk_stats(read_chunk(path), 0))
    return averaged_response(model, energy, disorder, drive, stats, job.field_options(()))


@dataclass
class FixedModel:
    """``build`` of an ensemble: the one model (pickled to the workers without its C++ device)."""

    model: Model

    def __call__(self) -> Model:
        return self.model



# ----------------------------------------------------------------------------- helpers
def check_sweep_drive(drive) -> str:
    """The drives a sweep or ensemble runs: those of :data:`spintex.response.DRIVE_WEIGHTS` (T = 0).
    The thermal drive needs a temperature (and a circuit), which sweeps do not take."""
    if isinstance(drive, str) and drive in DRIVE_WEIGHTS:
        return drive
    allowed = ", ".join(map(repr, DRIVE_WEIGHTS))
    if isinstance(drive, str) and drive == "thermal":
        raise ValueError(f"drive='thermal' is not supported by st.sweep or st.ensemble (it needs a temperature "
                         f"and circuit, which they do not take); their drives are {allowed}; for the thermal "
                         "drive call st.linear_response(model, energy, drive='thermal', temperature=...)")
    raise ValueError(f"drive must be one of {allowed} in st.sweep and st.ensemble; got {_short(drive)}")


def takes(f) -> set | None:
    """Names of the keyword parameters of ``f`` (None: it takes **kwargs, hence every name)."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def pick(f, params: dict) -> dict:
    names = takes(f)
    return {k: v for k, v in params.items() if k not in OWN_NAMES and (names is None or k in names)}


def grid_coordinate(values):
    array = np.asarray(values)
    return array if array.dtype.kind in "biufU" else np.array([str(v) for v in values])


def fingerprint(obj) -> str:
    """Text that changes when ``obj`` does: source of functions, arrays of models, fields of disorders."""
    if isinstance(obj, FixedModel):
        m = obj.model
        h = hashlib.sha256(repr(m).encode())
        for a in (m.site_blocks, m.bond_blocks, m.bonds, m.lead_cell("left"), m.lead_cell("right")):
            h.update(np.ascontiguousarray(a).tobytes())
        return "model " + h.hexdigest()
    if isinstance(obj, Disorder):  # its fields (a sweep of samples has an explicit seed; SCBA draws none)
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
        return repr({k: hashlib.sha256(v.tobytes()).hexdigest() if isinstance(v, np.ndarray) else v
                     for k, v in fields.items()})
    if callable(obj):
        return _callable_fingerprint(obj, depth=3)
    return repr(obj)


def _value_fingerprint(value) -> str:
    """Models and disorders as :func:`fingerprint` has them (a Model's repr leaves out its texture
    and on-site arrays), arrays by hash, anything else by repr with memory addresses dropped (an
    object's default repr has one, new in every process: it would make every resumed run look
    like another sweep)."""
    if isinstance(value, Model):
        return fingerprint(FixedModel(value))
    if isinstance(value, Disorder):
        return fingerprint(value)
    if isinstance(value, np.ndarray):
        return f"array {value.dtype} {value.shape} " + hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _callable_fingerprint(f, depth: int) -> str:
    """Source text of ``f`` and the values it reads from its closure and its module's globals
    (by repr, arrays by hash; functions it calls likewise, ``depth`` levels down).  The source
    alone missed them: a sweep whose build read a global exchange, changed from 0.3 to 0.8
    between two calls, got the first call's manifest and folder, and returned its chunks.  (Build
    and the reductions are called in the workers only; state that a repr does not show, e.g.
    an object's attributes, is not seen: keep them functions of their parameters.)"""
    try:
        text = inspect.getsource(f)
    except (OSError, TypeError):
        text = f"{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', repr(f))}"
    code = getattr(f, "__code__", None)
    if code is None or depth <= 0:
        return text
    parts = [text]
    for name, cell in zip(code.co_freevars, getattr(f, "__closure__", None) or ()):
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        parts.append(f"closure {name} = " + (_callable_fingerprint(value, depth - 1) if inspect.isfunction(value)
                                              else _value_fingerprint(value)))
    names, stack = set(), [code]
    while stack:  # the global names of f and of the functions and comprehensions defined in it
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if inspect.iscode(k))
    module_globals = getattr(f, "__globals__", {})
    for name in sorted(names):
        if name not in module_globals:
            continue
        value = module_globals[name]
        if inspect.ismodule(value) or inspect.isclass(value) or inspect.isbuiltin(value):
            continue
        parts.append(f"global {name} = " + (_callable_fingerprint(value, depth - 1) if inspect.isfunction(value)
                                             else _value_fingerprint(value)))
    return "\n".join(parts)
