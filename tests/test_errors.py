"""Bad input gives a clear exception naming the argument; nothing crashes or hangs."""
import os

import numpy as np
import pytest

import spintex as st
from spintex import _core
from spintex.disorder import born_map


@pytest.mark.parametrize("factory, args, match", [
    (st.lattice.chain, (0,), "length"),
    (st.lattice.chain, (-3,), "length"),
    (st.lattice.chain, (2.5,), "length"),
    (st.lattice.strip, (10, 0), "width"),
    (st.lattice.bar, (10, 2, -1), "height"),
    (st.textures.neel_wall, (5, -1.0), "width"),
    (st.textures.bloch_wall, (5, 0.0), "width"),
    (st.textures.neel_wall, (np.nan, 1.0), "center"),
    (st.textures.skyrmion, ((5, 5), -2, 1), "radius"),
    (st.textures.vortex, ((5, 5), 0.0), "core_radius"),
    (st.textures.uniform, ((0, 0, 0),), "direction"),
    (st.textures.spiral, (0.3, 0.0, "ab"), "plane"),
])
def test_bad_lattice_and_texture_arguments(factory, args, match):
    with pytest.raises(ValueError, match=match):
        factory(*args)


def test_texture_must_be_unit_finite_and_of_the_right_shape():
    lat = st.lattice.chain(5)
    n = np.tile([0.0, 0.0, 1.0], (5, 1))
    with pytest.raises(ValueError, match="unit length"):
        st.Model(lat, texture=2 * n)
    bad = n.copy()
    bad[2, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        st.Model(lat, texture=bad)
    with pytest.raises(ValueError, match=r"\(5, 3\)"):
        st.Model(lat, texture=n[:4])
    with pytest.raises(ValueError, match="unit length"):
        st.Model(lat, texture=(0, 0, 2))


@pytest.mark.parametrize("kwargs, match", [
    ({"hopping": -1.0}, "hopping"),
    ({"hopping": np.inf}, "hopping"),
    ({"exchange": np.ones(3)}, "exchange"),
    ({"onsite": np.ones(4)}, "onsite"),
    ({"onsite": np.ones((6, 2, 2)) * np.array([[0, 1j], [1j, 0]])}, "Hermitian"),
    ({"rashba": 0.1}, "rashba"),
    ({"zeeman": (1, 2)}, "zeeman"),
    ({"leads": "superconducting"}, "leads"),
])
def test_bad_model_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        st.Model(st.lattice.chain(6), **kwargs)


def test_bad_solver_arguments():
    m = st.Model(st.lattice.chain(6), exchange=0.5)
    with pytest.raises(ValueError, match="energy"):
        st.linear_response(m, np.nan)
    with pytest.raises(ValueError, match="lead"):
        st.linear_response(m, 0.0, lead="middle")
    with pytest.raises(ValueError, match="temperature"):
        st.equilibrium(m, fermi_energy=0.0, temperature=-1)
    with pytest.raises(ValueError, match="Im"):
        _core.integrate(m.device, np.array([0.1 - 0.1j]), retarded_weights=np.ones(1))
    with pytest.raises(ValueError, match="one weight per energy"):
        _core.integrate(m.device, np.array([0.1, 0.2]), retarded_weights=np.ones(3))


def test_fit_torque_checks_its_input():
    m = st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 2))
    with pytest.raises(ValueError, match="shape"):
        st.fit_torque(m, np.zeros((19, 3)))
    with pytest.raises(ValueError, match="NaN"):
        st.fit_torque(m, np.full((20, 3), np.nan))
    uniform = st.Model(st.lattice.chain(20), exchange=0.5)
    with pytest.raises(ValueError, match="uniform"):
        st.fit_torque(uniform, np.zeros((20, 3)))
    with pytest.raises(ValueError, match="no site"):
        st.fit_torque(m, np.zeros((20, 3)), region=np.zeros(20, bool))


def test_core_rejects_inconsistent_blocks():
    lead = _core.Lead(np.zeros((2, 2)), -1.0)
    with pytest.raises(ValueError, match="coupling"):
        _core.Device(np.zeros((3, 2, 2)), np.zeros((1, 2, 2)), lead, lead, np.zeros((0, 2), int))
    with pytest.raises(ValueError, match="bond"):
        _core.Device(np.zeros((3, 2, 2)), np.zeros((2, 2, 2)), lead, lead, np.array([[0, 2]]))
    with pytest.raises(ValueError, match="Hermitian"):
        _core.Lead(np.array([[0, 1], [0, 0]]), -1.0)


