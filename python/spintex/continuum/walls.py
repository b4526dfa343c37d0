"""Wall resistance and reflection force of a Neel wall on a chain (seed 001 Eqs. 56-58, 74-76).

Seed 001 gets the resistivity of a texture from the Mori formula at lowest order in the gauge
field A = (m x d_x m) . sigma (Eq. 74), k-sum Eq. 75, and the force on the texture as the
momentum the scattered electrons transfer (Eqs. 56, 58, 76).  In one dimension the k and q sums
leave four spin-flip processes at the Fermi energy, each with a golden-rule probability:
backward (k_s -> -k_sbar, q = k_+ + k_-) and forward (k_s -> k_sbar, q = k_+ - k_-).

**The formula in Landauer form** (derivation in docs/physics.md).  The Mori formula evaluates the
momentum (current) relaxation in the current-carrying state of the bulk, undisturbed by the wall.
In one dimension that state has, in spin channel s (along the local n), right- and left-movers
at chemical potentials +-a_s/2 with a_s = 2 pi j_s = pi I (1 + s P) (I the particle current,
P = (j_+ - j_-)/I its polarization).  A scatterer with probabilities P_oi then dissipates
(1/2pi) (1/2) sum_oi P_oi (mu_i - mu_o)^2 = R I^2, so

    R_S = pi (P_back + P^2 P_fwd)   [hbar/e^2]  =  (P_back + P^2 P_fwd) / 2   [h/e^2],

and it receives the momentum (1/2pi) sum_i mu_i sum_o P_oi (p_i - p_o):

    F / I = P_back (k_+ + k_-) + P P_fwd (k_+ - k_-)                            (Eq. 76 in 1D).

With the seed's Born probabilities and its band (parabolic, spin-independent lifetime, so
P = (k_+ - k_-)/(k_+ + k_-)) the first line is Eq. 74/75 in one dimension,
R_S = pi M^2 / (n^2 v_+ v_-) [sech^2(pi lambda (k_+ - k_-)/2) + sech^2(pi lambda (k_+ + k_-)/2)]
with n = (k_+ + k_-)/pi, and F = n R_S I is Eq. 58.

**Lattice translation.**  Chain band eps(k) = -2t cos k, spin-s band eps(k) - s M, so
``cos k_s = -(E_F + s M)/(2t)``, v_s = 2t sin k_s.  The spin-flip vertex of the rotated frame
lives on the bonds: 2t sin((k + k')/2) times the bond's gauge field phi_j = (theta_{j+1} -
theta_j)/2, with energy conservation (eps(k') - eps(k) = 4t sin((k+k')/2) sin(q/2) = +-2M) a
vertex M/|sin(q/2)| times phi(q).  For a texture sampled at the sites phi_j is the integral of
theta'/2 over the bond, so phi(q) = a(q) sin(q/2)/(q/2) (up to Umklapp terms, exponentially small
in lambda), and the two sin(q/2) cancel: the golden-rule probability is the seed's own form with
the lattice's k_s and v_s,

    P(q) = (2M/q)^2 |a(q)|^2 / (v_i v_o),   a(q) = int e^{-iqx} theta'/2 dx = (pi/2) sech(pi q lambda/2).

(Tested against the exact first order of the lattice, ``st.chain_scattering`` of a wall rotating
by a small angle, to 1e-3.  An earlier version replaced q by 2 sin(q/2), i.e. sampled theta' on the
bonds instead of differencing theta: 1.1-1.8x too large for the backward process.)  A spin-independent
lifetime (the seed's assumption) gives the lattice polarization P = (v_+ - v_-)/(v_+ + v_-)
(j_s proportional to nu_s v_s^2 tau = v_s tau / pi), the default here.

**Regime** (what Eq. 74 assumes): (i) lowest order in A: weak non-adiabatic mixing,
lambda (k_+ - k_-) >~ 1, and negligible second-order (A^2) terms; (ii) the clean limit, mean
free path l >> lambda and l >> 1/(k_+ - k_-) (the wall scatters coherently as a whole, q resolved
better than k_+ - k_-); (iii) the bulk current state undisturbed at the wall: the spin
accumulation fed by forward mixing negligible (P_fwd (a_+ - a_-) small against the spin
conductance of a spin-diffusion length).  For a 180-degree wall the mixing is never weak in the
sense of (i): the exact forward probability of the sech profile (Rosen-Zener) is
sech^2(pi lambda (k_+ - k_-)/2), the Born value (pi/2)^2 times that.
"""
from __future__ import annotations

import numpy as np

from ._checks import _hopping, _real


def _sech(y):
    """sech y without the overflow of cosh for |y| > 710 (it underflows to 0 there instead)."""
    decay = np.exp(-np.abs(y))
    return 2 * decay / (1 + decay * decay)


def chain_fermi_wavevectors(energy, exchange, hopping: float = 1.0) -> tuple:
    """(k_+, k_-): Fermi wave numbers of the majority and minority bands of the chain,
    cos k_s = -(E_F + s M) / (2t).  ValueError if a spin band is not at the Fermi level."""
    t = _hopping(hopping)
    E, M = float(_real(energy, "energy")), float(_real(exchange, "exchange"))
    c = -(E + np.array([M, -M])) / (2 * t)
    if np.any(np.abs(c) >= 1):
        raise ValueError(f"energy={E!r}, exchange={M!r}: both spin bands must cross the Fermi level "
                         f"(|E_F +- M| < 2t = {2 * t})")
    k = np.arccos(c)
    return float(k[0]), float(k[1])


