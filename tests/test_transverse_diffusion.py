"""Seed 003's magnetization-dependent spin diffusion tensor: the formulas and the lattice.

The formulas (`spintex.continuum.diffusion`) are checked against the equations they come from,
solved independently: the precessing Fick law (Eq. 71) and the two-velocity Boltzmann equation
(Eq. 66 in one dimension).  The lattice checks put a transverse accumulation into a disordered
chain magnetized along z (notebook `transverse_diffusion` does the gamma -> 0 series and the
local Fick law where M varies).
"""
import numpy as np
import pytest

import spintex as st
from spintex import continuum as cont

E = -1.0
NU = cont.dos(E, 1)
SOURCE = 40


def test_tensor_solves_the_precessing_fick_law():
    rng = np.random.default_rng(3)
    for _ in range(5):
        d, tau, m = rng.uniform(0.5, 3), rng.uniform(1, 20), rng.uniform(0, 0.3)
        n = rng.normal(size=3)
        grad = rng.normal(size=3)
        j = -cont.diffusion_tensor(d, tau, m, n) @ grad
        h = 2 * m * n / np.linalg.norm(n)
        assert np.allclose(j + tau * np.cross(h, j), -d * grad, rtol=0, atol=1e-12)  # Eq. 71


def test_transverse_constant_is_the_tensor_on_m_plus():
    d, tau, m = 1.7, 12.0, 0.05
    tensor = cont.diffusion_tensor(d, tau, m)
    grad = np.array([0.3, -1.1, 0.0])
    j = -tensor @ grad
    assert j[0] + 1j * j[1] == pytest.approx(-cont.transverse_diffusion_constant(d, tau, m) * (grad[0] + 1j * grad[1]),
                                             rel=1e-14)
    a = 2 * m * tau  # Eqs. 91-92: D_xx = D/(1 + a^2), D_xy = D a/(1 + a^2)
    assert tensor[0, 0] == pytest.approx(d / (1 + a**2), rel=1e-14)
    assert tensor[0, 1] == pytest.approx(d * a / (1 + a**2), rel=1e-14)
    assert tensor[2, 2] == pytest.approx(d, rel=1e-14)  # along n: no precession
    assert np.allclose(cont.diffusion_tensor(d, tau, 0.0), d * np.eye(3), rtol=0, atol=1e-15)


@pytest.mark.parametrize("a", [0.05, 1.0, 20.0])
@pytest.mark.parametrize("flip", [0.0, 0.3])
def test_decay_is_exact_for_the_two_velocity_boltzmann_equation(a, flip):
    """Right and left movers f+-, precession 2iM, spin flips at rate 1/tau_k and momentum scattering
    at rate 1/tau_p to their average:  +-v f+-' = -(2iM + 1/tau_k + 1/(2 tau_p)) f+- + f-+/(2 tau_p).
    Its two modes exp(-+kappa x) are Eq. 75's, with tau = tau_eff and D = v^2 tau_eff."""
    v, tau_p = 1.5, 10.0
    rate = flip / tau_p
    m = a / (2 * tau_p)
    c = 2j * m + rate + 1 / (2 * tau_p)
    ode = np.array([[-c, 1 / (2 * tau_p)], [-1 / (2 * tau_p), c]]) / v  # d/dx (f+, f-)
    modes = np.linalg.eigvals(ode)
    kappa = -modes[np.argmin(modes.real)]
    tau = 1 / (1 / tau_p + rate)
    assert kappa == pytest.approx(cont.transverse_decay(v**2 * tau, tau, m, spin_flip_rate=rate), rel=1e-12)


def test_kinetic_decay_of_one_channel_is_eq_75():
    v, tau, m, rate = 1.5, 10.0, 0.05, 0.02
    tau_eff = 1 / (1 / tau + rate)
    assert cont.kinetic_transverse_decay([v], [1.0], tau, m, spin_flip_rate=rate) == pytest.approx(
        cont.transverse_decay(v**2 * tau_eff, tau_eff, m, spin_flip_rate=rate), rel=1e-12)
    # equal speeds in several channels (weights normalized inside): still exact, with spin flips too
    assert cont.kinetic_transverse_decay([v, v, v], [2.0, 5.0, 3.0], tau, m, spin_flip_rate=rate) == pytest.approx(
        cont.transverse_decay(v**2 * tau_eff, tau_eff, m, spin_flip_rate=rate), rel=1e-12)


