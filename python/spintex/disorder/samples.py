"""Explicit disorder realizations and streaming averages over them."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import _core
from ..integration import Progress
from ..model import IDENTITY2, PAULI, Model
from ..observables import ARRAY_FIELDS
from .born import magnetic_axes, site_variances
from .spec import Disorder
from .spin_orbit import spin_orbit_hoppings


def random_site_blocks(model: Model, disorder: Disorder, rng: np.random.Generator) -> np.ndarray:
    """One realization of the random on-site matrices (N, 2, 2), variances as in the Born map
    (strengths from ``disorder.distribution``)."""
    N = model.lattice.num_sites
    c = disorder.concentration
    blocks = np.zeros((N, 2, 2), dtype=complex)
    if np.any(disorder.onsite):
        impurity = rng.random(N) < c
        u = np.sqrt(np.reshape(site_variances(model, disorder.onsite), -1) / c)
        eps = u * disorder.unit_strengths(rng, N) * impurity
        blocks += eps[:, None, None] * IDENTITY2
    if any(disorder.magnetic):
        impurity = rng.random(N) < c
        axes = magnetic_axes(model, disorder.frame)
        h = np.sqrt(disorder.variances / c) * disorder.unit_strengths(rng, (N, 3)) * impurity[:, None]
        field_vec = np.einsum("na,nab->nb", h, axes)
        blocks += np.einsum("nb,bij->nij", field_vec, PAULI)
    return blocks


def realization(model: Model, disorder: Disorder, rng: np.random.Generator) -> Model:
    """One disorder realization as a model (on-site and magnetic terms, spin-orbit hoppings)."""
    m = model.with_onsite(random_site_blocks(model, disorder, rng))
    return m.with_hoppings(*spin_orbit_hoppings(model, disorder, rng)) if disorder.soc else m




def lattice_arrays(model: Model, state) -> dict:
    """The State arrays of one realization, bond arrays cut to the lattice bonds (the extra
    spin-orbit bonds differ between realizations and come after them)."""
    values = {k: getattr(state, k) for k in ARRAY_FIELDS}
    for k in ("bond_current", "bond_spin_current"):
        values[k] = values[k][:len(model.lattice.bonds)]
    return values


class RunningMean:
    """Streaming mean and standard error (Welford) of named arrays."""

    def __init__(self):
        self.count, self.mean, self.m2 = 0, {}, {}

    def add(self, values: dict):
        self.count += 1
        for k, v in values.items():
            v = np.asarray(v, dtype=float)
            if k not in self.mean:
                self.mean[k], self.m2[k] = np.zeros_like(v), np.zeros_like(v)
            delta = v - self.mean[k]
            self.mean[k] += delta / self.count
            self.m2[k] += delta * (v - self.mean[k])

    def merge(self, other: "RunningMean"):
        """Add the samples summarized by ``other`` (Chan, Golub and LeVeque's pairwise update:
        delta = mean_b - mean_a, M2 = M2_a + M2_b + delta^2 n_a n_b / n).  Merging into an empty
        RunningMean copies ``other``, so one chunk equals the sequential stream bitwise; merging
        the same chunks in the same order gives the same bits however they were computed."""
        if other.count == 0:
            return
        if self.count == 0:
            self.count = other.count
            self.mean = {k: np.array(v, dtype=float) for k, v in other.mean.items()}
            self.m2 = {k: np.array(v, dtype=float) for k, v in other.m2.items()}
            return
        n = self.count + other.count
        for k in other.mean:
            delta = other.mean[k] - self.mean[k]
            self.mean[k] = self.mean[k] + delta * (other.count / n)
            self.m2[k] = self.m2[k] + other.m2[k] + delta**2 * (self.count * other.count / n)
        self.count = n

    def stderr(self, k):
        if self.count < 2:
            return np.full_like(self.mean[k], np.nan)
        return np.sqrt(self.m2[k] / (self.count - 1) / self.count)


def sample_stream(disorder: Disorder, k: int) -> np.random.SeedSequence:
    """The seed sequence of realization k: the k-th child of SeedSequence(seed).spawn(samples),
    made on demand (constant memory for any number of samples)."""
    return np.random.SeedSequence(disorder.resolved_seed, spawn_key=(k,))


def sample_streams(disorder: Disorder):
    """The seed sequences of all ``disorder.samples`` realizations, one at a time."""
    return (sample_stream(disorder, k) for k in range(disorder.samples))


def sample_mean(disorder: Disorder, one, *, label: str = "disorder samples", workers: int = 1,
                progress=None) -> RunningMean:
    """The RunningMean (Welford) of ``one(k)``, a dict of arrays, over the realizations
    k = 0 .. samples - 1, added in sample order whatever ``workers`` is: the statistics do not
    depend on the number of threads.  ``workers`` > 1: realizations on threads (the C++ sweeps
    release the GIL), a bounded window of them in flight, one BLAS thread each.  Progress on
    stderr (``progress(done, total)`` to report elsewhere)."""
    stats = RunningMean()
    show = progress if progress is not None else Progress(label, unit="samples")
    if workers <= 1:
        for k in range(disorder.samples):
            stats.add(one(k))
            show(k + 1, disorder.samples)
        return stats
    previous = _core.set_blas_threads(1)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for start in range(0, disorder.samples, 4 * workers):
                chunk = range(start, min(start + 4 * workers, disorder.samples))
                for values in pool.map(one, chunk):
                    stats.add(values)
                show(chunk[-1] + 1, disorder.samples)
    finally:
        _core.set_blas_threads(previous)
    return stats


def sample_model(model: Model, disorder: Disorder, k: int) -> Model:
    """Realization k of ``disorder`` on ``model`` (its own stream, :func:`sample_stream`)."""
    return realization(model, disorder, np.random.default_rng(sample_stream(disorder, k)))