def test_core_rejects_non_finite_and_mistyped_input():
    """NaN and inf reached the core: blocks wider than 12 go through LAPACK, which passes NaN on
    with info 0, so a NaN device gave T = nan, a NaN Born map or energy an SCBA 'converged' at
    residual 0, and NaN leads no channels.  Float or oversized index arrays were truncated
    (0.9 -> 0, 2**32 -> 0: a pair (2**32, 0) acted as (0, 0)).  All are refused by name."""
    m = st.Model(st.lattice.strip(5, 6), exchange=0.5)  # 12 x 12 blocks: the LAPACK path
    device, W = m.device, 6
    lead = _core.Lead(np.zeros((2 * W, 2 * W)), -1.0)
    diag = np.zeros((5, 2 * W, 2 * W), complex)
    upper = np.zeros((4, 2 * W, 2 * W), complex)
    bad = diag.copy()
    bad[2, 0, 0] = np.nan
    with pytest.raises(ValueError, match="diagonal blocks must be finite"):
        _core.Device(bad, upper, lead, lead, np.zeros((0, 2), int))
    for value in (np.nan, np.inf):
        cell = np.zeros((2, 2))
        cell[0, 0] = value
        with pytest.raises(ValueError, match="lead cell Hamiltonian must be finite"):
            _core.Lead(cell, -1.0)
        with pytest.raises(ValueError, match="energy must be finite"):
            _core.Correlator(device, complex(value, 0.1))
    with pytest.raises(ValueError, match="finite"):
        _core.scba_nodes(device, np.array([np.nan + 0.1j]), np.tile(0.05 * np.eye(4), (30, 1, 1)), runs=1)
    born = np.tile(0.05 * np.eye(4, dtype=complex), (30, 1, 1))
    born[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="born must be finite"):
        _core.scba_nodes(device, np.array([0.2 + 0.1j]), born, runs=1)
    with pytest.raises(ValueError, match="integer array"):
        _core.Device(diag, upper, lead, lead, np.array([[0.9, 1.7]]))
    with pytest.raises(ValueError, match="out of range"):
        _core.Device(diag, upper, lead, lead, np.array([[2**32, 1]]))
    with pytest.raises(ValueError, match="out of range"):
        _core.BlockCorrelator(device, 0.2 + 0.1j, 2, np.array([[2**32, 0]]), np.zeros((1, 2, 2), complex))


def test_core_edge_cases_that_crashed_or_misbehaved():
    """mixed_sea_response sized its sums by the first pair and wrote past them when a later pair
    belonged to another device (segfault); a group larger than the device overflowed an int in
    BlockCorrelator (segfault); two equal contour nodes in a run made the SCBA's extrapolated
    start infinite.  Now: a ValueError, the whole device as one group, and no extrapolation."""
    short = st.Model(st.lattice.chain(12), exchange=0.5)
    other = st.Model(st.lattice.strip(6, 2), exchange=0.5)  # also 12 sites, more bonds
    a, b = _core.Correlator(short.device, 0.2 + 0.1j), _core.Correlator(other.device, 0.2 + 0.1j)
    with pytest.raises(ValueError, match="one device"):
        _core.mixed_sea_response([a, b], [a, b], np.ones(2, complex), None, np.zeros((12, 2, 2), complex))
    pairs = np.array([[i, i] for i in range(12)])
    whole = _core.BlockCorrelator(short.device, 0.2 + 0.1j, 2**31 - 1, pairs, np.zeros((12, 2, 2), complex))
    assert whole.super_slices == 1
    reference = _core.BlockCorrelator(short.device, 0.2 + 0.1j, 12, pairs, np.zeros((12, 2, 2), complex))
    assert np.abs(whole.retarded_pairs - reference.retarded_pairs).max() == 0
    born = np.tile(0.05 * np.eye(4, dtype=complex), (12, 1, 1))
    z = np.array([0.2 + 0.1j, 0.2 + 0.1j, 0.4 + 0.1j])
    nodes = _core.scba_nodes(short.device, z, born, runs=1)
    alone = _core.scba_nodes(short.device, z[2:], born, runs=1)
    assert all(np.isfinite(n[1]).all() for n in nodes)
    assert np.abs(nodes[2][1] - alone[0][1]).max() < 1e-9


