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

Special points.  Removable singularities of the printed forms return their limits: q = 0 (H1(0) = s,
chi1~(0) = 1, H2 = chi2~ = 0), and H1 (dim = 3) at the Stoner edges |q| = k_up -+ k_down, where its
y ln|y| terms (y = |q| - K or |q| - Delta k) vanish; k_down = 0 (an empty minority band) is allowed.
Genuine divergences are kept: +inf where the kernel diverges to +inf from both sides (chi1,
dim = 3, at both Stoner edges; H1, dim = 1, at |q| = K; as :func:`spintex.continuum.dos` at its
band edges), ValueError at the sign-changing poles of chi1 for dim = 1.  k_up = k_down (M = 0) is
excluded: chi1~ is normalized by chi1(0) = (e tau/2)(D_up - D_down), which vanishes there, and the
edge k_up - k_down merges with q = 0.
"""
from __future__ import annotations

import numpy as np

from ._checks import _hopping, _out, _real


def _ks(k_up, k_down):
    ku = _real(k_up, "k_up", positive=True)
    kd = _real(k_down, "k_down", nonnegative=True)
    if not np.all(ku > kd):
        raise ValueError(f"k_up must exceed k_down (majority band along n; M = 0 is excluded, see the module "
                         f"docstring), got {k_up!r} and {k_down!r}")
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


def _log_ratio(a, b):
    """``ln|(a + b)/(a - b)|`` for a, b >= 0, as 2 atanh(min/max): accurate when a << b or a >> b,
    +inf at a = b > 0."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(hi > 0, 2 * np.arctanh(lo / np.where(hi > 0, hi, 1.0)), 0.0)


def _power_series(coefficient, y, terms=30):
    """sum_{m=1}^{terms} coefficient(m) y^m (Horner); the tails used here are below 4^-terms."""
    total = 0.0
    for m in range(terms, 0, -1):
        total = (total + coefficient(m)) * y
    return total


def _h1_tilde(x, z):
    """H1~ of Eq. 32 for x = q/2k_F >= 0.

    Summed over the spins, the logs ln|x +- zeta| of Eq. 32 cancel, leaving
    ``H1~ = (3/4) [2(x^2 + zeta^2) - (x^2 - 1)(x^2 - zeta^2) L/x] / ((3 + zeta^2) x^2)`` with
    ``L = ln|(1 + x)/(1 - x)|``; ``(x^2 - 1) L -> 0`` at x = 1, so H1~ is finite and continuous
    everywhere.  The bracket cancels to O(x^2) as x -> 0 and to O(1) as x -> infinity: its Taylor
    series in x^2 is used below x = 1/2 and its series in 1/x^2 above x = 2.
    """
    z2 = z * z
    small = np.minimum(x, 0.5) ** 2
    # 1 - (3/2)/(3 + zeta^2) sum_{m>=2} b_m x^(2m-2)
    b = lambda j: z2 / (2 * j + 3) - (1 + z2) / (2 * j + 1) + 1 / (2 * j - 1)   # b_{m = j + 1}
    below = 1 - 1.5 / (3 + z2) * _power_series(b, small)
    u = (1 / np.maximum(x, 2.0)) ** 2
    # (3/4) u [4/3 + 4 zeta^2 - 2 sum_{m>=1} a_m u^m] / (3 + zeta^2)
    a = lambda m: 1 / (2 * m + 3) - (1 + z2) / (2 * m + 1) + z2 / (2 * m - 1)
    above = 0.75 * u * (4 / 3 + 4 * z2 - 2 * _power_series(a, u)) / (3 + z2)
    xm = np.clip(x, 0.5, 2.0)
    with np.errstate(invalid="ignore"):     # 0 * inf at x = 1, replaced by the limit 0
        shell = np.where(xm == 1, 0.0, (xm ** 2 - 1) * _log_ratio(1.0, xm))
    middle = 0.75 * (2 * (xm ** 2 + z2) - shell * (xm ** 2 - z2) / xm) / ((3 + z2) * xm ** 2)
    return np.where(x < 0.5, below, np.where(x > 2, above, middle))


def h1(q, k_up, k_down, *, dim=3):
    """H1(q) per unit volume (dim = 3, Eq. 32) or length (dim = 1), the seed's normalization
    H1(0) = (n_up - n_down)/2; the static transverse susceptibility is ``-2 H1 / M``.

    dim = 3: finite and continuous for all q, the Stoner edges |q| = k_up -+ k_down included
    (removable singularities of the printed form, :func:`_h1_tilde`).  dim = 1: +inf at
    |q| = k_up + k_down (a log divergence from both sides, like a 1D Lindhard function's).
    """
    d = _dim13(dim)
    if d == 1:
        q = np.abs(_real(q, "q"))
        ku, kd = _ks(k_up, k_down)
        K = ku + kd
        far = q > 1e-8 * K      # below, the O((q/K)^2) rest of the q -> 0 limit is < 1e-16
        qs = np.where(far, q, K)
        return _out(np.where(far, (ku ** 2 - kd ** 2) / (4 * np.pi * qs) * _log_ratio(qs, K), (ku - kd) / (2 * np.pi)))
    x, z, kF = _scaled(q, k_up, k_down)
    return _out(kF ** 3 * z * (3 + z ** 2) / (6 * np.pi ** 2) * _h1_tilde(x, z))


