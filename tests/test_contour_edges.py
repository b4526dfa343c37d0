"""Edge cases of the contour and real-axis integrals: chemical potentials below the spectrum,
one cold lead in a thermal bias, and temperatures -> 0 at bounded cost."""

import numpy as np
import pytest
from scipy.integrate import quad

import spintex as st
from spintex import keldysh


def textured_chain():
    return st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 2))


def test_equilibrium_below_the_spectrum_is_empty():
    model = textured_chain()
    for T in (0.0, 0.01):
        s = st.equilibrium(model, fermi_energy=-5.0, temperature=T)  # spectrum from -2.5
        assert np.abs(s.charge_density).max() < 1e-12
        assert np.abs(s.spin_density).max() < 1e-12
        assert np.abs(s.current).max() < 1e-12


def test_equilibrium_above_the_spectrum_is_the_full_band():
    """Two electrons per site and no spin, at any chemical potential above the spectrum: the contour
    ends at the spectrum's upper bound (a semicircle out to mu = 1e300 gave 1.0 per site, and mu = 1e5
    to 1e12 failed to converge after 7 s).  SCBA too, whose band tail the bound includes."""
    model = textured_chain()
    for mu in (5.0, 1e5, 1e300):
        for T in (0.0, 0.01):
            s = st.equilibrium(model, fermi_energy=mu, temperature=T)  # spectrum up to 2.5
            assert np.abs(s.charge_density - 2).max() < 1e-12 and np.abs(s.spin_density).max() < 1e-12
            assert s.parameters["fermi_energy"] == mu
    s = st.equilibrium(model, fermi_energy=1e6, disorder=st.Disorder(onsite=0.1))
    assert np.abs(s.charge_density - 2).max() < 1e-9
    assert keldysh.spectrum_top(model) > 2.5 and keldysh.spectrum_top(model, st.Disorder(onsite=0.1)) > \
        keldysh.spectrum_top(model)


@pytest.mark.parametrize("exchange, edge, side", [(0.0, -2.0, 1), (0.0, 2.0, -1), (0.5, -1.5, 1), (0.5, 2.5, -1),
                                                  (0.5, -2.5, 1)])
def test_equilibrium_next_to_a_channel_threshold_holds_the_channel(exchange, edge, side):
    """A uniform chain's exact density, sum over spins of arccos(-(mu -+ M)/2)/pi, on the open side of a
    lead channel threshold E_c at distances 1e-15 ... 1e-5.  The arc alone cannot resolve the branch
    point at E_c from |z - mu| >> |mu - E_c| and converged without the new channel's 2 sqrt(d)/pi
    electrons (6e-7 at d = 1e-12, reported as 6e-10; session 29's hunt); it now ends at E_c and adds the
    real-axis piece in s = sqrt|E - E_c| (docs/physics.md section 4)."""
    model = st.Model(st.lattice.chain(10), exchange=exchange, texture=(0, 0, 1))
    for d in (1e-15, 1e-12, 1e-9, 1e-5):
        mu = edge + side * d
        s = st.equilibrium(model, fermi_energy=mu)
        exact = sum(np.arccos(np.clip(-(mu - m) / 2, -1, 1)) / np.pi for m in (exchange, -exchange))
        assert np.abs(s.charge_density - exact).max() < 1e-11, d  # measured <= 3e-13
        assert s.parameters["contour_nodes"] <= 128


def test_bias_from_below_the_spectrum():
    """mu_right = -4 is below every state: the equilibrium part is empty and the total is the
    left-injected window [-4, 2], whose current is (1/2pi) int T(E) dE."""
    model = textured_chain()
    b = st.nonequilibrium(model, mu_left=2.0, mu_right=-4.0)
    assert np.abs(b.equilibrium.charge_density).max() < 1e-12
    assert np.allclose(b.total.charge_density, b.transport.charge_density, atol=1e-12)
    edges = [e for e in keldysh.channel_thresholds(model) if -4 < e < 2]
    bounds = [-4.0, *edges, 2.0]
    ref = sum(quad(lambda E: st.transmission(model, [E])[0] / (2 * np.pi), a, c, epsabs=1e-13, limit=200)[0]
              for a, c in zip(bounds[:-1], bounds[1:]))
    assert np.abs(b.total.current - ref).max() < 1e-8


def _thermal_reference(model, mu, t_left, t_right):
    def f(E, T):
        return float(E < mu) if T == 0 else 1.0 / (np.exp(np.clip((E - mu) / T, -700, 700)) + 1.0)

    def g(E):
        return st.transmission(model, [E])[0] * (f(E, t_left) - f(E, t_right)) / (2 * np.pi)

    T = max(t_left, t_right)
    pts = sorted({mu, *(mu + T * np.array([-40, -30, -12, -4, 4, 12, 30, 40])),
                  *(mu + t_left * np.array([-4, 4]))})
    return sum(quad(g, a, c, epsabs=1e-15, epsrel=1e-12, limit=200)[0] for a, c in zip(pts[:-1], pts[1:]))


