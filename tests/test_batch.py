"""Batched energies: an array of K energies gives the single-energy results with a leading
energy axis (linear_response clean, field, SCBA, samples, thermal; pumping; ldos)."""
import dataclasses

import numpy as np
import pytest

import spintex as st
from spintex import _core
from spintex.integration import channel_thresholds

from conftest import random_unit_vectors

TOL = 1e-12


def wall(L=12, W=1, **kw):
    lat = st.lattice.chain(L) if W == 1 else st.lattice.strip(L, W)
    return st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(L / 2, 2), **kw)


def assert_batch_is_the_single_calls(batch, singles, energies):
    """Every field of ``batch`` at index k equals the single-energy Response k (relative to its
    largest entry); None where the single calls have None; energy the (K,) array."""
    assert np.array_equal(batch.energy, energies)
    assert np.array_equal(batch.parameters["energy"], energies)
    assert batch.drive == singles[0].drive and batch.units == singles[0].units
    for f in dataclasses.fields(st.Response):
        if f.name in ("parameters", "units", "drive"):
            continue
        got = getattr(batch, f.name)
        for k, r in enumerate(singles):
            want = getattr(r, f.name)
            if want is None:
                assert got is None, f.name
                continue
            want = np.asarray(want)
            assert np.shape(got)[1:] == want.shape, f.name
            scale = max(np.max(np.abs(want), where=np.isfinite(want), initial=0.0), 1.0)
            assert np.allclose(np.asarray(got)[k], want, rtol=0, atol=TOL * scale, equal_nan=True), (f.name, k)


@pytest.mark.parametrize("drive", ["left", "right", "bias"])
def test_clean_batch_equals_single_energy_calls(random_model, drive):
    """One C++ call for all energies gives each energy's response, including an energy within
    the threshold-fit radius of a lead channel threshold (the limit from above)."""
    edge = channel_thresholds(random_model)
    near = edge[np.argmin(np.abs(edge + 1.0))] + 1e-10
    energies = np.array([-1.3, near, -0.2, 0.45])
    batch = st.linear_response(random_model, energies, drive=drive)
    singles = [st.linear_response(random_model, e, drive=drive) for e in energies]
    assert_batch_is_the_single_calls(batch, singles, energies)


def test_batch_shapes():
    m = wall(L=9, W=3)
    N, L, nb = m.lattice.num_sites, m.lattice.num_slices, m.bonds.shape[0]
    energies = np.linspace(-1.2, 0.3, 5)
    r = st.linear_response(m, energies, drive="bias")
    K = energies.size
    assert r.charge_density.shape == (K, N)
    assert r.spin_density.shape == r.torque.shape == (K, N, 3)
    assert r.current.shape == (K, L - 1) and r.spin_current.shape == (K, L - 1, 3)
    assert r.bond_current.shape == (K, nb) and r.bond_spin_current.shape == (K, nb, 3)
    assert r.transmission.shape == (K,) and r.spin_transmission.shape == (K, 2, 2)
    assert r.open_channels.shape == (K, 2) and r.total_torque.shape == (K, 3)
    # Landauer in every slice of every energy: the current is T / 2pi (per unit bias)
    assert np.allclose(r.current, r.transmission[:, None] / (2 * np.pi), atol=1e-12)


def test_scalar_energy_has_no_energy_axis():
    m = wall(L=9, W=3)
    N = m.lattice.num_sites
    for energy in (-0.7, np.float64(-0.7), np.array(-0.7)):
        r = st.linear_response(m, energy, drive="bias")
        assert isinstance(r.energy, float) and isinstance(r.transmission, float)
        assert isinstance(r.open_channels, tuple) and r.spin_transmission.shape == (2, 2)
        assert r.spin_density.shape == (N, 3) and r.current.shape == (m.lattice.num_slices - 1,)
        assert r.total_torque.shape == (3,)
    one = st.linear_response(m, [-0.7], drive="bias")
    assert one.spin_density.shape == (1, N, 3)
    assert_batch_is_the_single_calls(one, [r], np.array([-0.7]))


def test_field_drive_batch_equals_single_energy_calls():
    m = wall(L=10)
    energies = np.array([-1.1, -0.4])
    batch = st.linear_response(m, energies, drive="field")
    singles = [st.linear_response(m, e, drive="field") for e in energies]
    assert batch.screening_potential.shape == (2, m.lattice.num_sites)
    assert_batch_is_the_single_calls(batch, singles, energies)


@pytest.mark.parametrize("drive", ["left", "field"])
def test_scba_batch_equals_single_energy_calls(drive):
    """The batch starts each SCBA from the previous energy's self-energy; converged tightly, the
    fixed point (and so the response) is that of the single calls."""
    rng = np.random.default_rng(5)
    lat = st.lattice.strip(6, 2)
    m = st.Model(lat, exchange=0.5, texture=random_unit_vectors(rng, lat.num_sites))
    d = st.Disorder(onsite=0.1, magnetic=(0.02, 0.01), tolerance=1e-15)
    energies = np.array([-0.9, -0.85, -0.3])
    batch = st.linear_response(m, energies, disorder=d, drive=drive)
    singles = [st.linear_response(m, e, disorder=d, drive=drive) for e in energies]
    assert_batch_is_the_single_calls(batch, singles, energies)
    assert batch.parameters["disorder"] == d


