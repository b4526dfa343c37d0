"""The ``spintex`` command line: ``spintex demo`` and ``spintex run CONFIG.toml``.

Both solve one configuration (:mod:`spintex.config`): the transmission at the Fermi energy
(:func:`spintex.linear_response`), the finite-bias steady state (:func:`spintex.nonequilibrium`,
whose ``transport`` part is the current-induced one) and the fit of the current-induced torque to
``T_i = A d_x n + B n x d_x n`` (:func:`spintex.fit_torque`).  They print a summary, and write a
plot (PNG) and every array (``.npz``, with the configuration as JSON and a units string per key).
"""
from __future__ import annotations

import argparse
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
from .disorder import Disorder
from .keldysh import nonequilibrium
from .response import linear_response
from .observables import ARRAY_FIELDS, State

UNITS = "hbar = e = a = 1 (a: lattice constant); energies in units of the hopping t"
UNITS_NOTE = ("spin densities in Pauli units (s = <sigma>); torques T_i = M n_i x s_i in units of t "
              "(angular momentum hbar per unit time hbar/t); currents in particles per unit time "
              "hbar/t, positive from left to right (the charge current is -e times that)")

NPZ_UNITS = {
    "x_slices": "a; x coordinate of each slice",
    "positions": "a; site coordinates (N, d)",
    "texture": "unit vectors n_i (N, 3)",
    "texture_slice_mean": "unit-less; n averaged over each slice (L, 3)",
    "charge_density": "electrons per site; current-induced (bias-window) part",
    "spin_density": "Pauli units (s = <sigma>) per site; current-induced (bias-window) part",
    "torque": "t; T_i = M n_i x s_i per site; current-induced part",
    "torque_per_slice": "t; current-induced torque summed over each slice (L, 3)",
    "spin_density_per_slice": "Pauli units; current-induced spin density summed over each slice (L, 3)",
    "current": "particles per unit time hbar/t through each slice boundary (L-1,); current-induced part",
    "spin_current": "Pauli-weighted particles per unit time through each slice boundary (L-1, 3)",
    "equilibrium_charge_density": "electrons per site; equilibrium part (right lead's mu and T)",
    "equilibrium_spin_density": "Pauli units per site; equilibrium part",
    "equilibrium_torque": "t; equilibrium torque per site",
    "particle_current": "particles per unit time hbar/t; mean of `current` over the slice boundaries",
    "total_torque": "t; sum of the current-induced torque over all sites",
    "transmission": "unit-less; Caroli transmission at E_F, left -> right",
    "spin_transmission": "unit-less; T_ss' with s along the left lead's n, s' along the right lead's (2, 2)",
    "open_channels": "propagating channels (left, right) at E_F, both spins",
    "fit_adiabatic": "t a; A in T_i = A d_x n + B n x d_x n",
    "fit_nonadiabatic": "t a; B",
    "fit_beta": "unit-less; B / A",
    "fit_residual": "unit-less; |T - fit| / |T| over the fit region",
    "fit_residual_slices": "unit-less; the same for the torque and the fit summed over each slice",
    "fit_region": "bool per site; sites used by the fit",
    "fit_torque": "t; A d_x n + B n x d_x n per site",
    "fermi_energy": "t", "mu_left": "t", "mu_right": "t", "bias": "t; mu_left - mu_right",
    "temperature": "t; k_B T",
    "config": "JSON of the validated configuration (defaults filled in)",
    "config_toml": "the configuration text as given",
    "units": "JSON: these strings",
    "spintex_version": "version that wrote the file",
}


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
        d = config.disorder
        disorder = Disorder(onsite=d["onsite"], magnetic=tuple(d["magnetic"]), soc=d["soc"],
                            method=d["method"], samples=d["samples"], seed=d["seed"])
        response = linear_response(model, s["fermi_energy"], disorder=disorder, drive=d["drive"])
        state = SimpleNamespace(transport=_scaled(response, s["bias"]))
    fit, note, field_fit = None, "", None
    try:
        fit = fit_torque(model, state.transport.torque)
        if config.disorder is None and min(response.open_channels) > 0:  # the seeds' drive, beside the bias
            field_fit = fit_torque(model, linear_response(model, s["fermi_energy"], drive="field"))
    except ValueError as err:  # a uniform texture has nothing to fit
        note = str(err)
    return Result(config, model, response, state, fit, note, time.monotonic() - start, field_fit)


