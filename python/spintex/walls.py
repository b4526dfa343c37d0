"""Domain-wall resistance and the force of a current on a wall (seed 001 Eqs. 56-58, 74-76).

- :func:`wall_resistance`: R_wall = 1/g(wall) - 1/g(uniform), g the dimensionless two-terminal
  conductance (``Response.transmission``: the Caroli transmission, or with disorder the SCBA
  conductance; per unit bias the particle current is g / 2pi).  Resistances are in units of
  h/e^2 (= 2pi in hbar = e = 1), i.e. the resistance of one perfectly transmitted spin channel
  is 1.  The difference of two-terminal resistances is the four-terminal resistance of the wall:
  ballistic, one channel per spin and a spin-independent reflection R, it is R / (2 (1 - R)),
  the seed's R_S = (pi hbar/e^2) R/(1 - R).
- :func:`wall_force`: the force of the electrons on a rigid wall per unit bias,
  F = -<dH/dX> = M sum_i v_i . s_i with v = dn/dX of the translation (seed 001 Eq. 53).
- :func:`chain_scattering`: the spin-resolved scattering probabilities of a chain by 2x2-block
  transfer matrices (independent of the recursive Green's functions), and from them the momentum
  the scattered electrons hand to the wall (:meth:`ChainScattering.momentum_transfer`).

Momentum balance.  Per unit bias of the
"bias" drive (leads at +1/2, -1/2) the electrons incident in channel i carry the particle flux
w_i / 2pi (w = +1/2 from the left, -1/2 from the right) and leave in channel o with probability
P_oi.  Each one hands the wall p_i - p_o, so in a steady state

    F_mt = (1/2pi) sum_i w_i sum_o P_oi (p_i - p_o),

2k per backscattered electron without spin flip, k_s + k_s' with a flip (seed 001 Eq. 76:
2 k_F hbar per reflection).  In the continuum H depends on x - X, so -<dH/dX> = <dH/dx> is
minus the rate at which the wall changes the electrons' momentum (Ehrenfest), and F = F_mt
exactly.  On a lattice only translations by whole lattice constants are symmetries and p is the
lattice momentum: F - F_mt has a part that depends on where the wall sits between two sites (the
Peierls-Nabarro modulation) and a mean (Umklapp of the texture's Fourier components beyond the
Brillouin zone), both exponentially small in the wall width and large for walls narrower than a
lattice constant (docs/physics.md section 16).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_model, finite_array, finite_float
from .disorder import Disorder
from .model import Model
from .pumping import texture_force, texture_velocity
from .response import linear_response
from .units import RESISTANCE


@dataclass
class WallResistance:
    """R_wall = 1/g_wall - 1/g_uniform in units of h/e^2 (``resistance``, ``units``), with the two
    conductances g (dimensionless, e^2/h) and the two responses (drive "bias")."""

    resistance: float
    conductance_wall: float
    conductance_uniform: float
    response_wall: object = None
    response_uniform: object = None
    units: str = RESISTANCE


def wall_resistance(model_wall: Model, model_uniform: Model, energy: float, *,
                    disorder: Disorder | None = None) -> WallResistance:
    """Resistance of a wall: the two-terminal resistance with the wall minus that without it.

    Parameters
    ----------
    model_wall, model_uniform : Model
        The same wire with the wall and uniformly magnetized (same lattice).
    energy : float
        Fermi energy.
    disorder : Disorder, optional
        SCBA or samples; the conductance is then ``Response.transmission`` of the averaged
        response (for SCBA the conserving conductance with vertex corrections).

    Returns
    -------
    WallResistance, resistance in units of h/e^2.
    """
    check_model(model_wall, "model_wall")
    check_model(model_uniform, "model_uniform")
    a, b = model_wall.lattice, model_uniform.lattice
    if (a.num_sites, a.num_slices, a.dim) != (b.num_sites, b.num_slices, b.dim) or not np.array_equal(a.positions,
                                                                                                   b.positions):
        raise ValueError("model_wall and model_uniform must be built on the same lattice (got "
                         f"{a.num_sites} sites in {a.num_slices} slices, {a.dim}D, and {b.num_sites} sites in "
                         f"{b.num_slices} slices, {b.dim}D{', other positions' if a.num_sites == b.num_sites else ''})")
    energy = finite_float(energy, "energy")
    rw = linear_response(model_wall, energy, disorder=disorder, drive="bias")
    ru = linear_response(model_uniform, energy, disorder=disorder, drive="bias")
    gw, gu = float(rw.transmission), float(ru.transmission)  # a scalar energy: scalar conductances
    if not (gw > 0 and gu > 0):
        raise ValueError(f"no conductance at energy={energy!r} (g_wall = {gw:.3g}, "
                         f"g_uniform = {gu:.3g}): choose an energy inside the bands")
    return WallResistance(1 / gw - 1 / gu, gw, gu, rw, ru)


def wall_force(model: Model, energy: float, *, disorder: Disorder | None = None, drive: str = "bias",
               response=None) -> float:
    """Force on the rigid wall per unit drive, F = -<dH/dX> = M sum_i v_i . s_i (v = -d_x n of
    the texture callable, :func:`spintex.texture_velocity`); positive: along +x, the direction in
    which the electrons flow under the "bias" drive.  ``drive``: one of the T = 0 drives of
    :func:`spintex.linear_response` (for the thermal drive pass its ``response``).  ``response``
    reuses a computed Response."""
    check_model(model)
    if response is None:
        if drive == "thermal":
            raise ValueError("wall_force(drive='thermal') needs a temperature: pass response="
                             "st.linear_response(model, energy, drive='thermal', temperature=T)")
        response = linear_response(model, finite_float(energy, "energy"), disorder=disorder, drive=drive)
    return texture_force(model, response, texture_velocity(model, "translation"))


# ----------------------------------------------------------------------------- chain scattering
@dataclass
class ChainScattering:
    """Scattering of a chain at one energy, channels labelled by lead and spin.

    ``probability[o, i]``: from incoming channel i to outgoing channel o (each index 0..3:
    (left, majority), (left, minority), (right, majority), (right, minority), majority along the
    lead's magnetization).  Incoming left channels move right, incoming right ones move left;
    outgoing left channels move left, outgoing right ones right.  ``momentum[c]``: the lattice
    wave number k in (0, pi) of channel c (NaN where closed; closed channels have zero rows and
    columns).  Unitarity: columns of open channels sum to 1.
    """

    energy: float
    probability: np.ndarray
    momentum: np.ndarray

    @property
    def open(self) -> np.ndarray:
        return np.isfinite(self.momentum)

    def transmission(self) -> float:
        """g = sum of the left-to-right probabilities (the Landauer conductance, e^2/h)."""
        return float(self.probability[2:, :2].sum())

    def reflection(self) -> np.ndarray:
        """(2, 2) reflection probabilities from the left, [out spin, in spin]."""
        return self.probability[:2, :2].copy()

    def momentum_transfer(self, weights=(0.5, -0.5)) -> tuple:
        """Momentum handed to the scatterer per unit time, per unit drive, (total, reflected part).

        ``weights``: the rise of the (left, right) chemical potentials ((1/2, -1/2): the "bias"
        drive).  Incoming momenta p_i = +k (left) or -k (right), outgoing p_o = -k (left) or +k
        (right); F = (1/2pi) sum_i w_i sum_o P_oi (p_i - p_o), the reflected part the sum over o
        in the lead of i (2k without spin flip, k_s + k_s' with one).
        """
        w_left, w_right = (finite_float(w, "weights") for w in weights)
        k = np.where(self.open, self.momentum, 0.0)
        p_in = np.concatenate([k[:2], -k[2:]])
        p_out = np.concatenate([-k[:2], k[2:]])
        w = np.array([w_left, w_left, w_right, w_right]) * self.open
        gain = self.probability * (p_in[None, :] - p_out[:, None])  # [o, i]
        reflected = np.zeros((4, 4), dtype=bool)
        reflected[:2, :2] = reflected[2:, 2:] = True
        return float(gain.sum(axis=0) @ w / (2 * np.pi)), float((gain * reflected).sum(axis=0) @ w / (2 * np.pi))

    def bulk_response(self, polarization: float) -> tuple:
        """(R_S in h/e^2, F / I): the wall in the current-carrying state of a diffusive bulk
        (seed 001 Eqs. 74 and 76 with these exact probabilities instead of the Born ones).

        Per unit particle current I the channel s (majority +1, minority -1) carries
        j_s = I (1 + s P)/2, so its right- and left-movers sit at +-a_s/2, a_s = pi (1 + s P).
        The wall dissipates (1/4pi) sum_oi P_oi (mu_i - mu_o)^2 = R_S I^2 (hbar/e^2) and receives
        (1/2pi) sum_i mu_i sum_o P_oi (p_i - p_o) (module :mod:`spintex.continuum.walls`).
        """
        P = finite_float(polarization, "polarization")
        if abs(P) > 1:
            raise ValueError(f"polarization must be in [-1, 1], got {polarization!r}")
        a = np.pi * np.array([1 + P, 1 - P]) * self.open.reshape(2, 2)
        mu_in = np.concatenate([a[0] / 2, -a[1] / 2])
        mu_out = np.concatenate([-a[0] / 2, a[1] / 2])
        k = np.where(self.open, self.momentum, 0.0)
        p_in, p_out = np.concatenate([k[:2], -k[2:]]), np.concatenate([-k[:2], k[2:]])
        resistance = float((self.probability * (mu_in[None, :] - mu_out[:, None]) ** 2).sum()) / (4 * np.pi)
        force = float(mu_in @ (self.probability * (p_in[None, :] - p_out[:, None])).sum(axis=0)) / (2 * np.pi)
        return resistance / (2 * np.pi), force

    def wire_response(self, conductances) -> tuple:
        """(R_wall in h/e^2, F / I): this wall at the centre of a diffusive wire, composed
        semiclassically (docs/physics.md section 16), exact in the wall's probabilities.

        ``conductances``: (g_maj, g_min), the two-terminal conductances (e^2/h, contacts included)
        of the spin channels of the *uniform* wire, e.g. g (1 +- P)/2 from its response.  Each
        channel is a spin-conserving Drude resistor (the case of scalar disorder: in a uniform
        magnet it does not flip the spin along n), x_s = 1/g_s - 1, cut in two halves of x_s/2
        with transmission 1/(1 + x_s/2) and reflection (x_s/2)/(1 + x_s/2).  The halves and the
        wall are composed as incoherent scatterers in series: the occupations of the four channels
        incident on the wall, u (from the left) and w (from the right), solve

            u = T_A mu_L + R'_A (R_W u + T'_W w),   w = T'_B mu_R + R_B (T_W u + R'_W w),

        with mu_L, mu_R = +-1/2.  R_wall = 1/g(wall) - 1/g(uniform), and F is the momentum the wall
        receives, (1/2pi) sum_i mu_i sum_o P_oi (p_i - p_o), with those occupations, per unit
        particle current.  Unlike :meth:`bulk_response` (lowest order: the incident occupations
        of the undisturbed bulk) this keeps the spin accumulation the wall's own mixing builds:
        for a wall without reflection and forward mixing p it gives
        R_wall = (P^2 p/2) / (1 - p X/(1 + X)), X = (x_+ + x_-)/2, P the uniform wire's
        polarization.  It is the SCBA wire's limit Gamma_0 -> 0 at fixed L/l (tested).
        """
        g = finite_array(conductances, "conductances")
        if g.shape != (2,) or np.any(g <= 0) or np.any(g > 1):
            raise ValueError("conductances must be (g_maj, g_min), each in (0, 1] (one channel per spin; "
                             f"got {conductances!r})")
        if not np.all(self.open):
            raise ValueError("wire_response needs both spin channels open in both leads")
        half = (1 / g - 1) / 2
        T_seg, R_seg = np.diag(1 / (1 + half)), np.diag(half / (1 + half))
        prob = self.probability
        T_w, R_w, Tp_w, Rp_w = prob[2:, :2], prob[:2, :2], prob[:2, 2:], prob[2:, 2:]
        one = np.ones(2)
        # [u; w]: the occupations incident on the wall, per unit bias (mu_L, mu_R = 1/2, -1/2)
        A = np.eye(4) - np.block([[R_seg @ R_w, R_seg @ Tp_w], [R_seg @ T_w, R_seg @ Rp_w]])
        mu_in = np.linalg.solve(A, np.concatenate([T_seg @ one / 2, -T_seg @ one / 2]))
        mu_out = prob @ mu_in  # rows: left-movers on the left, right-movers on the right
        current = float((mu_in[:2] - mu_out[:2]).sum()) / (2 * np.pi)  # through the wall, per unit bias
        k = self.momentum
        p_in, p_out = np.concatenate([k[:2], -k[2:]]), np.concatenate([-k[:2], k[2:]])
        force = float(mu_in @ (prob * (p_in[None, :] - p_out[:, None])).sum(axis=0)) / (2 * np.pi)
        g_wall = 2 * np.pi * current
        return float(1 / g_wall - 1 / g.sum()), force / current


def _lead_modes(cell: np.ndarray, energy: float, t: float):
    """Spinors (majority first) and wave numbers of a chain lead: cos k = (e_s - E) / 2t, Im k > 0
    for evanescent modes (e^{ikj} decays to the right)."""
    e, chi = np.linalg.eigh(cell)
    c = (e - energy) / (2 * t)
    kappa = np.arccosh(np.maximum(np.abs(c), 1.0))
    k = np.where(np.abs(c) <= 1, np.arccos(np.clip(c, -1, 1)), np.where(c > 0, 0.0, np.pi) + 1j * kappa)
    return chi, k.astype(complex)


def chain_scattering(model: Model, energy: float) -> ChainScattering:
    """Spin-resolved scattering probabilities of a clean chain by transfer matrices.

    The Schroedinger equation -t psi_{j-1} - t psi_{j+1} + h_j psi_j = E psi_j (h_j the 2x2 site
    blocks) gives (psi_{j+1}, psi_j) = [[(h_j - E)/t, -1], [1, 0]] (psi_j, psi_{j-1}).  In the
    leads psi is a sum of the modes chi_s e^{+-ik_s j}; matching the left modes at sites (0, -1)
    and the right ones at (L, L-1) through the product of the device's transfer matrices gives
    the outgoing amplitudes a_oi, and P_oi = |a_oi|^2 v_o / v_i (v = 2t sin k).  For short
    devices (the transfer matrices grow as e^{kappa L} in gaps): use tens of sites.
    """
    check_model(model)
    if model.lattice.dim != 1 or model.rashba:
        raise ValueError("chain_scattering needs a chain (st.lattice.chain) without Rashba coupling")
    E = finite_float(energy, "energy")
    t = model.hopping
    chi_l, k_l = _lead_modes(model.lead_cell("left"), E, t)
    chi_r, k_r = _lead_modes(model.lead_cell("right"), E, t)
    transfer = np.eye(4, dtype=complex)
    for h in model.site_blocks:
        step = np.zeros((4, 4), dtype=complex)
        step[:2, :2], step[:2, 2:], step[2:, :2] = (h - E * np.eye(2)) / t, -np.eye(2), np.eye(2)
        transfer = step @ transfer
    # columns: modes at (psi_0, psi_-1) on the left and (psi_L, psi_{L-1}) on the right
    left = np.vstack([np.hstack([chi_l, chi_l]), np.hstack([chi_l * np.exp(-1j * k_l), chi_l * np.exp(1j * k_l)])])
    right = np.vstack([np.hstack([chi_r * np.exp(1j * k_r), chi_r * np.exp(-1j * k_r)]), np.hstack([chi_r, chi_r])])
    moved = transfer @ left
    # unknown outgoing amplitudes: right-movers on the right, left-movers on the left
    A = np.hstack([right[:, :2], -moved[:, 2:]])
    B = np.hstack([moved[:, :2], -right[:, 2:]])  # incoming: right-movers on the left, left-movers on the right
    amplitude = np.linalg.solve(A, B)  # rows: (right s, left s); columns: (left s, right s)
    k = np.concatenate([k_l, k_r])
    is_open = np.abs(k.imag) < 1e-14
    v = np.where(is_open, 2 * t * np.abs(np.sin(k.real)), 0.0)
    if np.any(is_open & (v < 1e-9 * t)):
        raise ValueError(f"energy {E!r} is a lead channel threshold (a mode of zero velocity): its scattering "
                         "probabilities have no limit there; shift the energy slightly")
    out_order = np.array([2, 3, 0, 1])  # amplitude rows -> channel labels
    P = np.zeros((4, 4))
    amp = np.abs(amplitude) ** 2
    both = is_open[out_order][:, None] & is_open[None, :]
    P[out_order] = np.where(both, amp * np.divide(v[out_order][:, None], v[None, :], where=both,
                                                  out=np.zeros((4, 4))), 0.0)
    # flux conservation: what enters through an open channel leaves through the open ones.  The
    # transfer matrices grow as e^(kappa L) through a barrier or gap, and their product loses it
    # to rounding: then the probabilities are meaningless
    leak = np.abs(P.sum(axis=0) - 1.0)[is_open].max(initial=0.0)
    if not leak < 1e-8:
        raise ValueError(f"the transfer matrices of this chain are too ill-conditioned at energy {E!r} (the "
                         f"probabilities miss flux conservation by {leak:.3g}: an evanescent stretch of many sites); "
                         "use st.transmission (recursive Green's functions) or a shorter chain")
    return ChainScattering(E, P, np.where(is_open, k.real, np.nan))
