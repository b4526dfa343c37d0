"""Spin diffusion in a magnetized metal: the magnetization-dependent diffusion tensor of seed 003
(Hitchon, Parker & Rebei, Eqs. 66-75 and 87-92).

Seed 003's kinetic equation (Eq. 66) for the conduction-electron spin m(X, p) has a precession
term ``(H x m)`` with ``H = B + lambda M``, a spin-flip time tau_k and a momentum time tau_p.
Its velocity moment gives a Fick law in which the current precesses too (Eq. 71):
``(1 + tau H x) J = -D grad m``, so ``J = -frakD grad m`` with the tensor
``frakD = D A^-1``, ``A = 1 + tau H x`` (Eqs. 72-73); with the continuity equation the
steady state obeys ``div(frakD grad m) = m / tau_k + H x m`` (Eq. 75).

**Translation to spintex's units (CONVENTIONS.md).**  ``H = -M n.sigma`` turns the Pauli spin
density as ``ds/dt = -2M n x s``: the seed's precession vector is ``H = 2M n`` (the exchange
splitting; hbar = 1), its tau is the Born lifetime ``tau = 1/(2 gamma)`` (seed 000 Eq. 9) and
``D = tau <v_x^2>`` (:func:`spintex.continuum.diffusion_constant`; the seed's v_F^2 tau / 3 in
3D).  Spin density and spin current are both Pauli-weighted, so Fick's law needs no factor.
For ``n = +z`` and ``m+ = m_x + i m_y`` the tensor is one complex number,
``D_perp = D / (1 + i a)``, ``a = 2 M tau = M / gamma``: Eqs. 91-92's D_xx = D_yy =
D / (1 + a^2) and D_xy = -D_yx = D a / (1 + a^2).  Eq. 92 as printed lacks the factor D, and
its sign is that of the seed's H, antiparallel to its magnetization (its g mu_B = 1 convention).

**Where it holds.**  The closure ``<v_x^2 m> = <v_x^2> m`` (Eq. 69) is exact in one dimension:
with two velocities +-v the two-mode Boltzmann equation gives ``kappa^2`` of
:func:`transverse_decay` for every a.  In d > 1 the closure is the leading order in kappa l;
expanding the isotropic relaxation-time Boltzmann equation instead gives
``c - 1 = y + (r - 2) y^2``, ``c = 1 + i a``, ``y = (kappa l_x)^2``,
``r = <v_x^4> / <v_x^2>^2``, against the seed's ``c - 1 = y - y^2`` (r = 1: the chain; 9/5 on a
sphere, where the seed overstates the O(a) correction fivefold).
:func:`kinetic_transverse_decay` solves the relaxation-time equation of a set of channels without
the closure.  The lattice checks are in docs/validation.md ("Transverse spin diffusion").
"""
from __future__ import annotations

import numpy as np

from .._validate import vector3
from ._checks import _dim, _flag, _magnetic, _nu, _out, _real
from .bands import mean_square_velocity, spin_dos
from .rates import born_broadening


def _check_decays(m, rate):
    if np.any((m == 0) & (rate == 0)):
        raise ValueError("exchange or spin_flip_rate must be > 0: without precession or spin flips a "
                         "transverse accumulation does not decay")