def h2(q, k_up, k_down, *, dim=3):
    """The seed's H2 (Eq. 33 for dim = 3: ``(k_F^3 zeta / 16 pi q~) sum_+- int_{1-zeta}^{1+zeta}
    k dk theta(k q~ - |q~^2 +- zeta|)``; dim = 1: Eq. 31 on a 1D parabola).  Zero at q = 0 (its limit)."""
    d = _dim13(dim)
    x, z, kF = _scaled(q, k_up, k_down)
    xs = np.where(x > 0, x, 1.0)
    if d == 3:
        total = 0.0
        for s in (1, -1):
            with np.errstate(over="ignore"):    # zeta/x -> inf: lower limit above 1 + zeta, no states
                low = np.maximum(1 - z, np.minimum(np.abs(xs + s * z / xs), 1 + z))
            total = total + ((1 + z) ** 2 - low ** 2) / 2
        return _out(np.where(x > 0, kF ** 3 * z * total / (16 * np.pi * xs), 0.0))
    # 1D: M (1/L) sum_k,sigma (pi/2)(f_up - f_down) delta((2kq + q^2)/2m + 2 sigma M); 4mM = ku^2 - kd^2
    ku, kd = _ks(k_up, k_down)
    q = 2 * kF * xs
    total = 0.0
    for s in (1, -1):
        with np.errstate(over="ignore"):
            k = -(q / 2 + s * (ku ** 2 - kd ** 2) / (2 * q))       # the root; |d arg/dk| = q/m
        total = total + ((np.abs(k) < ku) & (np.abs(k) >= kd))
    out = np.where(x > 0, (ku ** 2 - kd ** 2) / 4 * total / (4 * q), 0.0)   # M m = (ku^2-kd^2)/4
    return _out(out)


def _chi1_tilde(x, z):
    """chi1~ of Eq. 36 for x = q/2k_F >= 0 and 0 < zeta <= 1, with the printed prefactor
    1/(3 + zeta^2) halved (as printed chi1~(0) = 2; docs/physics.md, section 15).

    Summed over the spins, Eq. 36 is ``[2 + ((1 - x^2) L + zeta^2 L + zeta L_zeta)/x] / (2(3 + zeta^2))``
    with ``L = ln|(1 + x)/(1 - x)|``, ``L_zeta = ln|(x + zeta)/(x - zeta)|``: 1 at x = 0, +inf at
    x = zeta and x = 1 (the logs of the Stoner edges do not cancel here), and ``2 + (1 - x^2) L/x``,
    which cancels to O(1/x^2) for large x, is summed as its series in 1/x^2 above x = 2.
    """
    tiny = x <= 1e-8 * z    # chi1~ = 1 + O((x/zeta)^2): 1 to 1e-16 (and no subnormal x/zeta)
    xs = np.where(tiny, 1.0, x)
    xm = np.minimum(xs, 2.0)
    u = (1 / np.maximum(x, 2.0)) ** 2
    above = 4 * _power_series(lambda m: 1 / ((2 * m - 1) * (2 * m + 1)), u)
    with np.errstate(invalid="ignore"):
        shell = np.where(xm == 1, 0.0, (1 - xm ** 2) * _log_ratio(1.0, xm))
    lindhard = np.where(x > 2, above, 2 + shell / xm)
    edges = z * z * _log_ratio(1.0, xs) + z * _log_ratio(xs, z)    # +inf at the Stoner edges
    return np.where(tiny, 1.0, (lindhard + edges / xs) / (2 * (3 + z * z)))


def chi1(q, k_up, k_down, *, dim=3):
    """chi1~(q) = chi1(q)/chi1(0): Eq. 36 (dim = 3), or the four Fermi points of a 1D parabola.

    dim = 3: +inf at the Stoner edges |q| = k_up -+ k_down (log divergences from both sides; chi1 is
    a Fermi-surface sum, :func:`_chi1_tilde`).  dim = 1: the four Fermi points sum to
    ``K^2 dk^2 / ((K^2 - q^2)(dk^2 - q^2))`` (K = k_up + k_down, dk = k_up - k_down), whose simple
    poles at |q| = dk and K change sign: a q there raises ValueError.
    """
    d = _dim13(dim)
    if d == 3:
        return _out(_chi1_tilde(*_scaled(q, k_up, k_down)[:2]))
    a = np.abs(_real(q, "q"))
    ku, kd = _ks(k_up, k_down)
    K, dk = ku + kd, ku - kd
    if np.any((a == K) | (a == dk)):
        raise ValueError(f"q must avoid the poles |q| = k_up - k_down and k_up + k_down of the 1D chi1, got {q!r}")
    return _out(K / (K - a) * (dk / (dk + a)) * (K / (K + a)) * (dk / (dk - a)))   # no overflow at large q


def chi2(q, k_up, k_down):
    """chi2~(q) = chi2 / (sigma_0 / e) of Eq. 38 (3D): ``-(pi/4) zeta^2/(1 + 3 zeta^2) theta_st(q)/q~``."""
    x, z, _ = _scaled(q, k_up, k_down)
    step = stoner_step(q, k_up, k_down)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(step > 0, -np.pi / 4 * z ** 2 / (1 + 3 * z ** 2) * step / x, 0.0))
