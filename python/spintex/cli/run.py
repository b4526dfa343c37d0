"""One configuration solved (:func:`solve`) and its printed summary (:func:`summary`)."""
from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any
from dataclasses import dataclass

import numpy as np

from .. import __version__
from .. import config as cfg
from ..analysis import TorqueFit, fit_torque
from ..integration import channel_thresholds
from ..keldysh import nonequilibrium
from ..response import linear_response
from ..screening import SCREENING_TOLERANCE
from ..observables import ARRAY_FIELDS, State
from .. import units


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
        d = config.disorder
        field = d["drive"] == "field"
        response = linear_response(model, s["fermi_energy"], disorder=disorder, drive=d["drive"],
                                   screening_length=d["screening_length"] if field else None,
                                   neutral_leads=d["neutral_leads"] and field,
                                   screening_tolerance=d["screening_tolerance"] if field else None)
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


def per_slice(model, values: np.ndarray, reduce=np.sum) -> np.ndarray:
    L = model.lattice.num_slices
    return reduce(values.reshape(L, -1, values.shape[-1]), axis=1)


def slice_residual(result: Result) -> float:
    """|T - fit| / |T| of the slice sums over the slices of the fit region (transverse modes averaged)."""
    model, fit = result.model, result.fit
    if fit is None:
        return float("nan")
    in_fit = per_slice(model, fit.region[:, None].astype(float))[:, 0] > 0
    torque = per_slice(model, result.state.transport.torque * fit.region[:, None])[in_fit]
    fitted = per_slice(model, fit.model_torque(model) * fit.region[:, None])[in_fit]
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


def describe_drive(d: dict) -> str:
    """The drive of a [disorder] table in words."""
    if d["drive"] == "left":
        return "the left lead's chemical potential alone, no screening: the wire is charged; beta is not the seeds' beta"
    if d["drive"] != "field":
        return "no screening: the wire is charged; beta is not the seeds' beta"
    leads = "neutral leads" if d["neutral_leads"] else "grounded leads"
    if d["screening_tolerance"] != SCREENING_TOLERANCE:
        leads += f"; screening tolerance {d['screening_tolerance']:g}"
    if not d["screening_length"]:
        return ("leads at +-bias/2, every site kept charge neutral by a screening potential: the seeds' "
                f"electric field; {leads}")
    return f"leads at +-bias/2, screened over the Thomas-Fermi length {d['screening_length']:g} a, {leads}"


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
        f"units: {units.SYSTEM}",
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
            f"  drive: {d['drive']} ({describe_drive(d)})",
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
    lines += ["", f"units: {units.NOTE}", f"solved in {result.seconds:.2f} s"]
    return "\n".join(lines)
