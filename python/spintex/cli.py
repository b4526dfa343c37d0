"""The ``spintex`` command line: ``spintex demo`` and ``spintex run CONFIG.toml``.

Both solve one configuration (:mod:`spintex.config`): the transmission at the Fermi energy
(:func:`spintex.linear_response`), the finite-bias steady state (:func:`spintex.nonequilibrium`,
whose ``transport`` part is the current-induced one) and the fit of the current-induced torque to
``T_i = A d_x n + B n x d_x n`` (:func:`spintex.fit_torque`).  They print a summary and write

- ``NAME.png``: the texture, the torque and the spin density along x, and maps on strips (:mod:`spintex.plot`);
- ``NAME.nc``: the run as NetCDF (:func:`run_dataset`: dimensions, coordinates, units, the standard
  errors of sample averages, the configuration), for ``xarray.open_dataset``;
- ``NAME-response.nc``: the linear response at E_F (:meth:`spintex.Response.to_netcdf`).

They go into a new run folder ``spintex-run-NNN`` (the next free number), or into ``--out DIR``;
nothing is overwritten without ``--force`` (a new run folder inside DIR instead).
NetCDF replaces the former ``.npz``: xarray opens it with its dimensions and units.

With a ``[sweep]`` table, ``spintex run`` solves the linear response over the grid through
:func:`spintex.sweep` (Dask; checkpointed, so the same command resumes) and writes ``NAME.nc``
(the sweep's Dataset, grid keys such as "texture.width" as dimensions) and ``NAME.png``
(:func:`spintex.plot.sweep` of the scalar observables).
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from types import SimpleNamespace
from typing import Any
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from . import config as cfg
from .analysis import TorqueFit, fit_torque
from .integration import channel_thresholds
from .keldysh import nonequilibrium
from .response import linear_response
from .runner import SchedulerUnreachable
from .observables import ARRAY_FIELDS, State

UNITS = "hbar = e = a = 1 (a: lattice constant); energies in units of the hopping t"
UNITS_NOTE = ("spin densities in Pauli units (s = <sigma>); torques T_i = M n_i x s_i in units of t "
              "(angular momentum hbar per unit time hbar/t); currents in particles per unit time "
              "hbar/t, positive from left to right (the charge current is -e times that)")

@dataclass
class Result:
    config: cfg.Config
    model: Any
    response: Any   # Response at E_F (transmission)
    state: Any      # BiasedState (equilibrium + transport)
    fit: TorqueFit | None
    fit_note: str
    seconds: float
    field_fit: TorqueFit | None = None  # clean runs: the fit of the charge-neutral field drive


# --------------------------------------------------------------------------- compute
def solve(config: cfg.Config) -> Result:
    """Build the model of ``config`` and solve it (transmission, biased state, torque fit)."""
    start = time.monotonic()
    model = cfg.build_model(config)
    s = config.solve
    if config.disorder is None:
        response = linear_response(model, s["fermi_energy"])
        state: Any = nonequilibrium(model, mu_left=config.mu_left, mu_right=config.mu_right,
                                    temperature=s["temperature"])
    else:  # disorder: the linear response (SCBA or samples) times the bias
        disorder = cfg.build_disorder(config)
        response = linear_response(model, s["fermi_energy"], disorder=disorder, drive=config.disorder["drive"])
        state = SimpleNamespace(transport=_scaled(response, s["bias"]))
    fit, note, field_fit = None, "", None
    try:
        fit = fit_torque(model, state.transport.torque)
        if config.disorder is None and min(response.open_channels) > 0:  # the seeds' drive, beside the bias
            field_fit = fit_torque(model, linear_response(model, s["fermi_energy"], drive="field"))
    except ValueError as err:  # a uniform texture has nothing to fit
        note = str(err)
    return Result(config, model, response, state, fit, note, time.monotonic() - start, field_fit)


@dataclass
class ScaledState(State):
    """A response times the bias, with the standard errors of sample averages (None otherwise)."""

    charge_density_stderr: np.ndarray | None = None
    spin_density_stderr: np.ndarray | None = None
    torque_stderr: np.ndarray | None = None
    current_stderr: np.ndarray | None = None
    spin_current_stderr: np.ndarray | None = None


def _scaled(response, bias: float) -> ScaledState:
    """The response per unit d(mu) times the bias: the current-induced state at small bias."""
    stderr = {f"{n}_stderr": abs(bias) * getattr(response, f"{n}_stderr")
              for n in ("charge_density", "spin_density", "torque", "current", "spin_current")
              if getattr(response, f"{n}_stderr", None) is not None}
    return ScaledState(**{n: bias * getattr(response, n) for n in ARRAY_FIELDS}, parameters=response.parameters,
                       units=response.units, **stderr)


def _per_slice(model, values: np.ndarray, reduce=np.sum) -> np.ndarray:
    L = model.lattice.num_slices
    return reduce(values.reshape(L, -1, values.shape[-1]), axis=1)


def slice_residual(result: Result) -> float:
    """|T - fit| / |T| of the slice sums over the slices of the fit region (transverse modes averaged)."""
    model, fit = result.model, result.fit
    if fit is None:
        return float("nan")
    in_fit = _per_slice(model, fit.region[:, None].astype(float))[:, 0] > 0
    torque = _per_slice(model, result.state.transport.torque * fit.region[:, None])[in_fit]
    fitted = _per_slice(model, fit.model_torque(model) * fit.region[:, None])[in_fit]
    norm = np.linalg.norm(torque)
    return float(np.linalg.norm(torque - fitted) / norm) if norm > 0 else 0.0


def adiabatic_limit(result: Result) -> float | None:
    """-(j_maj - j_min) / 2 per site of a slice: A of a smooth wall in a ballistic wire (no SOC).

    j_maj, j_min are the majority and minority particle currents in the uniform region, from the
    rows of the spin-resolved transmission times (mu_L - mu_R) / 2 pi (CONVENTIONS.md, beta -> 0).
    Returns None where the formula does not apply.
    """
    c = result.config
    if (c.disorder is not None or not c.texture["kind"].endswith("_wall") or c.model["leads"] != "magnetic"
            or c.model["rashba"] != 0 or any(c.model["zeeman"]) or c.solve["temperature"] != 0):
        return None
    j = result.response.spin_transmission.sum(axis=1) * c.solve["bias"] / (2 * np.pi)
    return float(-0.5 * (j[0] - j[1]) / result.model.lattice.sites_per_slice)


# --------------------------------------------------------------------------- summary
def _vec(v, fmt="{:+.4e}") -> str:
    return "(" + ", ".join(fmt.format(x) for x in v) + ")"


def describe_lattice(config: cfg.Config) -> str:
    p = config.lattice
    dims = {"chain": [p["length"]], "strip": [p.get("length"), p.get("width")],
            "bar": [p.get("length"), p.get("width"), p.get("height")]}[p["kind"]]
    sites = int(np.prod(dims))
    return f"{p['kind']} {' x '.join(map(str, dims))} ({sites} sites), transport along x"


def describe_texture(config: cfg.Config) -> str:
    t = config.texture
    params = ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                       for k, v in t.items() if k != "kind")
    return f"{t['kind']}: {params}  (lengths in a)"


def summary(result: Result) -> str:
    c, m, s = result.config, result.config.model, result.config.solve
    r, tr = result.response, result.state.transport
    current = float(tr.current.mean()) if tr.current.size else float("nan")
    lines = [
        f"spintex {__version__}: {c.title or c.source}",
        f"units: {UNITS}",
        "",
        "system",
        f"  lattice       {describe_lattice(c)}, {m['leads']} leads",
        f"  texture       {describe_texture(c)}",
        f"  model         hopping t = {m['hopping']:g}, exchange M = {m['exchange']:g} t "
        f"(splitting 2M = {2 * m['exchange']:g} t), onsite = {m['onsite']:g} t, "
        f"rashba = {m['rashba']:g} t, zeeman = {_vec(m['zeeman'], '{:g}')} t",
        f"  solve         E_F = {s['fermi_energy']:g} t, mu_L = {c.mu_left:g} t, mu_R = {c.mu_right:g} t "
        f"(bias mu_L - mu_R = {s['bias']:g} t), k_B T = {s['temperature']:g} t",
        "",
    ]
    if c.disorder is None:
        lines += [
            "transport at E_F (Landauer-Caroli)",
            f"  transmission T(E_F) = {r.transmission:.6g}   "
            f"(open channels: left {r.open_channels[0]}, right {r.open_channels[1]}, both spins)",
            "  spin-resolved T_ss' = [[{:.4g}, {:.4g}], [{:.4g}, {:.4g}]]  "
            "(s along the left lead's n, s' along the right lead's)".format(*np.ravel(r.spin_transmission)),
        ]
    else:
        d = c.disorder
        how = "SCBA with ladder vertex corrections" if d["method"] == "scba" else f"{d['samples']} samples (seed {d['seed']})"
        lines += [
            f"disorder: Gamma_0 = {d['onsite']:g}, (Gamma_perp, Gamma_par) = ({d['magnetic'][0]:g}, {d['magnetic'][1]:g}), "
            f"Gamma_so = {d['soc']:g} t^2, {how}; linear response x bias",
            f"  drive: {d['drive']}" + (" (leads at +-bias/2, every site kept charge neutral by a screening "
                                       "potential: the seeds' electric field)" if d["drive"] == "field" else
                                       " (no screening: the wire is charged; beta is not the seeds' beta)"),
            f"  conductance 2 pi J / (mu_L - mu_R) = {r.transmission:.6g}"
            + (f" +- {r.transmission_stderr:.2g} (standard error of {d['samples']} samples)"
               if r.transmission_stderr is not None else "") + "   (units e^2/h; diffuse part included)",
        ]
    lines += [
        f"  particle current J  = {current:.6g} per unit time hbar/t, left to right",
    ]
    if s["temperature"] == 0 and c.disorder is None:
        lines.append(f"                        (linear response T(E_F) (mu_L - mu_R) / 2 pi = "
                     f"{r.transmission * s['bias'] / (2 * np.pi):.6g})")
    if min(r.open_channels) == 0:
        edges = channel_thresholds(result.model)
        which = "either lead" if max(r.open_channels) == 0 else f"the {('left', 'right')[r.open_channels.index(0)]} lead"
        lines.append(f"  note: no propagating channel at E_F = {s['fermi_energy']:g} in {which} (the leads' subbands "
                     f"span [{edges.min():g}, {edges.max():g}] t): nothing flows, the responses are zero")
    lines += [
        "",
        "current-induced torque (bias-window part, T_i = M n_i x s_i, units of t)",
        f"  total sum_i T_i     = {_vec(tr.total_torque)}",
    ]
    fit = result.fit
    if fit is None:
        lines.append(f"  fit T_i = A d_x n + B n x d_x n: not available ({result.fit_note})")
    else:
        lines += [
            f"  fit T_i = A d_x n + B n x d_x n  over {int(fit.region.sum())} sites (where |d_x n| is appreciable)",
            f"    A (adiabatic)     = {fit.adiabatic:+.6e} +- {fit.adiabatic_stderr:.2e} t a",
            f"    B (non-adiabatic) = {fit.nonadiabatic:+.6e} +- {fit.nonadiabatic_stderr:.2e} t a",
            f"    beta = B / A      = {fit.beta:+.6e} +- {fit.beta_stderr:.2e}   (least-squares errors)",
            f"    residual          = {fit.residual:.4g}   (|T - fit| / |T| over the fit region)",
        ]
        if fit.spin_orbit:
            lines.append(f"    spin-orbit torques: field-like n x y {fit.spin_orbit[0]:+.4e} t, damping-like "
                         f"n x (n x y) {fit.spin_orbit[1]:+.4e} t (fitted with A and B: Rashba coupling)")
        # strips: the transverse-mode pattern across the wire is not a misfit of the slice sums
        if fit.warning and (result.model.lattice.sites_per_slice == 1 or slice_residual(result) > 0.3):
            lines.append(f"    WARNING: {fit.warning}")
        if result.model.lattice.sites_per_slice > 1:
            lines.append(f"    residual of the slice sums = {slice_residual(result):.4g}   "
                         "(the transverse-mode pattern across the wire averaged out)")
        a0 = adiabatic_limit(result)
        if a0 is not None:
            lines.append(f"    cf. ballistic adiabatic limit -(j_maj - j_min) / 2 per site of a slice = {a0:+.6e} t a")
        ff = result.field_fit
        if ff is not None:
            bias = s["bias"]
            at = " at T = 0" if s["temperature"] > 0 else ""
            lines.append(f"  charge-neutral field drive (linear response{at} x bias, every site screened): "
                         f"A = {bias * ff.adiabatic:+.6e} t a, B = {bias * ff.nonadiabatic:+.6e} t a, "
                         f"beta = {ff.beta:+.6e}")
    lines += ["", f"units: {UNITS_NOTE}", f"solved in {result.seconds:.2f} s"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- output
#: the current-induced arrays of a run, and those with an equilibrium part too
RUN_FIELDS = ("charge_density", "spin_density", "torque", "current", "spin_current")
EQUILIBRIUM_FIELDS = ("charge_density", "spin_density", "torque")
RUN_PREFIX = "spintex-run-"  # run folders spintex-run-001, -002, ...


def run_dataset(result: Result):
    """The run as a labelled ``xarray.Dataset`` (the ``<name>.nc`` file).

    Variables: the current-induced (bias-window) part of the steady state, with ``*_stderr`` for
    sample averages; the equilibrium part (clean runs); the texture; the transmission at E_F; the
    torque fit with its least-squares errors; the chemical potentials.  Dimensions and units follow
    :meth:`spintex.Response.to_xarray`; the attributes hold the configuration (TOML text and the
    validated JSON), the unit convention and the spintex version.
    """
    import xarray as xr

    from .dataset import FIELDS, netcdf_attrs, site_coordinates

    c, model, r, tr, fit = result.config, result.model, result.response, result.state.transport, result.fit
    eq = getattr(result.state, "equilibrium", None)  # no equilibrium part with [disorder]
    data: dict = {}

    def add(name, dims, value, units, long_name):
        data[name] = (dims, np.asarray(value), {"units": units, "long_name": long_name})

    for name in RUN_FIELDS:
        dims, units, long_name = FIELDS[name]
        add(name, dims, getattr(tr, name), units, f"current-induced (bias-window) part: {long_name}")
        stderr = getattr(tr, f"{name}_stderr", None)
        if stderr is not None:
            add(f"{name}_stderr", dims, stderr, units, f"standard error of the sample average of the {name}")
        if eq is not None and name in EQUILIBRIUM_FIELDS:
            add(f"equilibrium_{name}", dims, getattr(eq, name), units,
                f"equilibrium part (the right lead's mu and T): {long_name}")
    nan = float("nan")
    add("texture", ("site", "component"), model.texture_vectors, "1", "unit vectors n_i of the texture")
    add("particle_current", (), float(tr.current.mean()) if tr.current.size else nan, "t/hbar",
        "current-induced particle current, mean over the slice boundaries")
    add("total_torque", ("component",), tr.total_torque, "t", "current-induced torque summed over all sites")
    add("transmission", (), r.transmission, "1", "Caroli transmission at E_F, left -> right "
        "(with disorder: the conductance 2 pi J / (mu_L - mu_R) in units of e^2/h)")
    if r.transmission_stderr is not None:
        add("transmission_stderr", (), r.transmission_stderr, "1", "standard error of the sample average")
    add("spin_transmission", ("left_spin", "right_spin"), np.asarray(r.spin_transmission), "1",
        "T_ss' with s along the left lead's n, s' along the right lead's")
    add("open_channels", ("lead",), np.asarray(r.open_channels), "1", "propagating channels at E_F, both spins")
    for name, units, long_name in (("adiabatic", "t a", "A in T_i = A d_x n + B n x d_x n"),
                                   ("nonadiabatic", "t a", "B in T_i = A d_x n + B n x d_x n"),
                                   ("beta", "1", "beta = B / A")):
        add(f"fit_{name}", (), getattr(fit, name) if fit else nan, units, long_name)
        add(f"fit_{name}_stderr", (), getattr(fit, f"{name}_stderr") if fit else nan, units,
            f"least-squares standard error of fit_{name}")
    ff, bias = result.field_fit, c.solve["bias"]
    if ff is not None:  # clean runs: the seeds' drive beside the bias (the summary's field-drive line)
        for name, units, scale in (("adiabatic", "t a", bias), ("nonadiabatic", "t a", bias), ("beta", "1", 1.0)):
            add(f"field_fit_{name}", (), scale * getattr(ff, name), units,
                f"fit_{name} of the charge-neutral field drive (T = 0 linear response x bias, every site screened)")
    add("fit_residual", (), fit.residual if fit else nan, "1", "|T - fit| / |T| over the fit region")
    add("fit_residual_slices", (), slice_residual(result), "1", "the same for the slice sums")
    add("fit_region", ("site",), fit.region if fit else np.zeros(model.lattice.num_sites, dtype=bool), "1",
        "sites used by the fit")
    add("fit_torque", ("site", "component"), fit.model_torque(model) if fit else np.zeros_like(tr.torque), "t",
        "the fitted torque A d_x n + B n x d_x n per site")
    for name, value in (("fermi_energy", c.solve["fermi_energy"]), ("mu_left", c.mu_left),
                        ("mu_right", c.mu_right), ("bias", c.solve["bias"]),
                        ("temperature", c.solve["temperature"])):
        add(name, (), value, "t", {"bias": "mu_left - mu_right", "temperature": "k_B T"}.get(name, name))
    ds = xr.Dataset(data, coords={"component": ["x", "y", "z"], "lead": ["left", "right"]})
    ds = ds.assign_coords(site_coordinates(model, ds.sizes))
    ds = ds.assign_coords(boundary=("boundary", np.arange(ds.sizes["boundary"]) + 0.5,
                                    {"units": "a", "long_name": "x of the slice boundary"}))
    ds.attrs.update(title=c.title or str(c.source), convention=f"{UNITS}; {UNITS_NOTE}", config=c.text,
                    config_json=json.dumps(c.to_dict(), indent=1), spintex_version=__version__)
    if c.disorder is not None:
        ds.attrs.update(netcdf_attrs(c.disorder, prefix="disorder_"))
    return ds


def _fit_overlay(ax, model, fit: TorqueFit) -> np.ndarray:
    """Dashed slice means of the fitted torque over the fit region; returns the region's slices."""
    in_fit = _per_slice(model, fit.region[:, None].astype(float))[:, 0] > 0
    fitted = _per_slice(model, fit.model_torque(model), np.mean)
    fitted[~in_fit] = np.nan
    for a in range(3):
        ax.plot(np.arange(len(fitted)), fitted[:, a], color="k", ls=(0, (3, 2)), lw=1,
                label=r"fit $A\,\partial_x n + B\,n\times\partial_x n$" if a == 0 else None)
    ax.legend(loc="best", ncol=4, fontsize=9)
    return in_fit


