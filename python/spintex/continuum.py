"""The seed papers' formulas as functions of lattice parameters (reference values for spintex).

Units and signs follow CONVENTIONS.md: hbar = e = a = k_B = 1, energies in units of the hopping t,
Pauli spin densities, ``H = -t hop - M n.sigma``, so the spin-sigma band is ``eps(k) - sigma M``
(sigma = +1 majority, along n) and ``nu_sigma = rho(E_F + sigma M)``.  Densities of states are per
site and per spin; variances are the per-site Born variances of CONVENTIONS.md: ``onsite`` =
Gamma_0 and ``magnetic = (Gamma_perp, Gamma_par)``.  Seeds (``seeds/README.md``): 000 Shibata &
Kohno, 001 Tatara et al., 002 Nakabayashi et al., 004 Kohno et al.

Band: ``eps(k) = -2t sum_i cos k_i`` on the chain (d = 1), square (2) and simple-cubic (3)
lattices, velocity ``v_i = 2t sin k_i``.  Weak-disorder transport of each spin channel (point
scatterers: the transport time is the Born lifetime) gives ``D_sigma = tau_sigma <v_x^2>_sigma``
and ``sigma_sigma = nu_sigma D_sigma``, ``<v_x^2>`` the Fermi-surface average
(:func:`mean_square_velocity`): v_F^2/d in the continuum, 4t^2 - E^2 on the chain.
Scalars in give floats out; arrays broadcast.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple, Tuple, Union

import numpy as np
from scipy import integrate, interpolate, special

__all__ = [
    "dos", "spin_dos", "transport_dos", "mean_square_velocity", "diffusion_constant",
    "born_broadening", "spin_flip_rates", "spin_diffusion_lengths", "current_polarization",
    "beta_spin_flip", "beta_spin_flip_anisotropic", "gilbert_damping",
    "SocBornRates", "soc_born_rates", "soc_relaxation_torque", "spin_amr", "spin_amr_ratio",
    "anisotropic_beta", "SOC_BETA_ANISOTROPY",
    "spin_motive_field", "spin_motive_current", "adiabatic_torque",
    "mott_thermal_torque", "sommerfeld_thermal_torque", "TwoCurrentModel", "two_current_model",
]

ArrayLike = Union[float, np.ndarray]

#: dbeta/beta of spin-orbit impurities, seed 002 Eq. 46.
SOC_BETA_ANISOTROPY = -0.2


# ---------------------------------------------------------------------------- input checks
def _real(value, name: str, *, positive=False, nonnegative=False) -> np.ndarray:
    try:
        x = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be real, got {value!r}") from None
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and not np.all(x > 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonnegative and not np.all(x >= 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def _dim(dim) -> int:
    if isinstance(dim, bool) or dim not in (1, 2, 3):
        raise ValueError(f"dim must be 1, 2 or 3, got {dim!r}")
    return int(dim)


def _hopping(hopping) -> float:
    return float(_real(hopping, "hopping", positive=True))


def _magnetic(magnetic) -> Tuple[float, float]:
    try:
        perp, par = magnetic
    except (TypeError, ValueError):
        raise ValueError(f"magnetic must be a pair (Gamma_perp, Gamma_par), got {magnetic!r}") from None
    return (float(_real(perp, "magnetic[0] (Gamma_perp)", nonnegative=True)),
            float(_real(par, "magnetic[1] (Gamma_par)", nonnegative=True)))


def _nu(nu_up, nu_down):
    return _real(nu_up, "nu_up", nonnegative=True), _real(nu_down, "nu_down", nonnegative=True)


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ---------------------------------------------------------------------------- band structure
def _tanh_sinh(h=1.0 / 32, tmax=4.5):
    """Tanh-sinh rule on [-1, 1]: distances of the nodes from -1 and from +1, and the weights."""
    s = np.arange(-tmax, tmax + h / 2, h)
    u = 0.5 * np.pi * np.sinh(s)
    weights = h * 0.5 * np.pi * np.cosh(s) / np.cosh(u) ** 2
    return 2.0 / (np.exp(-2 * u) + 1), 2.0 / (np.exp(2 * u) + 1), weights


_FROM_LEFT, _FROM_RIGHT, _WEIGHTS = _tanh_sinh()
_LEFT = _FROM_LEFT <= _FROM_RIGHT


def _square_dos(u, t):
    p = np.clip((u / (4 * t)) ** 2, 1e-300, 1.0)
    return special.ellipkm1(p) / (2 * np.pi ** 2 * t)


def _square_transport(u, t):
    p = np.clip((u / (4 * t)) ** 2, 1e-300, 1.0)
    return 4 * t / np.pi ** 2 * (special.ellipe(1 - p) - p * special.ellipkm1(p))


def _fold_chain(func, energy, t):
    """(1/pi) int_0^pi func(E - 2t cos phi) dphi: adds a chain direction to a square-lattice function.

    The square-lattice functions have a log singularity at u = 0 and end at u = +-4t; the phi
    interval is cut there and each piece integrated by tanh-sinh, with u computed from the nearer
    cut (u - u_c = 4t sin((phi + phi_c)/2) sin((phi - phi_c)/2)) so no precision is lost near it.
    """
    e = energy.ravel()
    phis, us = [np.zeros_like(e), np.full_like(e, np.pi)], [e - 2 * t, e + 2 * t]
    for level in (-4 * t, 0.0, 4 * t):
        inside = np.abs(e - level) < 2 * t
        phis.append(np.where(inside, np.arccos(np.clip((e - level) / (2 * t), -1, 1)), np.inf))
        us.append(np.full_like(e, level))
    phi, u = np.stack(phis, 1), np.stack(us, 1)
    order = np.argsort(phi, axis=1)
    phi, u = np.take_along_axis(phi, order, 1), np.take_along_axis(u, order, 1)
    a, b, ua, ub = phi[:, :-1], phi[:, 1:], u[:, :-1], u[:, 1:]
    keep = np.isfinite(b) & (b > a) & (np.abs(ua + ub) < 8 * t)  # pieces inside the square band
    row = np.nonzero(keep)[0]
    a, b, ua, ub = (x[keep][:, None] for x in (a, b, ua, ub))
    half = 0.5 * (b - a)
    dist = np.where(_LEFT, half * _FROM_LEFT, half * _FROM_RIGHT)
    end, u_end, sign = np.where(_LEFT, a, b), np.where(_LEFT, ua, ub), np.where(_LEFT, 1.0, -1.0)
    nodes = u_end + 4 * t * np.sin(end + sign * dist / 2) * np.sin(sign * dist / 2)
    pieces = half[:, 0] * np.sum(_WEIGHTS * func(nodes, t), axis=1)
    return (np.bincount(row, weights=pieces, minlength=e.size) / np.pi).reshape(energy.shape)


def dos(energy, dim: int, hopping: float = 1.0):
    """Density of states per site and spin of the band eps(k) = -2t sum_i cos k_i.

    - chain: ``rho(E) = 1 / (pi sqrt(4t^2 - E^2))``;
    - square: ``rho(E) = K(1 - E^2/16t^2) / (2 pi^2 t)``, K the complete elliptic integral of the
      first kind (parameter m); 1/(4 pi t) at the band edges, ln(16t/|E|)/(2 pi^2 t) as E -> 0;
    - simple cubic: ``rho3(E) = (1/pi) int_0^pi rho2(E - 2t cos phi) dphi`` (chain + square
      lattice), by tanh-sinh quadrature cut at the singular points of rho2.  Accuracy ~1e-13
      relative against 40-digit quadrature at every energy tested, van Hove points E = +-2t included.

    ``nu_sigma`` of the seeds is ``dos(E_F + sigma M)`` (:func:`spin_dos`).

    Parameters
    ----------
    energy : float or array_like
    dim : {1, 2, 3}
    hopping : float, optional
        t > 0.

    Returns
    -------
    float or ndarray
        rho(E); zero outside [-2dt, 2dt], +inf at the chain's band edges and at E = 0 on the
        square lattice (the physical divergences).
    """
    d, t = _dim(dim), _hopping(hopping)
    e = _real(energy, "energy")
    if d == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(np.abs(e) <= 2 * t, 1 / (np.pi * np.sqrt(np.maximum(4 * t * t - e * e, 0))), 0.0)
    elif d == 2:
        rho = np.where(np.abs(e) <= 4 * t, np.where(e == 0, np.inf, _square_dos(e, t)), 0.0)
    else:
        rho = _fold_chain(_square_dos, e, t)
    return _out(rho)


def transport_dos(energy, dim: int, hopping: float = 1.0):
    """Velocity-weighted DOS ``Phi(E) = (1/N) sum_k v_x(k)^2 delta(E - eps_k)``, v_x = 2t sin k_x.

    The conductivity of one spin channel at lifetime tau is ``Phi(E) tau``.  Integrating
    v_x^2 delta(E - eps) by parts in k_x gives ``Phi(E) = -(1/d) int_{-2dt}^E eps rho(eps) deps``,
    hence ``Phi1 = sqrt(4t^2 - E^2)/pi`` and, with x = E/4t and parameter-m elliptic integrals,
    ``Phi2 = (4t/pi^2) [E(1 - x^2) - x^2 K(1 - x^2)]``; ``Phi3(E) = (1/pi) int_0^pi Phi2(E - 2t
    cos phi) dphi`` as in :func:`dos`.  Arguments as in :func:`dos`; zero outside the band.
    """
    d, t = _dim(dim), _hopping(hopping)
    e = _real(energy, "energy")
    if d == 1:
        phi = np.sqrt(np.maximum(4 * t * t - e * e, 0)) / np.pi
    elif d == 2:
        phi = np.where(np.abs(e) < 4 * t, _square_transport(e, t), 0.0)
    else:
        phi = _fold_chain(_square_transport, e, t)
    return _out(phi)


def mean_square_velocity(energy, dim: int, hopping: float = 1.0):
    """Fermi-surface average ``<v_x^2>(E) = Phi(E) / rho(E)`` (:func:`transport_dos`, :func:`dos`).

    Chain: 4t^2 - E^2.  Near any band bottom the continuum value v_F^2/d = 4t (E + 2dt)/d
    (m = 1/2t).  Zero at the band edges, at the square lattice's E = 0 (the log-divergent DOS comes
    from saddle points where v = 0) and outside the band.  Arguments as in :func:`dos`.
    """
    d, t = _dim(dim), _hopping(hopping)
    e = _real(energy, "energy")
    if d == 1:
        return _out(np.where(np.abs(e) < 2 * t, 4 * t * t - e * e, 0.0))
    rho, phi = np.asarray(dos(e, d, t)), np.asarray(transport_dos(e, d, t))
    good = (rho > 0) & np.isfinite(rho)
    return _out(np.where(good, phi / np.where(good, rho, 1.0), 0.0))


def spin_dos(fermi_energy, exchange, dim: int, hopping: float = 1.0):
    """The seeds' spin-resolved DOS per site, ``(nu_up, nu_down) = (rho(E_F + M), rho(E_F - M))``.

    The spin-sigma band is eps(k) - sigma M (H = -M n.sigma, majority sigma = +1 along n): the
    seeds' ``eps_F,sigma = eps_F + sigma M`` (seed 000 Eq. 8).

    Parameters
    ----------
    fermi_energy : float or array_like
    exchange : float or array_like
        M >= 0 (M < 0 would make the minority spin parallel to n).
    dim, hopping
        As in :func:`dos`.

    Returns
    -------
    (nu_up, nu_down)
    """
    e = _real(fermi_energy, "fermi_energy")
    m = _real(exchange, "exchange", nonnegative=True)
    return dos(e + m, dim, hopping), dos(e - m, dim, hopping)


def diffusion_constant(energy, lifetime, dim: int, hopping: float = 1.0):
    """Diffusion constant ``D = tau <v_x^2>_FS`` of one spin channel at energy E.

    Kubo-Bastin at lowest order in 1/tau with a k-independent Born self-energy: the ladder
    correction of the current vertex vanishes (v is odd in k) and ``sigma = (1/pi N) sum_k v_x^2
    (Im G^R)^2 = Phi(E) tau``; Einstein's sigma = nu D then gives D = tau Phi/rho = tau <v_x^2>
    (continuum: v_F^2 tau/d; chain: (4t^2 - E^2) tau).  Seed 000's D_sigma at E = E_F + sigma M.

    Parameters
    ----------
    energy : float or array_like
        E_F + sigma M for the spin-sigma channel.
    lifetime : float or array_like
        tau_sigma = 1/(2 gamma_sigma) > 0 (:func:`born_broadening`).
    dim, hopping
        As in :func:`dos`.
    """
    tau = _real(lifetime, "lifetime", positive=True)
    return _out(tau * np.asarray(mean_square_velocity(energy, dim, hopping)))


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
    seed 000's pi Gamma_par nu_+/M).  Arguments as in :func:`beta_spin_flip`, plus P_j in [-1, 1] \\ {0}.
    """
    perp, par = _magnetic(magnetic)
    p = _real(current_polarization, "current_polarization")
    if not np.all((np.abs(p) <= 1) & (p != 0)):
        raise ValueError(f"current_polarization must be in [-1, 1] and non-zero, got {current_polarization!r}")
    up, down = _nu(nu_up, nu_down)
    m = _real(exchange, "exchange", positive=True)
    return _out(np.pi / m * ((perp + par) * (up + down) + (perp - par) * (up - down) / p))


