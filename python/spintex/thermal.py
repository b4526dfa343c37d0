"""The thermal drive: leads at temperatures T + dT/2 and T - dT/2, per unit dT (seed 004).

Linear in dT, the leads' occupations change by f_L,R -> f +- (dT/2) df/dT with
df/dT = ((E - mu)/T) (-df/dE), so the response is the Fermi-surface bias response of every
energy (leads at +-1/2, ``drive="bias"`` in :mod:`spintex.response`) weighted by the thermal
window:

    rho_T = int dE w_T(E) rho_bias(E),    w_T(E) = ((E - mu)/T) (-df/dE)        (per unit dT)

and, at the same temperature, the electric (bias) response rho_V = int dE (-df/dE) rho_bias(E)
per unit mu_L - mu_R.  Closed circuit: rho_T.  Open circuit: rho_T + dmu rho_V with the
chemical-potential difference dmu = -J_T / J_V that cancels the particle current; ``seebeck``
is dmu / dT (energy per temperature, k_B = 1; a voltage difference V_L - V_R = -dmu / e for
electrons).  With ``screened=True`` (the default, as for the field drive) the on-site potential
that keeps every site neutral is added (the static response at the Fermi level, T = 0 contour:
its temperature dependence is O(T^2) smaller).  The window is integrated by Gauss-Legendre on
[mu - 40 T, mu + 40 T], split at the leads' channel thresholds, doubling the nodes until the
blocks converge; with SCBA every energy is its own self-consistent problem, started from the
previous energy's self-energy.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._validate import finite_float
from .disorder import Disorder, scba, solve_ladder
from .integration import Progress, _integrate, channel_thresholds
from .keldysh import _converge_by_doubling, real_axis_nodes
from .model import Model
from .observables import Response
from .response import UNIT_SYSTEM, FermiSea, balance_split, open_channels, with_screening

UNITS_THERMAL = "per unit temperature difference T_L - T_R (leads at T +- dT/2, k_B = 1)"


def thermal_window(energy, mu: float, temperature: float):
    """w_T(E) = ((E - mu)/T) (-df/dE): the occupation change per unit dT of the hot lead."""
    x = np.clip((np.asarray(energy, float) - mu) / temperature, -700, 700)
    minus_df = 0.25 / temperature / np.cosh(0.5 * x) ** 2
    return x * minus_df


def electric_window(energy, mu: float, temperature: float):
    """-df/dE: the occupation change per unit chemical potential."""
    x = np.clip((np.asarray(energy, float) - mu) / temperature, -700, 700)
    return 0.25 / temperature / np.cosh(0.5 * x) ** 2


def window_blocks(model: Model, mu: float, temperature: float, window, disorder: Disorder | None = None, *,
                  tolerance: float = 1e-9):
    """int dE window(E) rho_bias(E): site blocks, bond blocks and the current through the first
    slice boundary (the conserved current), with the number of energies used."""
    lo, hi = mu - 40 * temperature, mu + 40 * temperature
    edges = channel_thresholds(model)
    progress = Progress("thermal window")

    def evaluate(n):
        e, v = real_axis_nodes(lo, hi, edges, n)
        g = window(e, mu, temperature) * v / (2 * np.pi)
        if disorder is None:
            out = _integrate(model, e, left_weights=0.5 * g, right_weights=-0.5 * g, progress=progress)
            return out["left_sites"] + out["right_sites"], out["left_bonds"] + out["right_bonds"], e.size
        sites = bonds = 0.0
        sigma = None
        for k, (E, gk) in enumerate(zip(e, g)):
            sol = scba(model, E, disorder, initial=sigma)
            sigma = sol.self_energy
            corr = _core.Correlator(model.device, E, sol.self_energy)
            lad = solve_ladder(corr, sol.born, left=0.5, right=-0.5)
            sites, bonds = sites + gk * lad.sites, bonds + gk * lad.bonds
            progress(k + 1, e.size)
        return sites, bonds, e.size

    sites, bonds, nodes, error = _converge_by_doubling(evaluate, 16, tolerance, "thermal window integral")
    return sites, bonds, {"window_nodes": nodes, "window_error_estimate": error}


def thermal_response(model: Model, energy: float, *, temperature: float, disorder: Disorder | None = None,
                     circuit: str = "closed", screened: bool = True) -> Response:
    """Linear response to a temperature difference between the leads (see the module docstring).

    ``energy`` is the common chemical potential mu; ``circuit`` "closed" (equal chemical
    potentials) or "open" (the Seebeck chemical-potential difference that cancels the current,
    ``Response.seebeck`` = dmu/dT); ``screened``: every site kept neutral.  Disorder: clean or
    SCBA (samples: call this on each realization).
    """
    mu = finite_float(energy, "energy")
    T = finite_float(temperature, "temperature", positive=True)
    if circuit not in ("closed", "open"):
        raise ValueError(f"circuit must be 'closed' or 'open', got {circuit!r}")
    if disorder is not None and (not isinstance(disorder, Disorder) or disorder.method != "scba" or disorder.soc):
        raise ValueError("the thermal drive takes disorder=None or an SCBA Disorder without spin-orbit impurities "
                         "(samples: call it on each realization)")
    sites, bonds, info = window_blocks(model, mu, T, thermal_window, disorder)
    seebeck = None
    if circuit == "open":
        v_sites, v_bonds, _ = window_blocks(model, mu, T, electric_window, disorder)
        j_t = Response.from_blocks(model, sites, bonds).current.mean()
        j_v = Response.from_blocks(model, v_sites, v_bonds).current.mean()
        seebeck = float(-j_t / j_v)
        sites, bonds = sites + seebeck * v_sites, bonds + seebeck * v_bonds
    extra: dict = {}
    if screened:
        sites, bonds, extra = with_screening(FermiSea(model, mu, disorder), sites, bonds)
    r = Response.from_blocks(
        model, sites, bonds, energy=mu, drive="thermal", transmission=float("nan"),
        spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, mu),
        parameters={"energy": mu, "drive": "thermal", "temperature": T, "circuit": circuit, "screened": screened,
                    "disorder": disorder, **info},
        units=f"{UNITS_THERMAL}, {circuit} circuit{' (every site neutral)' if screened else ''}; {UNIT_SYSTEM}",
        seebeck=seebeck, **extra)
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r