def test_an_exception_in_the_progress_callback_stops_the_loop():
    """Ctrl-C arrives as KeyboardInterrupt from the signal check between energies; any error
    raised by the progress callback propagates the same way, with no partial result."""
    m = st.Model(st.lattice.strip(30, 6), exchange=0.5)
    calls = []

    def stop(done, total):
        calls.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _core.integrate(m.device, np.linspace(-1, 1, 64) + 0.01j, retarded_weights=np.ones(64), progress=stop)
    assert len(calls) == 1


def test_ctrl_c_stops_a_fermi_sea_contour_sum_between_nodes():
    """The contour sums (sea_response, mixed_sea_response) check for Ctrl-C between nodes: a
    KeyboardInterrupt raised where the signal check runs stops the sum after one node, with no
    partial result (on a large bar one sum of RR ladders can take minutes)."""
    from spintex.sea import FermiSea

    m = st.Model(st.lattice.strip(30, 2), exchange=0.5, texture=st.textures.neel_wall(15, 4))
    sea = FermiSea(m, -0.5, st.Disorder(onsite=0.1, magnetic=(0.02, 0.02)))
    U = np.ascontiguousarray(np.broadcast_to(np.eye(2, dtype=complex), (m.lattice.num_sites, 2, 2)))
    born = sea.borns[0].superoperator
    calls = []

    def stop(done, total):
        calls.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _core.sea_response(sea.correlators, sea.weights, born, U, progress=stop)
    assert len(calls) == 1
    with pytest.raises(KeyboardInterrupt):
        _core.mixed_sea_response(sea.correlators, sea.correlators, sea.weights, born, U, progress=stop)
    assert len(calls) == 2
    full = _core.sea_response(sea.correlators, sea.weights, born, U, progress=lambda done, total: None)
    assert np.array_equal(full[0], _core.sea_response(sea.correlators, sea.weights, born, U)[0])


# ----------------------------------------------------------------------------- robustness issue, item 3
def _solver_calls(bad):
    d = st.Disorder(onsite=0.05, magnetic=(0.01, 0.01))
    return {
        "linear_response": lambda: st.linear_response(bad, -1.0),
        "equilibrium": lambda: st.equilibrium(bad, fermi_energy=-1.0),
        "nonequilibrium": lambda: st.nonequilibrium(bad, mu_left=-0.9, mu_right=-1.0),
        "ldos": lambda: st.ldos(bad, [-1.0]),
        "transmission": lambda: st.transmission(bad, [-1.0]),
        "gilbert_damping": lambda: st.gilbert_damping(bad, -1.0, disorder=d),
        "kubo_bubble": lambda: st.kubo_bubble(bad, -1.0, field=np.ones(5), disorder=d),
        "fit_torque": lambda: st.fit_torque(bad, np.zeros((5, 3))),
    }


@pytest.mark.parametrize("solver", sorted(_solver_calls(None)))
@pytest.mark.parametrize("bad", [None, "model", st.lattice.chain(5)])
def test_every_solver_says_it_needs_a_model(solver, bad):
    with pytest.raises(ValueError, match=r"model must be a spintex Model.*got"):
        _solver_calls(bad)[solver]()


@pytest.mark.parametrize("energy, match", [(np.nan, "energy must be finite"), ("abc", "energy must be a real number")])
def test_gilbert_damping_checks_its_energy(energy, match):
    m = st.Model(st.lattice.chain(10), exchange=0.5)
    with pytest.raises(ValueError, match=match):
        st.gilbert_damping(m, energy, disorder=st.Disorder(magnetic=(0.01, 0.01)))


@pytest.mark.parametrize("seed", [-1, 2.5, "1", True])
def test_disorder_seed_is_checked_at_construction(seed):
    with pytest.raises(ValueError, match="seed"):
        st.Disorder(seed=seed)
    assert st.Disorder(seed=0).seed == 0 and st.Disorder(seed=np.int64(3)).seed == 3


def test_periodic_must_be_a_bool():
    for factory, args in ((st.lattice.strip, (10, 3)), (st.lattice.bar, (10, 3, 3))):
        with pytest.raises(ValueError, match="periodic"):
            factory(*args, periodic="no")
        with pytest.raises(ValueError, match="periodic"):
            factory(*args, periodic=1)
        assert factory(*args, periodic=np.bool_(True)).periodic is True


