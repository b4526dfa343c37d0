"""The Hall effect of spin chirality (seed 001 Eq. 77) and its lattice counterpart.

Seed 001 Eq. 77: in the adiabatic limit a texture acts on the conduction electrons of spin sigma
(along n) as the emergent magnetic field b_sigma = sigma Omega / 2, Omega = n . (d_x n x d_y n)
(hbar = e = 1: a skyrmion, int Omega dA = 4 pi Q, carries the flux 2 pi Q, Q flux quanta), with the
normal Hall coefficient 1/n of a parabolic band (Mori formula; Eq. 78 is its momentum balance):

    rho_xy = (n_+ - n_-) / (2 n^2) Omega.

On a cylinder (docs/physics.md, section 18) the total transverse current measures the Hall angle
integrated over the strip, I_y W / I_x = int sigma_xy / sigma dA, so a half metal (n_- = 0) with a
skyrmion gives Theta / (2 pi Q) = sigma / n by Eq. 77 (:func:`eq77_hall_angle`).  On the square
lattice the band's Hall coefficient is not 1/n: Boltzmann's weak-field Hall conductivity of a band
with a constant lifetime tau (point scatterers) gives sigma_xy / (sigma b) = mu_H, the Hall
mobility (:func:`hall_mobility`), so Theta / (2 pi Q) = mu_H; at low filling mu_H -> tau / m = 2 t
tau = sigma / n and the two agree.  ``lifetime`` tau = 1 / (2 gamma) with gamma = -Im Sigma, the
self-consistent Born self-energy of the square band (:func:`square_scba`) for the comparison with
the lattice's SCBA.
"""
from __future__ import annotations

import numpy as np
from scipy import integrate

from ._checks import _real
from .bands import dos, mean_square_velocity


def _fermi_line(energy: float, hopping: float, func) -> float:
    """The Fermi-line integral of func(kx, cos ky) / |d eps/d ky| over the quarter kx in [0, pi],
    both ky branches (the square band is symmetric under kx -> -kx, ky -> -ky):
    int dkx func / (2t |sin ky|) with cos ky = -E/2t - cos kx."""
    c = -energy / (2.0 * hopping)
    lo, hi = max(c - 1.0, -1.0), min(c + 1.0, 1.0)  # cos kx must leave |cos ky| <= 1
    if not lo < hi:
        raise ValueError(f"energy {energy!r} lies outside the square band (|E| < 4t = {4 * hopping:g})")
    a, b = np.arccos(hi), np.arccos(lo)

    # kx = a + (b - a)(1 - cos phi)/2: dkx ~ sin phi removes the 1/sqrt(1 - cos^2 ky) ends
    def integrand(phi):
        kx = a + 0.5 * (b - a) * (1.0 - np.cos(phi))
        cy = c - np.cos(kx)
        jacobian = 0.5 * (b - a) * np.sin(phi)
        return func(kx, cy) * jacobian / (2.0 * hopping * np.sqrt(max(1.0 - cy * cy, 1e-300)))

    value, _ = integrate.quad(integrand, 0.0, np.pi, limit=400, epsabs=0.0, epsrel=1e-10)
    return value


def hall_mobility(energy, lifetime, hopping: float = 1.0):
    """mu_H = sigma_xy / (sigma b) of the square band eps = -2t (cos kx + cos ky) at ``energy``
    (weak field b, flux per plaquette; constant ``lifetime`` tau), Boltzmann:

        mu_H = tau <v_x^2 d^2 eps / dk_y^2> / <v_x^2>,   v_x = 2t sin kx,  d^2 eps / dk_y^2 = 2t cos ky,

    averages over the Fermi line weighted by 1/|v| (the off-diagonal d^2 eps / dk_x dk_y vanishes on
    this band).  At the band bottom mu_H -> 2 t tau = tau / m."""
    t = float(_real(hopping, "hopping", positive=True))
    E, tau = _real(energy, "energy"), _real(lifetime, "lifetime", positive=True)

    def one(e, s):
        vx2 = _fermi_line(e, t, lambda kx, cy: (2 * t * np.sin(kx)) ** 2)
        vx2m = _fermi_line(e, t, lambda kx, cy: (2 * t * np.sin(kx)) ** 2 * 2 * t * cy)
        return s * vx2m / vx2

    return np.vectorize(one, otypes=[float])(E, tau)[()]


