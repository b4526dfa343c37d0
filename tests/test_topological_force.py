"""The transverse (topological) force on skyrmions and bubbles, seed 001 Eqs. 59-65 (issue 9 item 4).

F_y = -<dH/dY> = M sum_i v_i . s_i with v the translation along y; in the adiabatic limit
F_y = A sum_i n . (d_x n x d_y n) = -2 pi Q J_s / W (docs/physics.md, notebooks/topological_force.py).
The skyrmion's ratio to that formula and its sign flip are in tests/test_textures.py.
"""
import numpy as np
import pytest

import spintex as st
from spintex.pumping import emission

E, M = -2.5, 0.5


radial_bubble, ring_bubble = st.textures.radial_bubble, st.textures.ring_bubble


def force_per_quantum(L, W, texture):
    """(model, F_y / (2 pi J_s / W)) on a clean strip, bias drive; J_s along n in the lead region."""
    m = st.Model(st.lattice.strip(L, W), exchange=M, texture=texture)
    r = st.linear_response(m, E, drive="bias")
    Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
    Js = r.spin_current[3, 2] * np.sign(m.texture_vectors[m.lattice.slices[3], 2].mean())
    return m, Fy * W / (2 * np.pi * Js)


def test_force_is_the_moment_of_the_torque_and_linear_in_the_direction():
    """M v . s = -v . (n x T) exactly (v tangent to n, T = M n x s), and one response gives the
    force along any direction: F(d) = d_x F_x + d_y F_y."""
    m = st.Model(st.lattice.strip(24, 16), exchange=M, texture=st.textures.skyrmion((11.5, 7.5), 4, 1.5))
    r = st.linear_response(m, E, drive="bias")
    n = m.texture_vectors
    F = {}
    for d in ((1, 0, 0), (0, 1, 0), (0.6, 0.8, 0)):
        v = st.texture_velocity(m, "translation", direction=d)
        F[d] = st.texture_force(m, r, v)
        assert F[d] == pytest.approx(-np.einsum("na,na->", v, np.cross(n, r.torque)), abs=1e-12)
    assert F[(0.6, 0.8, 0)] == pytest.approx(0.6 * F[(1, 0, 0)] + 0.8 * F[(0, 1, 0)], abs=1e-10)  # linear: 1.2e-11
    assert abs(F[(0, 1, 0)]) > 0.05


def test_a_skyrmion_moving_across_the_strip_pumps_along_it_reciprocal_to_its_hall_force():
    """Onsager: particles pumped into the left lead per unit velocity along y by the skyrmion Q
    equal the force response to mu_L of the reversed texture (Q -> -Q), to rounding."""
    lat = st.lattice.strip(24, 16)
    sk = st.textures.skyrmion((11.5, 7.5), 4, 1.5)
    m = st.Model(lat, exchange=M, texture=sk)
    mr = st.Model(lat, exchange=M, texture=st.textures.skyrmion((11.5, 7.5), 4, 1.5, polarity=1))
    assert st.textures.topological_charge(mr) == pytest.approx(-st.textures.topological_charge(m), abs=1e-12)
    v = st.texture_velocity(m, "translation", direction=(0, 1, 0))
    e_left = emission(m, E, v)[0]
    f = -st.texture_force(mr, st.linear_response(mr, E, drive="left"), -v)
    assert e_left == pytest.approx(f, abs=1e-9)
    assert abs(e_left) > 0.01


def test_smooth_trivial_bubble_force_falls_to_zero_as_it_widens():
    """Q = 0 without a singular core (theta = 0 at the centre and outside, 0.9 pi on a ring):
    measured 1.00 quantum at radius 6 (non-adiabatic), 0.07 at radius 12."""
    f = []
    for R, (L, W) in ((6, (60, 40)), (12, (72, 60))):
        m, ratio = force_per_quantum(L, W, ring_bubble(np.array((L / 2 - 0.5, W / 2 - 0.5)), R, 0.9 * np.pi))
        assert abs(st.textures.topological_charge(m)) < 2e-3
        f.append(abs(ratio))
    assert f[1] < 0.1 and f[1] < 0.2 * f[0]