def plot(result: Result, path: Path) -> None:
    """The texture, and the current-induced torque and spin density along x (slice averages, with
    the torque fit); strips add maps of every component of the torque and the spin density
    (z with the in-plane components as arrows)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    from . import plot as draw

    c, model, tr, fit = result.config, result.model, result.state.transport, result.fit
    lat = model.lattice
    strip = lat.dim == 2
    columns = 2 if strip and lat.width / lat.length > 0.15 else 1
    # inches: the image, its labels and its colour bar below (st.plot.map)
    map_height = 1.3 + (8.5 / columns - 1.0) * lat.width / lat.length
    heights = [map_height if strip else 2.6, 2.6, 2.6] + ([map_height] * (6 // columns) if strip else [])
    fig = Figure(figsize=(8.5, sum(heights) + 0.6), layout="constrained")
    grid = fig.add_gridspec(len(heights), columns, height_ratios=heights)
    ax_n, ax_t, ax_s = (fig.add_subplot(grid[row, :]) for row in range(3))

    draw.texture(model, ax=ax_n)
    ax_n.set_title("magnetic texture", fontsize=10, loc="left")
    draw.profile(model, tr, "torque", ax=ax_t)
    title = "current-induced torque"
    if fit is not None:
        in_fit = _fit_overlay(ax_t, model, fit)
        title += (f"\nfit:  A = {fit.adiabatic:.3e} t a,  B = {fit.nonadiabatic:.3e} t a,  "
                  f"beta = B/A = {fit.beta:.3g}  (fit residual {fit.residual:.2g})")
        x = np.arange(lat.num_slices)
        for ax in (ax_t, ax_s) if strip else (ax_n, ax_t, ax_s):
            ax.axvspan(x[in_fit].min() - 0.5, x[in_fit].max() + 0.5, color="0.92", zorder=0)
    ax_t.set_title(title, fontsize=10, loc="left")
    draw.profile(model, tr, "spin_density", ax=ax_s)
    ax_s.set_title("current-induced spin density (bias-window part)", fontsize=10, loc="left")
    for ax in (ax_t, ax_s) if strip else (ax_n, ax_t, ax_s):
        ax.set_xlim(-0.5, lat.num_slices - 0.5)

    if strip:  # every component: one row per component, torque and spin density side by side (or stacked)
        for k, (field, component) in enumerate((f, comp) for f in ("torque", "spin_density") for comp in "xyz"):
            row, col = (3 + k % 3, k // 3) if columns == 2 else (3 + k, 0)
            ax = fig.add_subplot(grid[row, col])
            draw.map(model, tr, field, component, ax=ax, arrows=component == "z")
            ax.set_title(f"current-induced {field.replace('_', ' ')}" + (", arrows: in-plane" if component == "z" else ""),
                         fontsize=9, loc="left")

    s = c.solve
    fig.suptitle(f"{c.title or c.source}\n{describe_lattice(c)}:  M = {c.model['exchange']:g} t,  "
                 f"E_F = {s['fermi_energy']:g} t,  bias = {s['bias']:g} t,  k_B T = {s['temperature']:g} t,  "
                 f"T(E_F) = {result.response.transmission:.4g}", fontsize=10)
    fig.savefig(path, dpi=110)


def output_folder(out: Path | None, name: str, force: bool) -> tuple[Path, str]:
    """Where a run writes, and a note when that is not where it was asked to.

    ``out`` itself when given and none of its files would be overwritten (or ``force``); else a
    new run folder ``spintex-run-NNN`` (next free number) in ``out`` or the current directory.
    """
    files = [f"{name}.nc", f"{name}-response.nc", f"{name}.png"]
    if out is not None and (force or not any((out / f).exists() for f in files)):
        out.mkdir(parents=True, exist_ok=True)
        return out, ""
    parent = out if out is not None else Path(".")
    numbers = [p.name[len(RUN_PREFIX):] for p in parent.glob(RUN_PREFIX + "*")]
    taken = [int(n) for n in numbers if n.isdigit()]
    number = max(taken, default=0) + 1
    while True:
        folder = parent / f"{RUN_PREFIX}{number:03d}"
        try:
            folder.mkdir(parents=True)
        except FileExistsError:  # another run took it meanwhile
            number += 1
            continue
        note = "" if out is None else (f"{out} already holds the results of {name!r}: writing to a new run folder "
                                       "instead (--force overwrites)")
        return folder, note


def write_results(result: Result, folder: Path, name: str) -> list[Path]:
    """The plot (PNG), the run (``<name>.nc``, :func:`run_dataset`) and the linear response at E_F
    (``<name>-response.nc``, :meth:`spintex.Response.to_netcdf`) in ``folder``."""
    from .dataset import write_netcdf

    png, run, response = folder / f"{name}.png", folder / f"{name}.nc", folder / f"{name}-response.nc"
    plot(result, png)
    write_netcdf(run_dataset(result), run)
    result.response.to_netcdf(response, result.model, config=result.config.text)
    return [png, run, response]


# --------------------------------------------------------------------------- [sweep]
#: scalar observables (one number per grid point and energy) that a sweep plot and summary show
SCALARS = ("beta", "adiabatic", "nonadiabatic", "transmission", "residual")
#: the execution keys of [sweep]: they do not change the numbers (nor the checkpoint folder)
EXECUTION = ("scheduler", "workers", "checkpoint")


def _identity(config: cfg.Config) -> str:
    """The configuration's physics as text (for the sweep's fingerprint: a stable checkpoint folder)."""
    data = copy.deepcopy(config.data)
    data.pop("title", None)
    for key in EXECUTION:
        data.get("sweep", {}).pop(key, None)
    return json.dumps(data, sort_keys=True, default=str)


@dataclass
class ConfigModel:
    """``build`` of a config sweep: the :class:`spintex.Model` of one grid point."""

    config: cfg.Config

    def __call__(self, **params):
        return cfg.build_model(cfg.point_config(self.config, params))

    def __repr__(self) -> str:
        return f"ConfigModel({_identity(self.config)})"


@dataclass
class ConfigDisorder:
    """``disorder`` of a config sweep: the :class:`spintex.Disorder` of one grid point (or None)."""

    config: cfg.Config

    def __call__(self, **params):
        return cfg.build_disorder(cfg.point_config(self.config, params))

    def __repr__(self) -> str:
        return f"ConfigDisorder({_identity(self.config)})"


def sweep_observables(config: cfg.Config) -> tuple:
    """[sweep] observables, by default the arrays of spintex.sweep and, for textures, the torque fit."""
    if config.sweep is not None and config.sweep["observables"] is not None:
        return tuple(config.sweep["observables"])
    from .sweep import DEFAULT_OBSERVABLES
    fits = ("beta", "adiabatic", "nonadiabatic") if config.texture["kind"] != "uniform" else ()
    return (*DEFAULT_OBSERVABLES, *fits)


def run_sweep(config: cfg.Config, progress=True):
    """The [sweep] of ``config`` through :func:`spintex.sweep`: an ``xarray.Dataset`` with the grid
    keys ("texture.width", ...) and, for a list of energies, ``energy`` as dimensions."""
    from .sweep import sweep

    sw = config.sweep
    if sw is None:
        raise cfg.ConfigError("the configuration has no [sweep] table")
    energies = sw["energies"] if sw["energies"] is not None else config.solve["fermi_energy"]
    ds = sweep(ConfigModel(config), cfg.sweep_grid(config), energies, disorder=ConfigDisorder(config),
               drive=sw["drive"], observables=sweep_observables(config), energies_per_task=sw["energies_per_task"],
               samples_per_task=sw["samples_per_task"], run_dir=sw["checkpoint"], scheduler=sw["scheduler"],
               workers=sw["workers"], progress=progress)
    ds.attrs.update(title=config.title or str(config.source), convention=f"{UNITS}; {UNITS_NOTE}",
                    config=config.text, config_json=json.dumps(config.to_dict(), indent=1),
                    note="linear response per unit d(mu) at T = 0 (solve.bias is not used)")
    return ds


def _scalars(ds) -> list:
    """The scalar observables of a sweep Dataset (no dimension besides the grid and energy)."""
    own = set(ds.attrs.get("grid", "").split(", ")) | {"energy"}
    return [n for n in SCALARS if n in ds.data_vars and set(ds[n].dims) <= own]


def sweep_summary(config: cfg.Config, ds, seconds: float) -> str:
    sw = config.sweep
    assert sw is not None
    points = int(np.prod([len(v) for v in sw["grid"].values()])) if sw["grid"] else 1
    energies = ds.sizes.get("energy", 1)
    lines = [f"spintex {__version__}: {config.title or config.source}", f"units: {UNITS}", "",
             f"sweep of {describe_lattice(config)}, {describe_texture(config)}",
             "  grid          " + ("; ".join(f"{k} = {v}" for k, v in sw["grid"].items()) or "(none)")
             + f"  ({points} points x {energies} energies)",
             f"  drive         {sw['drive']}  (linear response per unit d(mu) at T = 0)",
             f"  checkpoint    {ds.attrs.get('run_dir', '')}  (the same command again resumes there)", ""]
    names = _scalars(ds)
    names += [f"{n}_stderr" for n in names if f"{n}_stderr" in ds.data_vars]  # sampled disorder
    if names and not ds[names].sizes:  # one point, one energy
        lines += [f"  {n} = {float(ds[n]):.6g}" for n in names] + [""]
    elif names:
        frame = ds[names].reset_coords(drop=True).to_dataframe()
        lines += [frame.to_string(max_rows=60, float_format="{:.6g}".format), ""]
    lines.append(f"variables: {', '.join(str(v) for v in ds.data_vars)}")
    lines.append(f"solved in {seconds:.2f} s")
    return "\n".join(lines)


def plot_sweep(config: cfg.Config, ds, path: Path) -> bool:
    """One panel per scalar observable against the first grid key that varies (hue: the second);
    further dimensions at their first value.  False (no file) when nothing varies or nothing is scalar."""
    from matplotlib.figure import Figure

    from . import plot as draw

    names = _scalars(ds)
    dims = [d for d in (*(config.sweep or {}).get("grid", {}), "energy") if ds.sizes.get(d, 1) > 1]
    if not names or not dims:
        return False
    x, hue = dims[0], (dims[1] if len(dims) > 1 else None)
    fixed = {d: 0 for d in dims[2:]}
    fig = Figure(figsize=(6.5, 3.2 * len(names) + 0.6), layout="constrained")
    axes = fig.subplots(len(names), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, names):
        draw.sweep(ds.isel(fixed), name, x, hue, ax=ax)
    note = ", ".join(f"{d} = {ds[d].values[0]}" for d in fixed)
    fig.suptitle(f"{config.title or config.source}" + (f"\n(at {note})" if note else ""), fontsize=10)
    fig.savefig(path, dpi=110)
    return True


def sweep_main(config: cfg.Config, name: str, out: Path | None, force: bool) -> list[Path]:
    start = time.monotonic()
    ds = run_sweep(config)
    print(sweep_summary(config, ds, time.monotonic() - start), flush=True)
    folder, note = output_folder(out, name, force)
    if note:
        print(f"\nspintex: {note}")
    from .dataset import write_netcdf

    nc, png = folder / f"{name}.nc", folder / f"{name}.png"
    write_netcdf(ds, nc)
    return [nc] + ([png] if plot_sweep(config, ds, png) else [])


# --------------------------------------------------------------------------- main
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spintex",
        description="Keldysh Green's functions of conduction electrons in magnetic textures: "
                    "transmission, current-induced spin density and torque, beta.",
        epilog=f"Units: {UNITS}.")
    p.add_argument("--version", action="version", version=f"spintex {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    demo = sub.add_parser("demo", help="a Neel wall in a ferromagnetic wire at a small bias (a few seconds)",
                          description="Run the embedded default configuration (print it with --print-config).")
    demo.add_argument("--print-config", action="store_true",
                      help="print the demo's TOML configuration (a template for `spintex run`) and exit")
    run = sub.add_parser("run", help="solve a TOML configuration",
                         description="Solve a TOML configuration (every key: `spintex schema`; a template: "
                                     "`spintex demo --print-config`; examples in the examples/ directory).")
    sub.add_parser("schema", help="print every configuration key, its default and what it allows",
                   description="Print the configuration schema of `spintex run` (the spintex.config docstring).")
    run.add_argument("config", metavar="CONFIG.toml", type=Path)
    for command in (demo, run):
        command.add_argument("--out", metavar="DIR", type=Path, default=None,
                             help="folder for NAME.png, NAME.nc and NAME-response.nc (NAME: demo or the config's "
                                  "name); if it already holds them, a new run folder inside it (default: a new "
                                  "run folder spintex-run-NNN in the current directory)")
        command.add_argument("--force", action="store_true", help="overwrite the files in --out")
    return p


def _error(message: str, code: int = 2) -> int:
    print(f"spintex: error: {message}", file=sys.stderr)
    return code


def main(argv=None) -> int:
    """Entry point of the ``spintex`` command; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, usage errors
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        if args.command == "schema":
            print(cfg.__doc__, end="")
            return 0
        if args.command == "demo":
            if args.print_config:
                print(cfg.DEFAULT_TOML, end="")
                return 0
            config, name = cfg.default(), "demo"
        else:
            config, name = cfg.load(args.config), args.config.stem
        if config.sweep is not None:
            paths = sweep_main(config, name, args.out, args.force)
        else:
            result = solve(config)
            print(summary(result), flush=True)
            folder, note = output_folder(args.out, name, args.force)
            if note:
                print(f"\nspintex: {note}")
            paths = write_results(result, folder, name)
    except cfg.ConfigError as err:
        return _error(str(err))
    except SchedulerUnreachable as err:  # the sweep's scheduler, named by its configuration key
        if err.source == "scheduler":
            err.source = "sweep.scheduler"
        return _error(str(err), 1)
    except ValueError as err:  # a solver's input check (e.g. E_F on a lead channel threshold)
        return _error(f"cannot solve this configuration: {err}")
    except MemoryError as err:  # refused up front (the size estimate), or a failed allocation
        return _error(f"this configuration does not fit in memory: {err}")
    except OSError as err:
        return _error(f"cannot write the output: {err}")
    except RuntimeError as err:  # e.g. an energy integral that did not converge
        return _error(str(err), 1)
    except KeyboardInterrupt:
        print("\nspintex: interrupted", file=sys.stderr)
        return 130
    print("\nwritten:")
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
