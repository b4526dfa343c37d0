"""Born rates, spin flip and diffusion, beta and Gilbert damping from magnetic impurities, and
the two-current summary of a uniform ferromagnet (seeds 000, 001, 004)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from ._checks import _flag, _magnetic, _nu, _out, _real
from .bands import mean_square_velocity, spin_dos


# ---------------------------------------------------------------------------- Born rates
def born_broadening(nu_up, nu_down, *, onsite=0.0, magnetic=(0.0, 0.0)):
    """Born broadening of the two spin bands, seed 000 Eq. 9.

    ``gamma_sigma = pi [(Gamma_0 + Gamma_par) nu_sigma + 2 Gamma_perp nu_sigmabar]``: the seed's
    Gamma~_1 = n_i u^2 + n_s u_s^2 S_z^2 and Gamma~_2 = 2 n_s u_s^2 S_perp^2, per site.
    G^R_sigma = 1/(E - eps + sigma M + i gamma_sigma); the lifetime is tau_sigma = 1/(2 gamma_sigma).

    Parameters
    ----------
    nu_up, nu_down : float or array_like
        DOS per site at E_F + M and E_F - M (:func:`spin_dos`).
    onsite : float
        Gamma_0 >= 0.
    magnetic : (float, float)
        (Gamma_perp, Gamma_par) >= 0.

    Returns
    -------
    (gamma_up, gamma_down)
    """
    perp, par = _magnetic(magnetic)
    g0 = float(_real(onsite, "onsite", nonnegative=True))
    up, down = _nu(nu_up, nu_down)
    return (_out(np.pi * ((g0 + par) * up + 2 * perp * down)),
            _out(np.pi * ((g0 + par) * down + 2 * perp * up)))


def spin_flip_rates(nu_up, nu_down, *, magnetic):
    """Spin-flip rates ``1/tau_sf,sigma = 4 pi Gamma_perp nu_sigmabar`` (seed 000 Eq. 110).

    The seed's 2 pi Gamma~_2 nu_sigmabar: twice the spin-flip part of gamma_sigma.  Detailed balance,
    ``nu_up / tau_sf,up = nu_down / tau_sf,down``, holds identically.  Only the transverse impurity
    components flip spins; for spin-orbit impurities see :func:`soc_born_rates`.  Arguments as in
    :func:`born_broadening`; returns ``(rate_up, rate_down)``.
    """
    perp, _ = _magnetic(magnetic)
    up, down = _nu(nu_up, nu_down)
    return _out(4 * np.pi * perp * down), _out(4 * np.pi * perp * up)


def spin_diffusion_lengths(diffusion_up, diffusion_down, flip_rate_up, flip_rate_down):
    """Spin diffusion lengths ``(l_up, l_down, l_s)``, seed 000 Eqs. 109-112.

    ``l_sigma = sqrt(D_sigma tau_sf,sigma)`` (Eq. 112).  With j_sigma = sigma_sigma grad dmu_sigma
    and Eq. 112 in a steady state, ``lap dmu_sigma = (dmu_sigma - dmu_sigmabar) / l_sigma^2``: the
    spin accumulation dmu_up - dmu_down decays as exp(-x/l_s), ``l_s^-2 = l_up^-2 + l_down^-2``
    (Valet-Fert).  Diffusion constants > 0; zero flip rates give infinite lengths.
    """
    d = (_real(diffusion_up, "diffusion_up", positive=True),
         _real(diffusion_down, "diffusion_down", positive=True))
    r = (_real(flip_rate_up, "flip_rate_up", nonnegative=True),
         _real(flip_rate_down, "flip_rate_down", nonnegative=True))
    inv2 = [ri / di for ri, di in zip(r, d)]  # l_sigma^-2
    with np.errstate(divide="ignore"):
        return tuple(_out(1 / np.sqrt(x)) for x in (inv2[0], inv2[1], inv2[0] + inv2[1]))


def current_polarization(sigma_up, sigma_down):
    """``P_j = (sigma_up - sigma_down) / (sigma_up + sigma_down)`` (seed 000 Eq. 44; seed 001's P = j_s/j).

    sigma_sigma = nu_sigma D_sigma = Phi(E_F + sigma M) tau_sigma (:func:`transport_dos`).
    """
    up = _real(sigma_up, "sigma_up", nonnegative=True)
    down = _real(sigma_down, "sigma_down", nonnegative=True)
    if not np.all(up + down > 0):
        raise ValueError("sigma_up + sigma_down must be > 0")
    return _out((up - down) / (up + down))


# ---------------------------------------------------------------------------- beta, damping
def beta_spin_flip(nu_up, nu_down, exchange, *, magnetic):
    """Non-adiabatic ratio from magnetic impurities, seed 000 Eq. 94 (seed 004 Eq. 62 if isotropic).

    ``beta = (pi/M) (Gamma_perp + Gamma_par) (nu_up + nu_down)``, the seed's n_s u_s^2 S_perp^2 and
    n_s u_s^2 S_z^2 being Gamma_perp and Gamma_par; isotropic spins (Gamma = n_s u_s^2 S^2/3) give
    seed 004's (2 pi/3) n_s u_s^2 S^2 nu_+/M.  The same beta = B/A as in CONVENTIONS.md's torque
    fit.  Differs from :func:`beta_spin_flip_anisotropic` when Gamma_perp != Gamma_par.

    Parameters
    ----------
    nu_up, nu_down : float or array_like
    exchange : float
        M > 0 (seed 001's Delta).
    magnetic : (float, float)
        (Gamma_perp, Gamma_par).
    """
    perp, par = _magnetic(magnetic)
    m = _real(exchange, "exchange", positive=True)
    up, down = _nu(nu_up, nu_down)
    return _out(np.pi / m * (perp + par) * (up + down))


def beta_spin_flip_anisotropic(nu_up, nu_down, exchange, *, magnetic, current_polarization):
    """Seed 001 Eq. 83: Eq. 94's beta plus a term for anisotropic impurity spins.

    ``beta = (pi/M) [(Gamma_perp + Gamma_par)(nu_up + nu_down)
    + (Gamma_perp - Gamma_par)(nu_up - nu_down) / P_j]``, with nu_+- = nu_up +- nu_down as in seed
    000 and P_j the current polarization (:func:`current_polarization`; seed 001's P = j_s/j).
    Equals :func:`beta_spin_flip` for isotropic spins; the seeds disagree otherwise (longitudinal
    spins only: (pi Gamma_par nu_+/M)(1 - P_nu/P_j) here, zero when P_j = P_nu = nu_-/nu_+, against
    seed 000's pi Gamma_par nu_+/M).  Arguments as in :func:`beta_spin_flip`, plus P_j in [-1, 1].
    P_j = 0 is allowed where the 1/P_j term vanishes identically (Gamma_perp = Gamma_par or
    nu_up = nu_down: its limit, Eq. 94's beta); elsewhere it is a pole (ValueError).
    """
    perp, par = _magnetic(magnetic)
    p = _real(current_polarization, "current_polarization")
    if not np.all(np.abs(p) <= 1):
        raise ValueError(f"current_polarization must be in [-1, 1], got {current_polarization!r}")
    up, down = _nu(nu_up, nu_down)
    m = _real(exchange, "exchange", positive=True)
    anisotropic = (perp - par) * (up - down)
    if np.any((p == 0) & (anisotropic != 0)):
        raise ValueError("current_polarization must be non-zero when Gamma_perp != Gamma_par and nu_up != nu_down "
                         f"(Eq. 83 divides by it), got {current_polarization!r}")
    pole_free = np.where(anisotropic == 0, 0.0, anisotropic / np.where(p == 0, 1.0, p))
    return _out(np.pi / m * ((perp + par) * (up + down) + pole_free))


def gilbert_damping(nu_up, nu_down, *, magnetic, onsite=0.0, vertex_corrections=True):
    """Gilbert damping by magnetic impurities of a slowly rotating uniform n, per site (seed 001 Eq. 82).

    ``alpha_S = pi [2 Gamma_par nu_up nu_down + Gamma_perp (nu_up^2 + nu_down^2)] > 0``, defined by
    the torque ``T = M n x s = -alpha_S n x dn/dt``, i.e. the non-equilibrium spin density
    ``s = -(alpha_S/M) dn/dt``.  With S dn/dt = T (CONVENTIONS.md) this is the Gilbert term of the
    direction of an angular momentum, ``-alpha S n x dn/dt`` (alpha_S = alpha S); the electrons
    absorb the power -M dn/dt . s = alpha_S |dn/dt|^2.  It is seed 001's alpha_sf with
    n_s u_s^2 S_z^2 -> Gamma_par, n_s u_s^2 S_perp^2 -> Gamma_perp, a^3 = 1.  (Its Eq. 84 reads
    s = -alpha_sf dS/dt / Delta = -alpha_sf S dn/dt / Delta, with Eq. 81's dimensionless Gilbert
    constant alpha_sf: by that equation alpha_sf would be alpha_S / S, while its Eq. 82, the
    expression derived below, is alpha_S; its torque, tau = -Delta n x s, has the opposite sign
    to T.)

    Derivation (Kubo, Fermi surface, T = 0, lowest order in Gamma/M).  For n = z + dn(t) and
    H' = -M dn . sum_j sigma_j, the part of the response odd in omega is ``s^a = -pi M X^ab
    d(dn^b)/dt`` with ``X^ab = (1/N) <Tr[sigma^a delta(E_F - H) sigma^b delta(E_F - H)]>`` (Lehmann:
    f(eps) - f(eps + omega) -> omega delta(eps - E_F)).  With delta = (G^A - G^R)/(2 pi i),
    X = (1/2 pi^2) Re Tr[sigma^x G^R sigma^x G^A - sigma^x G^R sigma^x G^R] per site, the Born
    G_sigma(k) = 1/(E + sigma M - eps_k +- i gamma_sigma) and the ladder of the transverse channel,
    whose rung is Gamma_0 - Gamma_par (the transverse impurity components turn sigma^+ into sigma^-
    and drop out), the expansion to first order in gamma/M and Gamma/M gives
    ``pi M^2 X^xx = (nu_up gamma_down + nu_down gamma_up)/2 - pi (Gamma_0 - Gamma_par) nu_up nu_down``
    (bare bubble, then vertex correction).  With :func:`born_broadening`, Gamma_0 cancels and
    pi M^2 X^xx = alpha_S.  Checks: exact diagonalization of disordered chains; the golden rule in
    the rotating frame (isotropic spins: power pi Gamma (nu_up + nu_down)^2 |dn/dt|^2); the ratio
    longitudinal-only / transverse-only spins of equal variance, 2 nu_up nu_down/(nu_up^2 + nu_down^2).

    Parameters
    ----------
    nu_up, nu_down : float or array_like
    magnetic : (float, float)
        (Gamma_perp, Gamma_par).
    onsite : float, optional
        Gamma_0; it drops out unless ``vertex_corrections`` is False.
    vertex_corrections : bool, optional
        False gives the bare bubble, pi [(Gamma_0 + Gamma_par) nu_up nu_down + Gamma_perp
        (nu_up^2 + nu_down^2)], for lattice calculations without ladder corrections (which damp
        spuriously with non-magnetic disorder).  A Python or NumPy bool (anything else: ValueError).

    Returns
    -------
    float or ndarray
        alpha_S, in units of t (damping torque per site per unit dn/dt).
    """
    perp, par = _magnetic(magnetic)
    g0 = float(_real(onsite, "onsite", nonnegative=True))
    up, down = _nu(nu_up, nu_down)
    longitudinal = 2 * par if _flag(vertex_corrections, "vertex_corrections") else g0 + par
    return _out(np.pi * (longitudinal * up * down + perp * (up ** 2 + down ** 2)))



# ---------------------------------------------------------------------------- one-call summary
@dataclass(frozen=True)
class TwoCurrentModel:
    """Seed-formula values for a uniform ferromagnet (:func:`two_current_model`); pairs are (up, down)."""

    nu: Tuple[float, float]
    broadening: Tuple[float, float]
    lifetime: Tuple[float, float]
    mean_square_velocity: Tuple[float, float]
    diffusion: Tuple[float, float]
    conductivity: Tuple[float, float]
    current_polarization: float
    spin_flip_rate: Tuple[float, float]
    spin_diffusion_length: Tuple[float, float]
    spin_diffusion_length_combined: float
    beta: float
    beta_anisotropic: float
    gilbert_damping: float


def two_current_model(fermi_energy, exchange, dim: int, *, hopping=1.0, onsite=0.0, magnetic=(0.0, 0.0)):
    """All the seed quantities of a uniform ferromagnet with on-site and magnetic-impurity disorder.

    nu_sigma (:func:`spin_dos`), gamma_sigma and tau_sigma = 1/(2 gamma_sigma)
    (:func:`born_broadening`), <v_x^2>_sigma, D_sigma = tau_sigma <v_x^2>_sigma, sigma_sigma =
    nu_sigma D_sigma, P_j, spin-flip rates and diffusion lengths (seed 000 Eqs. 110-112), beta
    (seed 000 Eq. 94), beta_anisotropic (seed 001 Eq. 83; nan at its pole, P_j = 0 with
    Gamma_perp != Gamma_par and nu_up != nu_down) and alpha_S
    (:func:`gilbert_damping`).  Scalars only; E_F +- M must both lie inside the band (finite DOS)
    and some disorder is needed.
    """
    e = float(_real(fermi_energy, "fermi_energy"))
    m = float(_real(exchange, "exchange", positive=True))
    nu: Tuple[float, float] = spin_dos(e, m, dim, hopping)
    if not all(0 < x < math.inf for x in nu):
        raise ValueError(f"fermi_energy +- exchange must lie inside the band (both spins at E_F), got {e} +- {m}")
    gam = born_broadening(*nu, onsite=onsite, magnetic=magnetic)
    if min(gam) <= 0:
        raise ValueError("two_current_model needs disorder: onsite or magnetic variances > 0")
    tau = tuple(1 / (2 * g) for g in gam)
    v2 = tuple(mean_square_velocity(e + s * m, dim, hopping) for s in (1, -1))
    diff = tuple(t * v for t, v in zip(tau, v2))
    cond = tuple(n * d for n, d in zip(nu, diff))
    pj = current_polarization(*cond)
    rates = spin_flip_rates(*nu, magnetic=magnetic)
    lengths = spin_diffusion_lengths(*diff, *rates)
    perp, par = _magnetic(magnetic)
    aniso = (beta_spin_flip_anisotropic(*nu, m, magnetic=magnetic, current_polarization=pj)
             if pj != 0 or (perp - par) * (nu[0] - nu[1]) == 0 else math.nan)
    return TwoCurrentModel(nu, gam, tau, v2, diff, cond, pj, rates, lengths[:2], lengths[2],
                           beta_spin_flip(*nu, m, magnetic=magnetic), aniso,
                           gilbert_damping(*nu, magnetic=magnetic))


def mean_free_path(fermi_energy, exchange, dim: int, *, hopping=1.0, onsite=0.0, magnetic=(0.0, 0.0)):
    """(l_up, l_down): v_sigma tau_sigma with v_sigma = sqrt(d <v_x^2>_sigma) the rms Fermi speed
    and tau_sigma = 1/(2 gamma_sigma) from the Born rates (seed 000 Eq. 9).  Scalars; inf for a spin
    band without scattering (gamma_sigma = 0)."""
    nu = spin_dos(fermi_energy, exchange, dim, hopping)
    if not all(math.isfinite(x) for x in nu):
        raise ValueError(f"fermi_energy +- exchange must avoid the divergences of the DOS, got {fermi_energy!r} "
                         f"+- {exchange!r}")
    gammas = born_broadening(*nu, onsite=onsite, magnetic=magnetic)
    out = []
    for sigma, gamma in zip((1, -1), gammas):
        v2 = mean_square_velocity(fermi_energy + sigma * exchange, dim, hopping)
        out.append(float(np.sqrt(dim * v2) / (2 * gamma)) if gamma > 0 else float("inf"))
    return tuple(out)


def thermal_coefficients(fermi_energy, exchange, dim: int, *, hopping=1.0, onsite=0.0, magnetic=(0.0, 0.0),
                         step=1e-3):
    """sigma_s = sigma_up - sigma_down, sigma_c = sigma_up + sigma_down and beta (seed 004 Eqs. 61-62
    with the lattice band, :func:`two_current_model`) with their energy derivatives (central
    differences of ``step``) at eps_F: a dict of the inputs of seed 004 Eqs. 68-74
    (:func:`spintex.continuum.thermal_beta`, :func:`spintex.continuum.spin_seebeck`)."""
    e = float(_real(fermi_energy, "fermi_energy"))
    h = float(_real(step, "step", positive=True))
    out = {}
    for k, x in ((-1, e - h), (0, e), (1, e + h)):
        tc = two_current_model(x, exchange, dim, hopping=hopping, onsite=onsite, magnetic=magnetic)
        out[k] = (tc.conductivity[0] - tc.conductivity[1], sum(tc.conductivity), tc.beta)
    names = ("sigma_s", "sigma_c", "beta")
    result = {name: out[0][j] for j, name in enumerate(names)}
    result.update({f"d{name}": (out[1][j] - out[-1][j]) / (2 * h) for j, name in enumerate(names)})
    return result
