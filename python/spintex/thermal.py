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
its temperature dependence is O(T^2) smaller).  The windows are integrated on the Gauss rule of the
Fermi weight -df/dE over [mu - 40 T, mu + 40 T], split at the leads' channel thresholds
(:func:`spintex.integration.fermi_window_rule`), doubling the nodes until the blocks converge;
with SCBA every energy is its own self-consistent problem, started from the previous energy's
self-energy, on one contiguous run of energies per core.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ._validate import finite_float
from .disorder import Disorder, scba, solve_ladder
from .integration import Progress, _integrate, channel_thresholds, fermi_window_rule
from .model import Model
from .observables import ARRAY_FIELDS, Response
from .model import IDENTITY2
from .response import balance_split, fermi_level_system, open_channels, pair_lead_conductances
from .sea import FermiSea
from .screening import screening_potential, with_screening
from . import units


def thermal_window(energy, mu: float, temperature: float):
    """w_T(E) = ((E - mu)/T) (-df/dE): the occupation change per unit dT of the hot lead."""
    return (np.asarray(energy, float) - mu) / temperature * electric_window(energy, mu, temperature)


def electric_window(energy, mu: float, temperature: float):
    """-df/dE: the occupation change per unit chemical potential."""
    x = np.clip((np.asarray(energy, float) - mu) / temperature, -700, 700)
    return 0.25 / temperature / np.cosh(0.5 * x) ** 2


def _scba_system(model: Model):
    """(correlator, Born map, Sigma) at energy E by SCBA started from ``initial`` (the default
    ``system`` hook; PeriodicWire passes its channel sum); with spin-orbit impurities the block
    sweep on site pairs (:func:`spintex.response.fermi_level_system`)."""
    def system(energy, disorder, initial=None):
        sol = scba(model, energy, disorder, initial=initial)
        corr, born, _ = fermi_level_system(model, energy, disorder, solution=sol)
        return corr, born, sol.self_energy
    return system


def _window_sums(model: Model, energies, windows, disorder: Disorder | None, progress, workers=None, system=None):
    """sum_k windows[j][k] rho_bias(E_k) for each weight vector of ``windows``: a list of (site
    blocks, bond blocks, drain current), with rho_bias the response to the leads at +-1/2.  The
    drain current (the same sum of the current into the right lead) is None where the bond
    currents carry it through every slice; with spin-orbit impurities, part of it flows through
    the averaged corner hops, and it is taken at the lead (:func:`spintex.response.scba_response`).
    Clean: one OpenMP call per window.  SCBA: the energies are cut into contiguous runs, one per
    core, each walking up in energy so that every SCBA starts from its neighbour's self-energy
    (the C++ sweeps release the GIL)."""
    if disorder is None:
        out = [_integrate(model, energies, left_weights=0.5 * w, right_weights=-0.5 * w, progress=progress)
               for w in windows]
        return [(o["left_sites"] + o["right_sites"], o["left_bonds"] + o["right_bonds"], None) for o in out]
    K, done = len(energies), [0]
    own = system is None
    system = system or _scba_system(model)
    pairs = bool(disorder.soc) and own

    N, B = model.lattice.num_sites, len(model.bonds)

    def walk(run):
        # (zero blocks to start from: a run whose energies all lack a lead channel adds nothing)
        sums, sigma = [[np.zeros((N, 2, 2), complex), np.zeros((B, 2, 2), complex), 0.0] for _ in windows], None
        for k in run:
            if own and not any(open_channels(model, energies[k])):
                # no lead injects there (Gamma = 0): the bias response is zero, and no real-axis
                # SCBA is needed (its weight in the window is below 1e-12 anyway)
                sigma = None
                done[0] += 1
                continue
            corr, born, sigma = system(energies[k], disorder, sigma)
            lad = solve_ladder(corr, born, left=0.5, right=-0.5)
            drain = 0.0
            if pairs:  # (g into the drain lead, = 2 pi x its current per unit bias)
                drain = pair_lead_conductances(corr, lad.sites, corr.core.retarded_pairs, "left", (0.5, -0.5))[1]
            for total, w in zip(sums, windows):
                total[0] = total[0] + w[k] * born.sites(lad.sites)
                total[1] = total[1] + w[k] * lad.bonds
                total[2] = total[2] + w[k] * drain
            done[0] += 1
            progress(done[0], K)
        return sums

    workers = workers or disorder.workers or os.cpu_count() or 1
    runs = np.array_split(np.arange(K), min(workers, K))
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        parts = list(pool.map(walk, runs))
    return [(sum(p[j][0] for p in parts), sum(p[j][1] for p in parts),
             float(sum(p[j][2] for p in parts)) if pairs else None) for j in range(len(windows))]