def test_lattice_constructor_is_validated():
    for kwargs, match in [({"length": 0}, "length"), ({"length": 5, "dim": 4}, "dim"),
                          ({"length": 5, "width": 2, "dim": 1}, "width"),
                          ({"length": 5, "width": 0, "dim": 2}, "width"),
                          ({"length": 5, "height": 2, "dim": 2}, "height"),
                          ({"length": 5, "periodic": "yes"}, "periodic")]:
        with pytest.raises(ValueError, match=match):
            st.lattice.Lattice(**kwargs)
    a, b = st.lattice.Lattice(5, 3, 1, dim=2), st.lattice.strip(5, 3)
    assert np.array_equal(a.positions, b.positions) and np.array_equal(a.bonds, b.bonds)


def test_complex_textures_and_torques_are_rejected():
    lat = st.lattice.chain(4)
    n = np.tile([0.0, 0.0, 1.0], (4, 1)).astype(complex)
    with pytest.raises(ValueError, match="texture must be real"):
        st.Model(lat, texture=n)
    with pytest.raises(ValueError, match="texture must be real"):
        st.Model(lat, texture=lambda positions: n)
    with pytest.raises(ValueError, match="direction must be real"):
        st.textures.uniform((0, 0, 1j))
    m = st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 2))
    with pytest.raises(ValueError, match="torque must be real"):
        st.fit_torque(m, np.ones((20, 3)) * (1 + 1j))


def test_uniform_texture_normalizes_huge_and_tiny_directions():
    for d in [(1e308, 1e308, 0), (1e-320, 0, 1e-320), (-1e300, 0, 0)]:
        n = st.textures.uniform(d)(np.zeros((2, 1)))
        assert np.allclose(np.linalg.norm(n, axis=1), 1.0)
    assert np.allclose(st.textures.uniform((1e308, 1e308, 0))(np.zeros((1, 1))), [[2**-0.5, 2**-0.5, 0]])


def test_single_site_chain_in_equilibrium_and_at_a_bias():
    m = st.Model(st.lattice.chain(1))
    eq = st.equilibrium(m, fermi_energy=0.0)
    assert eq.charge_density == pytest.approx([1.0], abs=1e-9)  # half filling, both spins
    b = st.nonequilibrium(m, mu_left=0.1, mu_right=0.0)
    assert np.all(np.isfinite(b.total.charge_density)) and b.total.charge_density[0] > 1.0


def test_kubo_bubble_on_a_chain_without_spin_orbit_impurities():
    d = st.Disorder(onsite=0.05)
    chain = st.kubo_bubble(st.Model(st.lattice.chain(20), exchange=0.5), -1.0, field=np.ones(20), disorder=d)
    strip = st.kubo_bubble(st.Model(st.lattice.strip(20, 1), exchange=0.5), -1.0, field=np.ones(20), disorder=d)
    np.testing.assert_allclose(chain.current, strip.current, rtol=1e-10)
    np.testing.assert_allclose(chain.spin_density, strip.spin_density, atol=1e-12)
    with pytest.raises(ValueError, match="strip or a bar"):
        st.kubo_bubble(st.Model(st.lattice.chain(20)), -1.0, field=np.ones(20), disorder=st.Disorder(soc=0.01))


def test_skyrmion_profile_is_stable_for_large_radius_over_width():
    r = np.array([0.0, 700.0, 799.0, 800.0, 801.0, 900.0])
    positions = np.stack([r, np.zeros_like(r)], axis=1)
    nz = st.textures.skyrmion((0, 0), 800.0, 1.0)(positions)[:, 2]
    # far from the centre theta = 2 arctan(exp(-(r - R)/w)): the wall profile, core down
    expected = np.tanh(r - 800.0)  # cos(2 arctan(exp(-(r - R)))), up to exp(-2R)
    np.testing.assert_allclose(nz, expected, atol=1e-12)
    assert nz[0] == -1.0 and nz[-1] == 1.0
    # and unchanged where sinh does not overflow
    small = st.textures.skyrmion((0, 0), 3.0, 1.5)(positions[:4] / 100)
    theta = 2 * np.arctan2(np.sinh(2.0), np.sinh(r[:4] / 150))
    np.testing.assert_allclose(small[:, 2], np.cos(theta), atol=1e-14)


