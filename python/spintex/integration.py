"""Energy integration of recursive-Green's-function blocks, and progress reporting.

Every solver reduces to weighted energy sums of RGF blocks computed in C++ (``_core.integrate``,
OpenMP over energies, GIL released); this module is their one entry point and the one place that
reports progress of long loops.
"""
from __future__ import annotations

import sys
import time

import numpy as np

from . import _core
from .model import Model


class Progress:
    """Prints progress of long loops to stderr on a terminal, once they take more than ~2 s.

    Called as ``progress(done, total)``; ``unit`` names what is counted, ``detail`` adds a
    string (e.g. a residual).
    """

    def __init__(self, label: str, unit: str = "energies", enabled: bool | None = None):
        self.label, self.unit, self.start = label, unit, time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def __call__(self, done: int, total: int, detail: str = ""):
        if not self.enabled or time.monotonic() - self.start < 2.0:
            return
        print(f"\r{self.label}: {done}/{total} {self.unit} {detail}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


def _integrate(model: Model, energies, *, progress=None, **kw) -> dict:
    return _core.integrate(model.device, np.asarray(energies, dtype=complex),
                           left_axis=model.lead_axis("left"), right_axis=model.lead_axis("right"),
                           progress=progress, **kw)
