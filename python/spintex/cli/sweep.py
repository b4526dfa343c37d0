"""The ``[sweep]`` table of ``spintex run``: the configuration over a grid through
:func:`spintex.sweep`, its summary, plot and files."""
from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import __version__
from .. import config as cfg
from .output import output_folder
from .run import describe_drive, describe_lattice, describe_texture
from .. import units


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


#: the field drive's options of a config ([disorder] keys) and what spintex.sweep takes as not given
FIELD_OPTIONS = {"screening_length": None, "neutral_leads": False, "screening_tolerance": None}


@dataclass
class ConfigFieldOption:
    """One field-drive option of a config sweep (``key``: screening_length, neutral_leads or
    screening_tolerance) at one grid point: its disorder.<key>, or not given (FIELD_OPTIONS) without
    a [disorder] table or at the key's default (screening_length 0: perfect screening)."""

    config: cfg.Config
    key: str

    def __call__(self, **params):
        disorder = cfg.point_config(self.config, params).disorder
        if disorder is None or disorder[self.key] == cfg.DISORDER[self.key][1]:
            return FIELD_OPTIONS[self.key]
        return disorder[self.key]

    def __repr__(self) -> str:
        return f"ConfigFieldOption({self.key!r}, {_identity(self.config)})"


def sweep_observables(config: cfg.Config) -> tuple:
    """[sweep] observables, by default the arrays of spintex.sweep and, for textures, the torque fit."""
    if config.sweep is not None and config.sweep["observables"] is not None:
        return tuple(config.sweep["observables"])
    from ..sweep import DEFAULT_OBSERVABLES
    fits = ("beta", "adiabatic", "nonadiabatic") if config.texture["kind"] != "uniform" else ()
    return (*DEFAULT_OBSERVABLES, *fits)


def run_sweep(config: cfg.Config, progress=True):
    """The [sweep] of ``config`` through :func:`spintex.sweep`: an ``xarray.Dataset`` with the grid
    keys ("texture.width", ...) and, for a list of energies, ``energy`` as dimensions."""
    from ..sweep import sweep

    sw = config.sweep
    if sw is None:
        raise cfg.ConfigError("the configuration has no [sweep] table")
    energies = sw["energies"] if sw["energies"] is not None else config.solve["fermi_energy"]
    ds = sweep(ConfigModel(config), cfg.sweep_grid(config), energies, disorder=ConfigDisorder(config),
               drive=sw["drive"], screening_length=ConfigFieldOption(config, "screening_length"),
               neutral_leads=ConfigFieldOption(config, "neutral_leads"),
               screening_tolerance=ConfigFieldOption(config, "screening_tolerance"),
               observables=sweep_observables(config), energies_per_task=sw["energies_per_task"],
               samples_per_task=sw["samples_per_task"], run_dir=sw["checkpoint"], scheduler=sw["scheduler"],
               workers=sw["workers"], progress=progress)
    ds.attrs.update(title=config.title or str(config.source), convention=f"{units.SYSTEM}; {units.NOTE}",
                    config=config.text, config_json=json.dumps(config.to_dict(), indent=1),
                    note="linear response per unit d(mu) at T = 0 (solve.bias is not used)")
    return ds


def _scalars(ds) -> list:
    """The scalar observables of a sweep Dataset (no dimension besides the grid and energy)."""
    own = set(ds.attrs.get("grid", "").split(", ")) | {"energy"}
    return [n for n in SCALARS if n in ds.data_vars and set(ds[n].dims) <= own]


def screening_summary(config: cfg.Config) -> str:
    """The field drive's screening and leads of a config sweep, or that the grid sweeps them."""
    assert config.sweep is not None and config.disorder is not None
    if {"disorder.screening_length", "disorder.neutral_leads"} & set(config.sweep["grid"]):
        return "swept (see the grid)"
    return describe_drive(config.disorder)


def sweep_summary(config: cfg.Config, ds, seconds: float) -> str:
    sw = config.sweep
    assert sw is not None
    points = int(np.prod([len(v) for v in sw["grid"].values()])) if sw["grid"] else 1
    energies = ds.sizes.get("energy", 1)
    lines = [f"spintex {__version__}: {config.title or config.source}", f"units: {units.SYSTEM}", "",
             f"sweep of {describe_lattice(config)}, {describe_texture(config)}",
             "  grid          " + ("; ".join(f"{k} = {v}" for k, v in sw["grid"].items()) or "(none)")
             + f"  ({points} points x {energies} energies)",
             f"  drive         {sw['drive']}  (linear response per unit d(mu) at T = 0)",
             *([f"  screening     {screening_summary(config)}"]
               if config.disorder is not None and sw["drive"] == "field" else []),
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

    from .. import plot as draw

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
    from ..dataset import write_netcdf

    nc, png = folder / f"{name}.nc", folder / f"{name}.png"
    write_netcdf(ds, nc)
    return [nc] + ([png] if plot_sweep(config, ds, png) else [])