def test_scba_batch_starts_from_the_previous_self_energy():
    m = wall(L=30)
    d = st.Disorder(onsite=0.05, magnetic=(0.01, 0.01))
    energies = np.array([-0.8, -0.79, -0.78])
    batch = st.linear_response(m, energies, disorder=d)
    cold = [st.linear_response(m, e, disorder=d).parameters["scba_iterations"] for e in energies]
    warm = batch.parameters["scba_iterations"]
    assert warm[0] == cold[0] and all(w < c for w, c in zip(warm[1:], cold[1:]))


def test_samples_batch_equals_single_energy_calls():
    m = wall(L=10)
    d = st.Disorder(onsite=0.2, method="samples", samples=6, seed=3)
    energies = np.array([-1.0, -0.5])
    batch = st.linear_response(m, energies, disorder=d, drive="bias")
    singles = [st.linear_response(m, e, disorder=d, drive="bias") for e in energies]
    assert batch.spin_density_stderr.shape == (2, m.lattice.num_sites, 3)
    assert_batch_is_the_single_calls(batch, singles, energies)


def test_thermal_batch_equals_single_energy_calls():
    m = wall(L=8)
    energies = np.array([-1.0, -0.6])
    batch = st.linear_response(m, energies, drive="thermal", temperature=0.05, circuit="open")
    singles = [st.linear_response(m, e, drive="thermal", temperature=0.05, circuit="open") for e in energies]
    assert batch.seebeck.shape == (2,)
    assert_batch_is_the_single_calls(batch, singles, energies)


def test_pumping_batch_equals_single_energy_calls():
    m = wall(L=10)
    v = st.texture_velocity(m, "translation")
    energies = np.array([-1.0, -0.5])
    batch = st.pumping(m, energies, v)
    singles = [st.pumping(m, e, v) for e in energies]
    assert batch.emission.shape == (2, 2)
    assert_batch_is_the_single_calls(batch, singles, energies)


@pytest.mark.parametrize("disorder", [None, st.Disorder(onsite=0.2, method="samples", samples=3, seed=1)])
def test_ldos_batch_equals_single_energy_calls(random_model, disorder):
    energies = np.array([-1.1, -0.3, 0.6])
    batch = st.ldos(random_model, energies, disorder=disorder)
    single = np.concatenate([st.ldos(random_model, e, disorder=disorder) for e in energies])
    assert batch.shape == (3, random_model.lattice.num_sites)
    assert np.allclose(batch, single, rtol=0, atol=TOL * np.abs(single).max())


def test_core_per_energy_blocks_sum_to_the_weighted_sum(random_model):
    """_core.integrate(per_energy=True): the weighted blocks of each energy, whose sum is the
    summed request."""
    z = np.array([-1.2, -0.4 + 0.05j, 0.3], dtype=complex)
    w = np.array([0.3 - 0.1j, 1.2, -0.7 + 0.4j])
    kw = dict(retarded_weights=w, left_weights=w, right_weights=w.conj(), transmission=True)
    summed = _core.integrate(random_model.device, z, **kw)
    apart = _core.integrate(random_model.device, z, per_energy=True, **kw)
    for key in ("retarded_sites", "retarded_bonds_ji", "retarded_bonds_ij", "left_sites", "left_bonds",
                "right_sites", "right_bonds"):
        assert apart[key].shape == (3, *summed[key].shape), key
        assert np.allclose(apart[key].sum(axis=0), summed[key], rtol=0, atol=TOL * np.abs(summed[key]).max()), key
        for k in range(3):
            one = _core.integrate(random_model.device, z[[k]], **{**kw, "retarded_weights": w[[k]],
                                                                  "left_weights": w[[k]],
                                                                  "right_weights": w.conj()[[k]]})
            assert np.array_equal(apart[key][k], one[key][0] if one[key].ndim == 4 else one[key]), (key, k)
    assert np.array_equal(apart["transmission"], summed["transmission"])


@pytest.mark.parametrize("energies", [[0.1, np.nan], [-0.5, np.inf], [[0.1, 0.2]], [], [0.1 + 1j], ["a"]])
def test_bad_energy_arrays_are_value_errors_naming_energy(energies):
    m = wall(L=6)
    with pytest.raises(ValueError, match="energy"):
        st.linear_response(m, energies)
    with pytest.raises(ValueError, match="energy"):
        st.pumping(m, energies, st.texture_velocity(m, "translation"))


def test_analysis_of_a_batch_is_a_value_error():
    m = wall(L=12)
    r = st.linear_response(m, [-1.0, -0.5], drive="bias")
    with pytest.raises(ValueError, match="response"):
        st.current_polarization(m, r)
    with pytest.raises(ValueError, match="torque"):
        st.fit_torque(m, r)


def test_batch_on_a_single_site_has_no_slice_boundaries():
    r = st.linear_response(st.Model(st.lattice.chain(1), exchange=0.5), [-1.0, -0.5])
    assert r.current.shape == (2, 0) and r.spin_current.shape == (2, 0, 3) and r.spin_density.shape == (2, 1, 3)


def test_stacked_parameters_keep_every_energys_keys():
    """Response.stack took the parameter names of the first energy: a batch starting below the
    band (no lead channel: no SCBA, no ladder) lost ladder_iterations and scba_residual for every
    energy.  Every key is kept, None where an energy has none."""
    m = st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 3))
    r = st.linear_response(m, np.array([-3.0, -1.0, -0.5]), disorder=st.Disorder(onsite=0.05))
    iterations = r.parameters["ladder_iterations"]
    assert iterations[0] is None and all(k > 0 for k in iterations[1:])
    assert "scba_residual" in r.parameters