def test_torque_fit_reports_uncertainties_spin_orbit_terms_and_a_misfit():
    """Fitted coefficients come with least-squares errors; with Rashba coupling the field-like and
    damping-like spin-orbit torques are fitted beside A and B; a torque the form cannot describe
    is flagged."""
    from spintex.analysis import spin_orbit_fields, texture_derivative

    m = st.Model(st.lattice.strip(60, 3), exchange=0.5, texture=st.textures.neel_wall(30, 5), rashba=0.1)
    dn, n = texture_derivative(m), m.texture_vectors
    field_like, damping_like = spin_orbit_fields(m)
    exact = -2e-3 * dn + 3e-4 * np.cross(n, dn) + 1e-3 * field_like - 5e-4 * damping_like
    fit = st.fit_torque(m, exact)
    assert fit.beta == pytest.approx(-0.15, rel=1e-10) and fit.spin_orbit == pytest.approx((1e-3, -5e-4))
    assert fit.residual < 1e-12 and fit.beta_stderr < 1e-10 and not fit.warning
    two_term = st.fit_torque(m, exact, spin_orbit=False)
    assert two_term.residual > 0.3 and "does not describe" in two_term.warning
    noisy = st.fit_torque(m, exact + 2e-5 * np.random.default_rng(0).normal(size=exact.shape))
    assert 0 < noisy.beta_stderr < 0.05 and abs(noisy.beta + 0.15) < 4 * noisy.beta_stderr


def test_two_dimensional_textures_fit_both_gradient_directions():
    from spintex.analysis import texture_derivative, texture_gradient

    m = st.Model(st.lattice.strip(30, 30), exchange=0.5, texture=st.textures.skyrmion((15, 15), 5, 2))
    assert np.allclose(texture_gradient(m, 0), texture_derivative(m))
    dx, dy, n = texture_derivative(m), texture_gradient(m, 1), m.texture_vectors
    torque = 1e-3 * dx - 2e-4 * np.cross(n, dx) + 5e-4 * dy + 1e-4 * np.cross(n, dy)
    along_x = st.fit_torque(m, torque)
    both = st.fit_torque(m, torque, transverse=True)
    assert abs(along_x.beta + 0.2) > 0.1 and along_x.residual > 0.2  # measured beta -0.50, residual 0.30
    assert both.residual < 1e-12 and both.transverse == pytest.approx((5e-4, 1e-4))
    assert both.beta == pytest.approx(-0.2)
    with pytest.raises(ValueError, match="2D or 3D"):
        st.fit_torque(st.Model(st.lattice.chain(10), texture=st.textures.neel_wall(5, 2)), np.zeros((10, 3)),
                      transverse=True)


