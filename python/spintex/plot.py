"""Plots of textures, responses and sweeps (matplotlib): ``st.plot.texture``, ``profile``, ``map``, ``sweep``.

Every function draws into ``ax`` (a new figure when None), labels the axes with units
(CONVENTIONS.md: hbar = e = a = 1, energies in units of t, spin densities in Pauli units) and
returns the Axes.  Lines are drawn as they are (matplotlib's offset text carries a power of
ten where one is needed); colour bars put the power of ten into the unit of their label.

Fields are the names of the arrays of a :class:`~spintex.State` or :class:`~spintex.Response`:

- site fields, one value or 3-vector per site: ``charge_density``, ``spin_density``, ``torque``;
- slice-boundary fields, totals through each boundary between slice l and l + 1 (drawn at
  x = l + 1/2): ``current``, ``spin_current``.

A Response is per unit drive; the y label says per unit of what.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._validate import boolean, check_model, check_state_matches
from .model import Model


class Field(NamedTuple):
    name: str    #: words for the axis label
    symbol: str  #: TeX symbol, components as subscripts
    unit: str
    kind: str    #: "site" or "boundary"


FIELDS = {
    "charge_density": Field("charge density", "n", "electrons per site", "site"),
    "spin_density": Field("spin density", "s", "Pauli units per site", "site"),
    "torque": Field("torque", r"T", "t", "site"),
    "current": Field("particle current", "J", "per unit time $\\hbar/t$", "boundary"),
    "spin_current": Field("spin current", "J^s", "Pauli units per unit time $\\hbar/t$", "boundary"),
}
COMPONENTS = ("x", "y", "z")
COLORS = ("C0", "C1", "C2")

#: what a Response is per, by drive (``Response.units`` has the long form)
PER_UNIT = {"left": r"per unit $d\mu_L$", "right": r"per unit $d\mu_R$", "bias": "per unit bias",
            "field": "per unit bias (field drive)", "thermal": "per unit $dT$", "pumping": "per unit rate",
            "internal_field": "per unit internal field $E$"}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt  # only here: the CLI draws on Figures without pyplot

        _, ax = plt.subplots(layout="constrained")  # room for two-line labels
    return ax


def _field(field: str, kinds=("site", "boundary")) -> Field:
    allowed = [k for k, f in FIELDS.items() if f.kind in kinds]
    if field not in allowed:
        raise ValueError(f"field must be one of {', '.join(allowed)}; got {field!r}")
    return FIELDS[field]


def _values(model: Model, response, name: str) -> np.ndarray:
    """``response.<name>`` (a field or its ``_stderr``) checked against the lattice."""
    values = getattr(response, name, None)
    if values is None:
        raise ValueError(f"response has no {name!r} array")
    values = np.asarray(values, dtype=float)
    lat = model.lattice
    rows = lat.num_sites if FIELDS[name.removesuffix("_stderr")].kind == "site" else max(lat.num_slices - 1, 0)
    if values.shape[0] != rows or values.ndim > 2:
        several = values.ndim >= 2 and values.shape[1] == rows  # (K, N, ...): a leading energy axis
        hint = ("a response at several energies: pass one energy's arrays" if several else
                "a response of another model: pass the model it was computed for")
        raise ValueError(f"response.{name} has shape {values.shape}, not ({rows}, ...) for this model ({hint})")
    return values


def _component(values: np.ndarray, component: str | None, field: str, allow_norm: bool = False) -> np.ndarray:
    """The requested column of (n,) or (n, 3) ``values``."""
    if values.ndim == 1:
        if component is not None:
            raise ValueError(f"component must be None for the scalar field {field!r}; got {component!r}")
        return values
    allowed = COMPONENTS + (("norm",) if allow_norm else ())
    if component not in allowed:
        raise ValueError(f"component must be one of {', '.join(repr(c) for c in allowed)} for {field!r}; "
                         f"got {component!r}")
    return np.linalg.norm(values, axis=1) if component == "norm" else values[:, COMPONENTS.index(component)]


def _label(f: Field, response, component: str | None = None, note: str = "") -> str:
    """``name $symbol$ [unit]``, with what a Response is per and ``note`` on a second line."""
    symbol = f.symbol if component is None else (
        rf"|{f.symbol}|" if component == "norm" else rf"{f.symbol}_{component}")
    drive = getattr(response, "drive", None)  # a State (no drive) is not per anything
    second = ", ".join(s for s in ("" if drive is None else PER_UNIT.get(drive, "per unit drive"), note) if s)
    return f"{f.name} ${symbol}$ [{f.unit}]" + (f"\n{second}" if second else "")


def slice_means(model: Model, values: np.ndarray) -> np.ndarray:
    """Site values (N, ...) averaged over each slice: (num_slices, ...)."""
    lat = model.lattice
    return np.asarray(values).reshape(lat.num_slices, lat.sites_per_slice, *np.shape(values)[1:]).mean(axis=1)


def _strip(model: Model):
    if model.lattice.dim != 2:
        raise ValueError(f"model must be on a strip (a 2D lattice) for a map; got a {model.lattice.dim}D lattice "
                         "(use st.plot.profile for slice averages along x)")
    return model.lattice.length, model.lattice.width


def _grid(values: np.ndarray, L: int, W: int) -> np.ndarray:
    """Site values of a strip as an (W, L) image: rows y, columns x (site order is x-major)."""
    return values.reshape(L, W).T


def _arrows(ax, u: np.ndarray, v: np.ndarray, L: int, W: int, **kw):
    """In-plane arrows (u, v) per site of a strip, every ``step`` sites, the longest 0.9 step long."""
    step = max(1, round(L / 40), round(W / 20))
    longest = np.hypot(u, v).max()
    if not longest > 0:
        return None
    X, Y = np.meshgrid(np.arange(0, L, step), np.arange(0, W, step))
    U, V = _grid(u, L, W)[::step, ::step], _grid(v, L, W)[::step, ::step]
    return ax.quiver(X, Y, U, V, pivot="middle", angles="xy", scale_units="xy", scale=longest / (0.9 * step),
                     width=0.003, **kw)


def _colorbar(ax, image, label: str):
    """A colour bar below the map (strips are long and thin: no room for a label beside them).

    A power of ten of the data goes into the unit of the label ("[$10^{-5}$ t]"): matplotlib's
    offset text would sit on the label of a horizontal bar.
    """
    from matplotlib.ticker import FuncFormatter

    peak = max(abs(v) for v in image.get_clim())
    power = int(np.floor(np.log10(peak))) if peak > 0 and not 1e-2 <= peak < 1e3 else 0
    if power:
        label = label.replace("[", f"[$10^{{{power}}}$ ", 1)
    bar = ax.figure.colorbar(image, ax=ax, label=label, location="bottom", shrink=0.6, aspect=30)
    bar.ax.locator_params(nbins=5)
    bar.ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / 10.0 ** power:g}"))
    return bar


def _map_axes(ax, L: int, W: int):
    ax.set_xlabel("x [a]")
    ax.set_ylabel("y [a]")
    ax.set_xlim(-0.5, L - 0.5)
    ax.set_ylim(-0.5, W - 0.5)


# --------------------------------------------------------------------------- texture
def texture(model: Model, ax=None):
    """The texture n of ``model``.

    Strips: a map of n_z (colour) with the in-plane (n_x, n_y) as arrows.  Chains and bars: the
    components of n averaged over each slice against x, with a row of arrows (n_x, n_z) above
    them (x to the right, z up).
    """
    check_model(model)
    ax = _axes(ax)
    n = model.texture_vectors
    if model.lattice.dim == 2:
        L, W = _strip(model)
        image = ax.imshow(_grid(n[:, 2], L, W), origin="lower", extent=(-0.5, L - 0.5, -0.5, W - 0.5),
                          cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        _colorbar(ax, image, "$n_z$")
        _arrows(ax, n[:, 0], n[:, 1], L, W, color="k")
        _map_axes(ax, L, W)
        return ax
    x = np.arange(model.lattice.num_slices, dtype=float)
    mean = slice_means(model, n)
    for a, comp in enumerate(COMPONENTS):
        ax.plot(x, mean[:, a], color=COLORS[a], label=f"$n_{comp}$")
    # arrows (n_x, n_z) in a row above the curves: x to the right, z up on the screen
    step = max(1, round(len(x) / 40))
    ax.quiver(x[::step], np.full(len(x[::step]), 1.4), mean[::step, 0], mean[::step, 2], pivot="middle",
              angles="uv", scale_units="width", scale=len(x) / (0.9 * step), width=0.004, color="k")
    ax.set_ylim(-1.15, 1.65)
    ax.set_xlabel("x [a]")
    ax.set_ylabel("texture $n$ (unit vector)" + ("\nmean over each slice" if model.lattice.sites_per_slice > 1
                                                 else ""))
    ax.legend(loc="lower left", ncol=3)  # the arrows take the top
    return ax


# --------------------------------------------------------------------------- profile
def profile(model: Model, response: Any, field: str, component: str | None = None, ax=None):
    """``field`` of ``response`` along x: averages over each slice of a site field, or the totals
    through each slice boundary (x = l + 1/2) of ``current`` / ``spin_current``.

    ``component``: "x", "y" or "z" for one component of a vector field, None for all three (or
    for a scalar field).  Where ``response`` has ``<field>_stderr`` (disorder samples), a band of
    +- one standard error is drawn; for a slice average it is the average of the sites' standard
    errors, an upper bound (exact on a chain) since the sites of one sample are correlated.
    """
    check_model(model)
    f = _field(field)
    values = _values(model, response, field)
    check_state_matches(model, response)  # the same number of sites in other slices
    ax = _axes(ax)
    has_stderr = getattr(response, f"{field}_stderr", None) is not None  # disorder samples
    stderr = _values(model, response, f"{field}_stderr") if has_stderr else None
    if f.kind == "site":
        x = np.arange(model.lattice.num_slices, dtype=float)
        values = slice_means(model, values)
        stderr = None if stderr is None else slice_means(model, stderr)
    else:
        x = np.arange(values.shape[0]) + 0.5
    if values.ndim == 1 or component is not None:
        columns = [(component, _component(values, component, field), COLORS[0])]
        errors = [None if stderr is None else _component(stderr, component, field)]
    else:
        columns = [(c, values[:, a], COLORS[a]) for a, c in enumerate(COMPONENTS)]
        errors = [None if stderr is None else stderr[:, a] for a in range(3)]
    for (comp, y, color), err in zip(columns, errors):
        label = f"${f.symbol}_{comp}$" if comp else f"${f.symbol}$"
        ax.plot(x, y, color=color, label=label)
        if err is not None:
            ax.fill_between(x, y - err, y + err, color=color, alpha=0.25, lw=0)
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel("x [a]" + (" (slice boundaries)" if f.kind == "boundary" else ""))
    mean = "mean over each slice" if f.kind == "site" and model.lattice.sites_per_slice > 1 else ""
    ax.set_ylabel(_label(f, response, component, mean))
    if len(columns) > 1:
        ax.legend(loc="best", ncol=3)
    return ax


# --------------------------------------------------------------------------- map
def map(model: Model, response: Any, field: str, component: str | None = None, ax=None, *, arrows: bool = True):
    """Colour map of one component of a site ``field`` over a strip, with the in-plane
    components of a vector field as arrows (``arrows=False``: none).

    ``component``: "x", "y", "z" or "norm" (|v|) for ``torque`` and ``spin_density`` (required);
    None for ``charge_density``.  Signed values use a diverging colour scale centred on 0.
    """
    check_model(model)
    f = _field(field, kinds=("site",))
    arrows = boolean(arrows, "arrows")
    L, W = _strip(model)
    values = _values(model, response, field)
    check_state_matches(model, response)  # the same number of sites in other slices
    ax = _axes(ax)
    shown = _component(values, component, field, allow_norm=True)
    if component == "norm":
        limits: dict = {"cmap": "viridis", "vmin": 0.0}
    else:
        peak = np.abs(shown).max()
        limits = {"cmap": "RdBu_r", "vmin": -peak, "vmax": peak}
    image = ax.imshow(_grid(shown, L, W), origin="lower", extent=(-0.5, L - 0.5, -0.5, W - 0.5),
                      interpolation="nearest", **limits)
    _colorbar(ax, image, _label(f, response, component))
    if arrows and values.ndim == 2:
        _arrows(ax, values[:, 0], values[:, 1], L, W, color="k")
    _map_axes(ax, L, W)
    return ax


# --------------------------------------------------------------------------- sweep
def sweep(dataset, variable: str, x: str, hue: str | None = None, ax=None):
    """``dataset[variable]`` against the coordinate ``x``, one line per value of ``hue``.

    A thin wrapper over xarray's ``DataArray.plot.line`` (labels from the ``long_name`` and
    ``units`` attributes) for the Datasets of :func:`spintex.sweep`; ``<variable>_stderr``, when
    present, is drawn as error bars.  Every other dimension must have length 1 (select with
    ``dataset.sel(...)`` first).
    """
    import xarray as xr  # lazily: `import spintex` does not load xarray

    if not isinstance(dataset, xr.Dataset):
        raise ValueError(f"dataset must be an xarray.Dataset; got {type(dataset).__name__}")
    if variable not in dataset.data_vars:
        raise ValueError(f"variable must be one of {', '.join(str(v) for v in dataset.data_vars)}; got {variable!r}")
    data = dataset[variable]
    for name, value in (("x", x), ("hue", hue)):
        if value is not None and value not in data.dims:
            raise ValueError(f"{name} must be a dimension of {variable!r} ({', '.join(str(d) for d in data.dims)}); "
                             f"got {value!r}")
    if hue is not None and hue == x:
        raise ValueError(f"hue must differ from x; both are {x!r}")
    others = [d for d in data.dims if d not in (x, hue) and data.sizes[d] > 1]
    if others:
        raise ValueError(f"{variable!r} also varies along {', '.join(str(d) for d in others)}: pass those as hue or "
                         "select one value with dataset.sel(...) first")
    data = data.squeeze([d for d in data.dims if d not in (x, hue)], drop=True)
    ax = _axes(ax)
    lines = data.plot.line(x=x, hue=hue, ax=ax, marker="o", ms=3)
    stderr = dataset.get(f"{variable}_stderr")
    if stderr is not None:
        order = [x] if hue is None else [x, hue]
        y = data.transpose(*order).values.reshape(data.sizes[x], -1)
        err = stderr.squeeze([d for d in stderr.dims if d not in order]).transpose(*order).values.reshape(y.shape)
        for k, line in enumerate(lines):  # xarray draws one line per hue value, in order
            ax.errorbar(data[x].values, y[:, k], yerr=err[:, k], fmt="none", ecolor=line.get_color())
    return ax
