"""Disorder: Born variances, explicit random samples and the self-consistent Born approximation.

Variances per site (CONVENTIONS.md): Gamma_0 = <eps_i^2> for the on-site potential; for magnetic
impurities, a random field u_s S_i . sigma with variance Gamma_perp along each of the two axes
transverse to the local n and Gamma_par along n (``frame="local"``, the seeds' convention) or
along the lab axes x, y (perp) and z (par) (``frame="lab"``).

SCBA (no crossed diagrams).  With U_a = u_a . sigma (u_a the three axes above, variances
Gamma_a), the Born self-energies are local:

    Sigma^R_i = S[G^R_ii],   -i Sigma^<_i = S[-i G^<_ii],
    S[X]_i = Gamma_0 X_i + sum_a Gamma_a U_a X_i U_a.

The retarded equation is solved by Anderson-mixed iteration.  The lesser one is the ladder
(vertex corrections): for linear response per unit rise of lead a's chemical potential,
X = G (Gamma_a + S[X]) G^dag, linear in the site blocks X_ii; it is solved as the linear system
(1 - C S) x = C Gamma_a by GMRES, each product C[Y] = G Y G^dag one O(L n^3) sweep
(_core.Correlator), instead of the slowly converging fixed-point iteration (a diffusion problem).
SCBA is conserving: the particle current is the same through every slice.

Samples: each site is an impurity with probability ``concentration`` c, with potential
+-u (u^2 = Gamma_0 / c) and field components +-u_a along the axes (u_a^2 = Gamma_a / c), signs
independent, so the sampled and Born variances coincide.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import LinearOperator, gmres

from . import _core
from ._validate import finite_float, positive_int
from .model import IDENTITY2, PAULI, Model
from .observables import ARRAY_FIELDS, Response
from .spin_orbit import (GROUP, PairBornMap, PairCorrelator, neighbour_table, spin_orbit_balance,  # noqa: F401
                         spin_orbit_fields, spin_orbit_hoppings)


class SCBAConvergenceError(RuntimeError):
    """The self-consistent Born iteration did not reach its tolerance."""


@dataclass(frozen=True)
class Disorder:
    """Disorder described by its Born variances (see the module docstring).

    Parameters
    ----------
    onsite : float or array_like (N,)
        Gamma_0, variance of the on-site potential; an array gives one variance per site (e.g.
        a region of stronger disorder, hence a non-uniform resistivity and electric field).
    magnetic : (float, float)
        (Gamma_perp, Gamma_par) of magnetic impurities.
    soc : float
        Gamma_so of spin-orbit impurities (seed 002 Eqs. 8-10 on the lattice, see
        :mod:`spintex.spin_orbit`); strips and bars only.
    method : "scba" or "samples"
    samples : int
        Number of realizations (method="samples").
    seed : int or None
        Seed of the realizations (reproducible averages).
    frame : "local" or "lab"
        Axes of the magnetic variances.
    concentration : float
        Fraction of impurity sites in the samples (0 < c <= 1).
    tolerance, max_iterations, mixing :
        SCBA convergence control (max |Sigma_new - Sigma| per site block) and Anderson mixing.
    workers : int or None
        Threads running samples in parallel (default: all cores).
    """

    onsite: float | np.ndarray = 0.0
    magnetic: tuple = (0.0, 0.0)
    soc: float = 0.0
    method: str = "scba"
    samples: int = 100
    seed: int | None = None
    frame: str = "local"
    concentration: float = 1.0
    tolerance: float = 1e-10
    max_iterations: int = 200
    mixing: float = 0.5
    workers: int | None = None

    def __post_init__(self):
        if np.ndim(self.onsite):
            profile = np.array(self.onsite, dtype=float)
            if profile.ndim != 1 or not np.all(np.isfinite(profile)) or np.any(profile < 0):
                raise ValueError("onsite must be a finite variance >= 0 or a 1-d array of them (one per site)")
            profile.setflags(write=False)
            object.__setattr__(self, "onsite", profile)
        else:
            finite_float(self.onsite, "onsite", nonnegative=True)
        mag = tuple(self.magnetic) if np.ndim(self.magnetic) else (self.magnetic, self.magnetic)
        if len(mag) != 2:
            raise ValueError("magnetic must be (Gamma_perp, Gamma_par)")
        object.__setattr__(self, "magnetic", tuple(finite_float(g, "magnetic", nonnegative=True) for g in mag))
        if self.method not in ("scba", "samples"):
            raise ValueError(f"method must be 'scba' or 'samples', got {self.method!r}")
        finite_float(self.soc, "soc", nonnegative=True)
        if self.frame not in ("local", "lab"):
            raise ValueError(f"frame must be 'local' or 'lab', got {self.frame!r}")
        positive_int(self.samples, "samples")
        c = finite_float(self.concentration, "concentration", positive=True)
        if c > 1:
            raise ValueError("concentration must be in (0, 1]")
        finite_float(self.tolerance, "tolerance", positive=True)
        positive_int(self.max_iterations, "max_iterations")
        if not 0 < finite_float(self.mixing, "mixing") <= 1:
            raise ValueError("mixing must be in (0, 1]")
        if self.workers is not None:
            positive_int(self.workers, "workers")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))
                                      or self.seed < 0):
            raise ValueError(f"seed must be None or an integer >= 0, got {self.seed!r}")

    @property
    def variances(self) -> np.ndarray:
        """(Gamma_perp, Gamma_perp, Gamma_par) along the three magnetic axes."""
        g_perp, g_par = self.magnetic
        return np.array([g_perp, g_perp, g_par])


# ----------------------------------------------------------------------------- Born map
def site_variances(model: Model, onsite):
    """Gamma_0 as a scalar or as (N, 1, 1) per-site variances (checked against the lattice)."""
    if not np.ndim(onsite):
        return onsite
    if onsite.shape != (model.lattice.num_sites,):
        raise ValueError(f"onsite has {onsite.shape[0]} variances but the lattice has "
                         f"{model.lattice.num_sites} sites")
    return onsite[:, None, None]


def magnetic_axes(model: Model, frame: str) -> np.ndarray:
    """(N, 3, 3): per site the axes u_1, u_2 (transverse) and u_3 (along n, or z in the lab frame)."""
    N = model.lattice.num_sites
    if frame == "lab":
        return np.broadcast_to(np.eye(3), (N, 3, 3)).copy()
    n = model.texture_vectors
    helper = np.where(np.abs(n[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    e1 = np.cross(helper, n)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(n, e1)
    return np.stack([e1, e2, n], axis=1)


class BornMap:
    """The linear map S[X]_i = Gamma_0 X_i + sum_a Gamma_a U_a X_i U_a on site blocks (N, 2, 2)."""

    def __init__(self, model: Model, disorder: Disorder):
        axes = magnetic_axes(model, disorder.frame)
        self.gamma0 = site_variances(model, disorder.onsite)
        self.gammas = disorder.variances
        self.U = np.einsum("nab,bij->naij", axes, PAULI)  # (N, 3, 2, 2)

    def sites(self, X: np.ndarray) -> np.ndarray:
        """The site blocks of X (all of it: this map lives on sites)."""
        return X

    def __call__(self, X: np.ndarray) -> np.ndarray:
        out = self.gamma0 * X
        for a, g in enumerate(self.gammas):
            if g:
                Ua = self.U[:, a]
                out = out + g * Ua @ X @ Ua
        return out


def born_map(model: Model, disorder: Disorder):
    """The Born map of ``disorder``: on site blocks, or on site pairs with spin-orbit impurities."""
    local = BornMap(model, disorder)
    return PairBornMap(model, disorder, local) if disorder.soc else local


# ----------------------------------------------------------------------------- SCBA
@dataclass
class SCBASolution:
    """Converged SCBA at one energy: the retarded self-energy and its diagnostics."""

    energy: float
    self_energy: np.ndarray  # (N, 2, 2) Sigma^R_i, or (P, 2, 2) on born.pairs with spin-orbit impurities
    retarded_sites: np.ndarray  # (N, 2, 2) G^R_ii
    iterations: int
    residual: float
    residual_history: list = field(default_factory=list)
    retarded: np.ndarray | None = None  # G^R on born.pairs (spin-orbit impurities)
    born: object = None


def scba(model: Model, energy: float, disorder: Disorder, *, green=None) -> SCBASolution:
    """Solve Sigma^R = S[G^R(Sigma^R)] at ``energy`` by Anderson mixing (depth 6).

    ``green(sigma) -> G^R_ii`` defaults to one RGF sweep of ``model``; periodic.py passes the
    average over transverse momentum channels.  With spin-orbit impurities Sigma and G live on
    the site pairs of :class:`spintex.spin_orbit.PairBornMap` (block sweep over slice pairs).
    """
    born = born_map(model, disorder)
    z = np.array([energy], dtype=complex)

    if green is None and disorder.soc:
        def green(sigma):
            sigma = np.zeros((len(born.pairs), 2, 2), complex) if sigma is None else sigma
            return _core.BlockCorrelator(model.device, energy, GROUP, born.pairs, sigma).retarded_pairs
    elif green is None:
        def green(sigma):
            out = _core.integrate(model.device, z, retarded_weights=np.ones(1), local_self_energy=sigma)
            return out["retarded_sites"]

    from .keldysh import Progress

    progress = Progress(f"SCBA at E = {energy:g}", unit="iterations")
    G = green(None)
    sigma = born(G)
    history, xs, fs = [], [], []
    for it in range(1, disorder.max_iterations + 1):
        G = green(sigma)
        f = born(G) - sigma
        residual = float(np.abs(f).max())
        history.append(residual)
        progress(it, disorder.max_iterations, f"(residual {residual:.2e}, tolerance {disorder.tolerance:g})")
        if residual < disorder.tolerance:
            return SCBASolution(energy, sigma, born.sites(G), it, residual, history,
                                G if disorder.soc else None, born)
        x_vec, f_vec = sigma.ravel().view(float), f.ravel().view(float)
        xs.append(x_vec.copy())
        fs.append(f_vec.copy())
        xs, fs = xs[-7:], fs[-7:]
        step = disorder.mixing * f_vec
        if len(xs) > 1:
            dX = np.diff(np.array(xs), axis=0).T
            dF = np.diff(np.array(fs), axis=0).T
            coef, *_ = np.linalg.lstsq(dF, f_vec, rcond=None)
            new = x_vec + step - (dX + disorder.mixing * dF) @ coef
        else:
            new = x_vec + step
        sigma = new.view(complex).reshape(sigma.shape)
    raise SCBAConvergenceError(
        f"SCBA did not converge at E = {energy}: residual {history[-1]:.3g} > tolerance "
        f"{disorder.tolerance:g} after {disorder.max_iterations} iterations (last residuals: "
        f"{', '.join(f'{r:.2g}' for r in history[-5:])}); try more iterations, smaller mixing, "
        "or weaker disorder")


@dataclass
class LadderSolution:
    """Vertex-corrected correlation X = G (source + S[X]) G^dag: site and bond blocks."""

    sites: np.ndarray
    bonds: np.ndarray
    iterations: int


def solve_ladder(correlator, born: BornMap, *, left=0.0, right=0.0, source=None,
                 method: str = "gmres", tolerance: float = 1e-12, max_iterations: int = 5000,
                 pairing: str = "RA") -> LadderSolution:
    """X = C[Y + S[X]] with C[Y] = G Y G^dag and Y = source + left Gamma_L + right Gamma_R.

    ``method="gmres"`` solves (1 - C S) x = C[Y] for the site blocks; ``"fixed_point"`` iterates
    x <- C[Y + S[x]] (for comparison: it converges slowly in long diffusive wires).
    ``pairing="RR"`` dresses G Y G instead (the retarded-retarded Kubo-Bastin terms).
    """
    b, _ = correlator.apply(source, left, right, pairing)
    shape = b.shape
    count = [0]
    if method == "fixed_point":
        x = b
        for count[0] in range(1, max_iterations + 1):
            new, _ = correlator.apply(born(x) + (0 if source is None else source), left, right, pairing)
            change = np.abs(new - x).max()
            x = new
            if change <= tolerance * max(np.abs(x).max(), 1e-300):
                break
        else:
            raise SCBAConvergenceError(f"ladder fixed-point iteration did not converge in {max_iterations} steps")
    elif method == "gmres":
        def matvec(v):
            X = v.reshape(shape)
            return (X - correlator.apply(born(X), 0.0, 0.0, pairing)[0]).ravel()

        op = LinearOperator((b.size, b.size), matvec=matvec, dtype=complex)

        from .keldysh import Progress

        progress = Progress("ladder (GMRES)", unit="iterations")

        def callback(residual):
            count[0] += 1
            progress(count[0], max_iterations, f"(residual {residual:.2e})")

        x, info = gmres(op, b.ravel(), rtol=tolerance, atol=0.0, restart=200, maxiter=max_iterations,
                        callback=callback, callback_type="pr_norm")
        if info != 0:
            raise SCBAConvergenceError(f"GMRES for the ladder equation did not converge (info={info})")
        x = x.reshape(shape)
    else:
        raise ValueError(f"method must be 'gmres' or 'fixed_point', got {method!r}")
    sites, bonds = correlator.apply(born(x) + (0 if source is None else source), left, right, pairing)
    return LadderSolution(sites, bonds, count[0])


def open_channels(model: Model, energy: float) -> tuple:
    """Propagating channels (both spins) of the left and right leads at ``energy``."""
    return tuple(_core.Lead(model.lead_cell(side), -model.hopping).open_channels(energy) for side in ("left", "right"))


def scba_linear_response(model: Model, energy: float, disorder: Disorder, *, lead: str = "left",
                         ladder: str = "gmres") -> Response:
    """Linear response per unit rise of ``lead``'s chemical potential in the SCBA with vertex
    corrections.  ``transmission`` is the dimensionless conductance g = Tr[Gamma_drain C_drain]
    (2 pi x the current into the other lead), which includes the diffuse (vertex) part;
    ``lead_conductances`` = (g out of the source lead, g into the drain lead), equal by current
    conservation.  With spin-orbit impurities part of the current flows through the averaged
    corner hops (the non-local self-energy), so the bond currents of the lattice bonds alone are
    not the same through every slice; the lead currents are."""
    sol = scba(model, energy, disorder)
    born = sol.born
    if disorder.soc:
        corr = PairCorrelator(model, energy, born, sol.self_energy)
    else:
        corr = _core.Correlator(model.device, energy, sol.self_energy)
    w = (1.0, 0.0) if lead == "left" else (0.0, 1.0)
    lad = solve_ladder(corr, born, left=w[0], right=w[1], method=ladder)
    sites = born.sites(lad.sites)
    extra = accumulation_fields(model, sol.retarded_sites, sites / (2 * np.pi))
    r = Response.from_blocks(
        model, sites / (2 * np.pi), lad.bonds / (2 * np.pi), energy=energy, lead=lead,
        spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, energy),
        parameters={"energy": energy, "lead": lead, "disorder": disorder,
                    "scba_iterations": sol.iterations, "scba_residual": sol.residual,
                    "ladder_iterations": lad.iterations},
        units="per unit rise d(mu) of the lead's chemical potential at T = 0 (SCBA average)",
    )
    if disorder.soc:
        r.lead_conductances = _pair_lead_conductances(model, energy, born, lad.sites, sol.retarded, lead)
        r.relaxation_torque, r.anomalous_spin_source = spin_orbit_balance(
            model, born, sol.retarded, lad.sites / (2 * np.pi))
    else:
        g = 2 * np.pi * (r.current.mean() if r.current.size else 0.0)
        r.lead_conductances = (abs(g), abs(g))
    r.transmission = float(r.lead_conductances[1])
    for k, v in extra.items():
        setattr(r, k, v)
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


def _pair_lead_conductances(model: Model, energy: float, born, C, G, lead: str) -> tuple:
    """(Tr[Gamma_s (A - C)]_source, Tr[Gamma_d C]_drain) from pair blocks of C = G Y G^dag and G^R."""
    W = model.lattice.sites_per_slice

    def slice_matrix(X, index):
        return X[index].transpose(0, 2, 1, 3).reshape(2 * W, 2 * W)

    ends = {"left": born.first_slice, "right": born.last_slice}
    drain = "right" if lead == "left" else "left"
    sig = {side: _core.Lead(model.lead_cell(side), -model.hopping).self_energy(energy) for side in ends}
    gam = {side: 1j * (s - s.conj().T) for side, s in sig.items()}
    Gs = slice_matrix(G, ends[lead])
    A = 1j * (Gs - Gs.conj().T)
    g_source = np.trace(gam[lead] @ (A - slice_matrix(C, ends[lead]))).real
    g_drain = np.trace(gam[drain] @ slice_matrix(C, ends[drain])).real
    return float(g_source), float(g_drain)


def accumulation_fields(model: Model, retarded_sites, rho_sites) -> dict:
    """The local chemical potential and the torque of the accumulation it carries.

    Without electrostatics the lead-injected density falls along a diffusive wire: locally the
    response looks like a shift d mu_i = dn_i / (dn/dmu)_i of the equilibrium state, whose
    torque d mu_i T[A]_i (T[A]: the torque of the spectral density A/2pi = dn_eq/dmu,
    A = i(G^R - G^A), exact in SCBA by the Ward identity) is not current-induced.  Fitting it as
    a third basis field (fit_torque(..., extra=[accumulation_torque])) separates it from beta.

    ``spin_accumulation`` is mu_up - mu_down per site, the spin-resolved shifts along the local n
    (d mu_sigma = dn_sigma / nu_sigma with the local spin-resolved spectral density nu_sigma):
    the spin chemical potential whose relaxation spin-flip scattering drives.
    """
    from .observables import site_observables

    A = 1j * (retarded_sites - np.conj(np.swapaxes(retarded_sites, 1, 2))) / (2 * np.pi)
    spectral = site_observables(model, A)
    response = site_observables(model, rho_sites)
    dos = spectral["charge_density"]
    mu = np.divide(response["charge_density"], dos, out=np.zeros_like(dos), where=dos > 0)
    # spin-resolved along the local n: d mu_sigma = dn_sigma / nu_sigma (Valet-Fert's mu_up, mu_down)
    n = model.texture_vectors
    mu_spin = []
    for sign in (1, -1):
        nu_s = 0.5 * (dos + sign * np.einsum("na,na->n", spectral["spin_density"], n))
        dn_s = 0.5 * (response["charge_density"] + sign * np.einsum("na,na->n", response["spin_density"], n))
        mu_spin.append(np.divide(dn_s, nu_s, out=np.zeros_like(dos), where=nu_s > 1e-12 * dos.max()))
    return {"local_chemical_potential": mu, "accumulation_torque": mu[:, None] * spectral["torque"],
            "spin_accumulation": mu_spin[0] - mu_spin[1]}


def balance_split(model: Model, r: Response):
    """Per slice: T_slice = (J_in - J_out)/2 + R (CONVENTIONS.md, spin current in units of
    sigma/2).  Returns (spin-current divergence (J_in - J_out)/2, relaxation source R), each
    (num_slices, 3); NaN on the two end slices, whose lead currents are not resolved."""
    L = model.lattice.num_slices
    per_slice = np.array([r.torque[s].sum(axis=0) for s in model.lattice.slices])
    div = np.full((L, 3), np.nan)
    div[1:-1] = 0.5 * (r.spin_current[:-1] - r.spin_current[1:])
    return div, per_slice - div


# ----------------------------------------------------------------------------- samples
def random_site_blocks(model: Model, disorder: Disorder, rng: np.random.Generator) -> np.ndarray:
    """One realization of the random on-site matrices (N, 2, 2), variances as in the Born map."""
    N = model.lattice.num_sites
    c = disorder.concentration
    blocks = np.zeros((N, 2, 2), dtype=complex)
    if np.any(disorder.onsite):
        impurity = rng.random(N) < c
        eps = np.sqrt(np.reshape(site_variances(model, disorder.onsite), -1) / c) * rng.choice([-1.0, 1.0], N) * impurity
        blocks += eps[:, None, None] * IDENTITY2
    if any(disorder.magnetic):
        impurity = rng.random(N) < c
        axes = magnetic_axes(model, disorder.frame)
        h = np.sqrt(disorder.variances / c) * rng.choice([-1.0, 1.0], (N, 3)) * impurity[:, None]
        field_vec = np.einsum("na,nab->nb", h, axes)
        blocks += np.einsum("nb,bij->nij", field_vec, PAULI)
    return blocks


def realization(model: Model, disorder: Disorder, rng: np.random.Generator) -> Model:
    """One disorder realization as a model (on-site and magnetic terms, spin-orbit hoppings)."""
    m = model.with_onsite(random_site_blocks(model, disorder, rng))
    return m.with_hoppings(*spin_orbit_hoppings(model, disorder, rng)) if disorder.soc else m




def lattice_arrays(model: Model, state) -> dict:
    """The State arrays of one realization, bond arrays cut to the lattice bonds (the extra
    spin-orbit bonds differ between realizations and come after them)."""
    values = {k: getattr(state, k) for k in ARRAY_FIELDS}
    for k in ("bond_current", "bond_spin_current"):
        values[k] = values[k][:len(model.lattice.bonds)]
    return values


class RunningMean:
    """Streaming mean and standard error (Welford) of named arrays."""

    def __init__(self):
        self.count, self.mean, self.m2 = 0, {}, {}

    def add(self, values: dict):
        self.count += 1
        for k, v in values.items():
            v = np.asarray(v, dtype=float)
            if k not in self.mean:
                self.mean[k], self.m2[k] = np.zeros_like(v), np.zeros_like(v)
            delta = v - self.mean[k]
            self.mean[k] += delta / self.count
            self.m2[k] += delta * (v - self.mean[k])

    def stderr(self, k):
        if self.count < 2:
            return np.full_like(self.mean[k], np.nan)
        return np.sqrt(self.m2[k] / (self.count - 1) / self.count)


def sampled_linear_response(model: Model, energy: float, disorder: Disorder, *, lead: str = "left",
                            progress=None) -> Response:
    """Average of the exact linear response over ``disorder.samples`` seeded realizations, with
    standard errors (``*_stderr`` attributes).  Realizations run on threads (the C++ sweeps
    release the GIL), each with its own random stream, so the result does not depend on the
    number of workers."""
    from .keldysh import Progress, _integrate

    streams = np.random.SeedSequence(disorder.seed).spawn(disorder.samples)
    workers = disorder.workers or os.cpu_count() or 1

    def one(seq):
        rng = np.random.default_rng(seq)
        if disorder.soc:  # spin-orbit hoppings change the device: one per realization
            m, local = realization(model, disorder, rng), None
        else:  # the random potential enters the sweep as a static local term: no device copy
            m, local = model, random_site_blocks(model, disorder, rng)
        out = _integrate(m, [energy], transmission=True, local_self_energy=local,
                         **{f"{lead}_weights": np.array([1.0 / (2.0 * np.pi)])})
        r = Response.from_blocks(m, out[f"{lead}_sites"], out[f"{lead}_bonds"])
        return {**lattice_arrays(model, r), "transmission": out["transmission"][0]}

    stats = RunningMean()
    show = progress if progress is not None else Progress("disorder samples")
    previous = _core.set_blas_threads(1) if workers > 1 else None
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for k, values in enumerate(pool.map(one, streams), 1):
                stats.add(values)
                show(k, disorder.samples)
    finally:
        if previous is not None:
            _core.set_blas_threads(previous)
    r = Response(**{k: stats.mean[k] for k in ARRAY_FIELDS}, energy=energy, lead=lead,
                 transmission=float(stats.mean["transmission"]),
                 spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, energy),
                 parameters={"energy": energy, "lead": lead, "disorder": disorder, "samples": stats.count},
                 units="per unit rise d(mu) of the lead's chemical potential at T = 0 (sample average)")
    for k in (*ARRAY_FIELDS, "transmission"):
        setattr(r, f"{k}_stderr", stats.stderr(k))
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


def disordered_equilibrium(model: Model, mu: float, temperature: float, disorder: Disorder, tolerance: float):
    """Disorder-averaged equilibrium state (see :func:`spintex.equilibrium`)."""
    from .keldysh import UNITS_STATE, Progress, _equilibrium_blocks, equilibrium
    from .observables import State

    if not isinstance(disorder, Disorder):
        raise ValueError("disorder must be a spintex.Disorder")
    params = {"fermi_energy": mu, "temperature": temperature, "disorder": disorder}
    if disorder.method == "samples":
        stats = RunningMean()
        show = Progress("disorder samples", unit="samples")
        for k, seq in enumerate(np.random.SeedSequence(disorder.seed).spawn(disorder.samples), 1):
            s = equilibrium(realization(model, disorder, np.random.default_rng(seq)), fermi_energy=mu,
                            temperature=temperature, tolerance=tolerance)
            stats.add(lattice_arrays(model, s))
            show(k, disorder.samples)
        state = State(**{f: stats.mean[f] for f in ARRAY_FIELDS}, units=UNITS_STATE,
                      parameters={**params, "samples": stats.count})
        for f in ARRAY_FIELDS:
            setattr(state, f"{f}_stderr", stats.stderr(f))
        return state

    def retarded(z, w):  # SCBA at every node, each with its own self-energy
        total = {}
        for zk, wk in zip(z, w):
            sol = scba(model, zk, disorder)
            if disorder.soc:
                G, born = sol.retarded, sol.born
                out = {"retarded_sites": wk * born.sites(G), "retarded_bonds_ji": wk * G[born.bond_ji],
                       "retarded_bonds_ij": wk * G[born.bond_ij]}
            else:
                out = _core.integrate(model.device, np.array([zk]), retarded_weights=np.array([wk]),
                                      local_self_energy=sol.self_energy)
            for key in ("retarded_sites", "retarded_bonds_ji", "retarded_bonds_ij"):
                total[key] = total.get(key, 0) + out[key]
        return total

    sites, bonds, info = _equilibrium_blocks(model, mu, temperature, tolerance, None, retarded=retarded)
    return State.from_blocks(model, sites, bonds, units=UNITS_STATE, parameters={**params, **info})


def disordered_linear_response(model: Model, energy: float, disorder: Disorder, *, lead: str = "left") -> Response:
    if not isinstance(disorder, Disorder):
        raise ValueError("disorder must be a spintex.Disorder")
    if disorder.method == "scba":
        return scba_linear_response(model, energy, disorder, lead=lead)
    return sampled_linear_response(model, energy, disorder, lead=lead)