@pytest.mark.parametrize("make, name", [
    (lambda: st.textures.spiral("x"), "wavevector"),
    (lambda: st.Model(st.lattice.chain(5), exchange="big"), "exchange"),
    (lambda: st.Model(st.lattice.chain(5), exchange=0.5j), "exchange"),
    (lambda: st.Model(st.lattice.chain(5), onsite="x"), "onsite"),
    (lambda: st.Model(st.lattice.chain(5), zeeman="z"), "zeeman"),
])
def test_non_numeric_parameters_name_the_argument(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_huge_lattices_are_refused_before_allocating():
    with pytest.raises(MemoryError, match="lattice of 100000 x 1000000"):
        st.lattice.strip(100000, 1000000)


def test_equilibrium_with_the_fermi_energy_on_the_band_edge():
    """E_F at the band bottom of a chain: the contour converges (theta = pi s^2) to an empty band."""
    e = st.equilibrium(st.Model(st.lattice.chain(10)), fermi_energy=-2.0)
    assert np.abs(e.charge_density).max() < 1e-9


@pytest.mark.parametrize("kwargs, match", [({"nodes": 1}, "nodes must be at least 2"),
                                           ({"nodes": 0}, "nodes must be a positive"),
                                           ({"nodes": 2.5}, "nodes must be a positive"),
                                           ({"max_nodes": 0}, "max_nodes must be a positive"),
                                           ({"tolerance": 0.0}, "tolerance must be"),
                                           ({"keep_correlators": "no"}, "keep_correlators must be None")])
def test_fermi_sea_checks_its_rule_arguments(kwargs, match):
    from spintex.sea import FermiSea

    m = st.Model(st.lattice.chain(20), exchange=0.5)
    with pytest.raises(ValueError, match=match):
        FermiSea(m, -0.8, **kwargs)


def test_pumping_that_cannot_hold_its_correlators_stops_before_any_work(monkeypatch):
    """Pumping pairs correlators at two energies (z +- h and z), so it cannot sweep them again as
    the Fermi sea can: a model whose correlators would not fit gives a MemoryError that says how
    much it needs, before any contour work (not an out-of-memory kill)."""
    import importlib

    import spintex.sea as sea

    pumping = importlib.import_module("spintex.pumping")  # (the package's `pumping` is the function)

    m = st.Model(st.lattice.strip(30, 2), exchange=0.5, texture=st.textures.neel_wall(15, 4))
    v = st.texture_velocity(m, "rotation")
    monkeypatch.setattr(pumping, "available_memory", lambda: 20 * sea.correlator_bytes(m))

    def no_sea(*args, **kwargs):
        raise AssertionError("the Fermi sea was built")

    monkeypatch.setattr(pumping, "FermiSea", no_sea)
    with pytest.raises(MemoryError, match="pumping on this model holds at least"):
        st.pumping(m, -0.5, v)
    # with spin-orbit impurities the block sweeps on site pairs, counted with their pairs: room
    # for all of them passes the check (and reaches the sea), one byte less does not
    d = st.Disorder(onsite=0.05, soc=0.03)
    each = sea.pair_correlator_bytes(m, len(born_map(m, d).pairs))
    assert each > sea.pair_correlator_bytes(m) > sea.correlator_bytes(m)
    need = (24 + 12 + 48 + 1 + (os.cpu_count() or 1)) * each
    monkeypatch.setattr(pumping, "available_memory", lambda: need - 1)
    with pytest.raises(MemoryError, match=f"{each / 1e9:.3g} GB each"):
        st.pumping(m, -0.5, v, disorder=d)
    monkeypatch.setattr(pumping, "available_memory", lambda: need)
    with pytest.raises(AssertionError, match="the Fermi sea was built"):
        st.pumping(m, -0.5, v, disorder=d)


# ----------------------------------------------------------------------------- energies at the band's ends
@pytest.fixture
def small_wall():
    return st.Model(st.lattice.chain(12), exchange=0.5, texture=st.textures.neel_wall(6, 2))


@pytest.mark.parametrize("energy", [-6.0, 2.6, 3.0])
@pytest.mark.parametrize("disorder", [None, st.Disorder(onsite=0.05)], ids=["clean", "scba"])
def test_field_drive_without_open_channels_is_zero(small_wall, energy, disorder):
    """No lead channel open at E_F: the bias response is zero and so is its screening (the Fermi
    sea, a full or empty band, is not built).  (2.6 is above the bands but inside the Gershgorin
    bound of the clean chain.  In SCBA no self-energy is solved there: outside the leads'
    continuum the real-axis SCBA iteration oscillated and raised SCBAConvergenceError.)"""
    r = st.linear_response(small_wall, energy, disorder=disorder, drive="field")
    assert r.screening_iterations == 0 and r.neutrality == 0.0
    assert np.abs(r.torque).max() == 0.0 and np.abs(r.screening_potential).max() == 0.0
    if disorder is not None:  # and in a batch with an energy inside the band
        both = st.linear_response(small_wall, [energy, -1.0], disorder=disorder)
        assert both.transmission[0] == 0.0 and both.transmission[1] > 0.5


@pytest.mark.parametrize("energy", [-6.0, 2.6, 3.0])
def test_pumping_outside_the_bands_is_zero(small_wall, energy):
    """Below the spectrum no state is filled, above it every state is: a moving texture changes
    nothing (up to the rounding of a contour that encloses the whole spectrum or none of it)."""
    r = st.pumping(small_wall, energy, st.texture_velocity(small_wall, "rotation"))
    assert r.emission == (0.0, 0.0)
    assert np.abs(r.torque).max() < 1e-6 and np.abs(r.density_rate).max() < 1e-6
    inside = st.pumping(small_wall, -1.0, st.texture_velocity(small_wall, "rotation"))
    assert np.abs(inside.torque).max() > 1e-2  # (the bound above is not loose for this wall)


def test_clean_fermi_sea_at_a_divergent_threshold_is_refused():
    """A clean uniform wire at a lead channel threshold: its density of states diverges there, so
    the static (Fermi-sea) response has no finite limit: a ValueError in one sweep, not a contour
    grown to max_nodes."""
    m = st.Model(st.lattice.chain(12))
    with pytest.raises(ValueError, match="threshold"):
        st.linear_response(m, -2.0, drive="field")
    with pytest.raises(ValueError, match="threshold"):
        st.pumping(m, -2.0, np.zeros((12, 3)))


def test_scba_at_a_lead_threshold_starts_from_a_broadened_propagator():
    """The clean G_0 is singular at a threshold of a clean uniform wire; the SCBA starts from the
    Born self-energy of G = -i/t instead (was: RuntimeError "singular block ... shift the energy
    off the real axis"): the disordered LDOS there is finite and continuous from above.  A lead
    drive's response there is 0/0 (the only channel opens: its coupling vanishes) and is refused
    by name (it returned a silent zero once the SCBA converged)."""
    m = st.Model(st.lattice.chain(12))
    d = st.Disorder(onsite=0.01)
    at, above = st.ldos(m, [-2.0, -2.0 + 1e-9], disorder=d)
    assert np.all(at > 0) and np.allclose(at, above, rtol=1e-4)
    with pytest.raises(ValueError, match="threshold .* 0/0.*continuous from above"):
        st.linear_response(m, -2.0, disorder=d)
    assert st.linear_response(m, -1.99, disorder=d).transmission > 0


def test_scba_on_a_single_slice_is_refused():
    m = st.Model(st.lattice.chain(1), exchange=0.5)
    with pytest.raises(ValueError, match="2 slices"):
        st.linear_response(m, -1.0, disorder=st.Disorder(onsite=0.01))


def test_more_argument_checks(small_wall):
    m = small_wall
    v = st.texture_velocity(m, "rotation")
    with pytest.raises(ValueError, match="tolerance"):
        st.nonequilibrium(m, mu_left=-0.99, mu_right=-1.01, tolerance=0)
    with pytest.raises(ValueError, match="1-d"):
        st.transmission(m, [[-1.0, -0.5]])
    with pytest.raises(ValueError, match="disorder"):
        st.ldos(m, -1.0, disorder=0.1)
    with pytest.raises(ValueError, match="screened"):
        st.pumping(m, -1.0, v, screened="no")
    with pytest.raises(ValueError, match="circuit"):
        st.linear_response(m, -1.0, circuit="bogus")
    with pytest.raises(ValueError, match="lead"):
        st.linear_response(m, -1.0, drive="thermal", temperature=0.01, lead="right")
    with pytest.raises(ValueError, match="model"):
        st.texture_velocity(None, "rotation")
    with pytest.raises(ValueError, match="model"):
        st.texture_force(None, np.zeros((12, 3)), v)
    with pytest.raises(ValueError, match="circuit='open'"):
        st.linear_response(m, 3.0, drive="thermal", temperature=0.01, circuit="open")


def test_chain_scattering_refuses_thresholds_and_lost_flux(small_wall):
    """At a lead threshold a mode has zero velocity (was: NaN probabilities with a warning); through
    20 sites of a barrier the transfer-matrix product loses flux conservation to rounding (was:
    T = 1.25 returned)."""
    with pytest.raises(ValueError, match="threshold"):
        st.chain_scattering(small_wall, -2.5)
    barrier = st.Model(st.lattice.chain(60), onsite=np.r_[np.zeros(20), 5 * np.ones(20), np.zeros(20)])
    with pytest.raises(ValueError, match="flux"):
        st.chain_scattering(barrier, -1.0)
    short = st.Model(st.lattice.chain(60), onsite=np.r_[np.zeros(28), 5 * np.ones(4), np.zeros(28)])
    assert st.chain_scattering(short, -1.0).transmission() == pytest.approx(st.transmission(short, -1.0)[0], rel=1e-8)


def test_periodic_wire_thermal_drive_points_to_thermal_response():
    from spintex.periodic import PeriodicWire

    with pytest.raises(ValueError, match="thermal_response"):
        PeriodicWire(10, 3).linear_response(-1.2, drive="thermal", disorder=st.Disorder(onsite=0.1))


def test_wall_resistance_needs_one_lattice():
    """Two lattices of the same site count are not the same wire (was: a number returned)."""
    wall = st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 2))
    with pytest.raises(ValueError, match="same lattice"):
        st.wall_resistance(wall, st.Model(st.lattice.strip(10, 2), exchange=0.5), -1.0)


