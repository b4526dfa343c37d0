"""Disorder ensembles in chunks: the statistics of a block of realizations, and the averaged Response.

Realization k is drawn from ``SeedSequence(seed, spawn_key=(k,))`` and solved exactly as in
``linear_response(..., disorder=Disorder(method="samples"))`` (the k-th child of
``SeedSequence(seed).spawn``); a chunk keeps the Welford count, mean and M2 of its block in sample
order, and chunks are merged in order by :meth:`RunningMean.merge` (Chan).
"""
from __future__ import annotations

import numpy as np

from .dataset import FIELDS
from .disorder import RunningMean
from .observables import ARRAY_FIELDS
from .response import sample_values
from .screening import DEFAULT_FIELD, FieldOptions

#: what a sampled chunk can average (per realization)
SAMPLED = (*ARRAY_FIELDS, "transmission")


def sample_chunk(model, energies, disorder, drive, samples: range, names,
                 field: FieldOptions = DEFAULT_FIELD) -> dict:
    """Count, mean and M2 (Welford, in sample order) of ``names`` over ``samples``, per energy
    (``field``: the field drive's options)."""
    stats = []
    for e in energies:
        s = RunningMean()
        for k in samples:
            values = sample_values(model, float(e), disorder, drive, k, field)
            s.add({n: values[n] for n in names})
        stats.append(s)
    dims = {n: ("energy", *FIELDS[n][0]) for n in names}
    data: dict = {"count": (("energy",), np.array([s.count for s in stats]))}
    for n in names:
        data[n] = (dims[n], np.stack([s.mean[n] for s in stats]))
        data[f"{n}_m2"] = (dims[n], np.stack([s.m2[n] for s in stats]))
    return data


def chunk_stats(variables: dict, j: int) -> RunningMean:
    """The RunningMean of energy ``j`` of a sample chunk's variables (see :func:`sample_chunk`)."""
    s = RunningMean()
    s.count = int(variables["count"][1][j])
    names = [k for k in variables if k in SAMPLED]
    s.mean = {k: variables[k][1][j] for k in names}
    s.m2 = {k: variables[f"{k}_m2"][1][j] for k in names}
    return s