def gilbert_damping(nu_up, nu_down, *, magnetic, onsite=0.0, vertex_corrections=True):
    """Gilbert damping by magnetic impurities of a slowly rotating uniform n, per site (seed 001 Eq. 82).

    ``alpha_S = pi [2 Gamma_par nu_up nu_down + Gamma_perp (nu_up^2 + nu_down^2)] > 0``, defined by
    the torque ``T = M n x s = -alpha_S n x dn/dt``, i.e. the non-equilibrium spin density
    ``s = -(alpha_S/M) dn/dt``.  With S dn/dt = T (CONVENTIONS.md) this is the Gilbert term of the
    direction of an angular momentum, ``-alpha S n x dn/dt`` (alpha_S = alpha S); the electrons
    absorb the power -M dn/dt . s = alpha_S |dn/dt|^2.  It is seed 001's alpha_sf with
    n_s u_s^2 S_z^2 -> Gamma_par, n_s u_s^2 S_perp^2 -> Gamma_perp, a^3 = 1: its Eq. 84 reads
    s = -alpha_sf dn/dt / Delta (its torque, tau = -Delta n x s, has the opposite sign to T).

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
        spuriously with non-magnetic disorder).

    Returns
    -------
    float or ndarray
        alpha_S, in units of t (damping torque per site per unit dn/dt).
    """
    perp, par = _magnetic(magnetic)
    g0 = float(_real(onsite, "onsite", nonnegative=True))
    up, down = _nu(nu_up, nu_down)
    longitudinal = 2 * par if vertex_corrections else g0 + par
    return _out(np.pi * (longitudinal * up * down + perp * (up ** 2 + down ** 2)))


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
    nu = [np.asarray(dos(e + s * m, d, t)) for s in (1, -1)]
    w = [np.asarray(mean_square_velocity(e + s * m, d, t)) / (4 * t * t) for s in (1, -1)]
    active = {1: [], 2: [2], 3: [0, 1, 2]}[d]
    par, flip = sum(n2[a] for a in active), sum(1 - n2[a] for a in active)
    gam = [2 * np.pi * g * (par * w[i] ** 2 * nu[i] + flip * w[i] * w[1 - i] * nu[1 - i]) for i in (0, 1)]
    rate = [4 * np.pi * g * flip * w[0] * w[1] * nu[1 - i] for i in (0, 1)]
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

    ``sigma_s`` is the full sigma_s0 + delta_sigma_s; the ratio equals delta_sigma_s/sigma_s0.
    """
    r = _real(delta_sigma_s, "delta_sigma_s") / _real(sigma_s, "sigma_s")
    return _out(r / (1 - r))


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
        n on the sites.
    current_direction : 3-vector, optional
    anisotropy : float, optional
        dbeta/beta.
    """
    b = _real(beta, "beta")
    n = _real(direction, "direction")
    j = _real(current_direction, "current_direction")
    if n.shape[-1:] != (3,) or j.shape != (3,) or not np.linalg.norm(j) > 0:
        raise ValueError("direction must have shape (..., 3) and current_direction be a non-zero 3-vector")
    cos2 = (n @ j) ** 2 / (np.sum(n * n, axis=-1) * (j @ j))
    return _out(b * (1 + float(_real(anisotropy, "anisotropy")) * cos2))