def test_scba_emission_without_open_channels_is_zero():
    """Nonmagnetic leads closed at E = -2.3 below a magnetic wire's band edge: nothing is emitted
    (was: an SCBA or ladder failure at the real energy, while the reciprocal lead drive gave 0)."""
    from spintex.pumping import emission

    m = st.Model(st.lattice.chain(20), exchange=0.9, texture=st.textures.neel_wall(10, 2), leads="nonmagnetic")
    v = st.texture_velocity(m, "rotation")
    assert emission(m, -2.3, v, disorder=st.Disorder(onsite=0.05)) == (0.0, 0.0)
    assert st.linear_response(m, -2.3, disorder=st.Disorder(onsite=0.05)).transmission == 0.0


def test_energy_resolved_refuses_an_energy_without_current(small_wall):
    """Outside the bands the field and the current both vanish: sigma = j / E would be 0/0 (was
    NaN with a RuntimeWarning)."""
    with pytest.raises(ValueError, match="no current"):
        st.energy_resolved(small_wall, [-1.0, -6.0])


def test_scba_response_on_an_opening_threshold_is_refused_and_continuous_above(small_wall):
    """On the lead threshold E = -2.5 of a chain the only channel opens: the lead's coupling
    vanishes, so a lead drive's source is zero while the ladder's vertex (whose leak is that
    coupling) diverges: 0/0.  The error names the threshold and the way out.  From above the
    response has a finite limit: the torque at E_c + h changes like sqrt(h) (differences between
    h = 1e-4, 1e-6, 1e-8 shrink 10-fold, measured 8.75: the next order) towards a non-zero
    torque, while the transmission goes to 0 like sqrt(h)."""
    d = st.Disorder(onsite=0.05)
    with pytest.raises(ValueError, match="threshold .* 0/0.*continuous from above"):
        st.linear_response(small_wall, -2.5, disorder=d)
    r = [st.linear_response(small_wall, -2.5 + h, disorder=d) for h in (1e-4, 1e-6, 1e-8)]
    steps = [np.abs(a.torque - b.torque).max() for a, b in zip(r, r[1:])]
    assert steps[0] / steps[1] == pytest.approx(10, rel=0.2)
    assert np.abs(r[2].torque).max() > 20 * steps[1]  # the limit is not zero
    assert r[1].transmission / r[2].transmission == pytest.approx(10, rel=0.05)  # measured 9.87


