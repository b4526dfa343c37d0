"""Equilibrium (Fermi sea) by the contour integral against a dense real-axis reference."""
import numpy as np
import pytest
from scipy.integrate import quad_vec

import spintex as st
from spintex.keldysh import fermi

from conftest import dense_green, site_blocks


def real_axis_density(model, mu, temperature):
    """rho_ii = (1/2pi) int dE f(E) [G (Gamma_L + Gamma_R) G^dag]_ii, adaptive quadrature on the
    real axis with breakpoints at every channel threshold (valid without bound states)."""
    N = model.lattice.num_sites
    levels = np.concatenate([np.linalg.eigvalsh(model.lead_cell(s)) for s in ("left", "right")])
    edges = np.sort(np.concatenate([levels - 2, levels + 2]))
    top = mu + 40 * temperature if temperature else mu
    points = [e for e in edges if edges[0] < e < top]

    def integrand(E):
        G, gl, gr = dense_green(model, E)
        rho = G @ (gl + gr) @ G.conj().T * (fermi(E, mu, temperature) if temperature else 1.0)
        return site_blocks(rho, N).ravel() / (2 * np.pi)

    val, _ = quad_vec(integrand, edges[0], top, points=points, epsabs=1e-12, epsrel=1e-12, limit=2000)
    return val.reshape(N, 2, 2)


def wall_model(lattice):
    # small exchange and no on-site potential: no bound state below the leads' continuum
    return st.Model(lattice, exchange=0.3, texture=st.textures.neel_wall(lattice.length / 2 - 0.5, 1.5))


@pytest.mark.parametrize("lattice", [st.lattice.chain(10), st.lattice.strip(6, 2)])
@pytest.mark.parametrize("temperature", [0.0, 0.05])
def test_contour_equals_real_axis_reference(lattice, temperature):
    m = wall_model(lattice)
    mu = -0.6
    eq = st.equilibrium(m, fermi_energy=mu, temperature=temperature)
    ref = real_axis_density(m, mu, temperature)
    sig = st.model.PAULI
    s_ref = np.real(np.einsum("aij,nji->na", sig, ref))
    n_ref = np.real(np.trace(ref, axis1=1, axis2=2))
    assert np.abs(eq.spin_density - s_ref).max() < 1e-8
    assert np.abs(eq.charge_density - n_ref).max() < 1e-8
    assert eq.parameters["error_estimate"] < 1e-9


def test_no_current_at_zero_bias():
    rng = np.random.default_rng(5)
    lat = st.lattice.strip(8, 3)
    m = st.Model(lat, exchange=0.5, texture=st.textures.bloch_wall(4, 2.0), rashba=0.1,
                 onsite=rng.uniform(-0.3, 0.3, lat.num_sites))
    biased = st.nonequilibrium(m, mu_left=-0.5, mu_right=-0.5, temperature=0.02)
    assert np.abs(biased.total.current).max() < 1e-9
    assert np.abs(biased.transport.spin_density).max() == 0.0
    # Broken time reversal (exchange + Rashba) allows circulating bond currents in equilibrium,
    # but no net particle current through any slice.
    eq = st.equilibrium(m, fermi_energy=-0.5)
    assert np.abs(eq.current).max() < 1e-9 * np.abs(eq.bond_current).max()


def test_equilibrium_torque_of_an_isolated_wall_sums_to_zero():
    """The exchange-stiffness torques T_i ~ n x d^2 n cancel in the sum; what remains is the
    equilibrium spin current leaking into the leads (exact balance), tiny for an isolated wall."""
    lat = st.lattice.chain(140)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(70, 5.0))
    eq = st.equilibrium(m, fermi_energy=-1.0)
    local = np.abs(eq.torque).sum()
    assert local > 1e-3
    assert np.abs(eq.total_torque).max() < 1e-6 * local
    interior = np.sum([eq.torque[s].sum(axis=0) for s in lat.slices[1:-1]], axis=0)
    assert np.allclose(interior, 0.5 * (eq.spin_current[0] - eq.spin_current[-1]), atol=1e-12)


