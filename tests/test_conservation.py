"""Exact identities of the steady state: current conservation and angular momentum balance."""
import numpy as np
import pytest

import spintex as st
from spintex import _core

from conftest import random_unit_vectors


@pytest.mark.parametrize("lattice", [st.lattice.chain(12), st.lattice.strip(10, 4), st.lattice.bar(8, 3, 2)])
@pytest.mark.parametrize("rashba", [0.0, 0.2])
def test_particle_current_is_the_same_through_every_slice(lattice, rashba):
    if lattice.dim == 1 and rashba:
        pytest.skip("no Rashba on a chain")
    rng = np.random.default_rng(7)
    m = st.Model(lattice, exchange=0.6, texture=random_unit_vectors(rng, lattice.num_sites),
                 onsite=rng.uniform(-1, 1, lattice.num_sites), rashba=rashba)
    for lead in ("left", "right"):
        r = st.linear_response(m, -0.8, lead=lead)
        expected = r.transmission / (2 * np.pi) * (1 if lead == "left" else -1)
        assert np.allclose(r.current, expected, rtol=1e-10, atol=1e-14)
    out = _core.integrate(m.device, np.array([-0.8]), transmission=True, reverse_transmission=True)
    assert abs(out["transmission"][0] - out["reverse_transmission"][0]) < 1e-10 * max(1, out["transmission"][0])


@pytest.mark.parametrize("lattice", [st.lattice.chain(14), st.lattice.strip(10, 3), st.lattice.bar(8, 2, 2)])
def test_torque_balances_spin_current_without_spin_orbit(lattice):
    """sum of T_i over slice l = (J^a_{l-1 -> l} - J^a_{l -> l+1}) / 2 (CONVENTIONS.md)."""
    rng = np.random.default_rng(11)
    m = st.Model(lattice, exchange=0.8, texture=random_unit_vectors(rng, lattice.num_sites),
                 onsite=rng.uniform(-0.5, 0.5, lattice.num_sites))
    r = st.linear_response(m, -1.4)
    per_slice = np.array([r.torque[s].sum(axis=0) for s in lattice.slices])
    balance = 0.5 * (r.spin_current[:-1] - r.spin_current[1:])
    scale = np.abs(r.spin_current).max()
    assert scale > 1e-3  # a non-trivial spin current flows
    assert np.abs(per_slice[1:-1] - balance).max() < 1e-10 * scale
    # and over the whole interior region at once
    total = per_slice[1:-1].sum(axis=0)
    assert np.allclose(total, 0.5 * (r.spin_current[0] - r.spin_current[-1]), atol=1e-10 * scale)


def test_half_metallic_wall_torque_approaches_full_spin_flip():
    """Only the majority band open: an adiabatic wall reverses the whole spin current j_s = 1/2pi
    (per unit bias), so the summed torque tends to j_s (z component, CONVENTIONS sign) as the wall widens.
    The device is long enough (30 widths) that the wall's tails at the leads are negligible."""
    deviations = []
    for width in (1.0, 2.0, 3.0, 4.0, 6.0):
        lat = st.lattice.chain(int(40 + 30 * width))
        m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(lat.length / 2, width))
        r = st.linear_response(m, -2.0)
        assert r.open_channels == (1, 1)
        deviations.append(abs(r.total_torque[2] - 1 / (2 * np.pi)) * 2 * np.pi)
    assert all(b < a for a, b in zip(deviations, deviations[1:]))
    assert deviations[0] > 1e-2 and deviations[-1] < 1e-9