# ---------------------------------------------------------------------------- texture dynamics
def spin_motive_field(n, dn_dx, dn_dt, beta=0.0):
    """Spin motive field ``E_s,i = (1/2) [n . (d_i n x d_t n) + beta d_t n . d_i n]``, seed 000 Eq. 102.

    The seed's (hbar/2e){-n.(dn/dt x d_i n) + beta dn/dt . d_i n} with hbar = e = 1.  Spin-sigma
    electrons feel the field sigma E_s (Eq. 105: force -sigma E_s on charge -1).  A rigidly moving
    texture (dn/dt = -v d_x n) has no reactive part and E_s,x = -beta v (d_x n)^2 / 2; a wall
    precessing at dphi/dt has int E_s,x dx = dphi/dt for theta from 0 to pi (Berger's hbar omega/e).

    Parameters
    ----------
    n : array_like, shape (..., 3)
        Unit vectors.
    dn_dx : array_like, shape (..., 3)
        d_i n along the direction i of the field component wanted.
    dn_dt : array_like, shape (..., 3)
    beta : float, optional

    Returns
    -------
    float or ndarray, shape (...)
    """
    n, dx, dt = (_real(a, name) for a, name in ((n, "n"), (dn_dx, "dn_dx"), (dn_dt, "dn_dt")))
    if not all(a.shape[-1:] == (3,) for a in (n, dx, dt)):
        raise ValueError("n, dn_dx and dn_dt must have a last axis of length 3")
    if not np.allclose(np.sum(n * n, axis=-1), 1.0, atol=1e-6):
        raise ValueError("n must be unit vectors")
    b = _real(beta, "beta")
    return _out(0.5 * (np.sum(n * np.cross(dx, dt), axis=-1) + b * np.sum(dt * dx, axis=-1)))


