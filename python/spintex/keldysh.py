"""Keldysh solvers of steady states: equilibrium (contour integral) and finite bias.

Both reduce to weighted energy sums of recursive-Green's-function blocks computed in C++
(``_core.integrate``) and to the density-matrix blocks rho_ji = <c_i^dag c_j> (observables.py):

- lead-injected part at real E:  rho = (1/2pi) G Gamma_a G^dag f_a
  (from -i G^< = G (sum_a f_a Gamma_a) G^dag; Gamma = i(Sigma^R - Sigma^A));
- equilibrium part:  rho = (i/2pi) (X - X^dag) with X = int dE f(E) G^R(E), evaluated on a contour
  in the upper half plane where G^R is analytic (see :func:`contour`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _core
from ._validate import check_disorder, check_model, finite_float, real_array
from .disorder import Disorder, lattice_arrays, sample_mean, sample_model, scba
from .integration import Progress, _integrate, _lead_levels, channel_thresholds
from .model import Model
from .observables import ARRAY_FIELDS, State
from . import units


def transmission(model: Model, energies) -> np.ndarray:
    """Caroli transmission T(E) = Tr[Gamma_L G Gamma_R G^dag] at each real energy (at a lead
    channel threshold: the limit from above); all energies in one C++ call."""
    check_model(model)
    e = np.atleast_1d(real_array(energies, "energies"))
    if e.ndim != 1 or not np.all(np.isfinite(e)):
        raise ValueError(f"energies must be a finite scalar or 1-d array, got shape {np.shape(energies)}")
    return _integrate(model, e, transmission=True, user_energies=True)["transmission"]


# --------------------------------------------------------------------------- contour
def spectrum_bottom(model: Model, disorder=None) -> float:
    """A lower bound of the spectrum of the device and its leads (Gershgorin, minus 1), and with
    SCBA ``disorder`` of its band tail.

    Gershgorin per site: the on-site block's radius plus the row sums of the blocks of every bond at
    the site (extra bonds included: a spin-orbit sample's corner hops; the end slices' bonds to
    the leads).  The SCBA spectrum of H
    with Born variance g per site lies within 2 sqrt(g) of H's: the semicircle of a Gaussian
    random potential, whose free convolution with H's spectrum widens it by its radius (the
    local SCBA is that convolution in infinite dimensions).  g = Gamma_0 + 2 Gamma_perp + Gamma_par
    + 6 Gamma_so (every spin-orbit impurity hop has norm <= 1/2 and a site is touched by at most
    2 dim + 1 of them, so 6 bounds their sum in three dimensions).  Without it a strong disorder's
    tail was cut off: a 12-site chain at mu = -1 with Gamma_0 = 2 held 7.66 electrons instead of
    8.53 (the contour below the tail agrees with the bottom moved down by 30)."""
    return _spectrum_bounds(model, disorder)[0]


def spectrum_top(model: Model, disorder=None) -> float:
    """An upper bound of the spectrum of the device and its leads, as :func:`spectrum_bottom`
    (Gershgorin plus 1, and the SCBA band tail): above it every state is occupied at T = 0."""
    return _spectrum_bounds(model, disorder)[1]


def _spectrum_bounds(model: Model, disorder=None) -> tuple[float, float]:
    """(bottom, top) of :func:`spectrum_bottom` and :func:`spectrum_top`."""
    H = model.site_blocks
    N = H.shape[0]
    radius = np.abs(H).sum(axis=2).max(axis=1) - np.abs(H[:, [0, 1], [0, 1]]).max(axis=1)
    diagonal = np.real(H[:, [0, 1], [0, 1]])
    hop = np.zeros(N)
    if len(model.bonds):
        T = np.abs(model.bond_blocks)
        np.add.at(hop, model.bonds[:, 0], T.sum(axis=2).max(axis=1))  # rows of T_ij at site i
        np.add.at(hop, model.bonds[:, 1], T.sum(axis=1).max(axis=1))  # rows of T_ij^dag at site j
    W = model.lattice.sites_per_slice
    hop[:W] += model.hopping  # the end slices' bonds to the leads
    hop[N - W:] += model.hopping
    lead_width = np.abs(model.exchange).max() + 2 * model.lattice.dim * model.hopping
    bottom = float(min((diagonal.min(axis=1) - radius - hop).min(), model.lead_onsite - lead_width)) - 1.0
    top = float(max((diagonal.max(axis=1) + radius + hop).max(), model.lead_onsite + lead_width)) + 1.0
    if disorder is not None and disorder.method == "scba":
        perp, par = disorder.magnetic
        g = float(np.max(disorder.onsite)) + 2 * perp + par + 6 * disorder.soc
        tail = 2 * np.sqrt(max(g, 0.0))
        bottom, top = bottom - tail, top + tail
    return bottom, top


def fermi(energy, mu: float, temperature: float):
    if temperature == 0:
        return np.where(np.real(energy) < mu, 1.0, 0.0)
    x = np.clip(np.real(energy - mu) / temperature, -700, 700)
    return 1.0 / (np.exp(x) + 1.0)


#: at most this many Matsubara poles in :func:`contour` (bounded cost as T -> 0)
MAX_POLES = 64


#: where the T = 0 contour's two panels meet, in s (theta = pi s^2): a third of the nodes lie
#: within theta < pi SEA_SPLIT^2 (|z - mu| < 0.03 r) of the Fermi energy
SEA_SPLIT = 0.1


def sea_panels(n: int) -> list:
    """[(a, b, k)]: the panels [a, b] of s in :func:`sea_contour` and their Gauss-Legendre node
    counts (a third of the nodes, rounded down, on the panel at the Fermi energy; one panel if
    n < 3)."""
    first = n // 3
    return [(0.0, SEA_SPLIT, first), (SEA_SPLIT, 1.0, n - first)] if first else [(0.0, 1.0, n)]


def sea_legendre(n: int):
    """(x, v, panel) of every node of the n-node :func:`sea_contour`: its Gauss-Legendre abscissa
    and weight on its own panel, and that panel's index (the rule's local polynomial variable)."""
    parts = [(*np.polynomial.legendre.leggauss(k), np.full(k, p)) for p, (_, _, k) in enumerate(sea_panels(n))]
    return tuple(np.concatenate(a) for a in zip(*parts))


def sea_interpolation(m: int, n: int, derivative: bool = False) -> np.ndarray:
    """The (n, m) matrix taking values F(z_k) at the nodes of the m-node :func:`sea_contour` to the
    interpolating polynomial, panel by panel in the panel's Gauss-Legendre variable, at the nodes of
    the n-node rule; ``derivative=True`` (n = m): dF/dx at the same nodes instead."""
    legendre = np.polynomial.legendre
    out = np.zeros((n, m))
    xs, _, ps = sea_legendre(m)
    xt, _, pt = sea_legendre(n)
    for p in np.unique(ps):
        src, dst = np.flatnonzero(ps == p), np.flatnonzero(pt == p)
        k = src.size
        inverse = np.linalg.inv(legendre.legvander(xs[src], k - 1))  # values -> Legendre coefficients
        if derivative:  # the derivatives of the Legendre polynomials P_0..P_{k-1}, in that basis
            basis = legendre.legvander(xt[dst], max(k - 2, 0)) @ legendre.legder(np.eye(k))
        else:
            basis = legendre.legvander(xt[dst], k - 1)
        out[np.ix_(dst, src)] = basis @ inverse
    return out


def sea_path(n: int) -> np.ndarray:
    """s of every node of the n-node :func:`sea_contour` (theta = pi s^2): the contour's smooth
    parameter, in which a quantity with a square-root edge at mu (z - mu ~ i pi r s^2 there) is
    smooth, as it is not in z."""
    x, _, panel = sea_legendre(n)
    a, b = np.array([(a, b) for a, b, _ in sea_panels(n)]).T[:, panel]
    return a + 0.5 * (b - a) * (x + 1)


def sea_contour(mu: float, bottom: float, n: int):
    """Nodes and weights of int_{-inf}^{mu} dE F(E) = sum_k w_k F(z_k) for F analytic in the upper
    half plane: the semicircle from ``bottom`` to mu, with the angle theta = pi s^2 and
    Gauss-Legendre in s on two panels, s in [0, SEA_SPLIT] (next to mu, a third of the nodes) and
    [SEA_SPLIT, 1] (:func:`sea_panels`; nodes ordered from mu to ``bottom``).

    The substitution removes the theta^(-1/2) endpoint singularity of an integrand whose mu sits
    on a lead channel threshold (a square-root edge), which a plain angle grid converges to only
    algebraically.  The panels resolve what lies near mu but off the contour: the channel
    thresholds of the leads a little below mu (square-root branch points on the real axis) and the
    poles of G^R, a broadening Gamma below it.  Measured with the bare density response to a
    uniform potential, 24 nodes, error against 200 (one panel -> two): with Sigma = -i gamma, a
    100 x 6 x 6 bar at mu = -2.5 (on a lead threshold), gamma = 0.03: 5.2e-7 -> 3.3e-8, gamma =
    0.01: 2.6e-5 -> 4.4e-6; at mu = -1, gamma = 0.03: 2.8e-5 -> 3.1e-6; the issue's chain at
    gamma = 0.015: 2.1e-8 -> 7.5e-10.  With the SCBA Sigma(z) (against 64 nodes): the bar at
    mu = -2.5 (bench_drives.py's) 2.2e-7 -> 5.4e-8, the issue's chain 3.0e-10 -> 2.7e-10.
    """
    c, r = 0.5 * (mu + bottom), 0.5 * (mu - bottom)
    _, v, panel = sea_legendre(n)
    a, b = np.array([(a, b) for a, b, _ in sea_panels(n)]).T[:, panel]
    s = sea_path(n)
    theta = np.pi * s**2
    z = c + r * np.exp(1j * theta)
    # dz = i r e^{i theta} d theta, d theta / dx = pi s (b - a); theta runs from 0 (mu) to pi
    return z, -1j * r * np.exp(1j * theta) * np.pi * s * (b - a) * v


def contour(mu: float, temperature: float, bottom: float, n: int):
    """Nodes z_k and weights w_k with  int_{-inf}^{inf} f(E) G^R(E) dE = sum_k w_k G^R(z_k).

    T = 0: the semicircle from ``bottom`` (below the spectrum) to mu through the upper half plane
    (:func:`sea_contour`; G^R is analytic inside, so the real-axis integral equals the arc).
    T > 0: an arc from ``bottom`` to A = mu - 40T + i delta, the line Im z = delta up to
    mu + 40T (where f(x + i delta) = f(x) because delta = 2 pi N_p T), and the N_p Matsubara
    poles z_p = mu + i(2p+1) pi T enclosed, each contributing -2 pi i T G(z_p).  The neglected
    pieces are O(exp(-40)).  N_p is the number of poles below Im z = 1/2, at most
    ``MAX_POLES``: as T -> 0 the line comes down to the real axis (delta = 2 pi MAX_POLES T) and
    the contour becomes the T = 0 one, so the cost stays bounded.
    A chemical potential below ``bottom`` (no states) at T = 0: no nodes (the integral is 0).
    """
    x, v = np.polynomial.legendre.leggauss(n)
    if temperature == 0:
        if mu <= bottom:
            return np.zeros(0, complex), np.zeros(0, complex)
        return sea_contour(mu, bottom, n)
    n_poles = int(max(1, min(MAX_POLES, np.ceil(0.5 / (2 * np.pi * temperature)))))
    delta = 2 * np.pi * n_poles * temperature
    xa, xb = mu - 40 * temperature, mu + 40 * temperature
    bottom = min(bottom, xa - 1.0)
    c = (xa**2 + delta**2 - bottom**2) / (2 * (xa - bottom))  # circle through bottom and A
    r = c - bottom
    theta_a = np.arctan2(delta, xa - c)
    theta = theta_a + 0.5 * (np.pi - theta_a) * (x + 1)
    z_arc = c + r * np.exp(1j * theta)
    w_arc = -1j * r * np.exp(1j * theta) * 0.5 * (np.pi - theta_a) * v * fermi_complex(z_arc, mu, temperature)
    xl = 0.5 * (xb - xa) * (x + 1) + xa
    z_line = xl + 1j * delta
    w_line = 0.5 * (xb - xa) * v * fermi(xl, mu, temperature)
    z_poles = mu + 1j * (2 * np.arange(n_poles) + 1) * np.pi * temperature
    w_poles = np.full(n_poles, -2j * np.pi * temperature)
    return np.concatenate([z_arc, z_line, z_poles]), np.concatenate([w_arc, w_line, w_poles])


def fermi_complex(z, mu: float, temperature: float):
    x = (z - mu) / temperature
    return 1.0 / (np.exp(np.clip(x.real, -700, 700) + 1j * x.imag) + 1.0)


def density_blocks(y: np.ndarray) -> np.ndarray:
    """rho = (i/2pi)(Y - Y^dag), blockwise, from the site blocks Y_i of a contour sum of G^R
    products (the equilibrium part of the module docstring, and the Fermi sea's response)."""
    return 0.5j / np.pi * (y - np.conj(np.swapaxes(y, 1, 2)))


def bond_blocks(yji: np.ndarray, yij: np.ndarray) -> np.ndarray:
    """rho on the bonds, (i/2pi)(Y_ji - Y_ij^dag), from the bond blocks Y_ji and Y_ij of a contour
    sum of G^R products (the Fermi sea's response, :mod:`spintex.sea`)."""
    return 0.5j / np.pi * (yji - np.conj(np.swapaxes(yij, 1, 2)))


def _converge_by_doubling(evaluate, n: int, tolerance: float, what: str):
    """Call ``evaluate(n) -> (sites, bonds, nodes)`` with n, 2n, ... until the blocks change by
    less than ``tolerance``; returns (sites, bonds, nodes, last change)."""
    previous = None
    while True:
        sites, bonds, nodes = evaluate(n)
        if previous is not None:
            # (np.max, not max(): Python's max drops a NaN in its second argument)
            error = np.max([np.abs(sites - previous[0]).max(), np.abs(bonds - previous[1]).max(initial=0.0)])
            if not np.isfinite(error):
                raise RuntimeError(f"{what}: the blocks are not finite with {nodes} nodes")
            if error < tolerance:
                return sites, bonds, nodes, float(error)
            if n >= 4096:
                raise RuntimeError(f"{what} did not converge to {tolerance:g} "
                                   f"(last change {error:.3g} with {nodes} nodes)")
        previous, n = (sites, bonds), 2 * n


#: |mu - E_c| below which a T = 0 contour ends at the lead channel threshold E_c (see _equilibrium_blocks)
NEAR_THRESHOLD = 1e-3


def _threshold_near(model: Model, mu: float) -> float | None:
    """The lead channel threshold E_c nearest to ``mu`` if 0 < |mu - E_c| <= NEAR_THRESHOLD and more
    lead channels are open at mu than on the other side of E_c (a channel just opened: its density
    is what the arc misses; on the closed side nothing is missing), else None."""
    edges = channel_thresholds(model)
    if edges.size == 0:
        return None
    edge = float(edges[np.argmin(np.abs(edges - mu))])
    if not 0 < abs(mu - edge) <= NEAR_THRESHOLD:
        return None
    levels, t = _lead_levels(model), model.hopping
    open_at = [int(np.sum(np.abs(e - levels) < 2 * t)) for e in (mu, 2 * edge - mu)]
    return edge if open_at[0] > open_at[1] else None


def _equilibrium_blocks(model, mu, temperature, tolerance, progress, retarded=None, disorder=None):
    """rho blocks (sites, bonds) of the equilibrium state, doubling nodes until converged.

    ``retarded(z, w)`` returns the weighted sums of G^R blocks over the nodes (default: one C++
    call; :func:`disordered_equilibrium` passes an SCBA solve at every node, and its ``disorder``
    for the band tail below the clean spectrum).
    """
    bottom, top = _spectrum_bounds(model, disorder)
    if temperature == 0 and mu <= bottom:  # below the spectrum of device and leads: empty
        zero = np.zeros((model.lattice.num_sites, 2, 2), complex)
        return zero, np.zeros((model.bonds.shape[0], 2, 2), complex), {"contour_nodes": 0, "error_estimate": 0.0}
    # above the spectrum (by 40 T: f = 1 there to 4e-18) every state is filled whatever mu is: the
    # contour ends at that bound (a semicircle out to mu = 1e300 loses the integrand to rounding)
    mu = min(mu, top + 40 * temperature)
    # a clean wire's lead channel threshold E_c within NEAR_THRESHOLD of mu (T = 0): the integrand has
    # a square-root branch point at E_c, which the arc cannot resolve at |z - mu| >> |mu - E_c|, so it
    # converged without the channel's ~2 sqrt|mu - E_c|/pi electrons (6e-7 at 1e-12, reported as 6e-10).
    # The arc ends at E_c instead, where the s^2 map makes the branch point smooth, and the real-axis
    # piece from E_c to mu adds the rest: Gauss-Legendre in s = sqrt|E - E_c| (the integrand's 1/s
    # van Hove term times dE = 2 s ds is smooth), evaluated directly (``edges=False``: its nodes
    # may round onto E_c, where only the integrand, not its weighted value, is singular).
    edge = _threshold_near(model, mu) if temperature == 0 and retarded is None else None
    if retarded is None:
        def retarded(z, w):
            return _integrate(model, z, retarded_weights=w, progress=progress)

    def tail(n):
        """the weighted G^R sums of the real-axis piece from E_c to mu, n nodes in s"""
        x, v = np.polynomial.legendre.leggauss(n)
        root = np.sqrt(abs(mu - edge))
        s = 0.5 * root * (x + 1)
        side = np.sign(mu - edge)
        energies = edge + side * s**2
        energies[energies == edge] = np.nextafter(edge, edge + side)  # (s^2 below E_c's ulp)
        # the factor 2 s of dE = 2 s ds from the energies as rounded: 2 s g(E_c + s^2) tends to 2a, a the
        # 1/s term, so it must pair g with the s at which g was evaluated (the nodes next to E_c round)
        actual = np.sqrt(np.abs(energies - edge))
        return _integrate(model, energies.astype(complex), edges=False,
                          retarded_weights=side * 2 * actual * 0.5 * root * v)

    def evaluate(n):
        z, w = contour(mu if edge is None else edge, temperature, bottom, n)
        out = retarded(z, w)
        if edge is not None:
            extra = tail(max(n // 4, 8))
            out = {key: value + extra[key] if key.startswith("retarded") else value for key, value in out.items()}
        sites = density_blocks(out["retarded_sites"])
        bonds = bond_blocks(out["retarded_bonds_ji"], out["retarded_bonds_ij"])
        return sites, bonds, z.size

    sites, bonds, nodes, error = _converge_by_doubling(evaluate, 32, tolerance, "equilibrium contour integral")
    return sites, bonds, {"contour_nodes": nodes, "error_estimate": error}


def equilibrium(model: Model, *, fermi_energy: float, temperature: float = 0.0, disorder=None,
                tolerance: float = 1e-9) -> State:
    """Equilibrium densities, torques and currents: the Fermi sea plus Fermi surface integral.

    ``rho = (i/2pi)(X - X^dag)``, ``X = int f(E) G^R(E) dE`` on the contour of :func:`contour`;
    the number of nodes doubles until the density-matrix blocks change by less than
    ``tolerance`` (the change is reported as ``parameters['error_estimate']``).  With
    ``disorder``: SCBA solved at every contour node (Sigma^R(z) is the analytic continuation of
    the real-axis SCBA), or the average over samples with standard errors.
    """
    check_model(model)
    mu = finite_float(fermi_energy, "fermi_energy")
    T = finite_float(temperature, "temperature", nonnegative=True)
    tolerance = finite_float(tolerance, "tolerance", positive=True)
    if disorder is not None:
        return disordered_equilibrium(model, mu, T, disorder, tolerance)
    sites, bonds, info = _equilibrium_blocks(model, mu, T, tolerance, Progress("equilibrium"))
    return State.from_blocks(model, sites, bonds, units=units.STATE,
                             parameters={"fermi_energy": mu, "temperature": T, **info})


def real_axis_nodes(lo: float, hi: float, breakpoints, n: int):
    """Gauss-Legendre nodes on [lo, hi] split at ``breakpoints``; on each piece [a, b] the map
    x = a + (b - a) sin^2(phi) makes square-root edges at a and b smooth in phi."""
    cuts = np.unique(np.concatenate([[lo, hi], [b for b in breakpoints if lo < b < hi]]))
    t, v = np.polynomial.legendre.leggauss(n)
    phi = np.pi / 4 * (t + 1)
    nodes, weights = [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        nodes.append(a + (b - a) * np.sin(phi) ** 2)
        weights.append(v * np.pi / 4 * (b - a) * np.sin(2 * phi))
    return np.concatenate(nodes), np.concatenate(weights)


def _window_blocks(model, mu_left, mu_right, t_left, t_right, tolerance, progress):
    """(1/2pi) int dE (f_L - f_R) (G Gamma_L G^dag) on the real axis, doubling the nodes until
    the blocks change by less than ``tolerance``."""
    if t_left == 0 and t_right == 0:
        lo, hi = min(mu_left, mu_right), max(mu_left, mu_right)
    else:
        lo = min(mu_left - 40 * t_left, mu_right - 40 * t_right)
        hi = max(mu_left + 40 * t_left, mu_right + 40 * t_right)
    thresholds = channel_thresholds(model)  # Gamma_L = 0 outside the lead bands
    lo, hi = max(lo, thresholds.min()), min(hi, thresholds.max())
    if hi <= lo:
        zero = np.zeros((model.lattice.num_sites, 2, 2), complex)
        return zero, np.zeros((model.bonds.shape[0], 2, 2), complex), {"window_nodes": 0}
    # split at the channel thresholds (square-root edges) and where the Fermi functions vary:
    # at mu for a lead at T = 0 (a step inside the window when the other lead is warm), on the
    # scale of T around mu otherwise (a cold lead's f is smooth only on that scale)
    edges = [thresholds]
    for mu, t in ((mu_left, t_left), (mu_right, t_right)):
        edges.append(mu + t * np.array([-30.0, -12.0, -4.0, 0.0, 4.0, 12.0, 30.0]))
    edges = np.unique(np.concatenate(edges))

    def evaluate(n):
        e, v = real_axis_nodes(lo, hi, edges, n)
        occupation = fermi(e, mu_left, t_left) - fermi(e, mu_right, t_right)
        if t_left == 0 and t_right == 0:
            occupation = np.full_like(e, np.sign(mu_left - mu_right))
        out = _integrate(model, e, left_weights=v * occupation / (2 * np.pi), progress=progress, edges=False)
        return out["left_sites"], out["left_bonds"], e.size

    sites, bonds, nodes, error = _converge_by_doubling(evaluate, 8, tolerance, "bias-window integral")
    return sites, bonds, {"window_nodes": nodes, "window_error_estimate": error}


@dataclass
class BiasedState:
    """Finite-bias steady state: ``total`` = ``equilibrium`` (at the right lead's mu and T) +
    ``transport`` (the bias-window part, the current-induced densities, torques and currents)."""

    total: State
    equilibrium: State
    transport: State


def nonequilibrium(model: Model, *, mu_left: float, mu_right: float, temperature: float = 0.0,
                   temperature_left: float | None = None, temperature_right: float | None = None,
                   tolerance: float = 1e-9) -> BiasedState:
    """Steady state at finite bias and temperature (no disorder).

    ``-i G^< = G (f_L Gamma_L + f_R Gamma_R) G^dag = f_R A + (f_L - f_R) G Gamma_L G^dag``: the
    first term is the equilibrium state of the right lead (contour integral), the second the
    bias window on the real axis.  Each lead has its own chemical potential and temperature.
    """
    check_model(model)
    mu_l = finite_float(mu_left, "mu_left")
    mu_r = finite_float(mu_right, "mu_right")
    T = finite_float(temperature, "temperature", nonnegative=True)
    t_l = T if temperature_left is None else finite_float(temperature_left, "temperature_left", nonnegative=True)
    t_r = T if temperature_right is None else finite_float(temperature_right, "temperature_right", nonnegative=True)
    tolerance = finite_float(tolerance, "tolerance", positive=True)
    progress = Progress("nonequilibrium")
    eq_sites, eq_bonds, eq_info = _equilibrium_blocks(model, mu_r, t_r, tolerance, progress)
    w_sites, w_bonds, w_info = _window_blocks(model, mu_l, mu_r, t_l, t_r, tolerance, progress)
    params = {"mu_left": mu_l, "mu_right": mu_r, "temperature_left": t_l, "temperature_right": t_r}
    eq = State.from_blocks(model, eq_sites, eq_bonds, units=units.STATE, parameters={**params, **eq_info})
    tr = State.from_blocks(model, w_sites, w_bonds, units=units.STATE, parameters={**params, **w_info})
    total = State.from_blocks(model, eq_sites + w_sites, eq_bonds + w_bonds, units=units.STATE,
                              parameters={**params, **eq_info, **w_info})
    return BiasedState(total=total, equilibrium=eq, transport=tr)


def ldos(model: Model, energies, *, disorder=None) -> np.ndarray:
    """Local density of states per site, summed over spin: -(1/pi) Im Tr G^R_ii(E), shape (K, N)
    for K energies (units 1/t).  With disorder: SCBA (energy by energy), or the average over
    samples.  Clean, and each sample: all energies in one C++ call."""
    check_model(model)
    e = np.atleast_1d(real_array(energies, "energies"))
    if e.ndim != 1 or not np.all(np.isfinite(e)):
        raise ValueError("energies must be a finite scalar or 1-d array")
    check_disorder(disorder)

    def density_of_states(blocks):
        return -np.imag(np.trace(blocks, axis1=-2, axis2=-1)) / np.pi

    if disorder is not None and disorder.method == "scba":  # energy by energy
        return density_of_states(np.array([scba(model, E, disorder).retarded_sites for E in e]))
    if disorder is not None:
        return sample_mean(disorder, lambda k: {"ldos": density_of_states(_retarded_sites(
            sample_model(model, disorder, k), e))}).mean["ldos"]
    return density_of_states(_retarded_sites(model, e))


def _retarded_sites(model: Model, energies: np.ndarray) -> np.ndarray:
    """G^R_ii (K, N, 2, 2) at each energy: one C++ call for all of them."""
    if energies.size == 0:  # (the core returns no blocks for an empty request)
        return np.zeros((0, model.lattice.num_sites, 2, 2), complex)
    out = _integrate(model, energies, retarded_weights=np.ones(energies.size), per_energy=True, check=_ldos_part,
                     user_energies=True)
    return out["retarded_sites"]


def disordered_equilibrium(model: Model, mu: float, temperature: float, disorder: Disorder, tolerance: float):
    """Disorder-averaged equilibrium state (see :func:`spintex.equilibrium`)."""
    if not isinstance(disorder, Disorder):
        raise ValueError("disorder must be a spintex.Disorder")
    params = {"fermi_energy": mu, "temperature": temperature, "disorder": disorder}
    if disorder.method == "samples":
        stats = sample_mean(disorder, lambda k: lattice_arrays(model, equilibrium(
            sample_model(model, disorder, k), fermi_energy=mu, temperature=temperature, tolerance=tolerance)))
        state = State(**{f: stats.mean[f] for f in ARRAY_FIELDS}, units=units.STATE,
                      parameters={**params, "samples": stats.count, "seed": disorder.resolved_seed})
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

    sites, bonds, info = _equilibrium_blocks(model, mu, temperature, tolerance, None, retarded=retarded,
                                             disorder=disorder)
    return State.from_blocks(model, sites, bonds, units=units.STATE, parameters={**params, **info})


def _ldos_part(out) -> np.ndarray:
    """What of G^R the LDOS uses (at a threshold only -Im Tr G_ii must have a finite limit)."""
    return np.imag(np.trace(out["retarded_sites"], axis1=-2, axis2=-1))