def test_thermal_bias_with_a_cold_lead():
    """Closed circuit (equal mu), left lead at T = 0 or 0.001, right at 0.05: the thermoelectric
    current against an adaptive real-axis reference (these failed with "did not converge")."""
    model = textured_chain()
    for t_left in (0.0, 0.001):
        b = st.nonequilibrium(model, mu_left=-1.0, mu_right=-1.0, temperature_left=t_left,
                              temperature_right=0.05, tolerance=1e-11)
        ref = _thermal_reference(model, -1.0, t_left, 0.05)
        assert abs(ref) > 1e-6
        assert np.abs(b.transport.current - ref).max() < 1e-12


def test_contour_size_is_bounded_as_temperature_goes_to_zero():
    for T in (1e-2, 1e-6, 1e-12, 1e-300):
        z, w = keldysh.contour(-1.0, T, -5.0, 32)
        assert z.size <= 2 * 32 + keldysh.MAX_POLES
        assert np.all(z.imag > 0)


def test_equilibrium_at_nanokelvin_is_fast_and_equals_zero_temperature():
    model = st.Model(st.lattice.chain(20), exchange=0.3, texture=st.textures.neel_wall(10, 3))
    cold = st.equilibrium(model, fermi_energy=-0.7)
    warm = st.equilibrium(model, fermi_energy=-0.7, temperature=1e-9)
    # (the contour once grew with 1/T: over 30 s and 5.5 GB; now bounded, 192 nodes against 64 at T = 0)
    assert warm.parameters["contour_nodes"] <= 4 * cold.parameters["contour_nodes"]
    assert np.abs(warm.charge_density - cold.charge_density).max() < 1e-8
    assert np.abs(warm.spin_density - cold.spin_density).max() < 1e-8
    # and T^2 (Sommerfeld) convergence from above
    mk = st.equilibrium(model, fermi_energy=-0.7, temperature=1e-5)
    assert 1e-13 < np.abs(mk.charge_density - cold.charge_density).max() < 1e-9


def test_a_device_that_cannot_fit_is_refused_before_allocation(monkeypatch):
    from spintex import _validate
    monkeypatch.setattr(_validate, "available_memory", lambda: 1e6)  # 1 MB free
    with pytest.raises(MemoryError, match="GiB"):
        st.Model(st.lattice.strip(100, 20))
    st.Model(st.lattice.chain(100))  # 6 * 16 * 4 * 100 bytes fits


@pytest.mark.parametrize("n", [2, 3, 24, 37])
def test_sea_contour_panels_integrate_and_interpolate(n):
    """The T = 0 contour's two panels: a third of the nodes within theta < pi SEA_SPLIT^2 of mu,
    an analytic integrand integrated, and the panel-wise interpolation (and its x-derivative)
    exact on polynomials of each panel's Gauss-Legendre variable of degree below its node count."""
    mu, bottom = -1.0, -5.0
    z, w = keldysh.sea_contour(mu, bottom, n)
    assert z.size == n and abs(z[0] - mu) < abs(z[-1] - mu)  # ordered from mu
    panels = keldysh.sea_panels(n)
    assert sum(k for _, _, k in panels) == n
    assert [k for _, _, k in panels] == ([n // 3, n - n // 3] if n >= 3 else [n])
    error = abs(np.sum(w * np.exp(z)) - (np.exp(mu) - np.exp(bottom)))
    if n >= 24:
        assert error < (1e-8 if n == 24 else 1e-13)  # measured 1.1e-9 and 6e-16
    m = n + n // 2
    x_src, _, p_src = keldysh.sea_legendre(m)
    x_dst, _, p_dst = keldysh.sea_legendre(n)

    def poly(x, p):  # a different cubic on each panel
        return (p + 1.0) * x**3 - 2.0 * x + p

    def dpoly(x, p):
        return 3.0 * (p + 1.0) * x**2 - 2.0

    if min(k for _, _, k in keldysh.sea_panels(m)) >= 4:
        moved = keldysh.sea_interpolation(m, n) @ poly(x_src, p_src)
        assert np.abs(moved - poly(x_dst, p_dst)).max() < 1e-10
        slope = keldysh.sea_interpolation(m, m, derivative=True) @ poly(x_src, p_src)
        assert np.abs(slope - dpoly(x_src, p_src)).max() < 1e-9