def spin_motive_current(field, sigma_up, sigma_down):
    """Particle current driven by a spin motive field, ``j = -(sigma_up - sigma_down) E_s`` (seed 000 Eq. 3).

    Seed 000's charge current is ``sigma_s E_s`` (sigma_s = sigma_up - sigma_down, e = 1); spintex
    states particle currents, -1 times the charge current of electrons.  sigma_sigma =
    nu_sigma D_sigma per unit cross-section (:func:`transport_dos` times tau_sigma).
    """
    s = _real(sigma_up, "sigma_up", nonnegative=True) - _real(sigma_down, "sigma_down", nonnegative=True)
    return _out(-s * _real(field, "field"))


def adiabatic_torque(j_up, j_down, beta=0.0):
    """Adiabatic torque ``A = -(1/2)(j_up - j_down) / (1 + beta^2)`` (CONVENTIONS.md; seed 001 Eq. 47).

    The coefficient of the fit ``T = A d_x n + B n x d_x n`` (B = beta A) for particle currents
    j_up, j_down of majority and minority spins flowing along +x: the transverse spin balance
    ``M n x ds + ds/(2 tau_perp) = -(j_up - j_down) d_x n / 2`` solved for ds, with
    beta = 1/(2 M tau_perp), gives T = M n x ds = A (d_x n + beta n x d_x n).
    """
    b = _real(beta, "beta")
    return _out(-0.5 * (_real(j_up, "j_up") - _real(j_down, "j_down")) / (1 + b * b))


