"""The disorder specification: Born variances, the averaging method and its controls."""
from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields

import numpy as np

from .. import _core
from .._validate import finite_float, positive_int


class SCBAConvergenceError(_core.NotConvergedError):
    """The self-consistent Born iteration, or its ladder, did not reach its tolerance."""


DISTRIBUTIONS = ("binary", "gaussian", "box")


@dataclass(frozen=True)
class Disorder:
    """Disorder described by its Born variances (see the module docstring).

    Parameters
    ----------
    onsite : float or array_like (N,)
        Gamma_0, variance of the on-site potential; an array gives one variance per site (e.g.
        a region of stronger disorder, hence a non-uniform resistivity and electric field).
    magnetic : (float, float)
        (Gamma_perp, Gamma_par) of magnetic impurities.
    soc : float
        Gamma_so of spin-orbit impurities (seed 002 Eqs. 8-10 on the lattice, see
        :mod:`spintex.disorder.spin_orbit`); strips and bars only.
    method : "scba" or "samples"
    samples : int
        Number of realizations (method="samples").
    seed : int or None
        Seed of the realizations (reproducible averages).  None draws one seed when the Disorder
        is made (``numpy.random.SeedSequence().entropy``) and keeps it: every run with this
        Disorder uses the same realizations, and :attr:`resolved_seed` (also recorded as
        ``parameters["seed"]`` of sampled results) repeats them in a new ``Disorder(seed=...)``.
    frame : "local" or "lab"
        Axes of the magnetic variances.
    concentration : float
        Fraction of impurity sites in the samples (0 < c <= 1).
    distribution : "binary", "gaussian" or "box"
        Distribution of the sampled impurity strengths (on-site potential, each magnetic and
        spin-orbit field component) on the impurity sites, all of variance Gamma / c so that
        the site variance is the Born variance Gamma: "binary" (the default) +-u with
        u^2 = Gamma / c; "gaussian" normal; "box" uniform on [-w, w] with w^2 = 3 Gamma / c.
        The SCBA keeps only the variances; the distributions differ in their fourth cumulant
        (per site, c = 1: -2 Gamma^2 binary, 0 gaussian, -1.2 Gamma^2 box).
    tolerance, max_iterations, mixing :
        SCBA convergence control (max |Sigma_new - Sigma| per site block) and Anderson mixing.
        The ladder is consistent with Sigma only to about ``tolerance`` relative to the largest
        response, so a signal much smaller than that (an accumulation many decay lengths from its
        source: 1e-6 ... 1e-9 of the charge response) needs a smaller tolerance; 1e-13 converges in
        double precision (notebook ``transverse_diffusion``: kappa moved by 1.5e-4 at 1e-10).
    workers : int or None
        Threads running samples in parallel (default: all cores).
    """

    onsite: float | np.ndarray = 0.0
    magnetic: tuple = (0.0, 0.0)
    soc: float = 0.0
    method: str = "scba"
    samples: int = 100
    seed: int | None = None
    frame: str = "local"
    concentration: float = 1.0
    tolerance: float = 1e-10
    max_iterations: int = 200
    mixing: float = 0.5
    workers: int | None = None
    distribution: str = "binary"
    _resolved_seed: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self):
        if np.ndim(self.onsite):
            profile = np.array(self.onsite, dtype=float)
            if profile.ndim != 1 or not np.all(np.isfinite(profile)) or np.any(profile < 0):
                raise ValueError("onsite must be a finite variance >= 0 or a 1-d array of them (one per site)")
            profile.setflags(write=False)
            object.__setattr__(self, "onsite", profile)
        else:
            finite_float(self.onsite, "onsite", nonnegative=True)
        mag = tuple(self.magnetic) if np.ndim(self.magnetic) else (self.magnetic, self.magnetic)
        if len(mag) != 2:
            raise ValueError("magnetic must be (Gamma_perp, Gamma_par)")
        object.__setattr__(self, "magnetic", tuple(finite_float(g, "magnetic", nonnegative=True) for g in mag))
        if self.method not in ("scba", "samples"):
            raise ValueError(f"method must be 'scba' or 'samples', got {self.method!r}")
        finite_float(self.soc, "soc", nonnegative=True)
        if self.frame not in ("local", "lab"):
            raise ValueError(f"frame must be 'local' or 'lab', got {self.frame!r}")
        positive_int(self.samples, "samples")
        c = finite_float(self.concentration, "concentration", positive=True)
        if c > 1:
            raise ValueError("concentration must be in (0, 1]")
        finite_float(self.tolerance, "tolerance", positive=True)
        positive_int(self.max_iterations, "max_iterations")
        if not 0 < finite_float(self.mixing, "mixing") <= 1:
            raise ValueError("mixing must be in (0, 1]")
        if self.workers is not None:
            positive_int(self.workers, "workers")
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {', '.join(map(repr, DISTRIBUTIONS))}, "
                             f"got {self.distribution!r}")
        if self.seed is None:
            seed = np.random.SeedSequence().entropy
        elif isinstance(self.seed, bool):
            raise ValueError(f"seed must be a non-negative integer or None, got {self.seed!r}")
        else:
            try:
                seed = operator.index(self.seed)
            except TypeError:
                raise ValueError(f"seed must be a non-negative integer or None, got {self.seed!r}") from None
            if seed < 0:
                raise ValueError(f"seed must be a non-negative integer or None, got {self.seed!r}")
        object.__setattr__(self, "_resolved_seed", int(seed))

    def __eq__(self, other):
        """Field by field, per-site ``onsite`` arrays by value (the generated __eq__ would ask an
        array for its truth value).  The hash stays the generated one: a Disorder with an onsite
        array is unhashable, like the array."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        for f in fields(self):
            if not f.compare:
                continue
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    @property
    def resolved_seed(self) -> int:
        """The seed of the realizations: ``seed``, or the one drawn for ``seed=None``."""
        return self._resolved_seed

    def unit_strengths(self, rng: np.random.Generator, shape) -> np.ndarray:
        """Random impurity strengths of zero mean and unit variance from ``distribution``
        ("binary" draws the signs +-1 exactly as before the distributions existed)."""
        if self.distribution == "gaussian":
            return rng.standard_normal(shape)
        if self.distribution == "box":
            return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), shape)
        return rng.choice([-1.0, 1.0], shape)

    @property
    def variances(self) -> np.ndarray:
        """(Gamma_perp, Gamma_perp, Gamma_par) along the three magnetic axes."""
        g_perp, g_par = self.magnetic
        return np.array([g_perp, g_perp, g_par])