def test_finite_bias_window_matches_linear_response_for_small_bias():
    lat = st.lattice.chain(30)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(15, 3.0))
    dmu = 1e-4
    biased = st.nonequilibrium(m, mu_left=-2.0 + dmu / 2, mu_right=-2.0 - dmu / 2)
    lin = st.linear_response(m, -2.0)
    # O(dmu^2) = 1e-8 relative: measured 2.3e-8 (torque, worst element) and 5e-13 (current)
    assert np.allclose(biased.transport.torque / dmu, lin.torque, rtol=1e-7, atol=1e-12)
    assert np.allclose(biased.transport.current / dmu, lin.current, rtol=1e-10, atol=0)


def test_bias_window_converges_across_a_channel_edge():
    """A subband opens inside the bias window (square-root edge of Gamma): the window is split
    at the channel thresholds, so it converges; the current is conserved and matches the
    Landauer integral of the transmission."""
    lat = st.lattice.bar(20, 2, 2)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(10, 2.0), leads="nonmagnetic")
    b = st.nonequilibrium(m, mu_left=-1.99, mu_right=-2.01, temperature=0.01)
    assert b.transport.parameters["window_error_estimate"] < 1e-9
    J = b.transport.current
    assert np.allclose(J, J.mean(), rtol=1e-8)
    e = np.linspace(-2.6, -1.4, 24001)
    T = st.transmission(m, e)
    landauer = np.trapezoid(T * (fermi(e, -1.99, 0.01) - fermi(e, -2.01, 0.01)), e) / (2 * np.pi)
    assert J.mean() == pytest.approx(landauer, rel=1e-6)  # measured 4.2e-8 (the trapezoid rule's)


def mirror_chain():
    """A clean chain symmetric under x -> -x (site i <-> N-1-i, which swaps the two leads): uniform
    magnetization and a mirror-symmetric on-site profile, so that the transmission depends on E."""
    onsite = np.array([0.0, 0.3, -0.2, 0.5, 0.5, -0.2, 0.3, 0.0])
    return st.Model(st.lattice.chain(8), exchange=0.4, texture=(0, 0, 1), onsite=onsite)


def test_reversed_bias_reverses_the_current_and_mirrors_the_state():
    """T = 0, mu_left < mu_right (electrons flow right to left).  Landauer: J = (1/2pi) int dE
    (f_L - f_R) T(E) = -(1/2pi) int_{mu_L}^{mu_R} T(E) dE < 0, on every boundary.  On a mirror-
    symmetric device, exchanging mu_L and mu_R is the mirror image: J(a, b) = -J(b, a) and
    n_i(a, b) = n_{N-1-i}(b, a), s_i likewise (s along z is mirror invariant).  T(E) is smooth on
    [-1.1, -0.9] (channel edges at -2.4 and -1.6), so 40 Gauss nodes give it to rounding; the
    window and contour are converged to the default tolerance 1e-9, hence the 1e-8 bounds."""
    m = mirror_chain()
    a, b = -1.1, -0.9
    fwd = st.nonequilibrium(m, mu_left=a, mu_right=b)
    rev = st.nonequilibrium(m, mu_left=b, mu_right=a)
    x, w = np.polynomial.legendre.leggauss(40)
    E = 0.5 * (a + b) + 0.5 * (b - a) * x
    landauer = -0.5 * (b - a) * np.sum(w * st.transmission(m, E)) / (2 * np.pi)
    assert landauer < 0
    assert np.abs(fwd.transport.current - landauer).max() < 1e-8 * abs(landauer)
    assert np.abs(fwd.total.current - landauer).max() < 1e-8 * abs(landauer)
    assert np.abs(rev.total.current + landauer).max() < 1e-8 * abs(landauer)
    n = fwd.total.charge_density
    assert np.abs(n - rev.total.charge_density[::-1]).max() < 1e-8 * n.max()
    assert np.abs(fwd.total.spin_density - rev.total.spin_density[::-1]).max() < 1e-8 * n.max()
    # not a tautology: the window part is not mirror symmetric by itself
    assert np.abs(fwd.transport.charge_density - fwd.transport.charge_density[::-1]).max() > 1e-4 * n.max()


