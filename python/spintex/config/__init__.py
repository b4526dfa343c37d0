"""Configuration files for ``spintex run``: a TOML schema, its validation and the objects it builds.

A configuration has four sections, an optional fifth ``[disorder]`` and an optional top-level
``title``::

    title = "Neel wall in a ferromagnetic strip"

    [lattice]                 # transport along x, lengths in lattice constants a
    kind = "strip"            # "chain" | "strip" | "bar"
    length = 120              # slices along x
    width = 4                 # strip and bar only
    # height = 2              # bar only

    [model]                   # energies in units of the hopping t
    hopping = 1.0             # t > 0
    exchange = 0.5            # M in H_ex = -M n . sigma (exchange splitting 2M)
    onsite = 0.0              # on-site energy (shared by the leads unless lead_onsite is set)
    rashba = 0.0              # lattice Rashba coupling alpha (2D/3D lattices only)
    zeeman = [0.0, 0.0, 0.0]  # b in -b . sigma, device only
    leads = "magnetic"        # "magnetic" (continue the end slices' exchange) | "nonmagnetic"
    # lead_onsite = 0.0

    [texture]                 # the parameters of the function of the same name in spintex.textures
    kind = "neel_wall"        # "uniform" | "neel_wall" | "bloch_wall" | "spiral" | "vortex" | "skyrmion"
    center = 60.0
    width = 8.0

    [solve]
    fermi_energy = -1.0       # E_F
    bias = 0.02               # mu_left - mu_right; mu_left,right = E_F +- bias / 2 (drive "left": E_F + bias, E_F)
    temperature = 0.0         # k_B T of both leads

    [disorder]                # optional: Born variances per site (CONVENTIONS.md); the run is then
    onsite = 0.0              # the T = 0 linear response times the bias. Gamma_0
    magnetic = [0.0, 0.0]     # [Gamma_perp, Gamma_par] of magnetic impurities (local frame); one number: both
    soc = 0.0                 # Gamma_so of spin-orbit impurities (seed 002; strips and bars)
    method = "scba"           # "scba" (with ladder vertex corrections) | "samples"
    samples = 100             # number of realizations (method = "samples")
    seed = 0                  # their seed
    drive = "field"           # "field" (leads at +-bias/2, every site kept neutral: the seeds'
                              # electric field; use it for beta) | "bias" | "left"
    screening_length = 0.0    # drive = "field": screen over this Thomas-Fermi length (lattice
                              # constants) instead of keeping every site neutral
    neutral_leads = false     # drive = "field": the leads' bands rise with their chemical
                              # potentials (neutral reservoirs) instead of staying grounded
    screening_tolerance = 1e-6  # drive = "field": the charge left (relative to the unscreened) at
                              # which the screening stops, and the Fermi sea's tolerance (1e-10 ... 1e-2)

    [sweep]                   # optional: the same description over a grid (spintex.sweep on Dask)
    grid = { "texture.width" = [10.0, 20.0, 40.0], "disorder.onsite" = [0.01, 0.02] }
    energies = [-1.0]         # Fermi energies (default: solve.fermi_energy, no energy dimension)
    observables = ["beta", "adiabatic"]   # spintex.dataset.FIELDS and "beta", "adiabatic",
                              # "nonadiabatic", "residual" (fits of the torque)
    drive = "field"           # default: disorder.drive with [disorder], else "field"
    scheduler = "synchronous" # "synchronous" (this process) | "tcp://host:port"; default: a LocalCluster
    workers = 2               # LocalCluster worker processes (default: one per core)
    energies_per_task = 8     # optional task sizes (default: all energies of a point in one task)
    samples_per_task = 100    # realizations per task (disorder.method = "samples")
    checkpoint = "chunks"     # optional folder of the finished chunks (default: spintex-runs/sweep-<hash>
                              # in the current directory): the same command again resumes there

Grid keys are ``"section.key"`` of [lattice], [model], [texture] and [disorder] (not their
``kind``, ``method`` or ``drive``); each point is the configuration with those keys replaced, validated
like the file itself.  Vector keys (``model.zeeman``, ``disorder.magnetic``, ...) take lists of
lists; their coordinates are then the values as text.  A sweep is the linear response per unit
d(mu) at T = 0 (``solve.bias`` is not used; ``solve.temperature`` must be 0).

Texture parameters by kind (``center`` may be left out: it defaults to the middle of the device,
a number x for the walls and a list [x, y] for the vortex and the skyrmion):

- uniform: ``direction`` (3-vector, default [0, 0, 1])
- neel_wall, bloch_wall: ``center``, ``width`` (the wall width lambda)
- spiral: ``wavevector`` (number: along x, or a 3-vector), ``phase`` (0), ``plane`` ("xz", "yz", "xy")
- vortex: ``center`` ([x, y]), ``core_radius``, ``polarity`` (+1), ``circulation`` (+1)
- skyrmion: ``center`` ([x, y]), ``radius``, ``wall_width``, ``helicity`` (0: Neel type), ``polarity`` (-1: core down)

Every problem (an unknown section or key, a missing key, a value of the wrong type or out of
range) raises :class:`ConfigError`, a ``ValueError`` whose message names the key, as in
``lattice.length must be a positive integer, got -5``.
"""
from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

