"""Seed 001 (Tatara, Kohno, Shibata & Lee) Eqs. 31-39: the non-local kernels of a parabolic band.

The same bubbles as :mod:`spintex.kernels` with ``eps(k) = k^2/2m``, as functions of the wavevector
q and the spin-resolved Fermi wavevectors ``k_up = k_F+``, ``k_down = k_F-``
(``k_sigma^2 / 2m = E_F + sigma M``, E from the band bottom; the seed's Delta is M, so
``4 m M = k_up^2 - k_down^2``).  :func:`parabolic_fermi_wavevectors` maps a lattice to the
effective mass of its band bottom, ``m* = 1/(2t)``, ``E_F - (-2 t d)``.

dim = 3: the seed's closed forms, with ``q~ = q / 2k_F``, ``k_F = (k_up + k_down)/2``,
``zeta = (k_up - k_down)/(k_up + k_down)``:

- :func:`h1`: Eq. 32, ``H1 = s H1~``, ``s = (n_up - n_down)/2 = k_F^3 zeta (3 + zeta^2) / 6 pi^2``
  (the seed's s is half the Pauli spin density);
- :func:`h2`: Eq. 33 (the seed's Eq. 31 H2 as written; see :mod:`spintex.kernels` on why it is not
  a static response);
- :func:`chi1`: Eq. 36, chi1~ (chi1 divided by its q = 0 value);
- :func:`chi2`: Eq. 38, chi2~ = chi2 / (sigma_0 / e), with the Stoner step theta_st of Eq. 39
  (:func:`stoner_step`).

The seed averages the vertex product ``k_i (k + q/2)_j`` over directions (``delta_ij/3``), which is
what :func:`spintex.kernels.chi1` and ``chi2`` compute with ``vertex="isotropic"``.

dim = 1: the same definitions (Eqs. 31, 35) evaluated here for a parabolic 1D band, per unit length:
``H1 = ((k_up^2 - k_down^2) / 4 pi q) ln|(q + K)/(q - K)|`` with K = k_up + k_down (the log at
Delta k = k_up - k_down cancels between the spins), ``chi1~`` the sum over the four Fermi points
(poles at q = Delta k and K), ``H2`` the literal delta sum.  chi2 is a pair of delta functions
there (not coded).
"""
from __future__ import annotations

import numpy as np

from ._checks import _hopping, _out, _real


def _ks(k_up, k_down):
    ku = _real(k_up, "k_up", positive=True)
    kd = _real(k_down, "k_down", nonnegative=True)
    if not np.all(ku > kd):
        raise ValueError(f"k_up must exceed k_down (majority band along n), got {k_up!r} and {k_down!r}")
    return ku, kd


def _dim13(dim):
    if isinstance(dim, bool) or dim not in (1, 3):
        raise ValueError(f"dim must be 1 or 3, got {dim!r}")
    return int(dim)


def _scaled(q, k_up, k_down):
    q = _real(q, "q")
    ku, kd = _ks(k_up, k_down)
    kF = (ku + kd) / 2
    return np.abs(q) / (2 * kF), (ku - kd) / (ku + kd), kF


def parabolic_fermi_wavevectors(fermi_energy, exchange, *, hopping=1.0, dim=3):
    """(k_up, k_down) of the lattice's band-bottom parabola: ``k_sigma = sqrt(2 m* (E_F + 2td + sigma M))``,
    ``m* = 1/(2t)``; 0 for an empty band."""
    t = _hopping(hopping)
    if isinstance(dim, bool) or dim not in (1, 2, 3):
        raise ValueError(f"dim must be 1, 2 or 3, got {dim!r}")
    e = _real(fermi_energy, "fermi_energy") + 2 * t * dim
    M = _real(exchange, "exchange", positive=True)
    return tuple(_out(np.sqrt(np.clip(e + s * M, 0, None) / t)) for s in (1, -1))


def stoner_step(q, k_up, k_down):
    """theta_st(q) of Eq. 39: 1 for ``k_up - k_down <= |q| <= k_up + k_down``, else 0."""
    q = np.abs(_real(q, "q"))
    ku, kd = _ks(k_up, k_down)
    return _out(((q >= ku - kd) & (q <= ku + kd)).astype(float))


