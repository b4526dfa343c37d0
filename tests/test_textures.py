"""Texture invariants: the lattice skyrmion number (Berg-Luescher solid angles)."""
import numpy as np
import pytest

import spintex as st


def test_topological_charge_of_skyrmions_vortices_and_bubbles():
    lat = st.lattice.strip(40, 40)
    q = st.textures.topological_charge
    assert q(lat, st.textures.skyrmion((20, 20), 6, 2)) == pytest.approx(-1, abs=1e-5)  # core down, +z around
    assert q(lat, st.textures.skyrmion((20, 20), 6, 2, polarity=1)) == pytest.approx(1, abs=1e-5)
    assert q(lat, st.textures.skyrmion((20, 20), 6, 2, helicity=np.pi / 2)) == pytest.approx(-1, abs=1e-5)
    assert q(lat, st.textures.vortex((20, 20), 3)) == pytest.approx(0.5, abs=1e-3)  # a meron

    def bubble(p):  # tilts to 90 degrees and back: no wrapping of the sphere
        d = p - 20
        theta = 0.5 * np.pi * np.exp(-(np.hypot(d[:, 0], d[:, 1]) / 5) ** 2)
        phi = np.arctan2(d[:, 1], d[:, 0])
        return np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], axis=1)

    assert abs(q(lat, bubble)) < 1e-10
    model = st.Model(lat, exchange=0.5, texture=st.textures.skyrmion((20, 20), 6, 2))
    assert q(model) == pytest.approx(-1, abs=1e-5)
    with pytest.raises(ValueError, match="2D lattice"):
        q(st.lattice.chain(10), (0, 0, 1))