from .grid import grid_label, point_data, sweep_section
from .schema import (CENTER, DISORDER, LATTICE_CHECKS, LATTICE_KEYS, MODEL, SECTIONS, SOLVE, SWEEP,
                     TEXTURES, TOP_LEVEL, ConfigError, _allowed, _choice, _fill, _required, _section, _string)

__all__ = ["ConfigError", "Config", "DEFAULT_TOML", "default", "load", "parse", "from_dict",
           "build_lattice", "build_texture", "build_model", "build_disorder",
           "sweep_grid", "point_config", "DISORDER", "LATTICE_CHECKS", "MODEL", "SECTIONS", "SOLVE", "SWEEP",
           "TEXTURES"]


DEFAULT_TOML = """\
# The spintex demo: a Neel wall in a ferromagnetic wire between ferromagnetic leads, at a small bias.
# Units: hbar = e = a = 1, energies in units of the hopping t.
title = "Neel wall in a ferromagnetic strip (spintex demo)"

[lattice]
kind = "strip"
length = 120
width = 4

[model]
hopping = 1.0
exchange = 0.5
leads = "magnetic"

[texture]
kind = "neel_wall"
center = 60.0
width = 8.0

[solve]
fermi_energy = -1.0
bias = 0.02
temperature = 0.0
"""


# --------------------------------------------------------------------------- Config
@dataclass(frozen=True)
class Config:
    """A validated configuration with every default filled in (see the module docstring)."""

    lattice: dict
    model: dict
    texture: dict
    solve: dict
    disorder: dict | None = None
    sweep: dict | None = None
    title: str = ""
    source: str = "<dict>"
    text: str = field(default="", repr=False)
    data: dict = field(default_factory=dict, repr=False, compare=False)  # the parsed TOML (sweep points)

    @property
    def lead_shifts(self) -> tuple[float, float]:
        """(mu_left - E_F, mu_right - E_F): the bias split +-bias/2 between the leads, or all on the left
        lead for the ``[disorder]`` drive "left" (the response to mu_left alone, times the bias)."""
        bias = self.solve["bias"]
        if self.disorder is not None and self.disorder["drive"] == "left":
            return bias, 0.0
        return 0.5 * bias, -0.5 * bias

    @property
    def mu_left(self) -> float:
        return self.solve["fermi_energy"] + self.lead_shifts[0]

    @property
    def mu_right(self) -> float:
        return self.solve["fermi_energy"] + self.lead_shifts[1]

    def to_dict(self) -> dict:
        """The configuration as plain data (TOML/JSON-compatible, defaults included)."""
        out: dict = {"lattice": dict(self.lattice), "model": dict(self.model),
               "texture": dict(self.texture), "solve": dict(self.solve)}
        if self.disorder is not None:
            out["disorder"] = dict(self.disorder)
        if self.sweep is not None:
            out["sweep"] = dict(self.sweep)
        if out["model"]["lead_onsite"] is None:
            del out["model"]["lead_onsite"]
        if self.title:
            out["title"] = self.title
        return copy.deepcopy(out)