def window_blocks(model: Model, mu: float, temperature: float, disorder: Disorder | None = None, *,
                  tolerance: float = 1e-6, nodes: int = 16, workers: int | None = None, system=None,
                  breakpoints=None):
    """The thermal and the electric windows of the bias response, integrated over energy:
    (thermal sites, thermal bonds, electric sites, electric bonds, info), i.e.
    int dE w(E) rho_bias(E) for w = ((E - mu)/T)(-df/dE) and w = -df/dE (info["drain_currents"]:
    their currents into the right lead, with spin-orbit impurities), on the Gauss rule of the
    Fermi window (:func:`spintex.integration.fermi_window_rule`), doubling its nodes until each of
    the four changes by less than ``tolerance`` times its largest block entry, or by less than
    the sums' rounding (1e-13 of the electric window's largest block).  Relative, because the
    thermal window's response scales like T: an absolute 1e-9 passed unconverged sums at small T
    (3x off at T = 1e-9, with weights from rounded energies).  info["window_error_estimate"]: the
    largest change relative to its array's largest entry; a RuntimeWarning where it exceeds 1e-4
    (a temperature so small that the response is near the rounding: see :func:`mott_terms`).
    ``workers``: threads for the SCBA energies (default: the disorder's ``workers``, else one per
    core).  ``system`` and ``breakpoints`` (default: the model's SCBA and its lead channel
    thresholds) are the hooks of :class:`spintex.periodic.PeriodicWire`."""
    progress = Progress("thermal window")
    edges = channel_thresholds(model) if breakpoints is None else breakpoints
    previous = None
    n = nodes
    while True:
        e, w, x = fermi_window_rule(mu, temperature, edges, n, scaled=True)
        order = np.argsort(e)
        e, w, x = e[order], w[order] / (2 * np.pi), x[order]  # rho_bias(E) is a density per unit dE / 2pi
        (t_sites, t_bonds, t_drain), (v_sites, v_bonds, v_drain) = _window_sums(
            model, e, [w * x, w], disorder, progress, workers, system)
        result = [t_sites, t_bonds, v_sites, v_bonds]
        if previous is not None:
            floor = 1e-13 * max(np.abs(v_sites).max(initial=0.0), np.abs(v_bonds).max(initial=0.0))
            diffs = [np.abs(a - b).max(initial=0.0) for a, b in zip(result, previous)]
            scales = [np.abs(a).max(initial=0.0) for a in result]
            change = max(d / s if s > 0 else 0.0 for d, s in zip(diffs, scales))
            if all(d <= tolerance * s or d <= floor for d, s in zip(diffs, scales)):
                if change > 1e-4:
                    warnings.warn(f"thermal window at temperature={temperature!r}: the response is resolved only to "
                                  f"{change:.1g} relative (near the rounding of the energy sums); the T -> 0 limit "
                                  "is spintex.thermal.mott_terms", RuntimeWarning, stacklevel=3)
                drains = {} if t_drain is None else {"drain_currents": (t_drain, v_drain)}
                return (*result, {"window_nodes": e.size, "window_error_estimate": float(change), **drains})
            if n >= 1024:
                raise RuntimeError(f"thermal window integral did not converge to {tolerance:g} relative "
                                   f"(last change {change:.3g} with {e.size} energies; at temperature={temperature!r} "
                                   "rounding in the energies E - mu may stop it: raise the temperature)")
        previous, n = result, 2 * n