def test_core_failures_have_their_own_types():
    """A singular block and a non-converged iteration reach Python as types (both RuntimeErrors,
    as before): callers catch them without reading the C++ message."""
    m = st.Model(st.lattice.chain(12))
    with pytest.raises(st.SingularBlockError, match="singular block"):
        st._core.Correlator(m.device, -2.0)  # the threshold of a clean uniform chain
    assert issubclass(st.SingularBlockError, RuntimeError)
    assert issubclass(st.SCBAConvergenceError, st._core.NotConvergedError)
    assert issubclass(st._core.NotConvergedError, RuntimeError)


def test_fit_of_a_wall_centred_outside_the_wire_is_refused():
    """A wall centred far outside the wire leaves |d_x n| at rounding (1e-14): the relative
    threshold would fit noise and report a plausible beta; it is refused as uniform."""
    m = st.Model(st.lattice.chain(200), exchange=0.5, texture=st.textures.neel_wall(500.0, 10.0))
    with pytest.raises(ValueError, match="uniform on this lattice .* center inside the wire"):
        st.fit_torque(m, np.zeros((200, 3)))


def test_fermi_sea_does_not_grow_beyond_max_nodes():
    """The rule grows by a quarter (24, 30, 37, ...) and max_nodes was checked before growing, so
    it could be exceeded by up to a quarter (1262 SCBA nodes for max_nodes = 1024).  Capped."""
    from spintex.sea import FermiSea

    m = st.Model(st.lattice.chain(40), exchange=0.5)  # E_F 1e-3 above a lead threshold: slow to converge
    with pytest.raises(RuntimeError, match="did not converge to 1e-06 with 35 nodes"):
        FermiSea(m, -1.5 + 1e-3, None, max_nodes=35)


def test_doubling_refuses_non_finite_blocks():
    """The equilibrium's node doubling compared max(sites change, bonds change) with Python's max,
    which drops a NaN in its second argument: NaN bond blocks passed as converged."""
    from spintex.keldysh import _converge_by_doubling

    def evaluate(n):
        return np.ones((3, 2, 2)), np.full((2, 2, 2), np.nan), n

    with pytest.raises(RuntimeError, match="not finite"):
        _converge_by_doubling(evaluate, 8, 1e-6, "test sum")


def test_exchange_stiffness_needs_a_texture():
    """A uniform texture has nothing to fit: 0/0 returned NaN."""
    with pytest.raises(ValueError, match="non-uniform texture"):
        st.thermal.exchange_stiffness(st.Model(st.lattice.chain(20), exchange=0.5), -1.0)