def _lattice_section(data: dict) -> dict:
    given = _section(data, "lattice")
    if "kind" not in given:
        raise ConfigError("missing key lattice.kind (one of 'chain', 'strip', 'bar')")
    kind = LATTICE_CHECKS["kind"]("lattice.kind", given["kind"])
    allowed = LATTICE_KEYS[kind]
    for key in given:
        if key not in allowed:
            if key in LATTICE_CHECKS:
                raise ConfigError(f"lattice.{key} is not used by kind {kind!r}; allowed keys: {_allowed(allowed)}")
            raise ConfigError(f"unknown key lattice.{key}; allowed keys: {_allowed(allowed)}")
    out = {}
    for key in allowed:
        if key not in given:
            raise ConfigError(f"missing key lattice.{key} (needed by kind {kind!r})")
        out[key] = LATTICE_CHECKS[key](f"lattice.{key}", given[key])
    return out


def _device_center(lattice: dict, dims: int) -> list:
    middle = [(lattice.get(k, 1) - 1) / 2.0 for k in ("length", "width", "height")]
    return middle[0] if dims == 1 else middle[:dims]


def _texture_section(data: dict, lattice: dict) -> dict:
    given = _section(data, "texture")
    if "kind" not in given:
        raise ConfigError(f"missing key texture.kind (one of {', '.join(map(repr, TEXTURES))})")
    kind = _choice(*TEXTURES)("texture.kind", given["kind"])
    spec = TEXTURES[kind]
    params = {k: v for k, v in given.items() if k != "kind"}
    out = _fill("texture", params, spec, f" for kind {kind!r}")
    if out.get("center") is CENTER:
        out["center"] = _device_center(lattice, 1 if kind.endswith("_wall") else 2)
    return {"kind": kind, **out}


def from_dict(data: dict, *, source: str = "<dict>", text: str = "") -> Config:
    """Validate parsed TOML data (a dict of sections) into a :class:`Config`."""
    if not isinstance(data, dict):
        raise ConfigError(f"a configuration must be a table of sections, got {type(data).__name__}")
    for key, value in data.items():
        if key in TOP_LEVEL:
            continue
        if key not in SECTIONS:
            if isinstance(value, dict):
                raise ConfigError(f"unknown section [{key}]; allowed sections: "
                                  + ", ".join(f"[{s}]" for s in SECTIONS))
            raise ConfigError(f"unknown top-level key {key!r}; allowed: {_allowed(TOP_LEVEL)} "
                              f"and the sections {', '.join(f'[{s}]' for s in SECTIONS)}")
    title = _string("title", data.get("title", ""))
    lattice = _lattice_section(_required(data, "lattice"))
    model = _fill("model", _section(data, "model"), MODEL)
    if model["rashba"] != 0 and lattice["kind"] == "chain":
        raise ConfigError("model.rashba must be 0 on a chain (Rashba coupling needs in-plane bonds: "
                          "use a strip or a bar)")
    texture = _texture_section(_required(data, "texture"), lattice)
    solve = _fill("solve", _section(_required(data, "solve"), "solve"), SOLVE)
    disorder = _fill("disorder", _section(data, "disorder"), DISORDER) if "disorder" in data else None
    if disorder is not None and disorder["soc"] and disorder["method"] == "scba" and disorder["neutral_leads"]:
        raise ConfigError("disorder.neutral_leads = true with spin-orbit impurities needs method = 'samples' "
                          "(the leads' band-shift response is not implemented on the SCBA's site pairs)")
    if disorder is not None and disorder["soc"] and lattice["kind"] == "chain":
        raise ConfigError("disorder.soc > 0 needs a strip or a bar (corner hoppings around impurities)")
    for key in ("screening_length", "neutral_leads", "screening_tolerance"):  # the field drive's options
        if disorder is not None and disorder[key] != DISORDER[key][1] and disorder["drive"] != "field":
            raise ConfigError(f"disorder.{key} applies to drive = 'field', not {disorder['drive']!r}")
    if disorder is not None and solve["temperature"] != 0:
        raise ConfigError("with [disorder], spintex solves linear response at T = 0: set solve.temperature = 0")
    sweep = sweep_section(data, texture, disorder, from_dict) if "sweep" in data else None
    if sweep is not None and solve["temperature"] != 0:
        raise ConfigError("with [sweep], spintex solves linear response at T = 0: set solve.temperature = 0")
    return Config(lattice=lattice, model=model, texture=texture, solve=solve, disorder=disorder, sweep=sweep,
                  title=title, source=source, text=text, data=copy.deepcopy(data))


