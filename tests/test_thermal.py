"""The thermal drive (leads at T +- dT/2): the energy window against a direct sum, the Mott forms
of the Seebeck coefficient and the adiabatic torque, and Nernst's theorem."""
import numpy as np
import pytest

import spintex as st
from spintex.thermal import thermal_response, thermal_window


@pytest.fixture(scope="module")
def wall():
    return st.Model(st.lattice.chain(60), exchange=0.5, texture=st.textures.neel_wall(30, 4))


def test_thermal_window_equals_the_direct_energy_sum(wall):
    """Clean ballistic wall, unscreened: rho_T = int dE ((E - mu)/T)(-df/dE) rho_bias(E), against
    a trapezoid sum of 8001 bias responses (the seed's (1/T) int (E - mu)(-f') t(E) control)."""
    mu, T = -0.8, 0.02
    r = thermal_response(wall, mu, temperature=T, screened=False)
    E = np.linspace(mu - 40 * T, mu + 40 * T, 8001)
    w = thermal_window(E, mu, T) * (E[1] - E[0])
    w[[0, -1]] *= 0.5
    direct = sum(wk * st.linear_response(wall, e, drive="bias").torque for wk, e in zip(w, E))
    assert np.abs(r.torque - direct).max() < 1e-8 * np.abs(direct).max()


def test_seebeck_coefficient_follows_the_mott_formula():
    """Open circuit: dmu/dT = -(pi^2/3) T d ln G/dE to O(T^3), and the current vanishes (a wire
    with a one-site barrier, whose transmission depends on energy)."""
    onsite = np.zeros(40)
    onsite[20] = 1.0
    barrier = st.Model(st.lattice.chain(40), exchange=0.3, onsite=onsite)
    mu, T, h = -0.8, 0.005, 1e-3
    r = st.linear_response(barrier, mu, drive="thermal", temperature=T, circuit="open")
    G = st.transmission(barrier, [mu - h, mu, mu + h])
    mott = -np.pi**2 / 3 * T * (G[2] - G[0]) / (2 * h) / G[1]
    assert r.seebeck == pytest.approx(mott, rel=1e-3)
    assert np.abs(r.current).max() < 1e-10 * abs(r.seebeck) * G[1]
    assert r.neutrality < 1e-5


def test_thermal_torque_obeys_mott_and_vanishes_as_t_goes_to_zero(wall):
    """Closed circuit: the thermal adiabatic torque per unit dT approaches (pi^2/3) T dA/dE of the
    field drive as T -> 0, with a relative deviation ~ T^2, and vanishes with T (Nernst).  Clean
    wall here; on an SCBA chain (M = 0.5, E_F = -0.8, lambda = 50) the ratio was 0.99997, 0.99984,
    0.99929 at T = 0.005, 0.01, 0.02."""
    mu, h = -0.8, 1e-4
    A = [st.fit_torque(wall, st.linear_response(wall, e, drive="field")).adiabatic for e in (mu - h, mu + h)]
    dA = (A[1] - A[0]) / (2 * h)
    deviation = []
    for T in (0.00125, 0.0025):
        fit = st.fit_torque(wall, st.linear_response(wall, mu, drive="thermal", temperature=T))
        deviation.append(fit.adiabatic / (np.pi**2 / 3 * T * dA) - 1)
    assert abs(deviation[0]) < 0.005
    assert 3 < deviation[1] / deviation[0] < 5  # the O(T^2) Sommerfeld correction
    with pytest.raises(ValueError, match="temperature"):
        st.linear_response(wall, mu, drive="thermal", temperature=0.0)
    with pytest.raises(ValueError, match="drive='thermal'"):
        st.linear_response(wall, mu, drive="bias", temperature=0.01)
