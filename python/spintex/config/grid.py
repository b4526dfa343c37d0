"""The ``[sweep]`` table of a configuration (:mod:`spintex.config`): its grid of "section.key"
values and the configuration of each grid point."""
from __future__ import annotations

import copy
import itertools
import json

from .schema import DISORDER, GRID_SECTIONS, MODEL, SWEEP, TEXTURES, ConfigError, _check_keys, _fail, _section


def _grid_keys(section: str, texture: dict) -> tuple:
    if section == "lattice":
        return ("length", "width", "height")
    if section == "model":
        return tuple(MODEL)
    if section == "texture":
        return tuple(TEXTURES[texture["kind"]])
    return tuple(k for k in DISORDER if k not in ("method", "drive"))


def _sweep_grid(value, texture: dict) -> dict:
    if not isinstance(value, dict):
        raise _fail("sweep.grid", 'a table like { "texture.width" = [10.0, 20.0] }', value)
    grid = {}
    for key, values in value.items():
        section, _, name = key.partition(".")
        if section == "solve":
            hint = ("use sweep.energies for the Fermi energies" if name == "fermi_energy" else
                    "a sweep is the linear response per unit bias at T = 0")
            raise ConfigError(f"sweep.grid key {key!r} cannot be swept: {hint}")
        if section not in GRID_SECTIONS or not name:
            raise ConfigError(f"unknown sweep.grid key {key!r}: grid keys are 'section.key' with a section of "
                              + ", ".join(GRID_SECTIONS) + " (e.g. 'texture.width')")
        allowed = _grid_keys(section, texture)
        if name not in allowed:
            what = f" for texture kind {texture['kind']!r}" if section == "texture" else ""
            start = (f"sweep.grid key {key!r} cannot be swept ({section}.{name} is fixed in a sweep)"
                     if name in ("kind", "method", "drive") else f"unknown sweep.grid key {key!r}{what}")
            raise ConfigError(f"{start}; allowed keys: " + ", ".join(f"{section}.{k}" for k in allowed))
        if not isinstance(values, list) or not values:
            raise _fail(f"sweep.grid.{key!r}", "a non-empty list of values", values)
        labels = [grid_label(v) for v in values]
        if len(set(labels)) != len(labels):
            raise ConfigError(f"sweep.grid.{key!r} repeats a value: {values!r}")
        grid[key] = values
    return grid


def sweep_section(data: dict, texture: dict, disorder: dict | None, validate) -> dict:
    """The checked [sweep] table, every grid point validated as a configuration of its own by
    ``validate(point data)`` (:func:`spintex.config.from_dict`, passed in: it calls this)."""
    given = _section(data, "sweep")
    _check_keys("sweep", given, SWEEP)
    out: dict = {"grid": _sweep_grid(given.get("grid", {}), texture)}
    for key, (check, default) in SWEEP.items():
        if key != "grid":
            out[key] = check(f"sweep.{key}", given[key]) if key in given else default
    explicit = data.get("disorder", {}).get("drive") if isinstance(data.get("disorder"), dict) else None
    if out["drive"] is not None and explicit is not None and explicit != out["drive"]:
        raise ConfigError(f"sweep.drive = {out['drive']!r} differs from disorder.drive = {explicit!r}: "
                          "give one of them")
    if out["drive"] is None:
        out["drive"] = disorder["drive"] if disorder is not None else "field"
    config_points = sweep_points(data, out)
    for params in config_points:  # every point is a valid configuration
        try:
            validate(point_data(data, out, params))
        except ConfigError as err:
            where = ", ".join(f"{k} = {v!r}" for k, v in params.items())
            raise ConfigError(f"sweep.grid point ({where}): {err}") from None
    return out


def grid_label(value):
    """The coordinate of a grid value: the value, or its JSON text for a list (vector keys)."""
    return json.dumps(value) if isinstance(value, list) else value


def grid_value(label):
    """The inverse of :func:`grid_label`."""
    return json.loads(label) if isinstance(label, str) and label.startswith("[") else label


def sweep_points(data: dict, sweep: dict) -> list:
    """Every grid point as {"section.key": coordinate value}, in sweep order."""
    grid = {k: [grid_label(v) for v in vs] for k, vs in sweep["grid"].items()}
    return [dict(zip(grid, combo)) for combo in itertools.product(*grid.values())]


def point_data(data: dict, sweep: dict, params: dict) -> dict:
    """The parsed TOML of one grid point (without [sweep])."""
    point = copy.deepcopy({k: v for k, v in data.items() if k != "sweep"})
    for key, label in params.items():
        section, _, name = key.partition(".")
        value = grid_value(label)
        point.setdefault(section, {})[name] = value.item() if hasattr(value, "item") else value
    if "disorder" in point:
        point["disorder"]["drive"] = sweep["drive"]
    return point