def thermal_response(model: Model, energy: float, *, temperature: float, disorder: Disorder | None = None,
                     circuit: str = "closed", screened: bool = True, workers: int | None = None) -> Response:
    """Linear response to a temperature difference between the leads (see the module docstring).

    ``energy`` is the common chemical potential mu; ``circuit`` "closed" (equal chemical
    potentials) or "open" (the Seebeck chemical-potential difference that cancels the current,
    ``Response.seebeck`` = dmu/dT); ``screened``: every site kept neutral.  Disorder: clean or
    SCBA, spin-orbit impurities included (samples: call this on each realization).
    """
    return _thermal(model, energy, temperature, disorder, circuit, screened, workers)


def _thermal(model: Model, energy, temperature, disorder, circuit, screened, workers, system=None, sea=None,
             breakpoints=None) -> Response:
    """thermal_response with the hooks of :class:`spintex.periodic.PeriodicWire` (see window_blocks; ``sea``
    a :class:`FermiSea` factory of mu)."""
    mu = finite_float(energy, "energy")
    T = finite_float(temperature, "temperature", positive=True)
    if circuit not in ("closed", "open"):
        raise ValueError(f"circuit must be 'closed' or 'open', got {circuit!r}")
    _check_disorder(disorder)
    sites, bonds, v_sites, v_bonds, info = window_blocks(model, mu, T, disorder, workers=workers, system=system,
                                                         breakpoints=breakpoints)
    seebeck = None
    drains = info.pop("drain_currents", None)
    if circuit == "open":
        if drains is None:  # the bond currents are the same through every slice
            j_t = Response.from_blocks(model, sites, bonds).current.mean()
            j_v = Response.from_blocks(model, v_sites, v_bonds).current.mean()
        else:  # spin-orbit impurities: the current into the drain lead
            j_t, j_v = drains
        if not j_v:
            raise ValueError(f"circuit='open' needs a conducting wire: at mu = {mu!r}, T = {T!r} no current flows "
                             "(no lead channel open in the thermal window), so no voltage can cancel one")
        seebeck = float(-j_t / j_v)
        sites, bonds = sites + seebeck * v_sites, bonds + seebeck * v_bonds
    extra: dict = {}
    if screened:
        make = sea or (lambda e: FermiSea(model, e, disorder))
        sites, bonds, extra = with_screening(lambda: make(mu), sites, bonds, model)
    r = Response.from_blocks(
        model, sites, bonds, energy=mu, drive="thermal", transmission=float("nan"),
        spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, mu),
        parameters={"energy": mu, "drive": "thermal", "temperature": T, "circuit": circuit, "screened": screened,
                    "disorder": disorder, **info},
        units=f"{units.THERMAL} at T = {T:g}, {circuit} circuit{' (every site neutral)' if screened else ''}; "
              f"{units.OBSERVABLE_UNITS}",
        seebeck=seebeck, **extra)
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


# ----------------------------------------------------------------------------- the Mott limit
@dataclass
class MottTerms:
    """The low-temperature limit of the screened, closed-circuit thermal response, split in two
    (docs/physics.md section 14).  Per unit dT, as T -> 0 (Sommerfeld, corrections O(T^2)):

        thermal_response(T) / ((pi^2/3) T)  ->  fermi_surface = field_derivative + stiffness

    * ``fermi_surface`` G = d rho_bias/dE + rho_sea[u_G] with chi u_G = -d n_bias/dE: the energy
      derivative of the bias response, screened by the Fermi sea *at the fixed mu* (the thermal
      drive moves occupations near mu; the sea does not follow).
    * ``field_derivative`` F' = d/dE of the field-driven response (``drive="field"``), whose
      screening is that of a sea at E: the seeds' Mott formula (seed 004 Eq. 66) with t_el the
      field-driven torque.
    * ``stiffness`` D = G - F' = (R chi^-1 chi' - R') u: the energy derivative of the Fermi-sea
      screening (R, chi the sea's responses of observables and density to a potential, u the field
      drive's screening potential).  In a smooth texture it is the torque of the local
      temperature's effect on the electrons' exchange stiffness at fixed density,
      d_x[(dc/dT)_n dT(x) n x d_x n] / ((pi^2/3) T) with (dc/dT)_n = (pi^2/3) T (c'' - c' nu'/nu)
      (:func:`exchange_stiffness`): an equilibrium (free-energy) force on the wall, absent from
      seed 004's Eq. 53 (which subtracts the equilibrium components, Sec. VI); compare G - D = F'
      with the seed (docs/physics.md section 14).
    """

    fermi_surface: Response
    field_derivative: Response
    stiffness: Response
    step: float


