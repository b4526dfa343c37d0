"""Small input checks shared by the public API: each raises ValueError naming the argument."""
from __future__ import annotations

import numbers
import os

import numpy as np


def positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def finite_float(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    """float(value), refusing booleans and strings (float() reads True as 1.0 and parses "0.5"),
    complex numbers and non-finite values, with a ValueError naming the argument."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or (isinstance(value, np.ndarray) and value.dtype.kind in "bUS"):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and not x > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonnegative and x < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def energy_batch(value, name: str = "energy") -> np.ndarray | None:
    """None for a scalar ``value`` (the caller checks it); for an array, its energies as a
    non-empty 1-d array of finite real numbers (a batch: results get a leading energy axis)."""
    if np.ndim(value) == 0:
        return None
    e = real_array(value, name)
    if e.ndim != 1 or e.size == 0:
        raise ValueError(f"{name} must be a real number or a non-empty 1-d array of them, got shape {e.shape}")
    if not np.all(np.isfinite(e)):
        raise ValueError(f"{name} must be finite, got {_short(value)}")
    return e


def check_disorder(disorder):
    """``disorder`` itself if it is a :class:`spintex.Disorder` or None, else a ValueError."""
    from .disorder import Disorder  # disorder imports this module

    if disorder is not None and not isinstance(disorder, Disorder):
        raise ValueError(f"disorder must be a spintex.Disorder or None, got {type(disorder).__name__}")
    return disorder


def check_model(model, name: str = "model"):
    """``model`` itself if it is a :class:`spintex.Model`, else a ValueError saying what was expected."""
    from .model import Model  # model.py imports this module

    if not isinstance(model, Model):
        raise ValueError(f"{name} must be a spintex Model, e.g. st.Model(st.lattice.chain(50)); "
                         f"got {type(model).__name__} {_short(model)}")
    return model


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def boolean(value, name: str) -> bool:
    """True or False (also numpy booleans); anything else, e.g. the string 'no', is an error."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {_short(value)}")


def real_array(value, name: str) -> np.ndarray:
    """``np.asarray(value, float)`` that refuses complex input instead of dropping its imaginary part,
    and booleans and strings instead of reading them as 0/1 or parsing them ("2.0")."""
    a = np.asarray(value)
    if np.iscomplexobj(a):
        raise ValueError(f"{name} must be real; got complex values")
    # numpy reads [True, 0.5] as [1.0, 0.5]: look at the elements of what was not a typed array already
    # (a float ndarray needs no look: a Model's texture of 10^6 sites would cost seconds)
    if isinstance(value, np.ndarray):
        elements = a.ravel() if a.dtype == object else ()
    else:
        elements = np.asarray(value, dtype=object).ravel()
    if a.dtype.kind in "bUS" or any(isinstance(v, (bool, np.bool_, str, bytes)) for v in elements):
        raise ValueError(f"{name} must be an array of real numbers, got {_short(value)}")
    try:
        return np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers, got {_short(value)}") from None


def finite_array(value, name: str) -> np.ndarray:
    """:func:`real_array` whose entries must also all be finite (no NaN or inf)."""
    a = real_array(value, name)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or infinite values)")
    return a


def check_state_matches(model, state, name: str = "response"):
    """ValueError unless the per-site and per-boundary arrays of ``state`` (a Response or State,
    possibly with a leading energy axis) have the sizes of ``model``'s lattice."""
    lat = model.lattice
    expected = {"charge_density": lat.num_sites, "current": max(lat.num_slices - 1, 0)}
    for field, size in expected.items():
        values = getattr(state, field, None)
        if values is None:
            continue
        got = np.shape(values)
        if len(got) == 0 or got[-1] != size:
            raise ValueError(f"{name} does not belong to this model: its {field} has shape {got}, but the model's "
                             f"lattice has {lat.num_sites} sites in {lat.num_slices} slices")
    return state


def normalized_rows(v: np.ndarray) -> tuple:
    """(v / |v| row-wise, |v|) without overflow or underflow for huge or tiny finite vectors."""
    scale = np.abs(v).max(axis=-1, keepdims=True)
    safe = np.where(scale > 0, scale, 1.0)
    w = v / safe
    norm = np.linalg.norm(w, axis=-1, keepdims=True)
    unit = w / np.where(norm > 0, norm, 1.0)
    return unit, (norm * scale)[..., 0]


def available_memory() -> float | None:
    """Bytes of memory available to new allocations (Linux: MemAvailable; elsewhere the free
    physical pages), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return 1024.0 * float(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(needed: float, what: str) -> None:
    """MemoryError with a clear message, before allocating, if ``needed`` bytes cannot fit."""
    free = available_memory()
    if free is not None and needed > free:
        raise MemoryError(f"{what} needs about {needed / 2**30:.3g} GiB, but only {free / 2**30:.3g} GiB "
                          "of memory is available")


def vector3(value, name: str, *, unit: bool = False) -> np.ndarray:
    v = real_array(value, name)
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a finite 3-vector, got {value!r}")
    if unit:
        if not np.any(v):
            raise ValueError(f"{name} must be a non-zero vector")
        v = normalized_rows(v)[0]
    return v