def h1(q, k_up, k_down, *, dim=3):
    """H1(q) per unit volume (dim = 3, Eq. 32) or length (dim = 1), the seed's normalization
    H1(0) = (n_up - n_down)/2; the static transverse susceptibility is ``-2 H1 / M``."""
    d = _dim13(dim)
    if d == 1:
        q = np.abs(_real(q, "q"))
        ku, kd = _ks(k_up, k_down)
        K = ku + kd
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(q > 1e-8 * K, (ku ** 2 - kd ** 2) / (4 * np.pi * q) * np.log(np.abs((q + K) / (q - K))),
                           (ku - kd) / (2 * np.pi))
        return _out(out)
    x, z, kF = _scaled(q, k_up, k_down)

    def tilde(x):
        total = 0.0
        for s in (1, -1):
            with np.errstate(divide="ignore"):
                log = np.log(np.abs((x + 1) * (x + s * z) / ((x - 1) * (x - s * z))))
            total = total - (x ** 2 - 1) * (x ** 2 - z ** 2) * log / (2 * x) + s * (1 + s * z) * (z + s * x ** 2)
        return 0.75 / (3 + z ** 2) / x ** 2 * total

    return _out(kF ** 3 * z * (3 + z ** 2) / (6 * np.pi ** 2) * _small_q(tilde, x))


def _small_q(tilde, x, x0=1e-3):
    """tilde(x) = 1 + O(x^2) closed forms cancel to ~1e-16/x^3 below x0: take 1 + c x^2 there."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x < x0, 1 + (tilde(x0) - 1) * (x / x0) ** 2, tilde(np.maximum(x, x0)))


def h2(q, k_up, k_down, *, dim=3):
    """The seed's H2 (Eq. 33 for dim = 3: ``(k_F^3 zeta / 16 pi q~) sum_+- int_{1-zeta}^{1+zeta}
    k dk theta(k q~ - |q~^2 +- zeta|)``; dim = 1: Eq. 31 on a 1D parabola)."""
    d = _dim13(dim)
    x, z, kF = _scaled(q, k_up, k_down)
    if d == 3:
        total = 0.0
        for s in (1, -1):
            with np.errstate(divide="ignore", invalid="ignore"):
                low = np.maximum(1 - z, np.abs(x ** 2 + s * z) / x)
            total = total + np.clip((1 + z) ** 2 - low ** 2, 0, None) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.where(x > 0, kF ** 3 * z / (16 * np.pi * x) * total, 0.0))
    # 1D: M (1/L) sum_k,sigma (pi/2)(f_up - f_down) delta((2kq + q^2)/2m + 2 sigma M); 4mM = ku^2 - kd^2
    ku, kd = _ks(k_up, k_down)
    q = 2 * kF * x
    total = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for s in (1, -1):
            k = -(q ** 2 + s * (ku ** 2 - kd ** 2)) / (2 * q)        # the root; |d arg/dk| = q/m
            total = total + ((np.abs(k) < ku) & (np.abs(k) >= kd))
        out = np.where(q > 0, (ku ** 2 - kd ** 2) / 4 * total / (4 * q), 0.0)   # M m = (ku^2-kd^2)/4
    return _out(out)


def chi1(q, k_up, k_down, *, dim=3):
    """chi1~(q) = chi1(q)/chi1(0): Eq. 36 (dim = 3), or the four Fermi points of a 1D parabola."""
    d = _dim13(dim)
    x, z, kF = _scaled(q, k_up, k_down)
    if d == 3:
        def tilde(x):
            total = 0.0
            for s in (1, -1):
                with np.errstate(divide="ignore"):
                    log = np.log(np.abs((1 + x) * (x + s * z) / ((1 - x) * (x - s * z))))
                total = total + (1 + s * z) * (1 + (1 + z ** 2 + s * z - x ** 2) / (2 * (1 + s * z) * x) * log)
            return total / (2 * (3 + z ** 2))   # printed: 1/(3 + zeta^2), which gives chi1~(0) = 2

        return _out(_small_q(tilde, x))
    ku, kd = _ks(k_up, k_down)
    q = _real(q, "q")
    kappa2, total = ku ** 2 - kd ** 2, 0.0
    with np.errstate(divide="ignore"):
        for s, kf in ((1, ku), (-1, kd)):
            for k in (kf, -kf):
                total = total + np.sign(k) * 2 * (k + q / 2) / (2 * k * q + q ** 2 + s * kappa2)
    return _out((ku + kd) / 4 * total)


def chi2(q, k_up, k_down):
    """chi2~(q) = chi2 / (sigma_0 / e) of Eq. 38 (3D): ``-(pi/4) zeta^2/(1 + 3 zeta^2) theta_st(q)/q~``."""
    x, z, _ = _scaled(q, k_up, k_down)
    step = stoner_step(q, k_up, k_down)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(step > 0, -np.pi / 4 * z ** 2 / (1 + 3 * z ** 2) * step / x, 0.0))
