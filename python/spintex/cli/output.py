"""What a run writes: NAME.nc (:func:`run_dataset`), NAME.png (:func:`plot`), NAME-response.nc, into
a new run folder or ``--out`` (:func:`output_folder`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .. import __version__
from ..analysis import TorqueFit
from .run import Result, describe_lattice, per_slice, slice_residual
from .. import units


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

    from ..dataset import FIELDS, FIT_FIELDS, netcdf_attrs, site_coordinates

    c, model, r, tr, fit = result.config, result.model, result.response, result.state.transport, result.fit
    eq = getattr(result.state, "equilibrium", None)  # no equilibrium part with [disorder]
    data: dict = {}

    def add(name, dims, value, unit, long_name):
        data[name] = (dims, np.asarray(value), {"units": unit, "long_name": long_name})

    for name in RUN_FIELDS:
        dims, unit, long_name = FIELDS[name]
        add(name, dims, getattr(tr, name), unit, f"current-induced (bias-window) part: {long_name}")
        stderr = getattr(tr, f"{name}_stderr", None)
        if stderr is not None:
            add(f"{name}_stderr", dims, stderr, unit, f"standard error of the sample average of the {name}")
        if eq is not None and name in EQUILIBRIUM_FIELDS:
            add(f"equilibrium_{name}", dims, getattr(eq, name), unit,
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
    coefficients = ("adiabatic", "nonadiabatic", "beta")
    for name in coefficients:
        unit, long_name = FIT_FIELDS[name]
        add(f"fit_{name}", (), getattr(fit, name) if fit else nan, unit, long_name)
        add(f"fit_{name}_stderr", (), getattr(fit, f"{name}_stderr") if fit else nan, unit,
            f"least-squares standard error of fit_{name}")
    ff, bias = result.field_fit, c.solve["bias"]
    if ff is not None:  # clean runs: the seeds' drive beside the bias (the summary's field-drive line)
        for name in coefficients:
            scale = 1.0 if name == "beta" else bias
            add(f"field_fit_{name}", (), scale * getattr(ff, name), FIT_FIELDS[name][0],
                f"fit_{name} of the charge-neutral field drive (T = 0 linear response x bias, every site screened)")
    add("fit_residual", (), fit.residual if fit else nan, *FIT_FIELDS["residual"])
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
    ds.attrs.update(title=c.title or str(c.source), convention=f"{units.SYSTEM}; {units.NOTE}", config=c.text,
                    config_json=json.dumps(c.to_dict(), indent=1), spintex_version=__version__)
    if c.disorder is not None:
        ds.attrs.update(netcdf_attrs(c.disorder, prefix="disorder_"))
    return ds


def _fit_overlay(ax, model, fit: TorqueFit) -> np.ndarray:
    """Dashed slice means of the fitted torque over the fit region; returns the region's slices."""
    in_fit = per_slice(model, fit.region[:, None].astype(float))[:, 0] > 0
    fitted = per_slice(model, fit.model_torque(model), np.mean)
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

    from .. import plot as draw

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


def check_output(out: Path | None) -> None:
    """OSError before any computation if ``--out`` cannot hold a run: an existing path that is not a
    folder, or a folder that neither exists nor can be created (its nearest existing ancestor not a
    writable folder).  The write itself can still fail (a full disk)."""
    if out is None:
        return
    if out.exists():
        if not out.is_dir():
            raise OSError(f"--out {out} exists and is not a folder")
        if not os.access(out, os.W_OK | os.X_OK):
            raise OSError(f"--out {out}: this folder is not writable")
        return
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OSError(f"--out {out} cannot be created: {ancestor} is not a writable folder")


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
    from ..dataset import write_netcdf

    png, run, response = folder / f"{name}.png", folder / f"{name}.nc", folder / f"{name}-response.nc"
    plot(result, png)
    write_netcdf(run_dataset(result), run)
    result.response.to_netcdf(response, result.model, config=result.config.text)
    return [png, run, response]