def _combination(model: Model, terms, **extra) -> Response:
    """sum_k c_k r_k over the array fields of Responses (the other fields from ``extra``)."""
    fields = {name: sum(c * getattr(r, name) for c, r in terms) for name in ARRAY_FIELDS}
    return Response(**fields, **extra)


def mott_terms(model: Model, energy: float, *, disorder: Disorder | None = None, step: float = 2e-3) -> MottTerms:
    """The three responses of :class:`MottTerms` at mu = ``energy`` (per unit dT / ((pi^2/3) T)),
    by fourth-order central differences of step ``step`` in energy (a second-order one leaves
    h^2 F'''/6 of F', 3e-4 at h = 2e-3 when F varies on a broadening scale of 0.05); disorder None
    or SCBA as for the thermal drive.  ``model`` may be a :class:`spintex.periodic.PeriodicWire` (site
    arrays per site of the cross-section, currents through the whole cross-section)."""
    from .periodic import PeriodicWire, check_scba
    from .response import linear_response

    mu = finite_float(energy, "energy")
    h = finite_float(step, "step", positive=True)
    _check_disorder(disorder)
    wire: PeriodicWire | None = None
    solve: Callable[..., Response]
    if isinstance(model, PeriodicWire):
        periodic, dis = model, check_scba(disorder)
        solve, sea = (lambda e, drive: periodic.linear_response(e, disorder=dis, drive=drive)), \
            periodic.fermi_sea(mu, dis)
        wire, model = periodic, periodic.model
    else:
        solve, sea = (lambda e, drive: linear_response(model, e, disorder=disorder, drive=drive)), \
            FermiSea(model, mu, disorder)
    stencil = ((-2, 1 / (12 * h)), (-1, -8 / (12 * h)), (1, 8 / (12 * h)), (2, -1 / (12 * h)))
    bias = [solve(mu + k * h, "bias") for k, _ in stencil]
    field = [solve(mu + k * h, "field") for k, _ in stencil]
    u, _ = screening_potential(sea, np.sum([c * r.charge_density for (_, c), r in zip(stencil, bias)], axis=0))
    screen = Response.from_blocks(model, *sea(u[:, None, None] * IDENTITY2))
    if wire is not None:
        wire.whole_cross_section(screen)
    common = {"energy": mu, "drive": "thermal", "units": f"{units.MOTT}; {units.OBSERVABLE_UNITS}",
              "parameters": {"energy": mu, "disorder": disorder, "step": h}}
    G = _combination(model, [(c, r) for (_, c), r in zip(stencil, bias)] + [(1.0, screen)], **common)
    Fp = _combination(model, [(c, r) for (_, c), r in zip(stencil, field)], **common)
    D = _combination(model, [(1.0, G), (-1.0, Fp)], **common)
    return MottTerms(G, Fp, D, h)


def exchange_stiffness(model: Model, fermi_energy: float, *, disorder: Disorder | None = None,
                       temperature: float = 0.0, region=None) -> float:
    """The electrons' exchange stiffness c of seed 004 Eq. 48: the equilibrium torque of a texture
    fitted to t_eq = c n x d_x^2 n = c d_x(n x d_x n) over ``region`` (default: where |d_x n| is
    above a tenth of its maximum), in units of t (lattice spacing 1)."""
    from .analysis import _difference, texture_derivative
    from .keldysh import equilibrium

    lat, n = model.lattice, model.texture_vectors
    dn = texture_derivative(model)
    basis = _difference(np.cross(n, dn), lat.neighbour_along_x(+1), lat.neighbour_along_x(-1))
    if region is None:
        norm = np.linalg.norm(dn, axis=1)
        if not norm.max(initial=0.0) > 1e-10:
            raise ValueError("exchange_stiffness needs a non-uniform texture (d_x n = 0 everywhere: nothing to fit)")
        region = norm > 0.1 * norm.max()
    t = equilibrium(model, fermi_energy=fermi_energy, temperature=temperature, disorder=disorder).torque
    b = basis[region]
    return float(np.sum(t[region] * b) / np.sum(b * b))


