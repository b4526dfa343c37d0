"""Seed 001 Eqs. 40-41 in real space: the current-induced spin density and torque of a chain
texture to first order in its gauge field (:func:`nonlocal_torque`), and the parallel-transport
frames that gauge a texture to the uniform ferromagnet (:func:`texture_gauge`).

The q-space kernels whose convolution this evaluates are in :mod:`spintex.kernels` (which
re-exports both functions, ``st.kernels.nonlocal_torque``); the derivation is docs/physics.md
section 17.  Conventions as there: ``H = eps - M n . sigma``, Pauli spin densities, ``T = M n x s``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import finite_float


class NonlocalTorque(NamedTuple):
    """First-order (in the gauge field) current-induced response of a chain texture, per unit drive.

    ``spin_density`` and ``torque`` (N, 3), lab frame, Pauli units (``T = M n x s``);
    ``rotated`` (N, 2): the transverse rotated-frame spin density (s~_x, s~_y);
    ``gauge_field`` (N - 1, 3): the bond gauge field A_j (rotated frame) used;
    ``shifts`` (a_up, a_down): the Fermi-point shifts (right movers +a/2, left movers -a/2),
    ``a_sigma = 2 pi j_sigma``."""

    spin_density: np.ndarray
    torque: np.ndarray
    rotated: np.ndarray
    gauge_field: np.ndarray
    shifts: tuple


def _rotation(axis, angle):
    """SO(3) rotation by ``angle`` about the unit ``axis`` (Rodrigues)."""
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K


def _minimal_rotation(a, b):
    """(axis, angle) of the smallest rotation taking the unit vector a to b."""
    c = np.cross(a, b)
    s, cos = np.linalg.norm(c), float(np.clip(a @ b, -1, 1))
    angle = float(np.arctan2(s, cos))
    if s < 1e-14:
        if cos > 0:
            return np.array([0.0, 0.0, 1.0]), 0.0
        axis = np.cross(a, [1.0, 0, 0]) if abs(a[0]) < 0.9 else np.cross(a, [0, 1.0, 0])  # pragma: no cover
        return axis / np.linalg.norm(axis), np.pi                                        # pragma: no cover
    return c / s, angle


def texture_gauge(n, *, link="angle"):
    """Parallel-transport frames of a chain texture and its bond gauge field.

    Returns (R, A): R (N, 3, 3) the rotations with ``R_i z = n_i`` (R_0 the smallest rotation from
    z, then ``R_{i+1} = Rot(n_i -> n_{i+1}) R_i``, the smallest rotation between neighbours), and
    A (N - 1, 3) the bond gauge field in the rotated frame: the link ``U_i^dag U_{i+1} =
    exp(-i (alpha_i/2) m_i . sigma)`` (alpha_i the angle between n_i and n_{i+1}, m_i = R_i^T of
    the rotation axis, transverse to z) is ``1 + i A_i . sigma + O(A^2)`` with
    ``A_i = -(alpha_i / 2) m_i`` (``link="angle"``, the lattice A = -i log of the link, i.e. the
    seed's A_x = -i U^dag d_x U; for a Neel wall A_i = -(theta_{i+1} - theta_i)/2 y) or
    ``-sin(alpha_i / 2) m_i`` (``link="sine"``, the exact spin-flip part of the link; the two
    differ at O(A^3))."""
    n = np.asarray(n, dtype=float)
    if link not in ("angle", "sine"):
        raise ValueError(f"link must be 'angle' or 'sine', got {link!r}")
    R = np.empty((len(n), 3, 3))
    axis, angle = _minimal_rotation(np.array([0.0, 0.0, 1.0]), n[0])
    R[0] = _rotation(axis, angle)
    A = np.zeros((len(n) - 1, 3))
    for i in range(len(n) - 1):
        axis, angle = _minimal_rotation(n[i], n[i + 1])
        R[i + 1] = _rotation(axis, angle) @ R[i]
        size = angle / 2 if link == "angle" else np.sin(angle / 2)
        A[i] = -size * (R[i].T @ axis)
    return R, A


def _chain_root(E, t):
    """z with -t (z + 1/z) = E, the retarded root (|z| < 1, or e^{ik} with 0 < k < pi in the band)."""
    if abs(E) < 2 * t:
        return np.exp(1j * np.arccos(-E / (2 * t)))
    r = np.roots([t, E, t])
    return complex(r[np.argmin(np.abs(r))])


def nonlocal_torque(model, energy, *, spin_currents=None, link="angle") -> NonlocalTorque:
    r"""Seed 001 Eqs. 40-41 on a chain: the current-induced spin density and torque of a texture to
    first order in its gauge field, the kernel convolution evaluated exactly in real space.

    The texture is gauged to the uniform ferromagnet along z by the parallel-transport frames of
    :func:`texture_gauge` (``c_i = U_i a_i``, exchange ``-M sigma_z`` everywhere); the hopping on bond
    (j, j+1) becomes ``-t a_j^dag U_j^dag U_{j+1} a_{j+1}``, and to first order in the gauge field
    the perturbation is ``V = -t sum_j [a_j^dag (i A_j . sigma) a_{j+1} + h.c.]`` (transverse A:
    pure spin flip; the spin-independent ``cos - 1`` part of the link is O(A^2), the seed's
    adiabatic potential, dropped).  The current-carrying state of the uniform chain has, in spin
    channel sigma, the right movers at E_F raised by a_sigma/2 and the left movers lowered by
    a_sigma/2 (particle current ``j_sigma = a_sigma / 2pi``).  Each Fermi-point state
    ``psi0 = chi_sigma e^{+-i k_sigma x} / sqrt(v_sigma)`` (flux normalized, ``(1/2pi) |psi0><psi0|``
    per unit energy window) is corrected to first order, ``psi1 = G0^R V psi0`` (the Born
    scattering state; ``G0_sigma(r) = z^|r| / (t (z - 1/z))``), and

        s~^a(x) = sum_{sigma, +-} (+-a_sigma/2) (1/2pi) 2 Re[psi0^dag sigma^a psi1](x),

    transverse (the first-order rotated-frame response ``s~^+ = s~_x + i s~_y``); the lab spin is
    ``s = R_x s~`` and the torque ``T = M n x s``.  In q this is ``s~^+(q) = K(q) A^+(q)`` with the
    lattice bubble of docs/physics.md section 15 (``Eq. 35`` with the weights ``sign(v) a_sigma /
    2|v|`` in place of ``tau v``): the part odd in the spin index (``a_up - a_down``, the spin
    current j_s) is the in-phase chi1 term with its poles at the Stoner edges plus the forward
    Stoner term, the part even in it (the current j) the out-of-phase backward Stoner term at
    ``q = k_up + k_down``; on a chain both Stoner terms are delta functions in q, i.e. undamped
    oscillations ``e^{i (k_up +- k_down) r}`` in real space (the 2k_F torque).

    Parameters
    ----------
    model : spintex.Model, uniform M, no on-site terms.  A chain, or a strip or bar whose texture is
        uniform across each slice: its transverse modes m are independent chains at E - eps_m (each
        weighted by its mode profile |phi_m|^2; ballistic bias drive only).
    energy : Fermi energy.
    spin_currents : (j_up, j_down), optional
        Particle currents of the majority / minority channels in the uniform region per unit drive;
        default the clean chain under the bias drive (leads at +-1/2): 1/2pi per open channel.  For a
        diffusive wire pass its measured (Drude) currents: the seed's clean-limit kernel then
        applies within a mean free path of the texture (the oscillation decays on l in the wire).
    link : "angle" or "sine", see :func:`texture_gauge`.

    Validity: lowest order in A (docs/physics.md section 17).  Exact for small-amplitude textures
    (n = z + u, |u| << 1) at any width, and within 5 % for walls rotating n by <~ 25 degrees.  A
    180-degree wall is not small (the integral of A is pi/2 at any width): the error grows as the
    square of the rotation angle; the amplitude of the 2k_F (q = k_up + k_down) oscillation is off
    by |r / r_Born| of the spin-flip reflection, a band-dependent factor at every width (1.007 at
    M = 0.8, E_F = -1; 2.08 at M = 0.5, E_F = -1), its phase by ~pi/2, and
    the forward mixing (a Rosen-Zener pulse of area pi) is never first order, so the torque inside
    the wall is off by O(1) unless the adiabatic spin-current term dominates (diffusive wire,
    lambda (k_up - k_down) >~ 3).
    """
    lat = model.lattice
    W = lat.sites_per_slice
    E = finite_float(energy, "energy")
    exchange = np.asarray(model.exchange, dtype=float)
    if not np.allclose(exchange, exchange[0]):
        raise ValueError("nonlocal_torque needs a uniform exchange")
    if np.any(model.onsite != 0) or model.lead_onsite != 0 or np.any(model.zeeman != 0) or model.leads != "magnetic":
        raise ValueError("nonlocal_torque needs the bare texture: no on-site terms, Zeeman field or "
                         "non-magnetic leads")
    M, t = float(exchange[0]), float(model.hopping)
    n_sites = model.texture_vectors
    n = n_sites[::W]
    if W > 1:
        if np.abs(n_sites - np.repeat(n, W, axis=0)).max() > 1e-12:
            raise ValueError("nonlocal_torque on a strip or bar needs a texture uniform across each slice")
        if spin_currents is not None:
            raise ValueError("spin_currents applies to chains; strips and bars take the ballistic bias drive")
    R, A = texture_gauge(n, link=link)
    if W == 1:
        modes = [(0.0, np.ones(1))]
    else:                                   # transverse modes of the slice: independent chains
        inside = lat.bonds[(lat.bonds < W).all(axis=1)]
        h = np.zeros((W, W))
        h[inside[:, 0], inside[:, 1]] = h[inside[:, 1], inside[:, 0]] = -t
        eps, vec = np.linalg.eigh(h)
        modes = list(zip(eps, (np.abs(vec) ** 2).T))
    rot = np.zeros((len(n_sites), 3))
    shifts = (0.0, 0.0)
    for eps_m, weight in modes:
        r, shifts_m = _chain_rotated(E - eps_m, M, t, A, spin_currents)
        rot += np.kron(r, weight[:, None]) if W > 1 else r
        shifts = tuple(a + b for a, b in zip(shifts, shifts_m))
    spin = np.einsum("xab,xb->xa", np.repeat(R, W, axis=0), rot)
    torque = M * np.cross(n_sites, spin)
    return NonlocalTorque(spin, torque, rot[:, :2], A, shifts)


def _chain_rotated(E, M, t, A, spin_currents):
    """The rotated-frame spin density (N, 3) of one chain (see :func:`nonlocal_torque`) and the shifts."""
    N = len(A) + 1
    x = np.arange(N)
    spins = {1: np.array([1.0, 0.0]), -1: np.array([0.0, 1.0])}        # sigma_z = +1: majority
    open_ = {s: abs(E + s * M) < 2 * t for s in (1, -1)}
    if spin_currents is None:
        shifts = {s: 1.0 if open_[s] else 0.0 for s in (1, -1)}
    else:
        ju, jd = (finite_float(j, "spin_currents") for j in spin_currents)
        shifts = {1: 2 * np.pi * ju, -1: 2 * np.pi * jd}
    pauli = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])
    Asig = np.einsum("ja,abc->jbc", A, pauli)                           # A_j . sigma
    G0 = {}
    for s in (1, -1):
        z = _chain_root(E + s * M, t)
        G0[s] = z ** np.abs(x[:, None] - x[None, :]) / (t * (z - 1 / z))
    rot = np.zeros((N, 3))
    for s in (1, -1):
        if not open_[s] or shifts[s] == 0:
            continue
        k = float(np.arccos(-(E + s * M) / (2 * t)))
        v = 2 * t * np.sin(k)
        for direction in (1, -1):
            psi0 = np.exp(1j * direction * k * x)[:, None] * spins[s][None, :] / np.sqrt(v)   # (N, 2)
            Vpsi = np.zeros((N, 2), dtype=complex)
            Vpsi[:-1] += -1j * t * np.einsum("jbc,jc->jb", Asig, psi0[1:])    # V_{j,j+1} = -i t A_j.sigma
            Vpsi[1:] += 1j * t * np.einsum("jbc,jc->jb", Asig, psi0[:-1])     # V_{j+1,j} = +i t A_j.sigma
            psi1 = np.stack([G0[1] @ Vpsi[:, 0], G0[-1] @ Vpsi[:, 1]], axis=1)
            w = direction * shifts[s] / 2 / (2 * np.pi)
            rot += w * 2 * np.real(np.einsum("xb,abc,xc->xa", psi0.conj(), pauli, psi1))
    return rot, (shifts[1], shifts[-1])