# ---------------------------------------------------------------------------- thermal torques
def _derivative(torque, fermi_energy, step):
    if callable(torque):
        h = float(_real(1e-3 if step is None else step, "step", positive=True))
        f = [np.asarray(torque(fermi_energy + k * h), dtype=float) for k in (-2, -1, 1, 2)]
        return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
    try:
        energies, values = torque
    except (TypeError, ValueError):
        raise ValueError("torque must be a callable t_el(eps_F) or a pair (energies, values)") from None
    energies, values = _real(energies, "energies"), _real(values, "values")
    if energies.ndim != 1 or energies.size < 4 or values.shape[:1] != energies.shape \
            or np.any(np.diff(energies) <= 0):
        raise ValueError("energies must be increasing with >= 4 points, values of shape (len(energies), ...)")
    if not energies[0] <= fermi_energy <= energies[-1]:
        raise ValueError(f"fermi_energy must lie in [{energies[0]}, {energies[-1]}], got {fermi_energy}")
    return interpolate.CubicSpline(energies, values, axis=0).derivative()(fermi_energy)


def mott_thermal_torque(torque, fermi_energy, temperature, *, step=None):
    """Mott formula for thermal torques, seed 004 Eq. 66: ``t_th = (pi^2/3) (k_B T)^2 dt_el/deps_F``.

    Exact for t_el quadratic in energy; otherwise the leading term of the Sommerfeld expansion of
    :func:`sommerfeld_thermal_torque` (corrections O(T^4)).

    Parameters
    ----------
    torque : callable or (array_like, array_like)
        t_el(eps_F) per unit eE, of any shape (torque coefficients (A, B), a torque map, ...):
        a callable (5-point central difference with ``step``) or samples ``(energies, values)``
        with values of shape (len(energies), ...) (cubic-spline derivative).
    fermi_energy : float
    temperature : float
        k_B T >= 0 in units of t.
    step : float, optional
        Finite-difference step for a callable, default 1e-3.

    Returns
    -------
    float or ndarray
        t_th per unit grad T / T (eE -> grad T / T).
    """
    e = float(_real(fermi_energy, "fermi_energy"))
    temp = float(_real(temperature, "temperature", nonnegative=True))
    return _out(np.pi ** 2 / 3 * temp ** 2 * _derivative(torque, e, step))


