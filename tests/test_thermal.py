"""The thermal drive (leads at T +- dT/2): the energy window against a direct sum, the Mott forms
of the Seebeck coefficient and the adiabatic torque, and Nernst's theorem."""
import warnings

import numpy as np
import pytest

import spintex as st
from spintex.analysis import texture_derivative
from spintex.sea import FermiSea
from spintex.thermal import energy_resolved, exchange_stiffness, mott_terms, thermal_response, thermal_window


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


# ----------------------------------------------------------------------------- SCBA: the Mott limit
DISORDER = st.Disorder(onsite=0.05, magnetic=(0.005, 0.005))


def scba_wall(lam):
    L = 10 * lam + 1
    return st.Model(st.lattice.chain(L), exchange=0.5, texture=st.textures.neel_wall(L // 2, lam))


@pytest.fixture(scope="module")
def wall20():
    model = scba_wall(20)
    return model, mott_terms(model, -0.8, disorder=DISORDER)


def coefficients(model, torque):
    fit = st.fit_torque(model, torque)
    return np.array([fit.adiabatic, fit.nonadiabatic])


def test_scba_thermal_torque_tends_to_the_fermi_surface_mott_limit(wall20):
    """thermal / ((pi^2/3) T) -> G = F' + D (MottTerms) with an O(T^2) deviation, for A and B; the
    field-drive Mott derivative F' alone misses D, the exchange-stiffness term (12 % of G_B here;
    12.1/12.4/12.5 % at lambda = 20/40/50: not a finite-size effect)."""
    model, mt = wall20
    G = coefficients(model, mt.fermi_surface.torque)
    dev = []
    for T in (0.005, 0.01):
        th = st.linear_response(model, -0.8, drive="thermal", temperature=T, disorder=DISORDER)
        dev.append(coefficients(model, th.torque) / (np.pi**2 / 3 * T) / G - 1)
    dev = np.array(dev)
    assert np.abs(dev[0]).max() < 5e-4
    assert np.all((3 < dev[1] / dev[0]) & (dev[1] / dev[0] < 5))  # O(T^2): the ratio is 4
    F, D = coefficients(model, mt.field_derivative.torque), coefficients(model, mt.stiffness.torque)
    assert abs(D[0]) < 1e-10 * abs(F[0])  # the stiffness term has no adiabatic part (mirror symmetry)
    assert 0.10 < D[1] / G[1] < 0.18


def local_stiffness_torque(model, mu, u, d=0.01):
    """d_x[K u(x) n x d_x n] with K = c'' - c' nu'/nu: the local temperature's effect on the
    electrons' exchange stiffness at fixed density, written with the field drive's profile u
    (the local chemical potential per unit bias has the shape of the local temperature per unit dT)."""
    c = [exchange_stiffness(model, mu + k * d, disorder=DISORDER) for k in (-1, 0, 1)]
    nu = [FermiSea(model, mu + k * d, DISORDER).compressibility[model.lattice.num_sites // 2] for k in (-1, 1)]
    c1, c2 = (c[2] - c[0]) / (2 * d), (c[2] - 2 * c[1] + c[0]) / d**2
    nu0 = FermiSea(model, mu, DISORDER).compressibility[model.lattice.num_sites // 2]
    K = c2 - c1 * (nu[1] - nu[0]) / (2 * d) / nu0
    n, dn = model.texture_vectors, texture_derivative(model)
    return np.gradient(K * u[:, None] * np.cross(n, dn), axis=0)


def test_stiffness_term_is_the_temperature_dependence_of_the_exchange_stiffness(wall20):
    """D (exact) against its gradient expansion: the non-adiabatic parts agree to 2 % at lambda = 20
    (measured 0.8 %), and the agreement degrades for an abrupt wall (8 % at lambda = 6)."""
    deviation = {}
    for lam in (6, 20):
        model, mt = wall20 if lam == 20 else (scba_wall(lam), mott_terms(scba_wall(lam), -0.8, disorder=DISORDER))
        u = st.linear_response(model, -0.8, disorder=DISORDER, drive="field").screening_potential
        local = coefficients(model, local_stiffness_torque(model, -0.8, u))[1]
        deviation[lam] = abs(local / coefficients(model, mt.stiffness.torque)[1] - 1)
    assert deviation[20] < 0.02
    assert deviation[6] > 2 * deviation[20]


def test_open_circuit_beta_t_follows_seed_004_eq_74(wall20):
    """Open circuit: beta_T of the lattice, without the stiffness term, equals Eq. 74 evaluated with
    the lattice's own sigma_s, sigma_c, beta and their energy derivatives (energy_resolved)."""
    model, mt = wall20
    mu, h, T = -0.8, 2e-3, 0.005
    er = energy_resolved(model, [mu - h, mu, mu + h], disorder=DISORDER)
    d = lambda a: (a[2] - a[0]) / (2 * h)  # noqa: E731
    eq74 = st.continuum.thermal_beta(er.sigma_s[1], d(er.sigma_s), er.beta[1], d(er.beta), circuit="open",
                                     sigma_c=er.sigma_c[1], dsigma_c=d(er.sigma_c))
    th = st.linear_response(model, mu, drive="thermal", temperature=T, disorder=DISORDER, circuit="open")
    lattice = coefficients(model, th.torque - np.pi**2 / 3 * T * mt.stiffness.torque)
    assert lattice[1] / lattice[0] == pytest.approx(eq74, rel=1e-3)  # measured 2.3e-4 (O(T^2) and h^2)
    # the Seebeck coefficient of the disordered wire: -(pi^2/3) T g'/g
    assert th.seebeck == pytest.approx(-np.pi**2 / 3 * T * d(er.conductance) / er.conductance[1],
                                       rel=5e-4)  # measured 1.1e-4
    # zero current through every slice, to the ladder's conservation (~1e-7 of the current that
    # each window alone drives, seebeck x g / 2 pi)
    assert np.abs(th.current).max() < 1e-6 * abs(th.seebeck) * er.conductance[1] / (2 * np.pi)


def test_thermal_beta_formulas_follow_from_the_mott_relation():
    """Eqs. 72 and 74 against the Mott derivative of t_el = sigma_s (1, beta) with arbitrary smooth
    sigma_s(E), beta(E), sigma_c(E): closed (beta sigma_s)'/sigma_s'; open, plus the Seebeck field."""
    E, h = 0.3, 1e-5
    ss, b, sc = (lambda e: 2 + np.sin(e)), (lambda e: 0.1 + 0.05 * e**2), (lambda e: 5 + np.exp(e))
    d = lambda f: (f(E + h) - f(E - h)) / (2 * h)  # noqa: E731
    tA, tB = ss, (lambda e: b(e) * ss(e))
    closed = d(tB) / d(tA)
    assert st.continuum.thermal_beta(ss(E), d(ss), b(E), d(b)) == pytest.approx(closed, rel=1e-8)
    S = d(sc) / sc(E)  # the open circuit adds -S t_el (per unit (pi^2/3) T)
    opened = (d(tB) - S * tB(E)) / (d(tA) - S * tA(E))
    assert st.continuum.thermal_beta(ss(E), d(ss), b(E), d(b), circuit="open", sigma_c=sc(E),
                                     dsigma_c=d(sc)) == pytest.approx(opened, rel=1e-8)
    with pytest.raises(ValueError, match="circuit"):
        st.continuum.thermal_beta(1.0, 1.0, 0.1, 0.0, circuit="half")
    with pytest.raises(ValueError, match="sigma_c"):
        st.continuum.thermal_beta(1.0, 1.0, 0.1, 0.0, circuit="open")


def test_mott_terms_converge_at_fourth_order_in_the_step():
    """mott_terms differentiates in energy with a fourth-order central stencil: F'_h - F' =
    c h^4 + O(h^6), so the Richardson ratio (F'_h - F'_{h/2}) / (F'_{h/2} - F'_{h/4}) is 2^4 = 16
    (a second-order stencil gives 4).  A short clean wall (L = 16): its responses vary on the
    scale pi v / L ~ 0.4, so at h <= 0.02 the O(h^2) correction to the ratio is a few per cent
    and the rounding of the responses (~1e-12 / h) is far below the differences; bound +-20 %."""
    m = st.Model(st.lattice.chain(16), exchange=0.5, texture=st.textures.neel_wall(7.5, 2))
    terms = [mott_terms(m, -0.8, step=h) for h in (0.02, 0.01, 0.005)]
    for name in ("field_derivative", "fermi_surface"):
        t = [getattr(x, name).torque for x in terms]
        ratio = np.linalg.norm(t[0] - t[1]) / np.linalg.norm(t[1] - t[2])
        assert 16 * 0.8 < ratio < 16 * 1.2


def test_energy_resolved_spin_conductivity_is_the_current_polarization():
    """Seed 000: A = -(sigma_s/2) E / (1 + beta^2) with sigma_s E = j_up - j_down, the spin current
    (Pauli) through the wall, and sigma_c E = j: so sigma_s / sigma_c = P_j = J^n / J, measured
    from the same field-driven response (current_polarization).  SCBA chain without spin flips
    (onsite disorder only, beta = 0.017 from the wall's finite width): both spins conduct,
    majority more, P_j = 0.17 > 0.  The relation is the adiabatic limit: measured deviations
    0.8 %, 0.36 %, 0.2 % at lambda = 8, 12, 15, falling as 1/lambda^2; at lambda = 12, a 2 % bound."""
    lam = 12
    L = 10 * lam + 1
    m = st.Model(st.lattice.chain(L), exchange=0.5, texture=st.textures.neel_wall(L // 2, lam))
    er = energy_resolved(m, [-0.8], disorder=st.Disorder(onsite=0.05))
    P = st.current_polarization(m, er.responses[0])
    assert P > 0.1
    assert er.sigma_s[0] / er.sigma_c[0] == pytest.approx(P, rel=0.02)
    assert er.sigma_c[0] > 0 and er.field[0] > 0


def test_thermal_drive_with_spin_orbit_impurities():
    """Spin-orbit impurities (SCBA on the site pairs) on a strip with a wall.  Closed circuit:
    thermal / ((pi^2/3) T) tends to mott_terms' Fermi-surface term (finite differences of the
    bias responses, an independent path) with an O(T^2) deviation (measured 1.30e-3 and 5.15e-3
    at T = 0.0025 and 0.005, ratio 3.96, as without them).  Open circuit: the Seebeck coefficient
    follows the Mott formula with the drain lead's conductance (measured 2.3e-4 at T = 0.005);
    part of the current flows through the averaged corner hops, so the thermal drive takes the
    currents at the lead, not the bond currents' mean (which differs here, asserted)."""
    m = st.Model(st.lattice.strip(24, 2), exchange=0.5, texture=st.textures.neel_wall(12, 3))
    d = st.Disorder(onsite=0.1, magnetic=(0.01, 0.01), soc=0.05)
    mu = -1.0
    G = mott_terms(m, mu, disorder=d).fermi_surface.torque
    dev = []
    for T in (0.0025, 0.005):
        th = st.linear_response(m, mu, drive="thermal", temperature=T, disorder=d)
        dev.append(np.abs(th.torque / (np.pi**2 / 3 * T) - G).max() / np.abs(G).max())
    assert dev[0] < 2e-3 and 3 < dev[1] / dev[0] < 5
    h, T = 2e-3, 0.005
    bias = [st.linear_response(m, e, drive="bias", disorder=d) for e in (mu - h, mu, mu + h)]
    g = [r.transmission for r in bias]
    r = st.linear_response(m, mu, drive="thermal", temperature=T, circuit="open", disorder=d)
    assert r.seebeck == pytest.approx(-np.pi**2 / 3 * T * (g[2] - g[0]) / (2 * h) / g[1], rel=1e-3)
    assert abs(2 * np.pi * bias[1].current.mean() / g[1] - 1) > 1e-3
    local = mott_terms(m, mu, disorder=st.Disorder(onsite=0.1, magnetic=(0.01, 0.01))).fermi_surface.torque
    assert np.abs(G - local).max() > 0.01 * np.abs(G).max()  # the spin-orbit impurities matter


def test_energy_resolved_in_a_ballistic_wire_has_no_field_and_says_so():
    """A clean wire drops the bias at its contacts: across a wide wall the screening potential is flat
    to rounding (drop 1e-11 per unit bias), so sigma = j / E would be rounding noise of either sign
    (was 1e12 and -5e12).  The field is 0, the conductivities NaN, with a warning; A(E), beta(E), g(E)
    stay.  A narrow wall (lambda = 1) reflects: the potential varies across it by 1e-4-1e-3 of the
    bias (the Landauer dipole and its Friedel ripples, whose linear fit over the wall is -4.6e-4
    here), far above the tolerance: resolved, no warning."""
    wide = st.Model(st.lattice.strip(200, 2), exchange=0.5, texture=st.textures.neel_wall(100, 10))
    with pytest.warns(RuntimeWarning, match="no field across the fit region"):
        er = energy_resolved(wide, [-1.0])
    assert er.field[0] == 0 and np.isnan(er.sigma_c[0]) and np.isnan(er.sigma_s[0])
    assert er.adiabatic[0] < 0 and er.conductance[0] == pytest.approx(er.responses[0].transmission)
    narrow = st.Model(st.lattice.strip(200, 2), exchange=0.5, texture=st.textures.neel_wall(100, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        er = energy_resolved(narrow, [-1.0])
    assert abs(er.field[0]) > 1e-5 and np.isfinite(er.sigma_c[0]) and np.isfinite(er.sigma_s[0])


def test_thermal_drive_at_a_tiny_temperature_is_the_sommerfeld_limit():
    """The clean thermal response per unit dT is (pi^2/3) T d rho/dE + O(T^3): torque / T is flat from
    T = 1e-6 down.  The window's weights come from the rule's exact x = (E - mu)/T (weights formed from
    the rounded energies gave a first moment of 1e-16/T, 3x the response at T = 1e-9), and it converges
    relative to the response, not to an absolute 1e-9 (which accepted 16 nodes of noise there).  At
    T = 1e-10 the rounding of the energy sums, 1e-16 of the bias response, is 2e-4 of this response:
    a warning says so."""
    m = st.Model(st.lattice.strip(30, 2), exchange=0.5, texture=st.textures.neel_wall(15, 3))

    def torque_per_T(T):
        r = st.linear_response(m, -1.0, drive="thermal", temperature=T)
        return r.torque / T, r.parameters["window_error_estimate"]

    reference, _ = torque_per_T(1e-6)
    tiny, estimate = torque_per_T(1e-9)
    assert estimate < 1e-4
    assert np.abs(tiny - reference).max() < 1e-4 * np.abs(reference).max()  # measured 5.3e-6
    with pytest.warns(RuntimeWarning, match="resolved only to"):
        smallest, estimate = torque_per_T(1e-10)
    assert np.abs(smallest - reference).max() < 10 * estimate * np.abs(reference).max()


def test_thermal_response_units_name_its_temperature():
    """The units string of a thermal response names its temperature, not the T = 0 of the other drives."""
    m = st.Model(st.lattice.chain(12), exchange=0.5, texture=st.textures.neel_wall(6, 2))
    r = st.linear_response(m, -1.0, drive="thermal", temperature=0.01)
    assert "T = 0.01" in r.units and "T = 0;" not in r.units and r.parameters["temperature"] == 0.01