@pytest.mark.parametrize("a", [0.01, 0.1, 0.5])
def test_kinetic_decay_on_a_sphere(a):
    """A spherical Fermi surface (v_x = v mu, Gauss-Legendre in mu): the isotropic relaxation-time
    equation's mode obeys q coth q = 1 + i a, q = kappa v tau, and c - 1 = y - y^2/5 + O(y^3) with
    y = kappa^2 D tau, D = v^2 tau / 3 (physics.md section 19), not the seed's y - y^2."""
    nodes, w = np.polynomial.legendre.leggauss(200)
    tau, v = 1.0, 1.0
    kappa = cont.kinetic_transverse_decay(v * (nodes + 1) / 2, w, tau, a / (2 * tau))
    q = kappa * v * tau
    assert q / np.tanh(q) == pytest.approx(1 + 1j * a, abs=1e-12)
    y = kappa**2 * v**2 * tau**2 / 3
    # physics.md's expansion of that relation (next term 2 y^3/35 = 0.0571 y^3; measured 0.0571-0.0573)
    assert abs(y - y**2 / 5 - 1j * a) < 0.07 * abs(y) ** 3
    seed = cont.transverse_decay(v**2 * tau / 3, tau, a / (2 * tau))
    # the seed's closure is off at O(a): kappa^2 by (4/5) i a, kappa by 2a/5 (measured 0.400a, 0.399a, 0.369a)
    assert 0.35 * a < abs(kappa / seed - 1) < 0.41 * a


def test_relaxation_rate_of_magnetic_impurities():
    """1/tau_k = 2 pi (G_perp + G_par)(nu_up + nu_down) = 2 M beta (seed 000 Eq. 94), and with it Eq. 75
    is the two-velocity equation whose in-scattering keeps (G_0 - G_par) / (G_0 + G_par + 2 G_perp) of m+."""
    nu, m, g0, perp, par = 0.18, 0.02, 0.03, 0.002, 0.005
    rate = cont.transverse_relaxation_rate(nu, nu, magnetic=(perp, par))
    assert rate == pytest.approx(2 * m * cont.beta_spin_flip(nu, nu, m, magnetic=(perp, par)), rel=1e-14)
    assert cont.transverse_relaxation_rate(0.1, 0.3, magnetic=(perp, par)) == pytest.approx(
        2 * m * cont.beta_spin_flip(0.1, 0.3, m, magnetic=(perp, par)), rel=1e-14)  # both spins' DOS
    v = 1.7
    gamma = cont.born_broadening(nu, nu, onsite=g0, magnetic=(perp, par))[0]
    tau = 1 / (2 * gamma)
    keep = (g0 - par) / (g0 + par + 2 * perp)
    c = 2j * m + 1 / tau
    ode = np.array([[-c + keep / (2 * tau), keep / (2 * tau)], [-keep / (2 * tau), c - keep / (2 * tau)]]) / v
    modes = np.linalg.eigvals(ode)
    kappa = -modes[np.argmin(modes.real)]
    assert kappa == pytest.approx(cont.transverse_decay(v**2 * tau, tau, m, spin_flip_rate=rate), rel=1e-12)


def test_scalar_diffusion_of_eq_70():
    d, tau, m = 2.0, 25.0, 0.02
    assert cont.transverse_decay(d, tau, m, tensor=False) == pytest.approx(np.sqrt(2j * m / d), rel=1e-14)
    k = cont.transverse_decay(d, tau, m)
    assert k.real > 0 and k.imag > 0
    assert cont.transverse_diffusion_constant(d, tau, m) * k**2 == pytest.approx(2j * m, rel=1e-13)  # Eq. 75