def sommerfeld_thermal_torque(torque: Callable, fermi_energy, temperature):
    """``t_th = int deps (-df/deps) (eps - mu) t_el(eps)`` at temperature T, seed 004 Eq. 63.

    The energy-resolved relation behind :func:`mott_thermal_torque`, integrated numerically over
    |eps - mu| < 60 k_B T for a callable t_el (any output shape); Eq. 66 is its low-T limit.
    """
    if not callable(torque):
        raise ValueError("torque must be a callable t_el(energy)")
    mu = float(_real(fermi_energy, "fermi_energy"))
    temp = float(_real(temperature, "temperature", nonnegative=True))
    if temp == 0:
        return _out(0.0 * np.asarray(torque(mu), dtype=float))
    kernel = lambda x: x / (4 * np.cosh(x / 2) ** 2) * np.asarray(torque(mu + temp * x), dtype=float)
    return _out(temp * integrate.quad_vec(kernel, -60, 60, epsabs=1e-13, epsrel=1e-11)[0])


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
    (seed 000 Eq. 94), beta_anisotropic (seed 001 Eq. 83; nan if P_j = 0) and alpha_S
    (:func:`gilbert_damping`).  Scalars only; E_F +- M must both lie inside the band (finite DOS)
    and some disorder is needed.
    """
    e = float(_real(fermi_energy, "fermi_energy"))
    m = float(_real(exchange, "exchange", positive=True))
    nu = spin_dos(e, m, dim, hopping)
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
    aniso = (beta_spin_flip_anisotropic(*nu, m, magnetic=magnetic, current_polarization=pj)
             if pj != 0 else math.nan)
    return TwoCurrentModel(nu, gam, tau, v2, diff, cond, pj, rates, lengths[:2], lengths[2],
                           beta_spin_flip(*nu, m, magnetic=magnetic), aniso,
                           gilbert_damping(*nu, magnetic=magnetic))
