"""Moving textures and thermal torques: spin motive field (seed 000), adiabatic torque,
Mott relation (seed 004)."""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import integrate, interpolate

from ._checks import _nonzero, _out, _real


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


def thermal_beta(sigma_s, dsigma_s, beta, dbeta, *, circuit="closed", sigma_c=None, dsigma_c=None):
    """beta_T of a temperature gradient, seed 004 Eqs. 72 (closed) and 74 (open circuit).

    Closed: ``beta_T = beta + beta' sigma_s / sigma_s'``.  Open (the Seebeck field cancels the
    charge current): ``beta_T = beta + beta' / (sigma_s'/sigma_s - sigma_c'/sigma_c)``.  Primes are
    energy derivatives at eps_F; only the ratios sigma'/sigma enter, so any normalization of the
    conductivities (per unit cross-section, per unit field, a wire's conductance) works.  Both
    follow from the Mott formula of t_el = (sigma_s/2)(d_x n + beta n x d_x n) E (Eq. 59): closed,
    t_th ~ (sigma_s beta)' / sigma_s'; open, the internal field E = -S_c grad T adds
    -(sigma_c'/sigma_c) t_el.

    beta_T = B_T/A_T diverges where the adiabatic thermal torque A_T vanishes: ValueError for
    dsigma_s = 0 (closed) or sigma_s'/sigma_s = sigma_c'/sigma_c (open); sigma_c must be non-zero.
    sigma_s = 0 is allowed (open circuit: the limit beta_T = beta).
    """
    s, ds = _real(sigma_s, "sigma_s"), _real(dsigma_s, "dsigma_s")
    b, db = _real(beta, "beta"), _real(dbeta, "dbeta")
    if circuit == "closed":
        _nonzero(ds, "dsigma_s", "beta_T diverges when sigma_s does not vary with energy")
        return _out(b + db * s / ds)
    if circuit != "open":
        raise ValueError(f"circuit must be 'closed' or 'open', got {circuit!r}")
    if sigma_c is None or dsigma_c is None:
        raise ValueError("circuit='open' needs sigma_c and dsigma_c (the charge conductivity, its energy "
                         "derivative)")
    c, dc = _real(sigma_c, "sigma_c"), _real(dsigma_c, "dsigma_c")
    _nonzero(c, "sigma_c", "the charge Seebeck coefficient divides by it")
    # beta' / (sigma_s'/sigma_s - sigma_c'/sigma_c), multiplied through by sigma_s sigma_c
    seebeck_difference = ds * c - s * dc    # sigma_s sigma_c (S_s - S_c) / (pi^2 T / 3)
    if np.any(seebeck_difference == 0):
        raise ValueError("dsigma_s/sigma_s must differ from dsigma_c/sigma_c in the open circuit (beta_T diverges "
                         f"there), got sigma_s={sigma_s!r}, dsigma_s={dsigma_s!r}, sigma_c={sigma_c!r}, "
                         f"dsigma_c={dsigma_c!r}")
    return _out(b + db * s * c / seebeck_difference)


def spin_seebeck(sigma, dsigma, temperature):
    """Seebeck coefficient of a conductivity, seed 004 Eq. 68: ``S = (pi^2/3) T sigma'/sigma``
    (k_B = e = 1; S_s from sigma_s, S_c from sigma_c).  The open-circuit chemical-potential
    difference per unit dT is dmu/dT = -S_c (a lead-to-lead Seebeck coefficient of a wire).
    sigma must be non-zero (ValueError)."""
    temp = float(_real(temperature, "temperature", nonnegative=True))
    sig = _nonzero(_real(sigma, "sigma"), "sigma", "S = (pi^2/3) T sigma'/sigma")
    return _out(np.pi ** 2 / 3 * temp * _real(dsigma, "dsigma") / sig)
