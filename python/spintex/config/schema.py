"""The configuration schema of ``spintex run`` (:mod:`spintex.config`): value checks and the
section tables, {key: (check, default)}, that validate and fill each section."""
from __future__ import annotations

import math
import numbers


class ConfigError(ValueError):
    """A configuration problem; the message names the offending section or key."""


# --------------------------------------------------------------------------- value checks
def _fail(key: str, expected: str, value) -> ConfigError:
    return ConfigError(f"{key} must be {expected}, got {value!r}")


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _positive_int(key, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise _fail(key, "a positive integer", value)
    return int(value)


def _real(*, positive=False, nonnegative=False, nonzero=False):
    def check(key, value):
        if not _is_number(value) or not math.isfinite(value):
            raise _fail(key, "a finite number", value)
        if positive and not value > 0:
            raise _fail(key, "> 0", value)
        if nonnegative and value < 0:
            raise _fail(key, ">= 0", value)
        if nonzero and value == 0:
            raise _fail(key, "non-zero", value)
        return float(value)
    return check


def _screening_tolerance(key, value):
    """The field drive's screening tolerance: the range of :func:`spintex.screening.check_screening_tolerance`."""
    from ..screening import check_screening_tolerance  # (the library's check, its message under this key)

    try:
        return check_screening_tolerance(value, "field")
    except ValueError as error:
        raise ConfigError(f"{key}{str(error).removeprefix('screening_tolerance')}") from None


def _flag(key, value):
    if not isinstance(value, bool):
        raise _fail(key, "true or false", value)
    return value


def _choice(*options):
    def check(key, value):
        if value not in options:
            raise _fail(key, "one of " + ", ".join(repr(o) for o in options), value)
        return value
    return check


def _sign(key, value):
    if isinstance(value, bool) or value not in (1, -1):
        raise _fail(key, "+1 or -1", value)
    return int(value)


def _vector(key, value, sizes=(3,), what="a list of 3 finite numbers"):
    if not isinstance(value, list) or len(value) not in sizes or not all(
            _is_number(v) and math.isfinite(v) for v in value):
        raise _fail(key, what, value)
    return [float(v) for v in value]


def _vector3(key, value):
    return _vector(key, value)


def _nonzero_vector3(key, value):
    v = _vector(key, value)
    if not any(v):
        raise _fail(key, "a non-zero 3-vector", value)
    return v


def _point(key, value):
    return _vector(key, value, (2, 3), "a list [x, y] or [x, y, z] of finite numbers (the centre in the plane)")


def _wavevector(key, value):
    if _is_number(value):
        return _real()(key, value)
    return _vector(key, value, (3,), "a number (along x) or a list of 3 finite numbers")


def _string(key, value):
    if not isinstance(value, str):
        raise _fail(key, "a string", value)
    return value


# --------------------------------------------------------------------------- schema
REQUIRED = object()  # marks a key without default
CENTER = object()    # default: the middle of the device

LATTICE_KEYS = {
    "chain": {"kind": REQUIRED, "length": REQUIRED},
    "strip": {"kind": REQUIRED, "length": REQUIRED, "width": REQUIRED},
    "bar": {"kind": REQUIRED, "length": REQUIRED, "width": REQUIRED, "height": REQUIRED},
}
LATTICE_CHECKS = {"kind": _choice(*LATTICE_KEYS), "length": _positive_int, "width": _positive_int,
                  "height": _positive_int}

MODEL = {  # key: (check, default)
    "hopping": (_real(positive=True), 1.0),
    "exchange": (_real(), 0.0),
    "onsite": (_real(), 0.0),
    "rashba": (_real(), 0.0),
    "zeeman": (_vector3, [0.0, 0.0, 0.0]),
    "leads": (_choice("magnetic", "nonmagnetic"), "magnetic"),
    "lead_onsite": (_real(), None),
}

TEXTURES: dict[str, dict] = {  # kind: {key: (check, default)}
    "uniform": {"direction": (_nonzero_vector3, [0.0, 0.0, 1.0])},
    "neel_wall": {"center": (_real(), CENTER), "width": (_real(positive=True), REQUIRED)},
    "bloch_wall": {"center": (_real(), CENTER), "width": (_real(positive=True), REQUIRED)},
    "spiral": {"wavevector": (_wavevector, REQUIRED), "phase": (_real(), 0.0),
               "plane": (_choice("xz", "yz", "xy"), "xz")},
    "vortex": {"center": (_point, CENTER), "core_radius": (_real(positive=True), REQUIRED),
               "polarity": (_sign, 1), "circulation": (_sign, 1)},
    "skyrmion": {"center": (_point, CENTER), "radius": (_real(positive=True), REQUIRED),
                 "wall_width": (_real(positive=True), REQUIRED), "helicity": (_real(), 0.0),
                 "polarity": (_sign, -1)},
}

SOLVE = {
    "fermi_energy": (_real(), REQUIRED),
    "bias": (_real(nonzero=True), 0.02),
    "temperature": (_real(nonnegative=True), 0.0),
}

def _variance_pair(key, value):
    what = "a list [Gamma_perp, Gamma_par] of two numbers >= 0, or one number for both (as spintex.Disorder)"
    if _is_number(value) and not isinstance(value, bool):
        value = [value, value]
    v = _vector(key, value, sizes=(2,), what=what)
    if any(x < 0 for x in v):
        raise _fail(key, what, value)
    return v


def _seed(key, value):
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    raise _fail(key, "a non-negative integer", value)


DISORDER = {  # optional section: Born variances (CONVENTIONS.md), solved by linear response
    "onsite": (_real(nonnegative=True), 0.0),
    "magnetic": (_variance_pair, [0.0, 0.0]),
    "soc": (_real(nonnegative=True), 0.0),
    "method": (_choice("scba", "samples"), "scba"),
    "samples": (_positive_int, 100),
    "seed": (_seed, 0),
    "drive": (_choice("field", "bias", "left"), "field"),
    "screening_length": (_real(nonnegative=True), 0.0),
    "neutral_leads": (_flag, False),
    "screening_tolerance": (_screening_tolerance, 1e-6),
}

SECTIONS = ("lattice", "model", "texture", "solve", "disorder", "sweep")
TOP_LEVEL = ("title",)


def _allowed(keys) -> str:
    return ", ".join(keys)


def _check_keys(section: str, given: dict, allowed, context: str = ""):
    for key in given:
        if key not in allowed:
            raise ConfigError(f"unknown key {section}.{key}{context}; allowed keys: {_allowed(allowed)}")


def _section(data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a TOML table (a section), got {value!r}")
    return value


def _required(data: dict, name: str) -> dict:
    if name not in data:
        raise ConfigError(f"missing section [{name}]")
    return data


def _fill(section: str, given: dict, spec: dict, context: str = "") -> dict:
    """Check each key of ``given`` against ``spec`` ({key: (check, default)}) and fill defaults."""
    _check_keys(section, given, spec, context)
    out = {}
    for key, (check, default) in spec.items():
        if key in given:
            out[key] = check(f"{section}.{key}", given[key])
        elif default is REQUIRED:
            raise ConfigError(f"missing key {section}.{key}{context}")
        else:
            out[key] = default
    return out


# --------------------------------------------------------------------------- [sweep]
#: what a sweep can vary, per section (the kinds, the disorder method and the drive stay fixed)
GRID_SECTIONS = ("lattice", "model", "texture", "disorder")
DRIVES = ("field", "bias", "left", "right")
FIT_OBSERVABLES = ("beta", "adiabatic", "nonadiabatic", "residual")


def _scheduler(key, value):
    if not isinstance(value, str) or not (value == "synchronous" or "://" in value):
        raise _fail(key, "'synchronous' or a scheduler address like 'tcp://host:8786'", value)
    return value


def _energies(key, value):
    if _is_number(value):
        return _real()(key, value)
    if not isinstance(value, list) or not value or not all(_is_number(v) and math.isfinite(v) for v in value):
        raise _fail(key, "a finite number or a non-empty list of them", value)
    return [float(v) for v in value]


def _observables(key, value):
    from ..dataset import FIELDS
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _fail(key, "a non-empty list of names", value)
    for name in value:
        if name not in FIELDS and name not in FIT_OBSERVABLES:
            raise ConfigError(f"{key}: unknown observable {name!r}; choose from {', '.join(FIELDS)}, "
                              f"{', '.join(FIT_OBSERVABLES)}")
    return list(value)


SWEEP: dict = {
    "grid": (None, {}),           # checked by _sweep_grid
    "energies": (_energies, None),
    "observables": (_observables, None),
    "drive": (_choice(*DRIVES), None),
    "scheduler": (_scheduler, None),
    "workers": (_positive_int, None),
    "energies_per_task": (_positive_int, None),
    "samples_per_task": (_positive_int, 100),
    "checkpoint": (_string, None),
}
