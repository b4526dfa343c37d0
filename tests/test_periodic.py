"""Periodic cross-sections: the transverse-momentum decomposition is exact."""
import numpy as np
import pytest

import spintex as st
from spintex.periodic import PeriodicWire


@pytest.mark.parametrize("width, height", [(4, 3), (5, 1)])
def test_channel_decomposition_equals_scba_on_the_periodic_bar(width, height):
    L = 40
    texture = st.textures.neel_wall(20, 5.0)
    disorder = st.Disorder(onsite=0.05, magnetic=(0.02, 0.01))
    lat = st.lattice.bar(L, width, height, periodic=True) if height > 1 else st.lattice.strip(L, width, periodic=True)
    full = st.linear_response(st.Model(lat, exchange=0.5, texture=texture), -1.0, disorder=disorder)
    wire = PeriodicWire(L, width, height, exchange=0.5, texture=texture).linear_response(-1.0, disorder=disorder)
    per_slice = np.array([full.spin_density[s].mean(axis=0) for s in lat.slices])
    assert np.abs(per_slice - wire.spin_density).max() < 1e-10 * np.abs(wire.spin_density).max()
    assert np.allclose(full.current, wire.current, rtol=1e-10)
    assert wire.transmission == pytest.approx(full.transmission, rel=1e-10)


def test_periodic_bar_has_the_bulk_channel_count():
    """Clean periodic 4x4 bar: open channels = number of transverse momenta with |E - eps_k| < 2t."""
    lat = st.lattice.bar(6, 4, 4, periodic=True)
    r = st.linear_response(st.Model(lat, exchange=0.0), -2.5)
    k = 2 * np.pi * np.arange(4) / 4
    eps = -2 * (np.cos(k)[:, None] + np.cos(k)[None, :])
    assert r.transmission == pytest.approx(2 * np.sum(np.abs(-2.5 - eps) < 2), abs=1e-10)