def wall_form_factor(q, width):
    """a(q) = int dx e^{-iqx} theta'(x)/2 = (pi/2) sech(pi q lambda / 2) for the Neel/Bloch wall
    theta = 2 arctan exp(x/lambda) (the Fourier transform of the gauge field |A^+-|)."""
    lam = _real(width, "width", positive=True)
    return 0.5 * np.pi * _sech(0.5 * np.pi * _real(q, "q") * lam)


def wall_scattering_born(energy, exchange, width, hopping: float = 1.0, forward: str = "born") -> tuple:
    """(P_back, P_fwd): golden-rule probabilities of the spin-flip backward (q = k_+ + k_-) and
    forward (q = k_+ - k_-) processes of a Neel wall on the chain, lowest order in the gauge field
    (module docstring): P(q) = (2M/q)^2 a(q)^2 / (v_+ v_-).

    ``forward="rosen-zener"`` replaces the forward one by the exact mixing of the sech-shaped
    gauge field, P_fwd = sech^2(pi lambda (k_+ - k_-)/2): in the frame of an electron crossing
    the wall at speed v the non-adiabatic coupling v theta'/2 is a Rosen-Zener pulse of area pi,
    whose transition probability is sin^2(pi/2) sech^2(...), the golden rule's (pi/2)^2 sech^2
    resummed (the lattice follows it to 1 % for lambda (k_+ - k_-) >~ 1, notebook wall_resistance).
    """
    if forward not in ("born", "rosen-zener"):
        raise ValueError(f"forward must be 'born' or 'rosen-zener', got {forward!r}")
    t = _hopping(hopping)
    M = float(_real(exchange, "exchange", positive=True))
    kp, km = chain_fermi_wavevectors(energy, M, t)
    vv = 4 * t * t * np.sin(kp) * np.sin(km)

    def p(q):
        return float((2 * M / q) ** 2 * wall_form_factor(q, width) ** 2 / vv)

    if forward == "rosen-zener":
        return p(kp + km), float(_sech(0.5 * np.pi * float(_real(width, "width")) * (kp - km)) ** 2)
    return p(kp + km), p(kp - km)


def _polarization(energy, exchange, hopping, polarization):
    if polarization is not None:
        P = float(_real(polarization, "polarization"))
        if abs(P) > 1:
            raise ValueError(f"polarization must be in [-1, 1], got {polarization!r}")
        return P
    kp, km = chain_fermi_wavevectors(energy, exchange, hopping)
    return float((np.sin(kp) - np.sin(km)) / (np.sin(kp) + np.sin(km)))


def wall_resistance(energy, exchange, width, hopping: float = 1.0, polarization=None, forward: str = "born") -> float:
    """Seed 001 Eq. 74/75 on the chain: R_S = (P_back + P^2 P_fwd)/2 in units of h/e^2.

    ``polarization``: the bulk current polarization P; default (v_+ - v_-)/(v_+ + v_-), the
    spin-independent lifetime the seed assumes.  Probabilities from :func:`wall_scattering_born`
    (``forward``: "born", the seed's, or "rosen-zener").  See the module docstring for the
    derivation and regime.
    """
    P = _polarization(energy, exchange, hopping, polarization)
    back, fwd = wall_scattering_born(energy, exchange, width, hopping, forward)
    return 0.5 * (back + P * P * fwd)


def wall_resistance_parabolic(energy, exchange, width, hopping: float = 1.0) -> float:
    """Eq. 74/75 literally, in one dimension, with the chain's Fermi wave numbers and velocities:
    R_S = M^2 / (2 n^2 v_+ v_-) [sech^2(pi lambda (k_+ - k_-)/2) + sech^2(pi lambda (k_+ + k_-)/2)]
    in h/e^2, n = (k_+ + k_-)/pi.  Equals :func:`wall_resistance` for a parabolic band."""
    t = _hopping(hopping)
    M = float(_real(exchange, "exchange", positive=True))
    lam = float(_real(width, "width", positive=True))
    kp, km = chain_fermi_wavevectors(energy, M, t)
    n, vv = (kp + km) / np.pi, 4 * t * t * np.sin(kp) * np.sin(km)
    sech2 = _sech(0.5 * np.pi * lam * np.array([kp - km, kp + km])) ** 2
    return float(M**2 / (2 * n**2 * vv) * sech2.sum())


def reflection_force(energy, exchange, width, hopping: float = 1.0, polarization=None, forward: str = "born") -> float:
    """Seed 001 Eqs. 56-58, 76 on the chain: force on the wall per unit particle current,
    F / I = P_back (k_+ + k_-) + P P_fwd (k_+ - k_-) (momentum transfer of the Born processes in
    the bulk current state; positive along the electron flow).  For a parabolic band this is
    Eq. 58, F = n R_S I."""
    P = _polarization(energy, exchange, hopping, polarization)
    kp, km = chain_fermi_wavevectors(energy, exchange, hopping)
    back, fwd = wall_scattering_born(energy, exchange, width, hopping, forward)
    return float(back * (kp + km) + P * fwd * (kp - km))