def square_scba(energy, variance, hopping: float = 1.0, *, tolerance: float = 1e-13) -> complex:
    """The self-consistent Born self-energy Sigma = variance x g(E - Sigma) of the square band
    with on-site disorder of that variance (one spin), g(z) = int d^2k / (2 pi)^2 1 / (z - eps_k):
    the ky integral in closed form, 1 / sqrt(w - 2t) sqrt(w + 2t) with w = z + 2t cos kx (the
    product of principal roots: analytic off [-2t, 2t] and ~ 1/w at infinity), the kx integral by
    the trapezoid rule (periodic: exponentially convergent) on 2^14 points."""
    t = float(_real(hopping, "hopping", positive=True))
    E, g0 = float(_real(energy, "energy")), float(_real(variance, "variance", positive=True))
    kx = 2 * np.pi * (np.arange(2 ** 14) + 0.5) / 2 ** 14
    sigma = -0.5j * g0  # a start inside the causal cone
    for _ in range(10000):
        w = E - sigma + 2 * t * np.cos(kx)
        new = g0 * np.mean(1.0 / (np.sqrt(w - 2 * t) * np.sqrt(w + 2 * t)))
        if abs(new - sigma) < tolerance:
            return complex(new)
        sigma = 0.5 * (sigma + new)
    raise RuntimeError(f"square_scba did not converge at E = {E!r}, variance {g0!r}")


def band_density(energy, hopping: float = 1.0) -> float:
    """Particles per site (one spin) of the square band below ``energy``, n = int d^2k/(2pi)^2
    theta(E - eps_k) (the ky integral in closed form: arccos)."""
    t = float(_real(hopping, "hopping", positive=True))
    E = float(_real(energy, "energy"))
    kx = np.pi * (np.arange(2 ** 14) + 0.5) / 2 ** 14
    c = np.clip(-E / (2 * t) - np.cos(kx), -1.0, 1.0)  # |ky| < arccos(c) is filled
    return float(np.mean(np.arccos(c)) / np.pi)


def square_spin_channels(fermi_energy, exchange, variance, hopping: float = 1.0) -> list:
    """The occupied spin channels of a uniform magnet on the square band with non-magnetic on-site
    disorder of ``variance`` (diagonal in the local frame): for each spin s = +1 (along n), -1
    whose band holds E_F + s M, the tuple (s, shifted energy E_F + s M - Re Sigma_s, SCBA lifetime
    tau_s, conductivity sigma_s = nu_s <v_x^2>_s tau_s, density n_s per site).  ValueError if no
    band is occupied."""
    t = float(_real(hopping, "hopping", positive=True))
    E, M = float(_real(fermi_energy, "fermi_energy")), float(_real(exchange, "exchange"))
    channels = []
    for s in (1, -1):
        e = E + s * M
        if not -4 * t < e < 4 * t:
            continue
        sigma_s = square_scba(e, variance, t)
        tau, shifted = -0.5 / sigma_s.imag, e - sigma_s.real
        conductivity = float(dos(shifted, 2, t) * mean_square_velocity(shifted, 2, t)) * tau
        channels.append((s, shifted, tau, conductivity, band_density(shifted, t)))
    if not channels:
        raise ValueError(f"no band is occupied at fermi_energy={E!r} with exchange={M!r} (|E_F +- M| < 4t)")
    return channels


def topological_hall_angle(fermi_energy, exchange, variance, hopping: float = 1.0) -> float:
    """Theta / (2 pi Q) of a skyrmion on a cylinder in the two-current emergent-field picture: each
    spin s (+1 along n) feels b_s = s Omega / 2 and has its own band, lifetime, conductivity
    sigma_s and Hall mobility mu_s (:func:`square_spin_channels`, :func:`hall_mobility`), so

        Theta / (2 pi Q) = sum_s s sigma_s mu_s / sum_s sigma_s

    (a spin whose band is empty at E_F does not count).  Eq. 77 is the parabolic, equal-lifetime
    case, sigma (n_+ - n_-) / n^2; on the lattice the minority electrons, nearer their band bottom,
    can have the larger mobility and reverse the sign (docs/validation.md)."""
    t = float(_real(hopping, "hopping", positive=True))
    channels = square_spin_channels(fermi_energy, exchange, variance, t)
    weighted = sum(s * cond * float(hall_mobility(e, tau, t)) for s, e, tau, cond, _ in channels)
    return weighted / sum(cond for _, _, _, cond, _ in channels)


def eq77_hall_angle(density, conductivity, polarization: float = 1.0) -> float:
    """Theta / (2 pi Q) of seed 001 Eq. 77 for a skyrmion on a cylinder: sigma int rho_xy dA / (2 pi
    Q) = sigma (n_+ - n_-) / n^2 = ``conductivity`` x ``polarization`` / ``density`` (n the
    electron density per site, sigma the sheet conductivity, polarization (n_+ - n_-)/n; a half
    metal: 1)."""
    return float(_real(conductivity, "conductivity", positive=True) * _real(polarization, "polarization")
                 / _real(density, "density", positive=True))