def diffusion_tensor(diffusion: float, lifetime: float, exchange: float, direction=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Seed 003's spin diffusion tensor ``frakD = D (1 + tau H x)^-1`` (Eqs. 72-73), 3 x 3.

    ``J^k = -frakD^{kp} d m^p`` (Eq. 71) for the Pauli spin current along the gradient, with the
    precession vector ``H = 2 M n`` of CONVENTIONS.md (see the module docstring).

    Parameters
    ----------
    diffusion : float
        D > 0 (:func:`spintex.continuum.diffusion_constant`).
    lifetime : float
        tau > 0, the relaxation time of the velocity moment (Born: 1 / (2 gamma); the seed's
        tau_k^eff with spin flips, 1/tau_k + 1/tau_p).
    exchange : float
        M >= 0; the spin bands are split by 2M.
    direction : 3-vector
        The magnetization n (normalized here).
    """
    d = float(_real(diffusion, "diffusion", positive=True))
    tau = float(_real(lifetime, "lifetime", positive=True))
    m = float(_real(exchange, "exchange", nonnegative=True))
    h = 2 * m * vector3(direction, "direction", unit=True)
    cross = np.array([[0.0, -h[2], h[1]], [h[2], 0.0, -h[0]], [-h[1], h[0], 0.0]])  # cross @ v = h x v
    return d * np.linalg.inv(np.eye(3) + tau * cross)


def transverse_diffusion_constant(diffusion, lifetime, exchange):
    """``D_perp = D / (1 + 2 i M tau)``: the tensor acting on ``m_x + i m_y`` when n = +z (Eqs. 91-92).

    Real part D / (1 + a^2), imaginary part -D a / (1 + a^2), a = 2 M tau.  Arguments as in
    :func:`diffusion_tensor`; arrays broadcast, complex out.
    """
    d = _real(diffusion, "diffusion", positive=True)
    tau = _real(lifetime, "lifetime", positive=True)
    m = _real(exchange, "exchange", nonnegative=True)
    out = d / (1 + 2j * m * tau)
    return complex(out) if np.ndim(out) == 0 else out


def transverse_decay(diffusion, lifetime, exchange, *, spin_flip_rate=0.0, tensor: bool = True):
    """Complex decay constant kappa of a transverse spin accumulation in a uniform magnet (Eq. 75).

    In a uniform region magnetized along +z, Eq. 75 for ``m+ = m_x + i m_y`` reads
    ``D_perp m+'' = (1/tau_k + 2 i M) m+``; the solution that decays towards +x is
    ``m+ ~ exp(-kappa x)`` with ``kappa^2 = (1/tau_k + 2iM)(1 + 2iM tau) / D`` and Re kappa > 0
    (Im kappa > 0: the accumulation winds as the precession of CONVENTIONS.md's sign).
    ``tensor=False`` gives the scalar-D diffusion of Eq. 70, ``kappa^2 = (1/tau_k + 2iM) / D``.

    Parameters
    ----------
    diffusion, lifetime, exchange
        As in :func:`diffusion_tensor` (M > 0 or a spin-flip rate > 0, else nothing decays).
    spin_flip_rate : float
        1 / tau_k >= 0, the relaxation rate of the transverse spin.
    tensor : bool
        Eq. 75 with seed 003's tensor (True) or Eq. 70's scalar D (False).
    """
    d = _real(diffusion, "diffusion", positive=True)
    tau = _real(lifetime, "lifetime", positive=True)
    m = _real(exchange, "exchange", nonnegative=True)
    rate = _real(spin_flip_rate, "spin_flip_rate", nonnegative=True)
    _check_decays(m, rate)
    source = rate + 2j * m
    # the principal square root has Re kappa >= 0, and kappa^2 is never negative real when M or the rate is > 0
    kappa = np.sqrt(source * ((1 + 2j * m * tau) if _flag(tensor, "tensor") else 1.0) / d)
    return complex(kappa) if np.ndim(kappa) == 0 else kappa


def transverse_relaxation_rate(nu_up, nu_down, *, magnetic):
    """Seed 003's 1/tau_k for the spin transverse to n, from magnetic impurities (Born).

    ``1/tau_k = 2 pi (Gamma_perp + Gamma_par)(nu_up + nu_down)``.  A transverse spin m+ scatters
    out at the full rate 1/tau = 2 gamma (:func:`spintex.continuum.born_broadening`) and back in
    with ``(Gamma_0 sigma^0 m sigma^0 + Gamma_par sigma^z m sigma^z + Gamma_perp sum_{x,y} sigma^a m
    sigma^a)`` = ``(Gamma_0 - Gamma_par) m+`` (the two transverse impurity components cancel), so
    the seed's ``-(m - m_0)/tau_p - m/tau_k`` has ``1/tau_p + 1/tau_k = 1/tau``: pass
    ``lifetime = tau`` and ``D = tau <v_x^2>`` with the full tau to :func:`transverse_decay` (the
    derivation takes nu_up = nu_down, i.e. M << E_F).  The rate is identically ``2 M beta`` with
    beta of seed 000 Eq. 94 (:func:`spintex.continuum.beta_spin_flip`): beta = 1 / (2 M tau_k).

    Parameters
    ----------
    nu_up, nu_down : float or array_like
        DOS per site at E_F + M and E_F - M.
    magnetic : (float, float)
        (Gamma_perp, Gamma_par) >= 0.
    """
    perp, par = _magnetic(magnetic)
    up, down = _nu(nu_up, nu_down)
    return _out(2 * np.pi * (perp + par) * (up + down))


def accumulation_spin_current(fermi_energy, exchange, dim: int, hopping: float = 1.0, *, onsite=0.0):
    """c of the spin current a longitudinal spin accumulation drives through a texture,
    ``j_s = c mu_s n x d_x n`` (Pauli spin current along x, mu_s = mu_up - mu_down along n, the
    charge neutral: docs/physics.md section 25, where the chain's wires measure it).

    A texture twisting along x with n x d_x n = q y (locally a spiral about y) is, in the frame that
    rotates with n, the uniform ferromagnet plus the spin gauge field of the hopping: on the
    hypercubic lattice H(k) = eps'(k) - M sigma_z - 2t sin(q/2) sin k_x sigma_y, eps' with
    cos(q/2) on the x bonds.  To first order in q each state of spin sigma tilts out of the
    texture's plane, <sigma_y> = sigma q v_x / 2M (v_x = 2t sin k_x), and the y spin current
    (1/2){dH/dk_x, sigma_y} = v_x sigma_y - q t cos k_x of the Fermi sea is

        j_y / q = sum_k sum_sigma f_sigma [sigma v_x^2 / 2M - t cos k_x].

    A spin accumulation at fixed charge raises mu_up by mu_s nu_down / (nu_up + nu_down) and lowers
    mu_down by mu_s nu_up / (nu_up + nu_down), so with the Fermi-surface averages
    ``<t cos k_x>_sigma = -(E_F + sigma M) / 2d`` (cubic symmetry) and ``<v_x^2>_sigma``
    (:func:`spintex.continuum.mean_square_velocity`):

        c = [nu_up nu_down / (nu_up + nu_down)] [(<v_x^2>_up + <v_x^2>_down) / 2M + M / d].

    On the chain, (4t^2 - E_F^2) / (pi M (v_up + v_down)).  The first term is the reactive
    (precessing) limit 2 M tau >> 1 of seed 003's transverse diffusion D / (1 + i a), a = 2 M tau:
    D a / (1 + a^2) -> <v_x^2> / 2M, carried by the neutral accumulation's spin density
    s = 2 mu_s nu_up nu_down / (nu_up + nu_down); the second is the lattice's (the x bonds' kinetic
    energy changes when electrons move from one spin band to the other; a parabolic band's
    gauge-field current is the density's alone).  With ``onsite`` = Gamma_0 > 0 the first term
    takes seed 003's factor a^2 / (1 + a^2), a = 2M / (gamma_up + gamma_down) (Born broadenings,
    :func:`spintex.continuum.born_broadening`: the transverse current relaxes at the full rate):
    on the chain it gives the lattice's O(Gamma_0^2) shift at M = 0.25 and overstates it by
    10-40 % at M = 0.5 (docs/physics.md section 25).  In d > 1 the SCBA's real self-energy also
    shifts E_F and M, at O(Gamma_0) (in a chain only at O(Gamma_0^2)): pass the renormalized
    bands, (E_eff, M_eff) of
    :meth:`spintex.bulk.BulkSCBA.renormalized_bands` or
    :meth:`spintex.periodic.PeriodicWire.renormalized_channels` (the 3D wire follows them to 0.2 %
    where the bare bands miss by 1.4 %).  Zero where a spin band has no states (nothing to shift at
    fixed charge).

    Parameters
    ----------
    fermi_energy : float or array_like
    exchange : float or array_like
        M > 0.
    dim, hopping
        As in :func:`spintex.continuum.dos`.
    onsite : float
        Gamma_0 >= 0 (spin-conserving impurities; 0: the clean limit).
    """
    d = _dim(dim)
    e = _real(fermi_energy, "fermi_energy")
    m = _real(exchange, "exchange", positive=True)
    up, down = (np.asarray(x) for x in spin_dos(e, m, d, hopping))
    total = up + down
    both = np.divide(up * down, total, out=np.zeros(np.broadcast(up, down).shape), where=total > 0)
    v2 = np.asarray(mean_square_velocity(e + m, d, hopping)) + np.asarray(mean_square_velocity(e - m, d, hopping))
    rate = np.add(*born_broadening(up, down, onsite=onsite))  # gamma_up + gamma_down
    precession = (2 * m) ** 2 / ((2 * m) ** 2 + rate ** 2)  # a^2 / (1 + a^2)
    return _out(both * (v2 / (2 * m) * precession + m / d))


def kinetic_transverse_decay(velocities, weights, lifetime, exchange, *, spin_flip_rate=0.0):
    """kappa of the slowest transverse mode of the relaxation-time Boltzmann equation, without the closure.

    Seed 003's Eq. 66 for a Fermi surface of channels j (velocity +-v_j along x, density-of-states
    weight p_j), isotropic point scattering (out at rate 1/tau, in from the p-weighted average)
    and no closure: ``+-v_j f_j+-' = -(2iM + 1/tau_k + 1/tau) f_j+- + (1/tau) sum_l p_l (f_l+ + f_l-)/2``.
    Its 2N modes ``exp(-kappa x)`` are the eigenvalues of that linear system; far from a source the
    one with the smallest Re kappa > 0 is left.  One channel gives :func:`transverse_decay` with
    ``D = v^2 tau_eff`` exactly; several give the correction ``(r - 2) y^2`` of the module
    docstring instead of the seed's ``-y^2``.

    Parameters
    ----------
    velocities : array_like, (N,)
        v_j > 0, the speeds along x (a periodic wire's open channels: sqrt(4t^2 - (E - eps_j)^2)).
    weights : array_like, (N,)
        p_j >= 0, not all zero (normalized here): the channels' densities of states at E_F,
        e.g. ``w_j / (pi v_j)`` for a periodic wire's transverse weights w_j.
    lifetime : float
        tau > 0, the momentum relaxation time (Born: 1 / (2 gamma)); with spin flips the out-rate is
        1/tau + 1/tau_k, so this is the seed's tau_p, not :func:`transverse_decay`'s tau_eff.
    exchange : float
        M >= 0.
    spin_flip_rate : float
        1 / tau_k >= 0.
    """
    v = _real(velocities, "velocities", positive=True).ravel()
    p = _real(weights, "weights", nonnegative=True).ravel()
    if v.size == 0 or p.shape != v.shape:
        raise ValueError(f"velocities and weights must be non-empty arrays of one length, got {v.size} and {p.size}")
    if p.sum() == 0:
        raise ValueError("weights must not all be zero")
    tau = float(_real(lifetime, "lifetime", positive=True))
    m = float(_real(exchange, "exchange", nonnegative=True))
    rate = float(_real(spin_flip_rate, "spin_flip_rate", nonnegative=True))
    _check_decays(m, rate)
    p = p / p.sum()
    n = v.size
    sign = np.concatenate([np.ones(n), -np.ones(n)])  # rows and columns: (j, +) then (j, -)
    speed = np.concatenate([v, v]) * sign
    gain = np.tile(p / 2, 2) / tau  # in-scattering from every state into every state
    ode = (np.diag(np.full(2 * n, -(2j * m + rate + 1 / tau))) + gain[None, :]) / speed[:, None]
    kappa = -np.linalg.eigvals(ode)
    kappa = kappa[kappa.real > 0]
    return complex(kappa[np.argmin(kappa.real)])