def spiral_spin_current(E, M, dim, points, temperature, q=1e-4):
    """-(1/q) d j_y / d mu_s at fixed charge of a spin-split Fermi sea in a spiral texture
    (n x d_x n = q y), from the exact eigenstates of the rotating frame's hypercubic lattice
    (dim 1 or 2, ``points`` k points per axis, Fermi smearing ``temperature``): H(k) = eps'(k) -
    M sigma_z - 2 sin(q/2) sin k_x sigma_y, the spin current (1/2){dH/dk_x, sigma_y}, the lower
    (majority) band filled to mu_up, the upper to mu_down; no expansion in q or Fermi-surface
    average."""
    k = (np.arange(points) + 0.5) * 2 * np.pi / points - np.pi
    kx, rest = k, 0.0
    if dim == 2:
        kx, ky = (a.ravel() for a in np.meshgrid(k, k, indexing="ij"))
        rest = -2 * np.cos(ky)
    eps = -2 * np.cos(q / 2) * np.cos(kx) + rest
    b = -2 * np.sin(q / 2) * np.sin(kx)
    split = np.sqrt(M * M + b * b)
    dj, dn = [], []
    for sign in (-1, 1):  # majority (lower band, <sigma_y> = -b/E), minority
        current = 2 * np.cos(q / 2) * np.sin(kx) * (sign * b / split) - 2 * np.sin(q / 2) * np.cos(kx)
        x = np.clip((eps + sign * split - E) / temperature, -60, 60)
        weight = 1 / (4 * temperature * np.cosh(x / 2) ** 2)  # d f / d mu
        dj.append(np.mean(weight * current))
        dn.append(np.mean(weight))
    # mu_up += mu_s dn_down / (dn_up + dn_down), mu_down -= mu_s dn_up / (...): the charge fixed
    return (dj[0] * dn[1] - dj[1] * dn[0]) / (dn[0] + dn[1]) / q


@pytest.mark.parametrize("E, M", [(-0.8, 0.5), (-0.4, 0.25), (-1.5, 0.2)])
def test_accumulation_spin_current_of_the_chain_is_the_spiral_s(E, M):
    """The formula's Fermi-surface reduction against the exact spiral (measured 1.4e-6 - 5.2e-6, the
    smearing's O(T^2): 1.3e-6 at E = -1.5 with T halved), and its closed form on the chain."""
    c = cont.accumulation_spin_current(E, M, 1)
    assert spiral_spin_current(E, M, 1, 200_000, 2e-3) == pytest.approx(c, rel=1e-5)
    v = np.sqrt(4 - (E + M) ** 2) + np.sqrt(4 - (E - M) ** 2)
    assert c == pytest.approx((4 - E**2) / (np.pi * M * v), rel=1e-12)


def test_accumulation_spin_current_of_the_square_lattice_is_the_spiral_s():
    """In 2D (the M/d term and the Fermi-surface averages <v_x^2>): the k grid's error falls as the
    smearing's T^2 (measured 7.4e-4 at 1000 points and T = 0.06, 1.8e-4 at 2000 and 0.03)."""
    c = cont.accumulation_spin_current(-1.0, 0.3, 2)
    coarse, fine = (abs(spiral_spin_current(-1.0, 0.3, 2, n, t) / c - 1) for n, t in ((1000, 0.06), (2000, 0.03)))
    assert fine < 2.5e-4 and 3 < coarse / fine < 5


def test_accumulation_spin_current_limits():
    """Zero where a spin band is empty (a half metal: no accumulation at fixed charge); the
    disorder factor a^2 / (1 + a^2) of seed 003's precessing term (a = 2M / (gamma_up + gamma_down))
    on the v^2 / 2M part only; arrays broadcast."""
    assert cont.accumulation_spin_current(-2.2, 0.5, 1) == 0.0  # minority band bottom at -1.5 ... above E_F
    E, M, g0 = -0.8, 0.5, 0.1
    nu = cont.spin_dos(E, M, 1)
    a = 2 * M / sum(cont.born_broadening(*nu, onsite=g0))
    both = nu[0] * nu[1] / (nu[0] + nu[1])
    precessing = cont.accumulation_spin_current(E, M, 1) - both * M
    assert cont.accumulation_spin_current(E, M, 1, onsite=g0) == pytest.approx(
        both * M + precessing * a**2 / (1 + a**2), rel=1e-12)
    assert cont.accumulation_spin_current([E, E], M, 1).shape == (2,)