def test_lead_temperatures_enter_their_own_fermi_functions():
    """mu_L = mu_R, T_L != T_R.  The documented split: ``equilibrium`` is the equilibrium state at
    the right lead's mu and T (st.equilibrium, same contour and tolerance 1e-9).  Exchanging T_L
    and T_R on a mirror-symmetric device is its mirror image: densities mirrored (n_i <-> n_{N-1-i})
    and the thermoelectric current reversed, J(T_a, T_b) = -J(T_b, T_a) != 0 (T(E) varies with E).
    Both states are converged to 1e-9, hence the 1e-8 bounds."""
    m = mirror_chain()
    mu, hot, cold = -1.0, 0.05, 0.01
    b = st.nonequilibrium(m, mu_left=mu, mu_right=mu, temperature_left=hot, temperature_right=cold)
    swapped = st.nonequilibrium(m, mu_left=mu, mu_right=mu, temperature_left=cold, temperature_right=hot)
    ref = st.equilibrium(m, fermi_energy=mu, temperature=cold)
    n = ref.charge_density
    assert np.abs(b.equilibrium.charge_density - n).max() < 1e-8 * n.max()
    assert np.abs(b.equilibrium.spin_density - ref.spin_density).max() < 1e-8 * n.max()
    assert np.abs(b.total.charge_density - swapped.total.charge_density[::-1]).max() < 1e-8 * n.max()
    assert np.abs(b.total.spin_density - swapped.total.spin_density[::-1]).max() < 1e-8 * n.max()
    J = b.total.current
    assert np.abs(J).min() > 1e-6
    assert np.abs(J + swapped.total.current).max() < 1e-8 * np.abs(J).max()
    # not a tautology: the hot lead's equilibrium state differs from the cold one's
    hot_state = st.equilibrium(m, fermi_energy=mu, temperature=hot)
    assert np.abs(hot_state.charge_density - n).max() > 1e-4 * n.max()


def test_strong_scba_disorder_keeps_its_band_tail_in_the_contour():
    """The contour started at a Gershgorin bound of the clean spectrum: a strong disorder's SCBA
    band tail below it was left out, silently (12-site chain, mu = -1, Gamma_0 = 2: 7.66
    electrons).  The bound now includes the tail (2 sqrt of the Born variance): the same as with
    the contour's bottom moved down by 30.  The Fermi sea (field drive, pumping) likewise."""
    import spintex.keldysh as keldysh
    from spintex.sea import FermiSea

    m = st.Model(st.lattice.chain(12), exchange=0.3)
    d = st.Disorder(onsite=2.0, max_iterations=2000)
    n = st.equilibrium(m, fermi_energy=-1.0, disorder=d, tolerance=1e-7).charge_density.sum()
    bound = keldysh.spectrum_bottom
    try:
        keldysh.spectrum_bottom = lambda model, disorder=None: bound(model, disorder) - 30.0
        deep = st.equilibrium(m, fermi_energy=-1.0, disorder=d, tolerance=1e-7).charge_density.sum()
    finally:
        keldysh.spectrum_bottom = bound
    assert n == pytest.approx(deep, abs=1e-6) and deep > 8.5
    sea = FermiSea(m, -1.0, d).compressibility.sum()
    assert sea == pytest.approx(FermiSea(m, -1.0, d, bottom=bound(m, d) - 30.0).compressibility.sum(), rel=1e-6)
