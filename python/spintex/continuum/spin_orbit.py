"""Spin-orbit impurities (seed 002): Born rates, relaxation torque, spin AMR, anisotropic beta, damping."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import ArrayLike, _dim, _hopping, _out, _real
from .bands import mean_square_velocity, transport_dos


#: dbeta/beta of spin-orbit impurities, seed 002 Eq. 46.
SOC_BETA_ANISOTROPY = -0.2


# ---------------------------------------------------------------------------- spin-orbit impurities
class SocBornRates(NamedTuple):
    """Fermi-surface-averaged Born rates of spin-orbit impurities (:func:`soc_born_rates`)."""

    gamma_up: ArrayLike
    gamma_down: ArrayLike
    flip_rate_up: ArrayLike
    flip_rate_down: ArrayLike


def soc_born_rates(fermi_energy, exchange, dim: int, soc, *, direction=(0.0, 0.0, 1.0), hopping=1.0):
    """Born broadening and spin-flip rates of spin-orbit impurities: lattice seed 002 Eqs. 8-10, 21.

    Lattice model: seed 002 Eq. 8 with k -> s(k) = (sin k_x, sin k_y, sin k_z) (a = 1),
    ``<k' s'|V_so|k s> = (i/N) sum_R e^{-i(k'-k).R} sum_a v^a_R [s(k') x s(k)]_a (sigma^a)_{s's}``,
    i.e. in real space ``V_so = sum_R sum_a v^a_R (i/4) sum_{i,j} eps_{ija} sum_{p,q=+-1} p q
    c^dag_{R+p e_i} sigma^a c_{R+q e_j}`` (hops between two neighbours of R around a corner), with
    independent random v^a_R: ``<v^a_R v^b_R'> = Gamma_so delta_ab delta_RR'`` (seed 002's
    n_so lambda_so^2, Eq. 10).  On a square strip (x, y) only a = z survives; on a chain V_so = 0.

    With w_sigma = <sin^2 k_x> = <v_x^2>/4t^2 on the Fermi surface of spin sigma, the k-dependent
    Born rates averaged over the Fermi surface are, for magnetization n,
    ``gamma_sigma = 2 pi Gamma_so sum_a [n_a^2 w_sigma^2 nu_sigma + (1 - n_a^2) w_sigma w_sigmabar
    nu_sigmabar]`` and ``1/tau_sf,sigma = 4 pi Gamma_so w_sigma w_sigmabar nu_sigmabar sum_a
    (1 - n_a^2)``, summed over the active a (3D: all, sum_a (1 - n_a^2) = 2 for any n; 2D: a = z).
    They are evaluated with w_sigma nu_sigma = Phi(E_F + sigma M)/4t^2 (:func:`transport_dos`), which
    stays finite where nu diverges (2D: E_F +- M = 0, where w = 0; chain band edges).
    Continuum limit (w -> k_F^2/3): tau_sigma^-1 = (4 pi/9) Gamma_so (k_sigma^4 nu_sigma + 2 k_up^2
    k_down^2 nu_sigmabar).  Seed 002 Eq. 21 has 1/3, 2/3 where this has 2/9, 4/9: it drops the
    -k_a^2 of sum_ij eps_aij^2 k_j^2 (its own Eq. D2 uses 2/9), so its rates are 3/2 of these.

    Parameters
    ----------
    fermi_energy, exchange : float or array_like
    dim : {1, 2, 3}
    soc : float
        Gamma_so >= 0.
    direction : 3-vector, optional
        n (normalized here); matters on the square lattice only.
    hopping : float, optional

    Returns
    -------
    SocBornRates
        (gamma_up, gamma_down, flip_rate_up, flip_rate_down).
    """
    d, t = _dim(dim), _hopping(hopping)
    g = float(_real(soc, "soc", nonnegative=True))
    n = _real(direction, "direction")
    if n.shape != (3,) or not np.linalg.norm(n) > 0:
        raise ValueError(f"direction must be a non-zero 3-vector, got {direction!r}")
    n2 = (n / np.linalg.norm(n)) ** 2
    e, m = _real(fermi_energy, "fermi_energy"), _real(exchange, "exchange", nonnegative=True)
    w = [np.asarray(mean_square_velocity(e + s * m, d, t)) / (4 * t * t) for s in (1, -1)]
    w_nu = [np.asarray(transport_dos(e + s * m, d, t)) / (4 * t * t) for s in (1, -1)]
    active = {1: [], 2: [2], 3: [0, 1, 2]}[d]
    par, flip = sum(n2[a] for a in active), sum(1 - n2[a] for a in active)
    gam = [2 * np.pi * g * w[i] * (par * w_nu[i] + flip * w_nu[1 - i]) for i in (0, 1)]
    rate = [4 * np.pi * g * flip * w[i] * w_nu[1 - i] for i in (0, 1)]
    return SocBornRates(_out(gam[0]), _out(gam[1]), _out(rate[0]), _out(rate[1]))


def _band_bottom(fermi_energy, exchange, hopping):
    """Parabolic limit of the cubic band: m = 1/2t, k_sigma^2 = (E_F + sigma M + 6t)/t, continuum nu."""
    t = _hopping(hopping)
    e, m = _real(fermi_energy, "fermi_energy"), _real(exchange, "exchange", nonnegative=True)
    mass = 1 / (2 * t)
    k2 = [np.maximum(e + s * m + 6 * t, 0) / t for s in (1, -1)]
    return mass, k2, [mass * np.sqrt(k) / (2 * np.pi ** 2) for k in k2]


def _lifetimes(lifetime_up, lifetime_down):
    return (_real(lifetime_up, "lifetime_up", positive=True),
            _real(lifetime_down, "lifetime_down", positive=True))


def soc_relaxation_torque(fermi_energy, exchange, soc, lifetime_up, lifetime_down, *, hopping=1.0):
    """Spin relaxation torque ``T^z = gamma div E + dgamma d_z E_z`` (SOC impurities, seed 002 Eqs. 5, 22-23).

    ``gamma = (8 pi / 15 m^2) Gamma_so nu_up nu_down k_up^2 k_down^2 sum_sigma sigma k_sigma^2
    tau_sigma^2`` as printed (not re-derived here), ``dgamma = gamma/3``.  It is a continuum
    (isotropic) result, evaluated in the band-bottom limit of the cubic lattice, m = 1/2t,
    k_sigma^2 = (E_F + sigma M + 6t)/t, nu_sigma = m k_sigma/(2 pi^2), where the lattice model of
    :func:`soc_born_rates` becomes seed 002's with n_so lambda_so^2 = Gamma_so (at higher filling
    the cubic lattice adds cubic anisotropy to T^z).  The seed's carrier charge e is set to 1: for
    spintex's electrons (charge -1) multiply by -1 when E is the electric field.

    Beware a cancellation: with Born lifetimes of a parabolic band, tau_sigma^-1 = 2 pi Gamma_0
    nu_sigma (1 + kappa_sigma) and nu_sigma ~ k_sigma, so k_sigma^2 tau_sigma^2 is the same for
    both spins up to the spin-orbit corrections kappa ~ Gamma_so / Gamma_0: the spin sum, hence
    gamma, is of order Gamma_so^2, not Gamma_so.  Lifetimes taken from another band (e.g. the
    lattice density of states with band-bottom k_sigma) break the cancellation and give a much
    larger, meaningless gamma; pass lifetimes of the same parabolic band.

    Parameters
    ----------
    fermi_energy, exchange : float
        E_F (near the band bottom -6t) and M >= 0.
    soc : float
        Gamma_so >= 0.
    lifetime_up, lifetime_down : float
        Full lifetimes tau_sigma > 0 (:func:`born_broadening` plus :func:`soc_born_rates`).
    hopping : float, optional

    Returns
    -------
    (gamma, dgamma)
    """
    g = _real(soc, "soc", nonnegative=True)
    tau = _lifetimes(lifetime_up, lifetime_down)
    mass, k2, nu = _band_bottom(fermi_energy, exchange, hopping)
    spin_sum = k2[0] * tau[0] ** 2 - k2[1] * tau[1] ** 2
    gamma = 8 * np.pi / (15 * mass ** 2) * g * nu[0] * nu[1] * k2[0] * k2[1] * spin_sum
    return _out(gamma), _out(gamma / 3)


def spin_amr(fermi_energy, exchange, soc, lifetime_up, lifetime_down, *, hopping=1.0):
    """Spin AMR of the field-driven spin current, seed 002 Eqs. 29, 35-37: ``(delta_sigma_s, sigma_s0)``.

    ``j_s^z = sigma_s E - delta_sigma_s (n.E) n`` (local part), sigma_s = sigma_s0 + delta_sigma_s,
    ``sigma_s0 = sum_sigma sigma D_sigma nu_sigma`` with D_sigma = k_sigma^2 tau_sigma / 3m^2, and
    ``delta_sigma_s = (pi/9) Gamma_so (1/m) sum_sigma sigma k_sigma^4 nu_sigma^2 tau_sigma`` (Eq. 36),
    in the band-bottom limit and e = 1 convention of :func:`soc_relaxation_torque` (same arguments).
    So sigma_s,par = sigma_s0, sigma_s,perp = sigma_s and |j_s^loc|/E = sqrt(sigma_par^2 +
    (sigma_perp^2 - sigma_par^2) sin^2 theta) (Eq. 38); its small-anisotropy form is
    sigma_par [1 + ((sigma_perp/sigma_par)^2 - 1) sin^2(theta)/2] (Eq. 39 omits the -1).
    """
    g = _real(soc, "soc", nonnegative=True)
    tau = _lifetimes(lifetime_up, lifetime_down)
    mass, k2, nu = _band_bottom(fermi_energy, exchange, hopping)
    spins = ((0, 1), (1, -1))
    sigma0 = sum(s * k2[i] * tau[i] / (3 * mass ** 2) * nu[i] for i, s in spins)
    delta = np.pi / 9 * g / mass * sum(s * k2[i] ** 2 * nu[i] ** 2 * tau[i] for i, s in spins)
    return _out(delta), _out(sigma0)


def spin_amr_ratio(delta_sigma_s, sigma_s):
    """Spin AMR ``(rho_s,par - rho_s,perp)/rho_s,perp = (delta/sigma_s)/(1 - delta/sigma_s)``, seed 002 Eq. 40.

    ``sigma_s`` is the full sigma_s0 + delta_sigma_s; the ratio equals delta_sigma_s/sigma_s0 and is
    computed in that form, so sigma_s = 0 (rho_s,perp infinite) gives its limit -1; sigma_s0 = 0
    (rho_s,par infinite) raises ValueError.
    """
    delta = _real(delta_sigma_s, "delta_sigma_s")
    sigma0 = _real(sigma_s, "sigma_s") - delta
    if np.any(sigma0 == 0):
        raise ValueError("sigma_s must differ from delta_sigma_s (sigma_s0 = sigma_s - delta_sigma_s = 0 makes "
                         f"rho_s,par infinite), got sigma_s={sigma_s!r}, delta_sigma_s={delta_sigma_s!r}")
    return _out(delta / sigma0)


class SpinAmrLifetime(NamedTuple):
    """Bond (normal) spin conductivity of the Born-lifetime Boltzmann equation with E || n and E _|_ n
    (:func:`spin_amr_lifetime`)."""

    sigma_par: ArrayLike
    sigma_perp: ArrayLike


def spin_amr_lifetime(fermi_energy, exchange, onsite, soc, *, hopping=1.0):
    """The spin AMR of the ordinary (bond) spin current that seed 002 leaves out: ``SpinAmrLifetime``.

    Derived here, not in the seed.  Seed 002 averages the spin-orbit potential over directions
    before Eq. 28 ("assuming the rotational symmetry"), so its normal spin conductivity sigma_s0 is
    isotropic and all of the spin AMR is the anomalous Eq. 36.  Without that step the Born rate of
    spin sigma depends on the angle between k and n (c = k_hat . n): with
    ``<|(k' x k)_a|^2>_k_hat' = k^2 k'^2 (1 - k_hat_a^2)/3``, the spin-conserving channel (a || n)
    weighs 1 - c^2 and the two spin-flip channels 1 + c^2, so (band-bottom limit and lattice
    translation n_so lambda_so^2 = Gamma_so of :func:`soc_relaxation_torque`)

        1/tau_sigma(c) = A_sigma + B_sigma c^2,
        A_sigma = 2 pi [Gamma_0 nu_sigma + (Gamma_so/3)(nu_sigma k_sigma^4 + nu_sigmabar k_sigma^2 k_sigmabar^2)],
        B_sigma = (2 pi Gamma_so/3) k_sigma^2 (nu_sigmabar k_sigmabar^2 - nu_sigma k_sigma^2),

    (its angular mean is :func:`soc_born_rates`' continuum limit).  Every Born kernel is even in k',
    so the current-carrying (odd) distribution has no in-scattering and the relaxation-time
    solution is exact: ``sigma_sigma(E_hat) = nu_sigma v_sigma^2 <(k_hat.E_hat)^2 tau_sigma(c)>`` with
    v = k/m, and the spin current ``sum_sigma sigma sigma_sigma`` (Pauli units, the seed's e = 1).  The
    angular means are Gauss-Legendre sums in c: (1/2) int c^2 tau dc for E || n and
    (1/2) int (1 - c^2)/2 tau dc for E _|_ n.  To first order in Gamma_so

        sigma_perp - sigma_par = (2/15) sum_sigma sigma nu_sigma v_sigma^2 B_sigma tau_sigma^2,

    which is negative (B_up < 0 < B_down) and of order Gamma_so tau^2, while the seed's anomalous
    delta_sigma_s (Eq. 36, :func:`spin_amr`) is of order Gamma_so tau: this term is larger by about
    E_F tau in the weak-disorder limit the seed assumes, and of the opposite sign where delta_sigma_s > 0.
    The total local spin conductivity keeps the seed's form (Eq. 37)
    ``j_s = sigma_perp E - (sigma_perp - sigma_par)(n.E) n`` with both parts in sigma_perp - sigma_par.

    Parameters
    ----------
    fermi_energy, exchange : float or array_like
        E_F (near the band bottom -6t) and M >= 0.
    onsite, soc : float or array_like
        Gamma_0 > 0 and Gamma_so >= 0.
    hopping : float, optional
    """
    g0 = _real(onsite, "onsite", positive=True)
    g = _real(soc, "soc", nonnegative=True)
    mass, k2, nu = _band_bottom(fermi_energy, exchange, hopping)
    if np.any(k2[0] == 0):
        raise ValueError(f"fermi_energy must lie above the majority band bottom -6t - M, got {fermi_energy!r}")
    c, w = np.polynomial.legendre.leggauss(64)
    par = perp = 0.0
    for i, sign in ((0, 1), (1, -1)):
        j = 1 - i
        A = 2 * np.pi * (g0 * nu[i] + g / 3 * (nu[i] * k2[i] ** 2 + nu[j] * k2[i] * k2[j]))
        B = 2 * np.pi * g / 3 * k2[i] * (nu[j] * k2[j] - nu[i] * k2[i])
        empty = np.asarray(k2[i] == 0)[..., None]            # a half-metal's empty minority band: no current
        rate = np.asarray(A)[..., None] + np.asarray(B)[..., None] * c ** 2
        tau = np.where(empty, 0.0, 1 / np.where(empty, 1.0, rate))
        weight = sign * nu[i] * k2[i] / mass ** 2            # sigma nu v^2
        par = par + weight * 0.5 * np.sum(w * c ** 2 * tau, axis=-1)
        perp = perp + weight * 0.5 * np.sum(w * 0.5 * (1 - c ** 2) * tau, axis=-1)
    return SpinAmrLifetime(_out(par), _out(perp))


def soc_gilbert_damping(fermi_energy, exchange, soc, *, hopping=1.0):
    """Gilbert damping by spin-orbit impurities of a uniform 3D magnet, leading order in Gamma/M.

    ``alpha_S = 2 pi Gamma_so (m_up + m_down)^2`` with ``m_sigma = Phi(E_F + sigma M) / 4t^2 =
    <sin^2 k_c delta(E_F + sigma M - eps)>`` (:func:`transport_dos`; any c, cubic symmetry), per
    site, defined as in :func:`gilbert_damping` (T = -alpha_S n x dn/dt); for any direction n.
    Derived here (no seed has it): seed 001 Eq. 82's derivation (:func:`gilbert_damping`) with the
    spin-orbit vertex ``i v^a (s(k') x s(k))_a sigma^a`` as a magnetic impurity whose variance
    depends on both momenta.  For n = z and sigma^x: the bubble gives
    ``(1/2) sum_k [delta_up(k) gamma_dn(k) + delta_dn(k) gamma_up(k)]`` (the other spin's Born rate
    at this spin's Fermi momentum), with
    ``gamma_sigma(k) = pi Gamma_so sum_a (s_b(k)^2 m_c,sigma_a + s_c(k)^2 m_b,sigma_a)`` (sigma_a = sigma for
    a = z, -sigma otherwise); the first rung pairs an up and a down Fermi momentum,
    ``-pi Gamma_so (P_x - P_y - P_z)`` with ``P_a = m_b,up m_c,dn + m_c,up m_b,dn``.  Together
    ``alpha = pi Gamma_so [2 P_z + P_y - P_x + sum_sigma m_z,sigma (m_x,sigma + m_y,sigma)]``, which
    with m_x = m_y = m_z is the form above: isotropic magnetic impurities' pi Gamma (nu_up +
    nu_dn)^2 with Gamma -> 2 Gamma_so and nu -> m.  Continuum limit m = nu k_F^2 / 3.  The SCBA
    ladder on the lattice (:meth:`spintex.bulk.BulkSCBA.gilbert_damping`) tends to it linearly in
    Gamma_0 / M (docs/validation.md).

    Parameters
    ----------
    fermi_energy, exchange : float or array_like
    soc : float or array_like
        Gamma_so >= 0.
    hopping : float, optional
    """
    t = _hopping(hopping)
    g = _real(soc, "soc", nonnegative=True)
    e, m = _real(fermi_energy, "fermi_energy"), _real(exchange, "exchange", nonnegative=True)
    moments = [np.asarray(transport_dos(e + s * m, 3, t)) / (4 * t * t) for s in (1, -1)]
    return _out(2 * np.pi * g * (moments[0] + moments[1]) ** 2)


def anisotropic_beta(beta, direction, current_direction=(1.0, 0.0, 0.0), anisotropy=SOC_BETA_ANISOTROPY):
    """Local beta of SOC impurities for a texture varying only along the current, seed 002 Eq. 46.

    The beta torque ``beta n x (j.grad) n + dbeta n x (j_par grad_par) n``, j_par = n.j,
    grad_par = n.grad, dbeta/beta = -1/5, reduces when n depends only on the coordinate along j to
    ``beta_eff = beta [1 + (dbeta/beta) (n.j_hat)^2]``: a Neel wall along x with j || x has
    beta (1 - n_x^2/5), a Bloch wall (n_x = 0) the full beta.

    Parameters
    ----------
    beta : float
    direction : array_like, shape (..., 3)
        n on the sites; non-zero vectors (normalized here).
    current_direction : 3-vector, optional
    anisotropy : float, optional
        dbeta/beta.
    """
    b = _real(beta, "beta")
    n = _real(direction, "direction")
    j = _real(current_direction, "current_direction")
    if n.shape[-1:] != (3,) or j.shape != (3,) or not np.linalg.norm(j) > 0:
        raise ValueError("direction must have shape (..., 3) and current_direction be a non-zero 3-vector")
    norm2 = np.sum(n * n, axis=-1)
    if np.any(norm2 == 0):
        raise ValueError(f"direction must hold non-zero 3-vectors (n has no direction at zero), got {direction!r}")
    cos2 = (n @ j) ** 2 / (norm2 * (j @ j))
    return _out(b * (1 + float(_real(anisotropy, "anisotropy")) * cos2))
