"""st.kernels.nonlocal_torque: seed 001 Eqs. 40-41 (first order in the gauge field) on a chain,
against the lattice response of small-amplitude textures, its local limit (chi1(0) = 1: the
adiabatic torque of the spin current) and the structure of its 2k_F oscillation."""
import numpy as np
import pytest

import spintex as st

K = st.kernels
M, E = 0.8, -1.0


def _wall(length, width, angle):
    x = np.arange(length, dtype=float)
    theta = angle / np.pi * 2 * np.arctan(np.exp((x - length // 2) / width))
    return np.stack([np.sin(theta), 0 * theta, np.cos(theta)], axis=1)


def _chain(length, texture):
    return st.Model(st.lattice.chain(length), exchange=M, texture=texture)


def _error(model):
    lat = st.linear_response(model, E, drive="bias").torque
    return np.abs(lat - K.nonlocal_torque(model, E).torque).max() / np.abs(lat).max()


def test_small_amplitude_texture_equals_the_lattice_response():
    # conventions at one point: a 1e-3 tilt is first order in A, so the lattice and the
    # convolution agree up to O(1e-6) (signs of the torque, the gauge field and the current)
    L = 61
    x = np.arange(L)
    theta = 1e-3 * np.exp(-(((x - L // 2) / 2.0) ** 2))
    assert _error(_chain(L, np.stack([np.sin(theta), 0 * theta, np.cos(theta)], axis=1))) < 3e-6  # measured 1.05e-6


def test_error_is_second_order_in_the_rotation_angle():
    # an abrupt wall (lambda k_F ~ 1) rotating n by 9 and by 18 degrees: the error of the first-order
    # convolution grows by 4 (the next order is A^3), so a 180-degree wall is not first order
    e1, e2 = (_error(_chain(61, _wall(61, 1.0, a))) for a in (np.pi / 20, np.pi / 10))
    assert e2 < 0.05
    assert e2 / e1 == pytest.approx(4, rel=0.05)


def test_local_limit_is_the_adiabatic_torque_of_the_spin_current():
    # chi1~(q -> 0) = 1: for a wide wall A -> -(j_up - j_down)/2, B -> 0, with O(1/lambda^2) corrections
    out = []
    for width in (4.0, 8.0):
        L = int(20 * width + 41)
        model = _chain(L, st.textures.neel_wall(L // 2, width))
        fit = st.fit_torque(model, K.nonlocal_torque(model, E, spin_currents=(0.1, 0.05)).torque)
        out.append(fit.adiabatic / -0.025 - 1)
        assert abs(fit.nonadiabatic) < 1e-5
    assert 0 < out[1] < 0.012
    assert out[0] / out[1] == pytest.approx(4, rel=0.1)


def test_ballistic_oscillation_has_the_stoner_wavevectors():
    # left of an abrupt wall (n = z) the torque is the interference of incident and spin-flip
    # scattered waves: exactly cos and sin of (k_up + k_down) x and (k_up - k_down) x
    ku, kd = K.fermi_wavevectors(E, M)
    L = 81
    model = _chain(L, st.textures.neel_wall(L // 2, 0.5))
    ty = K.nonlocal_torque(model, E).torque[:30, 1]
    x = np.arange(30)
    basis = np.stack([f(q * x) for q in (ku + kd, ku - kd) for f in (np.cos, np.sin)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, ty, rcond=None)
    assert np.abs(ty).max() > 1e-2
    assert np.linalg.norm(ty - basis @ coef) < 1e-10 * np.linalg.norm(ty)


def test_gauge_field_of_a_neel_wall():
    n = st.textures.neel_wall(10, 1.5)(np.stack([np.arange(21.0), 0 * np.arange(21.0), 0 * np.arange(21.0)], 1))
    R, A = K.texture_gauge(n)
    theta = np.arctan2(n[:, 0], n[:, 2])
    np.testing.assert_allclose(np.einsum("iab,b->ia", R, [0, 0, 1]), n, atol=1e-14)
    np.testing.assert_allclose(A[:, 1], -np.diff(theta) / 2, atol=1e-14)
    np.testing.assert_allclose(A[:, [0, 2]], 0, atol=1e-14)
    _, S = K.texture_gauge(n, link="sine")
    np.testing.assert_allclose(S[:, 1], -np.sin(np.diff(theta) / 2), atol=1e-14)


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="spin_currents"):
        K.nonlocal_torque(st.Model(st.lattice.strip(4, 3), exchange=M), E, spin_currents=(0.1, 0.0))
    with pytest.raises(ValueError, match="link"):
        K.texture_gauge(np.tile([0.0, 0.0, 1.0], (3, 1)), link="log")
    with pytest.raises(ValueError, match="bare texture"):
        K.nonlocal_torque(st.Model(st.lattice.chain(5), exchange=M, zeeman=(0, 0, 0.1)), E)


def test_bar_is_a_sum_over_transverse_modes():
    # a 3 x 3 bar with a texture uniform across the slices: each transverse mode is a chain at
    # E - eps_m (modes with one or both spins open at E = -2.5)
    L = 41
    lat = st.lattice.bar(L, 3, 3)
    theta = 1e-3 * 2 * np.arctan(np.exp((lat.positions[:, 0] - L // 2) / 0.5)) / np.pi
    model = st.Model(lat, exchange=M, texture=np.stack([np.sin(theta), 0 * theta, np.cos(theta)], axis=1))
    lattice = st.linear_response(model, -2.5, drive="bias").torque
    conv = K.nonlocal_torque(model, -2.5).torque
    assert np.abs(lattice - conv).max() < 1e-6 * np.abs(lattice).max()  # measured 3.3e-7: O(A^2), A ~ 1e-3


def _accumulation_gradient(response, centre):
    """d_x s_z / j_s of a uniform wire: the slope of s_z over the 61 sites around ``centre`` per unit
    spin current there."""
    sites = np.arange(centre - 30, centre + 31)
    return np.polyfit(sites, response.spin_density[sites, 2], 1)[0] / response.spin_current[centre, 2]


def test_beta_without_spin_relaxation_follows_the_contacts_spin_accumulation_gradient():
    """docs/physics.md section 17: without spin relaxation the clean contacts (one channel per spin,
    resistance 1 each) leave the uniform SCBA wire under the field drive a uniform spin-accumulation
    gradient, d_x s_z / j_s = 2pi (2 nu_up nu_down / (nu_up + nu_down)) / L by the two-current model
    (measured to 5e-4), and the wall's fitted beta is beta_0 + c times that gradient (residual 2e-4 of
    beta over L = 341 ... 1601), with c independent of the disorder (lambda = 12: 0.9723 at
    Gamma_0 = 0.01) and beta_0 proportional to it (mistracking).  c is the exchange torque
    d_x(c_ex n x d_x n) of a stiffness c_ex that follows the local spin-resolved Fermi levels (the
    clean spiral's spin current; fitted like the SCBA torque): predicted 0.9666, 0.6 % below the
    measured value, which approaches it as 1/lambda^2.  Barriers that cancel the gradient cancel beta.
    (Three lengths alone cannot tell the gradient from any other 1/L effect: the barriers can.)"""
    nu = st.continuum.spin_dos(E, M, 1)
    width, fits = 12.0, []
    for g0 in (0.01, 0.005):
        d = st.Disorder(onsite=g0)
        gradient, beta = [], []
        for length in (341, 801, 1601):
            c = length // 2
            u = st.linear_response(_chain(length, (0.0, 0.0, 1.0)), E, disorder=d, drive="field")
            gradient.append(_accumulation_gradient(u, c))
            assert gradient[-1] * length == pytest.approx(2 * np.pi * 2 * nu[0] * nu[1] / sum(nu), rel=1e-3)
            wall = _chain(length, st.textures.neel_wall(c, width))
            beta.append(st.fit_torque(wall, st.linear_response(wall, E, disorder=d, drive="field")).beta)
        slope, offset = np.polyfit(gradient, beta, 1)
        assert np.abs(np.array(beta) - offset - slope * np.array(gradient)).max() < 5e-4 * min(beta)  # 1.2e-4, 2.1e-4
        fits.append((slope, offset))
    (c1, b1), (c2, b2) = fits
    assert c1 == pytest.approx(c2, rel=5e-4) and b1 / b2 == pytest.approx(2.0, rel=0.1)  # c1/c2 - 1 = -3.6e-5
    # barriers on the end sites change the contact resistances and can cancel the gradient; beta
    # goes with it (L = 201: gradient 6.95e-3 -> -4.9e-5, beta 6.8e-3 -> -2.5e-6, i.e. the linear
    # law to 0.2 % of the beta without barriers).  At L = 341 this weak disorder leaves the barriers a
    # coherent cavity and the law misses by 23 % (the next test)
    d = st.Disorder(onsite=0.01)
    for barrier in (0.0, 2.0):
        onsite = np.zeros(201)
        onsite[[0, -1]] = barrier
        u = st.linear_response(st.Model(st.lattice.chain(201), exchange=M, onsite=onsite), E, disorder=d,
                               drive="field")
        gradient = _accumulation_gradient(u, 100)
        wall = st.Model(st.lattice.chain(201), exchange=M, texture=st.textures.neel_wall(100, width), onsite=onsite)
        beta = st.fit_torque(wall, st.linear_response(wall, E, disorder=d, drive="field")).beta
        if barrier == 0:
            reference = (gradient, beta)
    assert abs(gradient) < 0.01 * reference[0]
    assert abs(beta - b1 - c1 * gradient) < 0.01 * reference[1]
    # the prediction (K.contact_beta_coefficient): the stiffness c_ex = -j_spiral / (2q) (the package's
    # exchange_stiffness, to 1 %), differentiated along the neutral split of mu_s, fitted like the torque
    wall = _chain(801, st.textures.neel_wall(400, width))
    assert st.thermal.exchange_stiffness(wall, E) == pytest.approx(-K.spiral_spin_current(1e-3, E, E, M) / 2e-3,
                                                                     rel=0.02)
    predicted = K.contact_beta_coefficient(E, M, width)
    assert c1 == pytest.approx(predicted, rel=0.015)  # measured 0.9723 against 0.9666


def test_contact_beta_law_with_barriers_holds_once_the_wire_is_long_against_the_majority_mean_free_path():
    """With barriers on the end sites, beta = beta_0 + c x (the uniform wire's gradient) missed by 23 %
    at L = 341, Gamma_0 = 0.01 (session 14).  The cause is coherence, not the law: the majority
    electrons' mean free path l = v^2/(2 Gamma_0) is 198 sites there, so a round trip between the
    barriers keeps exp(-L/l) = 0.18 of its amplitude and the gradient swings with L on the 2k_F scale
    (gradient x L = 0.21 ... 0.69 between neighbouring L = 335 ... 347), differently in the wire with
    and without the wall.  At Gamma_0 = 0.04 (l = 50, exp(-L/l) = 1e-3) the swing is gone (0.897 ...
    0.908) and the law holds at both parities to 0.4 % (at Gamma_0 = 0.02, exp(-L/l) = 0.03: 5 %).
    beta_0 and c are taken here from barrier-free wires of 201 and 601 sites at the same disorder
    (measured: +0.35 % and -0.25 %; the test allows 1 %, against the 23 % of the coherent case)."""
    width, d = 6.0, st.Disorder(onsite=0.04)

    def gradient_and_beta(length, barrier, width=width):
        c = length // 2
        onsite = np.zeros(length)
        onsite[[0, -1]] = barrier
        u = st.linear_response(st.Model(st.lattice.chain(length), exchange=M, onsite=onsite), E, disorder=d,
                               drive="field")
        gradient = _accumulation_gradient(u, c)
        wall = st.Model(st.lattice.chain(length), exchange=M, texture=st.textures.neel_wall(c, width), onsite=onsite)
        return gradient, st.fit_torque(wall, st.linear_response(wall, E, disorder=d, drive="field")).beta

    (g1, b1), (g2, b2) = gradient_and_beta(201, 0.0), gradient_and_beta(601, 0.0)
    c = (b2 - b1) / (g2 - g1)
    # c against its prediction, approached as 1/lambda^2 (the previous test): the excess at lambda = 6
    # about 4x that at 12 (measured 0.9810 against 0.9580: +2.40 %; at lambda = 12 +0.67 %: 3.6x)
    wide = [gradient_and_beta(n, 0.0, width=12.0)[1] for n in (201, 601)]
    excess = {6: c / K.contact_beta_coefficient(E, M, 6.0) - 1,
              12: (wide[1] - wide[0]) / (g2 - g1) / K.contact_beta_coefficient(E, M, 12.0) - 1}
    assert 0 < excess[12] < 0.01 and 2.5 < excess[6] / excess[12] < 6, excess
    for length in (341, 343):
        gradient, beta = gradient_and_beta(length, 2.0)
        assert gradient < 0.8 * g1 * 201 / length  # the barriers do change the gradient (measured 0.65, 0.65)
        assert beta == pytest.approx(b1 + c * (gradient - g1), rel=0.01)
