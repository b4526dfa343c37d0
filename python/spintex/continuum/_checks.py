"""Input checks and small helpers shared by the continuum formulas."""
from __future__ import annotations

from typing import Tuple, Union

import numpy as np


ArrayLike = Union[float, np.ndarray]


# ---------------------------------------------------------------------------- input checks
def _real(value, name: str, *, positive=False, nonnegative=False) -> np.ndarray:
    try:
        x = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be real, got {value!r}") from None
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and not np.all(x > 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonnegative and not np.all(x >= 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def _flag(value, name: str) -> bool:
    """A bool switch: Python or NumPy bool only (a string such as 'no' would silently be true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _nonzero(x: np.ndarray, name: str, why: str) -> np.ndarray:
    """x itself, after checking that no entry is zero (a divisor of the formula; ``why`` says so)."""
    if np.any(x == 0):
        got = f"got {float(x)!r}" if x.ndim == 0 else f"got a zero among shape {x.shape}"
        raise ValueError(f"{name} must be non-zero ({why}); {got}")
    return x


def _dim(dim) -> int:
    if isinstance(dim, bool) or dim not in (1, 2, 3):
        raise ValueError(f"dim must be 1, 2 or 3, got {dim!r}")
    return int(dim)


def _hopping(hopping) -> float:
    return float(_real(hopping, "hopping", positive=True))


def _magnetic(magnetic) -> Tuple[float, float]:
    try:
        perp, par = magnetic
    except (TypeError, ValueError):
        raise ValueError(f"magnetic must be a pair (Gamma_perp, Gamma_par), got {magnetic!r}") from None
    return (float(_real(perp, "magnetic[0] (Gamma_perp)", nonnegative=True)),
            float(_real(par, "magnetic[1] (Gamma_par)", nonnegative=True)))


def _nu(nu_up, nu_down):
    return _real(nu_up, "nu_up", nonnegative=True), _real(nu_down, "nu_down", nonnegative=True)


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x