# --------------------------------------------------------------------------- [sweep]
def sweep_grid(config: Config) -> dict:
    """The grid for :func:`spintex.sweep`: {"section.key": coordinate values}."""
    if config.sweep is None:
        raise ConfigError("the configuration has no [sweep] table")
    return {k: [grid_label(v) for v in vs] for k, vs in config.sweep["grid"].items()}


def point_config(config: Config, params: dict) -> Config:
    """The configuration of one grid point (``params``: {"section.key": coordinate value})."""
    if config.sweep is None:
        raise ConfigError("the configuration has no [sweep] table")
    return from_dict(point_data(config.data, config.sweep, params))


def parse(text: str, *, source: str = "<string>") -> Config:
    """Parse and validate a TOML configuration string (a leading UTF-8 byte-order mark is ignored)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: invalid TOML: {err}") from None
    return from_dict(data, source=source, text=text)


def load(path) -> Config:
    """Read, parse and validate a TOML configuration file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # as written by editors that add a BOM
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"configuration path is a directory, not a file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read configuration file {path}: {err}") from None
    return parse(text, source=str(path))


def default() -> Config:
    """The embedded demo configuration (:data:`DEFAULT_TOML`)."""
    return parse(DEFAULT_TOML, source="<demo>")


# --------------------------------------------------------------------------- builders
def build_lattice(config: Config):
    from .. import lattice as lat
    p = config.lattice
    if p["kind"] == "chain":
        return lat.chain(p["length"])
    if p["kind"] == "strip":
        return lat.strip(p["length"], p["width"])
    return lat.bar(p["length"], p["width"], p["height"])


def build_texture(config: Config):
    from .. import textures
    params = {k: v for k, v in config.texture.items() if k != "kind"}
    try:
        return getattr(textures, config.texture["kind"])(**params)
    except ValueError as err:
        raise ConfigError(f"[texture]: {err}") from None


def build_model(config: Config):
    """The :class:`spintex.Model` of a configuration (library errors re-raised as ConfigError)."""
    from ..model import Model
    lattice = build_lattice(config)
    texture = build_texture(config)
    m = config.model
    try:
        return Model(lattice, hopping=m["hopping"], exchange=m["exchange"], texture=texture,
                     onsite=m["onsite"], rashba=m["rashba"], zeeman=m["zeeman"], leads=m["leads"],
                     lead_onsite=m["lead_onsite"])
    except ValueError as err:
        raise ConfigError(f"[model]/[texture]: {err}") from None


def build_disorder(config: Config):
    """The :class:`spintex.Disorder` of a configuration's ``[disorder]`` table, or None without one."""
    from ..disorder import Disorder
    d = config.disorder
    if d is None:
        return None
    return Disorder(onsite=d["onsite"], magnetic=tuple(d["magnetic"]), soc=d["soc"], method=d["method"],
                    samples=d["samples"], seed=d["seed"])