def _scaled(response, bias: float) -> State:
    """The response per unit d(mu) times the bias: the current-induced state at small bias."""
    return State(**{n: bias * getattr(response, n) for n in ARRAY_FIELDS}, parameters=response.parameters,
                 units=response.units)


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
            f"  conductance 2 pi J / (mu_L - mu_R) = {r.transmission:.6g}   (units e^2/h; diffuse part included)",
        ]
    lines += [
        f"  particle current J  = {current:.6g} per unit time hbar/t, left to right",
    ]
    if s["temperature"] == 0 and c.disorder is None:
        lines.append(f"                        (linear response T(E_F) (mu_L - mu_R) / 2 pi = "
                     f"{r.transmission * s['bias'] / (2 * np.pi):.6g})")
    if min(r.open_channels) == 0:
        lines.append("  note: no propagating channel at E_F in one lead: nothing flows")
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
            lines.append(f"  charge-neutral field drive (linear response x bias, every site screened): "
                         f"A = {bias * ff.adiabatic:+.6e} t a, B = {bias * ff.nonadiabatic:+.6e} t a, "
                         f"beta = {ff.beta:+.6e}")
    lines += ["", f"units: {UNITS_NOTE}", f"solved in {result.seconds:.2f} s"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- output
def arrays(result: Result) -> dict:
    """Every array and parameter written to the ``.npz`` file."""
    c, model, r, st = result.config, result.model, result.response, result.state
    tr, eq = st.transport, getattr(st, "equilibrium", None)  # no equilibrium part with [disorder]
    N = model.lattice.num_sites
    fit = result.fit
    nan = float("nan")
    data = {
        "x_slices": np.arange(model.lattice.num_slices, dtype=float),
        "positions": model.lattice.positions,
        "texture": model.texture_vectors,
        "texture_slice_mean": _per_slice(model, model.texture_vectors, np.mean),
        "charge_density": tr.charge_density,
        "spin_density": tr.spin_density,
        "torque": tr.torque,
        "torque_per_slice": _per_slice(model, tr.torque),
        "spin_density_per_slice": _per_slice(model, tr.spin_density),
        "current": tr.current,
        "spin_current": tr.spin_current,
        "particle_current": float(tr.current.mean()) if tr.current.size else nan,
        "total_torque": tr.total_torque,
        "transmission": r.transmission,
        "spin_transmission": np.asarray(r.spin_transmission),
        "open_channels": np.asarray(r.open_channels),
        "fit_adiabatic": fit.adiabatic if fit else nan,
        "fit_nonadiabatic": fit.nonadiabatic if fit else nan,
        "fit_beta": fit.beta if fit else nan,
        "fit_residual": fit.residual if fit else nan,
        "fit_residual_slices": slice_residual(result),
        "fit_region": fit.region if fit else np.zeros(N, dtype=bool),
        "fit_torque": fit.model_torque(model) if fit else np.zeros((N, 3)),
        "fermi_energy": c.solve["fermi_energy"],
        "mu_left": c.mu_left,
        "mu_right": c.mu_right,
        "bias": c.solve["bias"],
        "temperature": c.solve["temperature"],
        "config": json.dumps(c.to_dict(), indent=1),
        "config_toml": c.text,
        "units": json.dumps({"convention": f"{UNITS}; {UNITS_NOTE}", **NPZ_UNITS}, indent=1),
        "spintex_version": __version__,
    }
    if eq is not None:
        data.update(equilibrium_charge_density=eq.charge_density, equilibrium_spin_density=eq.spin_density,
                    equilibrium_torque=eq.torque)
    return {k: np.asarray(v) for k, v in data.items()}


def _scale(values) -> tuple[float, str]:
    """A power of ten for a y axis, and its label text (``""`` for 1)."""
    peak = np.nanmax(np.abs(values)) if np.size(values) else 0.0
    if not np.isfinite(peak) or peak == 0 or 1e-2 <= peak < 1e3:
        return 1.0, ""
    power = int(np.floor(np.log10(peak)))
    return 10.0 ** power, rf"$10^{{{power}}}$ "


def _components(ax, x, values, symbol, unit, colors, **kw):
    """Plot the x, y, z columns of ``values`` with a y label carrying the unit and a scale."""
    scale, prefix = _scale(values)
    for a, comp in enumerate("xyz"):
        ax.plot(x, values[:, a] / scale, color=colors[a], label=f"${symbol}_{comp}$", **kw)
    ax.axhline(0, color="0.6", lw=0.5)
    return scale, prefix + unit


MAP_MIN_WIDTH = 8  # strips at least this wide also get maps of the texture and the torque


def _site_maps(subfig, model, torque) -> None:
    """Maps over a strip: n_z with the in-plane (n_x, n_y) as arrows, and |T_i| per site."""
    lat = model.lattice
    L, W = lat.length, lat.width
    extent = (-0.5, L - 0.5, -0.5, W - 0.5)
    ax_n, ax_t = subfig.subplots(2, 1, sharex=True)
    n = model.texture_vectors.reshape(L, W, 3)
    image = ax_n.imshow(n[:, :, 2].T, origin="lower", extent=extent, cmap="RdBu_r", vmin=-1, vmax=1,
                        interpolation="nearest")
    subfig.colorbar(image, ax=ax_n, label="$n_z$", shrink=0.95, pad=0.01)
    step = max(1, round(L / 40))
    X, Y = np.meshgrid(np.arange(0, L, step), np.arange(0, W, step), indexing="ij")
    ax_n.quiver(X, Y, n[::step, ::step, 0], n[::step, ::step, 1], pivot="middle", angles="xy",
                scale_units="xy", scale=1.0 / (0.9 * step), width=0.003, color="k")
    ax_n.set_title("texture: $n_z$ (colour) and $(n_x, n_y)$ (arrows)", fontsize=10, loc="left")

    scale, prefix = _scale(torque)
    magnitude = np.linalg.norm(torque, axis=1).reshape(L, W) / scale
    image = ax_t.imshow(magnitude.T, origin="lower", extent=extent, cmap="viridis", vmin=0,
                        interpolation="nearest")
    subfig.colorbar(image, ax=ax_t, label=f"$|T|$ [{prefix}t]", shrink=0.95, pad=0.01)
    ax_t.set_title("current-induced torque per site  $|T_i|$", fontsize=10, loc="left")
    ax_t.set_xlabel("x [a]")
    for ax in (ax_n, ax_t):
        ax.set_ylabel("y [a]")


def plot(result: Result, path: Path) -> None:
    """Panels along x: texture, current-induced torque and spin density per slice (and site maps
    for wide strips)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    c, model, tr, fit = result.config, result.model, result.state.transport, result.fit
    x = np.arange(model.lattice.num_slices)
    wide = model.lattice.sites_per_slice > 1
    colors = ("C0", "C1", "C2")
    maps = model.lattice.dim == 2 and model.lattice.width >= MAP_MIN_WIDTH
    map_height = 2 * (0.9 + 7.0 * model.lattice.width / model.lattice.length) if maps else 0.0
    fig = Figure(figsize=(8.5, 9.5 + map_height), layout="constrained")
    lines, map_fig = fig.subfigures(2, 1, height_ratios=[9.5, map_height]) if maps else (fig, None)  # type: ignore[misc]
    ax_n, ax_t, ax_s = lines.subplots(3, 1, sharex=True)

    _components(ax_n, x, _per_slice(model, model.texture_vectors, np.mean), "n", "", colors, lw=2)
    ax_n.set_ylim(-1.15, 1.15)
    ax_n.set_ylabel("direction $n$ (unit vector)" + ("\nmean over each slice" if wide else ""))
    ax_n.set_title("magnetic texture", fontsize=10, loc="left")

    scale, unit = _components(ax_t, x, _per_slice(model, tr.torque), "T", "t", colors, lw=2, alpha=0.8)
    ax_t.set_ylabel(rf"torque $T = M\,n\times\delta s$ [{unit}]" + ("\nsum over each slice" if wide else ""))
    title = "current-induced torque"
    if fit is not None:
        in_fit = _per_slice(model, fit.region[:, None].astype(float))[:, 0] > 0
        fitted = _per_slice(model, fit.model_torque(model) * fit.region[:, None]) / scale
        fitted[~in_fit] = np.nan
        for a in range(3):
            ax_t.plot(x, fitted[:, a], color="k", ls=(0, (3, 2)), lw=1)
        ax_t.plot([], [], color="k", ls=(0, (3, 2)), lw=1, label=r"fit $A\,\partial_x n + B\,n\times\partial_x n$")
        title += (f":  A = {fit.adiabatic:.3e} t a,  B = {fit.nonadiabatic:.3e} t a,  "
                  f"beta = B/A = {fit.beta:.3g}  (fit residual {fit.residual:.2g})")
        for ax in (ax_n, ax_t, ax_s):
            ax.axvspan(x[in_fit].min() - 0.5, x[in_fit].max() + 0.5, color="0.92", zorder=0,
                       label="fit region" if ax is ax_n else None)
    ax_t.set_title(title, fontsize=10, loc="left")

    _, unit = _components(ax_s, x, _per_slice(model, tr.spin_density), r"\delta s", "Pauli units", colors, lw=2)
    ax_s.set_ylabel(rf"spin density $\delta s$ [{unit}]" + ("\nsum over each slice" if wide else ""))
    ax_s.set_title("current-induced spin density (bias-window part)", fontsize=10, loc="left")
    ax_s.set_xlabel("position along the wire  x  [a]")
    for ax in (ax_n, ax_t, ax_s):
        ax.legend(loc="best", ncol=4, fontsize=9, framealpha=0.9)
        ax.set_xlim(x[0] - 0.5, x[-1] + 0.5)

    if maps:
        _site_maps(map_fig, model, tr.torque)

    s = c.solve
    fig.suptitle(f"{c.title or c.source}\n{describe_lattice(c)}:  M = {c.model['exchange']:g} t,  "
                 f"E_F = {s['fermi_energy']:g} t,  bias = {s['bias']:g} t,  k_B T = {s['temperature']:g} t,  "
                 f"T(E_F) = {result.response.transmission:.4g}", fontsize=10)
    fig.savefig(path, dpi=110)


def write_outputs(result: Result, out_dir: Path, name: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    png, npz = out_dir / f"{name}.png", out_dir / f"{name}.npz"
    plot(result, png)
    np.savez(npz, **arrays(result))
    return [png, npz]


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
    demo.add_argument("--out", metavar="DIR", type=Path, default=Path("spintex_out"),
                      help="output directory for demo.png and demo.npz (default: ./spintex_out)")
    demo.add_argument("--print-config", action="store_true",
                      help="print the demo's TOML configuration (a template for `spintex run`) and exit")
    run = sub.add_parser("run", help="solve a TOML configuration",
                         description="Solve a TOML configuration (schema: `spintex demo --print-config`, "
                                     "the examples/ directory, and the spintex.config docstring).")
    run.add_argument("config", metavar="CONFIG.toml", type=Path)
    run.add_argument("--out", metavar="DIR", type=Path, default=Path("spintex_out"),
                     help="output directory for <config name>.png and .npz (default: ./spintex_out)")
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
        if args.command == "demo":
            if args.print_config:
                print(cfg.DEFAULT_TOML, end="")
                return 0
            config, name = cfg.default(), "demo"
        else:
            config, name = cfg.load(args.config), args.config.stem
        result = solve(config)
        print(summary(result), flush=True)
        paths = write_outputs(result, args.out, name)
    except cfg.ConfigError as err:
        return _error(str(err))
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