@pytest.mark.parametrize("theta_max, Q", [(0.5 * np.pi, 0), (0.75 * np.pi, -1)])
def test_radial_bubble_force_follows_its_smooth_part_not_its_lattice_charge(theta_max, Q):
    """The radial bubble's core (in-plane, turning by 90 degrees per site) carries a lattice charge
    the electrons do not follow: the force is -Q_smooth = -(Q - Q_core) quanta (0.53 against 0.486
    for theta_max = pi/2, Q = 0; 0.917 against 0.882 for 3 pi/4, Q = -1)."""
    L, W = 60, 40
    m, ratio = force_per_quantum(L, W, radial_bubble(np.array((L / 2 - 0.5, W / 2 - 0.5)), 6, theta_max))
    n, lat = m.texture_vectors, m.lattice
    assert st.textures.topological_charge(m) == pytest.approx(Q, abs=1e-6)
    core = [x * W + y for x in (29, 30) for y in (19, 20)]  # the plaquette around the centre (29.5, 19.5)
    assert np.allclose(lat.positions[core, :2], [(29, 19), (29, 20), (30, 19), (30, 20)])
    q_core = st.textures.topological_charge(st.lattice.strip(2, 2), n[core])
    q_smooth = Q - q_core
    assert abs(q_core) > 0.1
    assert ratio == pytest.approx(-q_smooth, abs=0.06)


def test_half_metal_small_textures_reach_the_adiabatic_limit():
    """Minority band empty (M = 2, E_F = -4): the same skyrmion (8, 3) that gives 0.935 at M = 0.5
    obeys Eq. 62 to 0.2 %, the smooth Q = 0 bubble of radius 6 (1.00 quantum at M = 0.5) feels 0.009,
    and the radial bubble keeps about its smooth half (0.425): its core, charge ~ +1/2, is a Berry
    flux ~ pi per plaquette, equivalent to -1/2, and exerts no transverse force."""
    c = np.array((29.5, 19.5))
    out = {}
    for name, tex in (("skyrmion", st.textures.skyrmion(c, 8, 3)), ("ring", ring_bubble(c, 6, 0.9 * np.pi)),
                      ("radial", radial_bubble(c, 6, 0.5 * np.pi))):
        m = st.Model(st.lattice.strip(60, 40), exchange=2.0, texture=tex)
        r = st.linear_response(m, -4.0, drive="bias")
        assert r.spin_current[3, 2] == pytest.approx(r.current[3], rel=1e-4)  # half metal: J_s = J (n ~ z there)
        Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
        out[name] = Fy * 40 / (2 * np.pi * abs(r.spin_current[3, 2])), st.textures.topological_charge(m)
    assert out["skyrmion"][0] == pytest.approx(-out["skyrmion"][1], rel=0.01)
    assert abs(out["ring"][0]) < 0.03
    # the radial bubble: -Q_smooth = -(Q - Q_core) of its core plaquette, 0.486; measured 0.425
    n = st.Model(st.lattice.strip(60, 40), texture=radial_bubble(c, 6, 0.5 * np.pi)).texture_vectors
    core = [x * 40 + y for x in (29, 30) for y in (19, 20)]
    q_smooth = out["radial"][1] - st.textures.topological_charge(st.lattice.strip(2, 2), n[core])
    assert out["radial"][0] == pytest.approx(-q_smooth, rel=0.15)


def test_vortex_in_a_strip_feels_half_a_skyrmion_force():
    """A vortex (Q = polarity / 2) whose in-plane far field reaches the edges and leads: F_y within
    10 % of -2 pi Q J_s / W (measured 0.958) with J_s projected on the local n; sign follows Q."""
    L, W = 60, 40
    lat = st.lattice.strip(L, W)
    ratios = []
    for pol in (1, -1):
        m = st.Model(lat, exchange=M, texture=st.textures.vortex((L / 2 - 0.5, W / 2 - 0.5), 4, polarity=pol))
        r = st.linear_response(m, E, drive="bias")
        n, b, sl = m.texture_vectors, m.bonds, lat.slice_of_site
        nb = n[b[:, 0]] + n[b[:, 1]]
        proj = np.einsum("ka,ka->k", r.bond_spin_current, nb / np.linalg.norm(nb, axis=1)[:, None])
        Js = proj[(sl[b[:, 0]] == 3) & (sl[b[:, 1]] == 4)].sum() - proj[(sl[b[:, 0]] == 4) & (sl[b[:, 1]] == 3)].sum()
        Q = st.textures.topological_charge(m)
        assert Q == pytest.approx(pol / 2, abs=1e-3)
        Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
        ratios.append(Fy / (-2 * np.pi * Q * Js / W))
    assert ratios[0] == pytest.approx(ratios[1], rel=1e-9)
    assert ratios[0] == pytest.approx(1, abs=0.1)
