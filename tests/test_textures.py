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

    bubble = st.textures.radial_bubble((20, 20), 5, 0.5 * np.pi)  # tilts to 90 degrees and back
    assert abs(q(lat, bubble)) < 1e-10
    # smooth, no winding (4e-7: its exp(-(r/R)^2) tail is not yet +z at the strip edge)
    assert abs(q(lat, st.textures.ring_bubble((20, 20), 6, 0.9 * np.pi))) < 1e-5
    model = st.Model(lat, exchange=0.5, texture=st.textures.skyrmion((20, 20), 6, 2))
    assert q(model) == pytest.approx(-1, abs=1e-5)
    with pytest.raises(ValueError, match="2D lattice"):
        q(st.lattice.chain(10), (0, 0, 1))


def test_transverse_force_on_a_skyrmion_per_spin_current_follows_seed_001_eq_62():
    """F_y = -<dH/dY> under a longitudinal current. Adiabatic limit (seed 001 Eqs. 62-65 in these
    units): F_y = A sum_i n . (d_x n x d_y n) = -2 pi Q J_s / W with J_s the Pauli spin current
    along n and W the strip width. Measured 0.935 (radius 8, wall 3) and 0.954 (radius 11, wall 4)
    of it, approaching 1 as the skyrmion widens; the sign follows Q. (The radial bubble with Q = 0
    that feels 57 % of this force has a singular core carrying +1/2 that the electrons do not
    follow: its force is that of its smooth meron half; a smooth Q = 0 bubble's force falls to zero
    as it widens. tests/test_topological_force.py, docs/physics.md section 18.)"""
    L, W, E = 60, 40, -2.5
    lat = st.lattice.strip(L, W)
    ratios = []
    for polarity in (-1, 1):
        m = st.Model(lat, exchange=0.5, texture=st.textures.skyrmion((L / 2 - 0.5, W / 2 - 0.5), 8, 3,
                                                                       polarity=polarity))
        Q = st.textures.topological_charge(m)
        r = st.linear_response(m, E, drive="bias")
        Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
        spin_current = r.spin_current[5, 2] * np.sign(m.texture_vectors[lat.slices[5], 2].mean())
        ratios.append(Fy / (-2 * np.pi * Q * spin_current / W))
        assert np.sign(Fy) == -np.sign(Q * spin_current)
    assert ratios[0] == pytest.approx(ratios[1], rel=1e-9)
    assert ratios[0] == pytest.approx(1, abs=0.1)


def test_texture_derivative_of_a_spiral_is_the_lattice_difference():
    """Spiral n_i = (sin q x_i, 0, cos q x_i): the central difference (n_{i+1} - n_{i-1})/2 has
    length sin q in the interior, and the one-sided differences at the two end slices (the full
    step n_1 - n_0, n_{L-1} - n_{L-2}) are chords of length 2 sin(q/2), also along x on a strip
    (texture_gradient) and along y for the spiral turned by 90 degrees.  Exact (rounding: 1e-12)."""
    from spintex.analysis import texture_gradient

    q, L = 0.3, 12
    x = np.arange(L, dtype=float)
    spiral = np.stack([np.sin(q * x), 0 * x, np.cos(q * x)], axis=1)
    m = st.Model(st.lattice.chain(L), exchange=0.5, texture=spiral)
    d = st.texture_derivative(m)
    size = np.linalg.norm(d, axis=1)
    assert np.abs(size[1:-1] - np.sin(q)).max() < 1e-12
    assert np.abs(size[[0, -1]] - 2 * np.sin(q / 2)).max() < 1e-12
    assert np.abs(d[0] - (spiral[1] - spiral[0])).max() < 1e-12
    assert np.abs(d[-1] - (spiral[-1] - spiral[-2])).max() < 1e-12
    # a strip, the spiral along x and along y
    lat = st.lattice.strip(L, 4)
    px, py = lat.positions[:, 0], lat.positions[:, 1]
    along_y = np.stack([np.sin(q * py), 0 * py, np.cos(q * py)], axis=1)
    strip = st.Model(lat, exchange=0.5, texture=np.stack([np.sin(q * px), 0 * px, np.cos(q * px)], axis=1))
    gx = np.linalg.norm(texture_gradient(strip, 0), axis=1)
    ends = (px == 0) | (px == L - 1)
    assert np.abs(gx[ends] - 2 * np.sin(q / 2)).max() < 1e-12 and np.abs(gx[~ends] - np.sin(q)).max() < 1e-12
    gy = np.linalg.norm(texture_gradient(st.Model(lat, exchange=0.5, texture=along_y), 1), axis=1)
    edges = (py == 0) | (py == 3)
    assert np.abs(gy[edges] - 2 * np.sin(q / 2)).max() < 1e-12 and np.abs(gy[~edges] - np.sin(q)).max() < 1e-12