def _check_disorder(disorder) -> None:
    if disorder is not None and (not isinstance(disorder, Disorder) or disorder.method != "scba"):
        raise ValueError("the thermal drive takes disorder=None or an SCBA Disorder (samples: call it on each "
                         "realization)")


# ----------------------------------------------------------------------------- energy-resolved
@dataclass
class EnergyResolved:
    """Field-driven responses on a grid of Fermi energies (:func:`energy_resolved`), per unit bias.

    ``adiabatic``, ``nonadiabatic``, ``beta``: the :func:`spintex.fit_torque` coefficients A(E),
    B(E), B/A; ``conductance``: g(E) (dimensionless, current x 2 pi); ``field``: the local field
    -du/dx across the fit region (u the screening potential, = the local electrochemical
    potential drop; wire of constant cross-section); ``sigma_c`` = current / field and
    ``sigma_s`` = -2 A (1 + beta^2) / field, the charge and spin conductivities of the wire at the
    texture (seed 000's A = -(sigma_s/2) E / (1 + beta^2)); ``responses``: the Responses.  Where
    the potential drop across the fit region is within the screening's tolerance of zero (a
    ballistic wire drops the bias at its contacts), ``field`` is 0 and the conductivities are NaN,
    with a RuntimeWarning.
    Seed 004's energy-resolved t_el(E) is A(E) d_x n + B(E) n x d_x n; its Mott integrals and
    Eqs. 68-74 take these arrays (:func:`spintex.continuum.thermal_beta`).
    """

    energies: np.ndarray
    adiabatic: np.ndarray
    nonadiabatic: np.ndarray
    beta: np.ndarray
    conductance: np.ndarray
    field: np.ndarray
    sigma_c: np.ndarray
    sigma_s: np.ndarray
    responses: list


def energy_resolved(model: Model, energies, *, disorder: Disorder | None = None, region=None) -> EnergyResolved:
    """Field-driven torque coefficients and conductivities at each energy (see
    :class:`EnergyResolved`); ``region`` as in :func:`spintex.fit_torque`."""
    from ._validate import energy_batch
    from .analysis import fit_torque
    from .response import linear_response

    e = energy_batch(energies, "energies")
    if e is None:
        e = np.array([finite_float(energies, "energies")])
    progress = Progress("energy-resolved field drive")
    rows, responses, no_field = [], [], []
    for k, E in enumerate(e):
        r = linear_response(model, float(E), disorder=disorder, drive="field")
        if not np.any(r.current):
            raise ValueError(f"energies: no current flows at E = {float(E)!r} (no lead channel open), so the "
                             "conductivities and torque coefficients per unit field are undefined there")
        fit = fit_torque(model, r, region)
        x = model.lattice.positions[fit.region, 0]
        u = r.screening_potential
        assert u is not None  # the field drive's
        slope = np.polyfit(x, u[fit.region], 1)[0] if np.ptp(x) > 0 else np.nan
        if abs(slope) * np.ptp(x) <= r.screening_tolerance:  # per unit bias: no drop the screening resolves
            slope = 0.0
            no_field.append(float(E))
        # the current into the drain per unit bias (transmission = 2 pi x it; with spin-orbit impurities the
        # bond currents are not all of it)
        current = r.transmission / (2 * np.pi) if disorder is not None and disorder.soc else r.current.mean()
        rows.append((fit.adiabatic, fit.nonadiabatic, fit.beta, r.transmission, -slope, current))
        responses.append(r)
        progress(k + 1, e.size)
    A, B, beta, g, field, current = np.array(rows).T
    if no_field:
        warnings.warn(f"energy_resolved: no field across the fit region at E = {no_field} (the potential drop is "
                      "within the screening tolerance of zero: a ballistic wire drops the bias at its contacts); "
                      "sigma_c and sigma_s are NaN there", RuntimeWarning, stacklevel=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma_c, sigma_s = current / field, -2 * A * (1 + beta**2) / field
    resolved = field != 0
    return EnergyResolved(e, A, B, beta, g, field, np.where(resolved, sigma_c, np.nan),
                          np.where(resolved, sigma_s, np.nan), responses)
