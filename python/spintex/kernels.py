"""Non-local kernels of seed 001 (Tatara, Kohno, Shibata & Lee, Eqs. 30-39) on the lattice band.

A texture n(x) is gauged to the uniform ferromagnet along z; its gauge field A(q) couples the
spin-up and spin-down bands at momentum transfer q, and every kernel below is a bubble of the
uniform ferromagnet's Green's functions at that q (docs/physics.md, section "Kernels in q").
Conventions (CONVENTIONS.md): ``H(k) = eps(k) - M sigma_z``, ``eps(k) = -2t sum_i cos k_i``,
spin-sigma band ``eps(k) - sigma M`` (sigma = +1 majority), Pauli spin densities, per-site sums
``(1/N) sum_k``.  The seed's Delta is M, its ``k/m`` the lattice velocity ``v(k) = 2t sin k_x``
(current vertex) and its ``(k + q/2)/m`` the gauge vertex at the mean momentum
``J(k, q) = 2t sin(k_x + q/2)``.  q, the field E and the gauge-field component are along x (the
transport direction); ``X_k(q) = eps(k + q) - eps(k) = 4t sin(q/2) sin(k_x + q/2)``.

- :func:`h1`, seed Eq. 31: ``H1 = (M/N) sum_k,sigma f_k,sigma P 1/(X_k + 2 sigma M)``, the static
  transverse susceptibility ``chi(q) = -2 H1(q) / M`` (``delta s^+ = chi b^+`` for ``H' = b . sigma``,
  b transverse; H1(0) = (n_up - n_down)/2, the seed's spin density s).
- :func:`h2`, seed Eq. 31 as written: ``H2 = (M/N) sum_k,sigma (pi/2)(f_k,up - f_k,down)
  delta(X_k + 2 sigma M)``.  It is *not* part of the static response: the out-of-phase part of
  chi(q) at zero frequency, ``-pi sum_k (f_a - f_b) delta(e_a - e_b)``, vanishes identically
  (tested against the real-space response of a chain).
- :func:`chi1`, :func:`chi2`: the clean-limit Fermi-surface kernels of Eq. 35, divided as in
  Eqs. 36-38 by their natural units: chi1 by its q = 0 value (the spin current ``(e tau/2)
  (D_up - D_down)``, ``D_sigma = (1/N) sum_k delta(E_F - e_k,sigma) v_x^2``), chi2 by the Boltzmann
  conductivity ``sigma_0 / e = tau (D_up + D_down)``; tau drops out.

Their real-space convolution with a chain texture (Eqs. 40-41), :func:`nonlocal_torque` and
:func:`texture_gauge`, lives in :mod:`spintex.gauge` and is re-exported here.

- :func:`spiral_spin_current` (the clean spiral's equilibrium spin current with spin-resolved Fermi
  levels) and :func:`contact_beta_coefficient` (the beta that the contacts' spin accumulation gives a
  wall without spin relaxation, docs/physics.md section 17).

All are at temperature 0 in the clean limit (principal values and delta functions taken exactly),
except :func:`h1` which also takes a temperature (d = 1).  ``dim = 1`` (chain) is exact in closed
form; ``dim = 3`` (simple cubic, q along x) reduces the transverse sums to the square-lattice
density of states and is exact up to the quadrature of one k_x integral and the tabulated integrated
density of states of the square lattice (h1 and h2 about 1e-7 absolute, 1e-6 relative; chi1 1e-6).
``vertex="isotropic"`` (dim = 3) replaces ``v_x J_x`` by ``(1/3) sum_i v_i J_i`` as the seed does
(its ``k_i (k + q/2)_j -> delta_ij k.(k + q/2)/3``), to compare with its closed forms.
The 1D kernels are singular at the Stoner edges ``q = k_up -+ k_down``: H1 has a log at
``k_up + k_down``, chi1 simple poles at both (inf there), and chi2 is a pair of delta functions
at them (:func:`stoner_edges`; ``chi2`` needs dim = 3).
q is a lattice wavevector: h1 and h2 are 2pi-periodic, chi1 and chi2 change sign under
q -> q + 2pi (J(k, q) belongs to the bond-centred amplitude of the gauge field, e^{iq(j + 1/2)}).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

from ._validate import finite_float
from .continuum._checks import _real
from .analysis import fit_torque
from .continuum.bands import spin_dos, transport_dos
from .gauge import NonlocalTorque, nonlocal_torque, texture_gauge  # noqa: F401  (their real-space convolution)
from .lattice import chain
from .model import Model
from .textures import neel_wall

# ---------------------------------------------------------------------------- checks
def _params(fermi_energy, exchange, hopping, dim):
    mu = finite_float(fermi_energy, "fermi_energy")
    M = finite_float(exchange, "exchange", positive=True)
    t = finite_float(hopping, "hopping", positive=True)
    if isinstance(dim, bool) or dim not in (1, 3):
        raise ValueError(f"dim must be 1 (chain) or 3 (simple cubic), got {dim!r}")
    return mu, M, t, int(dim)


def _vertex(vertex, dim):
    if vertex not in ("parallel", "isotropic"):
        raise ValueError(f"vertex must be 'parallel' or 'isotropic', got {vertex!r}")
    if vertex == "isotropic" and dim != 3:
        raise ValueError("vertex='isotropic' needs dim=3")
    return vertex


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ---------------------------------------------------------------------------- band pieces
def fermi_wavevectors(fermi_energy, exchange, *, hopping=1.0, dim=1):
    """(k_up, k_down): Fermi wavevectors of the spin bands along x at k_perp = 0,
    ``cos k_sigma = -(E_F + sigma M + 2t (dim - 1)) / 2t`` (0 for an empty band, pi for a full one)."""
    mu, M, t, d = _params(fermi_energy, exchange, hopping, dim)
    return tuple(float(np.arccos(np.clip(-(mu + s * M + 2 * t * (d - 1)) / (2 * t), -1, 1))) for s in (1, -1))


def stoner_edges(fermi_energy, exchange, *, hopping=1.0, dim=1):
    """(k_up - k_down, k_up + k_down): the q range of the seed's theta_st (Eq. 39) for q along x,
    with the Fermi wavevectors at k_perp = 0.  On the chain these are the Stoner edges exactly; on
    the cubic lattice they bound chi2's window as long as k_up + k_down <= pi (below, sin k_up >=
    sin k_down and the x-separation of the two Fermi surfaces is smallest at k_perp = 0); at higher
    filling the lower edge moves below k_up - k_down (chi2 is exact regardless)."""
    ku, kd = fermi_wavevectors(fermi_energy, exchange, hopping=hopping, dim=dim)
    return ku - kd, ku + kd


def _eps(k, t):
    return -2 * t * np.cos(k)


@lru_cache(maxsize=8)
def _square_count_table(t):
    """The square lattice's integrated DOS on a mu grid (the mean over k_y of the chain's)."""
    mu = np.linspace(-4 * t, 4 * t, 4001)
    k = 2 * np.pi * (np.arange(4096) + 0.5) / 4096
    return mu, (np.arccos(np.clip(-(mu[:, None] + 2 * t * np.cos(k)) / (2 * t), -1, 1)) / np.pi).mean(-1)


def _transverse_count(mu, t, dim):
    """Occupied transverse states per transverse site below mu (a step for the chain)."""
    if dim == 1:
        return np.heaviside(mu, 0.5)
    grid, count = _square_count_table(t)
    return np.interp(mu, grid, count, left=0.0, right=1.0)


def _square_dos(mu, t):
    p = np.clip((np.asarray(mu) / (4 * t)) ** 2, 1e-300, None)
    return np.where(p < 1, special.ellipkm1(np.minimum(p, 1.0)) / (2 * np.pi ** 2 * t), 0.0)


def _square_v2(mu, t):
    """(1/N) sum_k_perp delta(mu - eps_perp) (v_y^2 + v_z^2) on the square lattice."""
    return 2 * transport_dos(mu, 2, t)


# ---------------------------------------------------------------------------- principal values
def _arc(A, B, ua, ub):
    """P int_ua^ub du / (A + B sin u), exactly (w = tan(u/2)); A != 0, ub - ua <= 2 pi."""
    A, B, ua, ub = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (A, B, ua, ub)))
    D = B ** 2 - A ** 2
    r = np.sqrt(np.abs(D))

    def F(w):
        with np.errstate(divide="ignore", invalid="ignore"):
            wp, wm = (-B + r) / A, (-B - r) / A
            log = np.where(np.isinf(w), 0.0, np.log(np.abs((w - wp) / (w - wm)))) / r
            atan = 2 / r * np.arctan((A * w + B) / r)
        return np.where(D > 0, log, atan)

    shift = 2 * np.pi * np.floor((ua + np.pi) / (2 * np.pi))
    a, b = ua - shift, ub - shift                   # a in [-pi, pi)
    wa = np.tan(a / 2)
    crosses = b > np.pi
    wb = np.where(crosses, np.tan((b - 2 * np.pi) / 2), np.tan(np.minimum(b, np.pi) / 2))
    inf = np.full_like(wa, np.inf)
    split = F(inf) - F(wa) + F(wb) - F(-inf)
    whole = F(np.where(b >= np.pi, inf, wb)) - F(wa)
    return np.where(crosses, split, whole)


def _pv_period(g, A, B, phase):
    """P int_0^2pi g(k) dk / (A + B sin(k + phase)), g sampled on :data:`_K` (last axis).

    With poles (|A| < |B|) g is replaced near them by ``a + c cos(k + phase)`` matching it at both
    poles; that part integrates to zero over the period, and the rest is regular."""
    A, B, phase = (np.asarray(x, dtype=float)[..., None] for x in (A, B, phase))
    u = _K + phase
    den = A + B * np.sin(u)
    with np.errstate(divide="ignore", invalid="ignore"):
        u1 = np.arcsin(np.clip(-A / B, -1, 1))
        g1, g2 = (_interp_periodic(g, x - phase) for x in (u1, np.pi - u1))
        smooth = np.where(np.abs(A) < np.abs(B), (g1 + g2) / 2 + (g1 - g2) / (2 * np.cos(u1)) * np.cos(u), 0.0)
        return 2 * np.pi * np.mean((g - smooth) / den, axis=-1)


def _interp_periodic(g, x):
    """g (on :data:`_K`, last axis) linearly interpolated at x (shape (..., 1))."""
    n = _K.size
    s = ((x - _K[0]) * n / (2 * np.pi)) % n
    i = np.floor(s).astype(int)
    f = s - i
    g = np.broadcast_to(g, np.broadcast_shapes(g.shape, x.shape[:-1] + (n,)))
    return np.take_along_axis(g, i % n, -1) * (1 - f) + np.take_along_axis(g, (i + 1) % n, -1) * f


_K = 2 * np.pi * (np.arange(1 << 14) + 0.5) / (1 << 14)   # k_x grid of the dim = 3 quadratures


# ---------------------------------------------------------------------------- the kernels
def h1(q, fermi_energy, exchange, *, hopping=1.0, dim=1, temperature=0.0):
    """Seed 001 Eq. 31: ``H1(q) = (M/N) sum_k,sigma f_k,sigma P 1/(X_k(q) + 2 sigma M)`` per site.

    ``chi(q) = -2 H1(q)/M`` is the static transverse spin susceptibility of the uniform ferromagnet
    (Pauli spin density per unit ``b^+`` of ``H' = b . sigma``); H1(0) = (n_up - n_down)/2.
    dim = 1: exact (T = 0: the occupied arcs |k| < k_sigma in closed form; T > 0: Fermi functions,
    the periodic k sum on 2^14 points, converged to machine precision for T >~ 0.01 t).
    """
    mu, M, t, d = _params(fermi_energy, exchange, hopping, dim)
    T = finite_float(temperature, "temperature", nonnegative=True)
    q = _real(q, "q")
    if T > 0:
        if d != 1:
            raise ValueError("temperature > 0 needs dim=1")
        return _out(_h1_thermal(q, mu, M, t, T))
    B = 4 * t * np.sin(q / 2)
    if d == 1:
        ks = fermi_wavevectors(mu, M, hopping=t)
        out = sum(_arc(2 * s * M, B, q / 2 - k, q / 2 + k) for s, k in zip((1, -1), ks) if k > 0)
        return _out(M / (2 * np.pi) * np.asarray(out, dtype=float))
    out = sum(_pv_period(_transverse_count(mu + s * M - _eps(_K, t), t, 3), 2 * s * M, B, q / 2) for s in (1, -1))
    return _out(M / (2 * np.pi) * out)


def _h1_thermal(q, mu, M, t, T):
    k = _K
    a = _eps(k + q[..., None], t) + M                    # spin-down state at k + q
    b = _eps(k, t) - M                                   # spin-up state at k
    fa, fb = (special.expit(-(x - mu) / T) for x in (a, b))
    close = np.abs(a - b) < 1e-7
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(close, -fb * (1 - fb) / T, (fa - fb) / (a - b))
    chi = 2 * ratio.mean(-1)
    return -M / 2 * chi


def _roots(q, M, t, sigma):
    """k_x with X_k(q) + 2 sigma M = 0 (two per period when they exist) and 1/|dX/dk| there."""
    B = 4 * t * np.sin(q / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -2 * sigma * M / B
        ok = np.abs(s) <= 1
        u1 = np.arcsin(np.clip(s, -1, 1))
        jac = np.where(ok, 1 / np.abs(B * np.cos(u1)), 0.0)
    return [(u - q / 2, jac) for u in (u1, np.pi - u1)]


def h2(q, fermi_energy, exchange, *, hopping=1.0, dim=1):
    """Seed 001 Eq. 31 as written: ``H2 = (M/N) sum_k,sigma (pi/2)(f_k,up - f_k,down)
    delta(X_k(q) + 2 sigma M)``, exact (the delta fixes k_x; the transverse sum counts the states
    occupied in the up band and not in the down band).  Not the out-of-phase static response,
    which is zero (module docstring)."""
    mu, M, t, d = _params(fermi_energy, exchange, hopping, dim)
    q = _real(q, "q")
    out = np.zeros_like(q)
    for sigma in (1, -1):
        for k, jac in _roots(q, M, t, sigma):
            e = _eps(k, t)
            window = _transverse_count(mu + M - e, t, d) - _transverse_count(mu - M - e, t, d)
            out = out + window * jac
    return _out(M / 4 * out)


def _spin_conductances(mu, M, t, d):
    """D_sigma = (1/N) sum_k delta(E_F - e_k,sigma) v_x^2 = Phi_d(E_F + sigma M), sigma = up, down
    (``continuum.transport_dos``; the isotropic (1/3) sum_i v_i^2 is the same by cubic symmetry)."""
    return [float(transport_dos(mu + s * M, d, t)) for s in (1, -1)]


def _pv_pieces(g, A, B, phase, breaks, n=128):
    """P int_0^2pi g(k) dk / (A + B sin(k + phase)) for scalars A, B, phase and a callable g whose
    non-smooth points are ``breaks``: the pole part is removed as in :func:`_pv_period` (with g
    evaluated at the poles), the rest summed by Gauss-Legendre on the pieces between the breaks
    and the poles (x = a + (b - a) sin^2 phi on each, for log and square-root ends)."""
    poles, a, c = [], 0.0, 0.0
    if abs(A) < abs(B):
        u1 = np.arcsin(-A / B)
        poles = [u1 - phase, np.pi - u1 - phase]
        g1, g2 = g(np.array(poles))
        a, c = (g1 + g2) / 2, (g1 - g2) / (2 * np.cos(u1))
    cuts = np.unique(np.concatenate([[0.0, 2 * np.pi], np.mod(np.concatenate([breaks, poles]), 2 * np.pi)]))
    x, w = np.polynomial.legendre.leggauss(n)
    phi = np.pi / 4 * (x + 1)
    lo, hi = cuts[:-1, None], cuts[1:, None]
    k = (lo + (hi - lo) * np.sin(phi) ** 2).ravel()
    weights = (w * np.pi / 4 * (hi - lo) * np.sin(2 * phi)).ravel()
    return float(np.sum(weights * (g(k) - a - c * np.cos(k + phase)) / (A + B * np.sin(k + phase))))


def _square_breaks(mus, t):
    """k_x where E - eps_x(k_x) crosses the square lattice's band edges or its log at 0."""
    c = -(mus - np.array([-4 * t, 0.0, 4 * t])) / (2 * t)
    c = c[np.abs(c) <= 1]
    return np.concatenate([np.arccos(c), -np.arccos(c)])


def chi1(q, fermi_energy, exchange, *, hopping=1.0, dim=1, vertex="parallel"):
    """Seed 001 Eq. 35 (chi1) divided by its q = 0 value (the seed's tilde-chi1, Eq. 36):

        chi1~(q) = 2M / (D_up - D_down) (1/N) sum_k,sigma delta(E_F - e_k,sigma) v_x(k) J(k, q)
                   P 1/(X_k(q) + 2 sigma M).

    dim = 1: the four Fermi points (poles at the Stoner edges); dim = 3: the k_x integral with the
    square-lattice DOS at ``E_F + sigma M - eps_x(k_x)``.
    """
    mu, M, t, d = _params(fermi_energy, exchange, hopping, dim)
    vertex = _vertex(vertex, d)
    q = _real(q, "q")
    Du, Dd = _spin_conductances(mu, M, t, d)
    if not abs(Du - Dd) > 0:
        raise ValueError("chi1 is normalized by D_up - D_down, which vanishes here (no spin current)")
    out = np.zeros_like(q)
    for s, ks in zip((1, -1), fermi_wavevectors(mu, M, hopping=t)):
        if d == 1:   # (1/N) sum_k delta(E_F - e_k) F(k) = (1/2pi) sum over the Fermi points of F/|v|
            for k in (ks, -ks) if 0 < ks < np.pi else ():
                with np.errstate(divide="ignore"):
                    term = 2 * t * np.sin(k + q / 2) / (_eps(k + q, t) - _eps(k, t) + 2 * s * M)
                out = out + np.sign(k) * term / (2 * np.pi)
        else:
            for i, qi in np.ndenumerate(q):
                def g(k, qi=qi, s=s):
                    rest = mu + s * M - _eps(k, t)
                    val = _square_dos(rest, t) * 2 * t * np.sin(k) * 2 * t * np.sin(k + qi / 2)
                    # isotropic: (1/3)(v_x J_x + v_y^2 + v_z^2); the norm D is the same
                    return (val + _square_v2(rest, t)) / 3 if vertex == "isotropic" else val

                breaks = _square_breaks(mu + s * M, t)
                out[i] += _pv_pieces(g, 2 * s * M, 4 * t * np.sin(qi / 2), qi / 2, breaks) / (2 * np.pi)
    return _out(2 * M * out / (Du - Dd))


def chi2(q, fermi_energy, exchange, *, hopping=1.0, dim=3, vertex="parallel"):
    """Seed 001 Eq. 35 (chi2) divided by sigma_0/e (the seed's tilde-chi2, Eqs. 37-38), exact:

        chi2~(q) = pi M / (2 (D_up + D_down)) (1/N) sum_k,sigma sigma (v_x(k + q) - v_x(k)) J(k, q)
                   delta(X_k(q) + 2 sigma M) delta(E_F - e_k,sigma),

    (the seed's q/m is the difference of the two current vertices).  The first delta fixes k_x,
    the second counts the square-lattice DOS at ``E_F + sigma M - eps_x(k_x)``: non-zero only in the
    Stoner window (:func:`stoner_edges` at k_perp = 0).  dim = 3 only: on a chain chi2 is a pair of
    delta functions in q at the Stoner edges.
    """
    mu, M, t, d = _params(fermi_energy, exchange, hopping, dim)
    if d != 3:
        raise ValueError("chi2 needs dim=3: on a chain it is a pair of delta functions at the Stoner edges "
                         "(see stoner_edges)")
    vertex = _vertex(vertex, d)
    q = _real(q, "q")
    Du, Dd = _spin_conductances(mu, M, t, d)
    out = np.zeros_like(q)
    for s in (1, -1):
        for k, jac in _roots(q, M, t, s):
            dv = 2 * t * (np.sin(k + q) - np.sin(k))
            out = out + s * dv * 2 * t * np.sin(k + q / 2) * jac * _square_dos(mu + s * M - _eps(k, t), t)
    out = out / 3 if vertex == "isotropic" else out
    return _out(np.pi * M / (2 * (Du + Dd)) * out / (2 * np.pi))


# ---------------------------------------------------------------------------- the contacts' beta
def spiral_spin_current(q, mu_majority, mu_minority, exchange, *, hopping=1.0, nk: int = 2_000_001) -> float:
    """Equilibrium Pauli spin current of a clean chain spiral of pitch ``q`` (component along the
    rotation axis), its two bands filled to their own levels ``mu_majority`` and ``mu_minority``.

    In the rotated frame the spiral is translation invariant,
    ``H(k) = -2t cos k cos(q/2) - 2t sin k sin(q/2) sigma_y - M sigma_z``; the bond spin current is
    ``(1/2){sigma_y, dH/dk} = 2t sin k cos(q/2) sigma_y - 2t cos k sin(q/2)``, averaged over the
    occupied states of each band (lower band: majority) on ``nk`` k-points.  For small q it is
    ``-2 c q``, c the exchange stiffness of :func:`spintex.thermal.exchange_stiffness` (its torque
    ``c n x d_x^2 n``; equal to 1 % on a lambda = 12 wall, docs/physics.md section 17)."""
    q = finite_float(q, "q")
    mus = (finite_float(mu_majority, "mu_majority"), finite_float(mu_minority, "mu_minority"))
    M = finite_float(exchange, "exchange", positive=True)
    t = finite_float(hopping, "hopping", positive=True)
    k = (np.arange(nk) + 0.5) * 2 * np.pi / nk - np.pi
    c, s = np.cos(q / 2), np.sin(q / 2)
    hy = -2 * t * np.sin(k) * s
    h = np.sqrt(hy ** 2 + M ** 2)
    total = 0.0
    for sign, mu in zip((-1, 1), mus):
        occupied = -2 * t * np.cos(k) * c + sign * h < mu
        total += np.sum((sign * hy / h * 2 * t * np.sin(k) * c - 2 * t * np.cos(k) * s)[occupied])
    return float(total / nk)


def contact_beta_coefficient(fermi_energy, exchange, width, *, length: int = 801) -> float:
    """The predicted slope c of beta = beta_0 + c d_x s_z / j_s for a Neel wall of ``width`` in a
    wire without spin relaxation (docs/physics.md section 17): the texture's equilibrium spin
    current -c_ex n x d_x n follows the local spin-resolved Fermi levels, which the contacts' spin
    accumulation mu_s = mu_maj - mu_min shifts by (nu_min, -nu_maj) mu_s / (nu_maj + nu_min) (a
    neutral split).  A linear mu_s makes c_ex linear and the torque d_x(c_ex n x d_x n); this is
    fitted by :func:`spintex.fit_torque` on a clean chain of ``length`` sites like the SCBA torque
    (the c_ex n x d_x^2 n term takes about half of d_x c_ex away from n x d_x n), and with
    A = -j_s/2 and d_x s_z = (2 nu_maj nu_min/(nu_maj + nu_min)) d_x mu_s the slope is
    c = -2 B (nu_maj + nu_min)/(2 nu_maj nu_min) per unit d_x mu_s.  Chain, hopping 1."""
    E = finite_float(fermi_energy, "fermi_energy")
    M = finite_float(exchange, "exchange", positive=True)
    nu = np.array(spin_dos(E, M, 1), dtype=float)
    q, h = 1e-3, 1e-2
    split = np.array([nu[1], -nu[0]]) / nu.sum()
    (up_plus, down_plus), (up_minus, down_minus) = E + h * split, E - h * split
    stiffness_change = -(spiral_spin_current(q, up_plus, down_plus, M)
                         - spiral_spin_current(q, up_minus, down_minus, M)) / (2 * q)  # c_ex = -j / 2q
    dc = stiffness_change / (2 * h)
    width = finite_float(width, "width", positive=True)
    model = Model(chain(length), exchange=M, texture=neel_wall(length // 2, width))
    n = model.texture_vectors
    x = np.arange(length) - length // 2
    torque = np.gradient(dc * x[:, None] * np.cross(n, np.gradient(n, axis=0)), axis=0)  # d_x mu_s = 1
    return float(-2 * fit_torque(model, torque).nonadiabatic * nu.sum() / (2 * nu[0] * nu[1]))