@pytest.mark.parametrize("call, match", [
    (lambda: cont.transverse_decay(-1.0, 10.0, 0.1), "diffusion must be > 0"),
    (lambda: cont.transverse_decay(1.0, 0.0, 0.1), "lifetime must be > 0"),
    (lambda: cont.transverse_decay(1.0, 10.0, 0.0), "exchange or spin_flip_rate must be > 0"),
    (lambda: cont.transverse_decay(1.0, 10.0, 0.1, spin_flip_rate=-1), "spin_flip_rate must be >= 0"),
    (lambda: cont.transverse_decay(1.0, 10.0, 0.1, tensor="yes"), "tensor must be True or False"),
    (lambda: cont.diffusion_tensor(1.0, 10.0, 0.1, (0, 0, 0)), "direction must be a non-zero vector"),
    (lambda: cont.diffusion_tensor(1.0, 10.0, 0.1, (1, 0)), "direction must be a finite 3-vector"),
    (lambda: cont.transverse_diffusion_constant(1.0, 10.0, -0.1), "exchange must be >= 0"),
    (lambda: cont.kinetic_transverse_decay([1.0, 2.0], [1.0], 10.0, 0.1), "one length"),
    (lambda: cont.kinetic_transverse_decay([1.0, 0.0], [1.0, 1.0], 10.0, 0.1), "velocities must be > 0"),
    (lambda: cont.kinetic_transverse_decay([1.0], [0.0], 10.0, 0.1), "weights must not all be zero"),
    (lambda: cont.kinetic_transverse_decay([1.0], [1.0], 10.0, 0.0), "exchange or spin_flip_rate"),
    (lambda: cont.kinetic_transverse_decay([1.0, 2.0], [1.0, -0.5], 10.0, 0.1), "weights must be >= 0"),
    (lambda: cont.kinetic_transverse_decay([1.0], [1.0], -1.0, 0.1), "lifetime must be > 0"),
    (lambda: cont.kinetic_transverse_decay([1.0], [1.0], 10.0, -0.1), "exchange must be >= 0"),
    (lambda: cont.diffusion_tensor(0.0, 10.0, 0.1), "diffusion must be > 0"),
    (lambda: cont.diffusion_tensor(1.0, 10.0, -0.1), "exchange must be >= 0"),
    (lambda: cont.transverse_decay(1.0, 10.0, -0.1, spin_flip_rate=0.1), "exchange must be >= 0"),
    (lambda: cont.diffusion_tensor(1.0, -1.0, 0.1), "lifetime must be > 0"),
    (lambda: cont.transverse_relaxation_rate(0.1, 0.1, magnetic=(-1e-3, 0.0)), "Gamma_perp"),
    (lambda: cont.accumulation_spin_current(-1.0, 0.0, 1), "exchange must be > 0"),
    (lambda: cont.accumulation_spin_current(-1.0, 0.5, 4), "dim must be 1, 2 or 3"),
    (lambda: cont.accumulation_spin_current(-1.0, 0.5, 1, onsite=-0.1), "onsite must be >= 0"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------------------- the lattice
def x_then_z(length):
    """SOURCE sites magnetized along x, then z."""
    return np.where(np.arange(length)[:, None] < SOURCE, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])


def transverse_accumulation(gamma, exchange, decay_lengths=14, drive=None, magnetic=0.0):
    """m+ along a chain magnetized along z after SOURCE sites along x, and the seed's kappa; the Born
    broadening gamma holds isotropic magnetic variances ``magnetic``, the rest is non-magnetic."""
    tau = 1 / (2 * gamma)
    d = cont.diffusion_constant(E, tau, 1)
    rate = cont.transverse_relaxation_rate(NU, NU, magnetic=(magnetic, magnetic))
    kappa = cont.transverse_decay(d, tau, exchange, spin_flip_rate=rate)
    length = SOURCE + int(decay_lengths / kappa.real)
    model = st.Model(st.lattice.chain(length), exchange=exchange, texture=x_then_z(length))
    disorder = st.Disorder(onsite=gamma / (np.pi * NU) - 3 * magnetic, magnetic=(magnetic, magnetic), tolerance=1e-13)
    r = st.linear_response(model, E, disorder=disorder, drive=drive)
    return r.spin_density[:, 0] + 1j * r.spin_density[:, 1], kappa, d, tau


def fitted(mp, kappa, lo=None, hi=None):
    """kappa of m+ on sites lo..hi (default: 4 to 8 decay lengths beyond the source), from the log
    modulus and the unwrapped phase."""
    lo = SOURCE + int(4 / kappa.real) if lo is None else lo
    hi = SOURCE + int(8 / kappa.real) if hi is None else hi
    x = np.arange(lo, hi)
    return -(np.polyfit(x, np.log(np.abs(mp[lo:hi])), 1)[0] + 1j * np.polyfit(x, np.unwrap(np.angle(mp[lo:hi])), 1)[0])


@pytest.mark.parametrize("a, measured", [(0.3, 3.9e-5), (1.0, 5.2e-5), (3.0, 1.5e-4)])
def test_chain_decay_is_seed_003_eq_75(a, measured):
    """gamma = 0.01, M = a gamma: the lattice's kappa against the tensor's (Eq. 75) and Eq. 70's."""
    gamma = 0.01
    mp, kappa, d, tau = transverse_accumulation(gamma, a * gamma)
    lattice = fitted(mp, kappa)
    assert abs(lattice / kappa - 1) < 2 * measured
    assert abs(lattice / cont.transverse_decay(d, tau, a * gamma, tensor=False) - 1) > 0.1


def test_chain_decay_approaches_the_seed_as_gamma_squared():
    errors = []
    for gamma in (0.02, 0.01):
        mp, kappa, _, _ = transverse_accumulation(gamma, gamma)  # a = 1
        errors.append(abs(fitted(mp, kappa) / kappa - 1))
    assert 3 < errors[0] / errors[1] < 5, errors  # measured 2.1e-4 / 5.2e-5 = 4.0


def test_decay_does_not_depend_on_the_drive():
    """kappa is a property of the uniform region: the lead drives and the field drive agree."""
    kappas = [fitted(*transverse_accumulation(0.02, 0.02, drive=drive)[:2]) for drive in ("left", "right", "field")]
    # measured 3.4e-6 relative: the share of the source's short-lived 2k_F mode in the fit window
    # depends on the drive (the fit's own error against Eq. 75 is 2.1e-4 here)
    assert np.allclose(kappas, kappas[0], rtol=1e-5, atol=0)


def test_strip_follows_the_kinetic_equation_not_the_closure():
    """Periodic 4 x 1 strip at E = -0.5: two open channels of different speeds.  The lattice's kappa
    (6 to 10 decay lengths out) is the channels' Boltzmann mode, which Eq. 75 misses by 5.9 %."""
    from spintex.periodic import PeriodicWire

    gamma, a, energy = 0.01, 1.0, -0.5
    speeds, weights = PeriodicWire(10, 4, 1).open_channels(energy)
    tau, m = 1 / (2 * gamma), a * gamma
    kinetic = cont.kinetic_transverse_decay(speeds, weights, tau, m)
    seed = cont.transverse_decay(tau * (weights * speeds**2).sum() / weights.sum(), tau, m)
    length = SOURCE + int(13 / kinetic.real)
    wire = PeriodicWire(length, 4, 1, exchange=m, texture=x_then_z(length))
    r = wire.linear_response(energy, disorder=st.Disorder(onsite=gamma / (np.pi * weights.sum()), tolerance=1e-13))
    mp = r.spin_density[:, 0] + 1j * r.spin_density[:, 1]
    lo, hi = SOURCE + int(6 / kinetic.real), SOURCE + int(10 / kinetic.real)
    lattice = fitted(mp, kinetic, lo, hi)
    assert abs(lattice / kinetic - 1) < 1e-2  # measured 4.8e-3, falling about linearly in gamma
    assert abs(lattice / seed - 1) > 0.04  # measured 5.9e-2
    # the O(gamma) part is the SCBA's real self-energy (E - Re Sigma, M_eff): with it, 1.0e-4
    # (the k-space mode's 7.0e-5 from the renormalized one, O(gamma^2), plus the fit's floor)
    c = PeriodicWire(10, 4, 1).renormalized_channels(energy, m, gamma / (np.pi * weights.sum()))
    renormalized = cont.kinetic_transverse_decay(c.speeds, c.weights, c.lifetime, c.exchange)
    assert abs(lattice / renormalized - 1) < 2e-4
    # the lattice is the k-space ladder's mode up to the fit's floor (measured 5.2e-5)
    exact = PeriodicWire(10, 4, 1).exact_transverse_decay(energy, m, gamma / (np.pi * weights.sum()))
    assert abs(lattice / exact - 1) < 1e-4


def test_strip_approaches_the_renormalized_kinetic_mode_as_gamma_squared():
    """The exact (k-space) mode of the 4 x 1 strip (E = -0.5, a = 1; the lattice's own, tested above) against
    the channels' kinetic mode: with the bare channels the gap halves with gamma (9.6e-3, 4.8e-3); with
    the SCBA-renormalized ones (open channels at E - Re Sigma, M_eff = M - (Re Sigma_up -
    Re Sigma_down)/2, gamma_SCBA) it quarters (2.9e-4, 7.0e-5).  Either renormalization alone leaves an
    O(gamma) gap (docs/physics.md section 19).  In a chain Re Sigma = 0 inside the band."""
    from spintex.periodic import PeriodicWire

    wire, energy = PeriodicWire(10, 4, 1), -0.5
    speeds, weights = wire.open_channels(energy)
    bare, renormalized = [], []
    for gamma in (0.02, 0.01):
        onsite, m = gamma / (np.pi * weights.sum()), gamma
        kinetic = cont.kinetic_transverse_decay(speeds, weights, 1 / (2 * gamma), m)
        exact = wire.exact_transverse_decay(energy, m, onsite)
        c = wire.renormalized_channels(energy, m, onsite)
        bare.append(abs(exact / kinetic - 1))
        renormalized.append(abs(exact / cont.kinetic_transverse_decay(c.speeds, c.weights, c.lifetime, c.exchange) - 1))
        only_m = cont.kinetic_transverse_decay(speeds, weights, 1 / (2 * gamma), c.exchange)
        assert abs(exact / only_m - 1) > 10 * renormalized[-1]
    assert 1.8 < bare[0] / bare[1] < 2.2 and 3.6 < renormalized[0] / renormalized[1] < 4.4, (bare, renormalized)
    assert renormalized[1] < 0.03 * bare[1]
    # M_eff / M - 1: 4.05e-3 on the strip at gamma = 0.01; -7.8e-5 (O(gamma^2)) on a chain
    assert wire.renormalized_channels(energy, 0.01, 0.01 / (np.pi * weights.sum())).exchange / 0.01 - 1 > 3e-3
    chain = PeriodicWire(10, 1, 1).renormalized_channels(-1.0, 0.01, 0.01 / (np.pi * st.continuum.dos(-1.0, 1)))
    assert abs(chain.exchange / 0.01 - 1) < 1e-4


def test_renormalized_channels_reject_bad_input():
    from spintex.periodic import PeriodicWire

    wire = PeriodicWire(10, 4, 1)
    with pytest.raises(ValueError, match="onsite"):
        wire.renormalized_channels(-0.5, 0.01, 0.0)
    with pytest.raises(ValueError, match="exchange"):
        wire.renormalized_channels(-0.5, -0.01, 0.01)
    with pytest.raises(ValueError, match="no channel is open"):
        wire.renormalized_channels(-7.0, 0.01, 0.01)
    with pytest.raises(ValueError, match="exchange must be > 0"):
        wire.exact_transverse_decay(-0.5, 0.0, 0.01)
    with pytest.raises(ValueError, match="broadens too little"):
        wire.exact_transverse_decay(-0.5, 1e-6, 1e-6)


def test_chain_decay_with_magnetic_impurities():
    """Isotropic magnetic impurities with 1/tau_k = 2 M beta, beta = 0.5 (gamma = 0.01, a = 1): the
    lattice's kappa (m+ averaged over the 2k_F period, 3 sites at E = -1) is Eq. 75 with that tau_k."""
    gamma = m = 0.01
    gm = 2 * m * 0.5 / (8 * np.pi * NU)  # 1/tau_k = 2 pi (2 gm)(2 nu) = 2 M beta
    mp, kappa, d, tau = transverse_accumulation(gamma, m, magnetic=gm)
    lattice = fitted(np.convolve(mp, np.ones(3) / 3, mode="same"), kappa)
    assert abs(lattice / kappa - 1) < 1e-4  # measured 2.5e-5
    assert abs(lattice / cont.transverse_decay(d, tau, m) - 1) > 0.2  # without tau_k: 24 % off


def test_open_channels_of_a_periodic_wire():
    from spintex.periodic import PeriodicWire

    speeds, weights = PeriodicWire(10, 4, 1).open_channels(-0.5)  # levels -2, 0 (twice), 2
    assert speeds == pytest.approx([np.sqrt(4 - 1.5**2), np.sqrt(4 - 0.5**2)], rel=1e-14)
    assert weights == pytest.approx([0.25 / (np.pi * speeds[0]), 0.5 / (np.pi * speeds[1])], rel=1e-14)
    assert weights.sum() == pytest.approx(PeriodicWire(10, 4, 1).spin_dos(-0.5, 0.0)[0], rel=1e-14)
    with pytest.raises(ValueError, match="no channel is open at energy -7"):
        PeriodicWire(10, 4, 1).open_channels(-7.0)
    with pytest.raises(ValueError, match="energy"):
        PeriodicWire(10, 4, 1).open_channels(float("nan"))
