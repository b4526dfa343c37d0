"""Bad input gives a clear exception naming the argument; nothing crashes or hangs."""
import numpy as np
import pytest

import spintex as st
from spintex import _core


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
