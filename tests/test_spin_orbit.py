"""Spin-orbit impurities (seed 002 Eqs. 8-10 on the lattice), explicit samples."""
import numpy as np
import pytest

import spintex as st
from spintex.disorder import spin_orbit_fields, spin_orbit_hoppings

from conftest import bond_blocks, dense_green, random_unit_vectors, site_blocks


class OneImpurity:
    """A stand-in random generator: one impurity at site R with field v (concentration 1)."""

    def __init__(self, R, v):
        self.R, self.v = R, np.asarray(v, float)

    def choice(self, values, size):
        out = np.zeros(size)
        out[self.R] = self.v
        return out

    def random(self, n):
        return np.zeros(n)


def test_impurity_matrix_elements_are_the_seed_form():
    """<k'|V_R|k> = i v . (s(k') x s(k)) sigma exp(-i (k'-k).R), s(k) = sin k (seed 002 Eq. 8)."""
    lat = st.lattice.bar(7, 5, 5)
    m = st.Model(lat)
    R, v = 3 * 25 + 2 + 5 * 2, [0.3, -0.7, 1.1]  # an interior site: all six neighbours present
    pairs, blocks = spin_orbit_hoppings(m, st.Disorder(soc=1.0, method="samples"), OneImpurity(R, v))
    assert len(pairs) == 12  # the corners around R
    H = m.with_hoppings(pairs, blocks).hamiltonian_dense() - m.hamiltonian_dense()
    assert np.abs(H - H.conj().T).max() == 0
    N, pos = lat.num_sites, lat.positions
    rng = np.random.default_rng(1)
    for _ in range(4):
        k, kp = rng.uniform(-np.pi, np.pi, 3), rng.uniform(-np.pi, np.pi, 3)
        element = np.einsum("A,AsBt,B->st", np.exp(1j * pos @ kp).conj(), H.reshape(N, 2, N, 2),
                            np.exp(1j * pos @ k))
        expected = 1j * np.einsum("a,aij->ij", np.asarray(v) * np.cross(np.sin(kp), np.sin(k)), st.model.PAULI)
        assert np.allclose(element, expected * np.exp(-1j * (kp - k) @ pos[R]), atol=1e-13)


def test_realization_has_the_born_variance_and_rgf_matches_dense():
    rng = np.random.default_rng(3)
    lat = st.lattice.bar(5, 3, 3)
    m = st.Model(lat, exchange=0.6, texture=random_unit_vectors(rng, lat.num_sites))
    d = st.Disorder(soc=0.2, method="samples", concentration=0.5)
    pairs, blocks = spin_orbit_hoppings(m, d, np.random.default_rng(4))
    sample = m.with_hoppings(pairs, blocks)
    N, E = lat.num_sites, 0.3
    G, gl, _ = dense_green(sample, E)
    A = G @ gl @ G.conj().T
    r = st.linear_response(sample, E)
    assert np.allclose(r.spin_density * 2 * np.pi,
                       np.real(np.einsum("aij,nji->na", st.model.PAULI, site_blocks(A, N))), atol=1e-12)
    J = -2 * np.imag(np.einsum("nab,nba->n", sample.bond_blocks, bond_blocks(A / (2 * np.pi), sample.bonds, N)))
    assert np.allclose(r.bond_current, J, atol=1e-13)
    assert np.allclose(r.current, r.current.mean(), rtol=1e-10)  # corner bonds counted in the slice sums
    # <v^a v^b> = Gamma_so delta_ab (seed 002 Eq. 10) over 20000 sites: 5-sigma bounds
    v = spin_orbit_fields(20000, d, np.random.default_rng(5))
    moments = v.T @ v / len(v)
    # (v^a)^2 = (Gamma/c) on impurity sites: relative std of its mean sqrt((1-c)/c / n)
    assert np.allclose(np.diag(moments), 0.2, rtol=5 * np.sqrt(1 / 20000))
    # v^a v^b (a != b) = +-Gamma/c with random sign: std of the mean (Gamma/c) sqrt(c / n)
    assert np.abs(moments - np.diag(np.diag(moments))).max() < 5 * 0.4 * np.sqrt(0.5 / 20000)


def test_samples_with_spin_orbit_impurities_conserve_charge_not_spin():
    m = st.Model(st.lattice.bar(20, 3, 3), exchange=0.5, texture=st.textures.neel_wall(10, 3.0))
    d = st.Disorder(onsite=0.02, soc=0.05, method="samples", samples=4, seed=2)
    r = st.linear_response(m, -1.5, disorder=d)
    assert np.abs(r.current - r.current.mean()).max() < 1e-12 * abs(r.current.mean())
    assert np.abs(r.relaxation_source[1:-1]).max() > 1e-4 * np.abs(r.spin_current).max()
    assert r.bond_current.shape == (len(m.lattice.bonds),)
    again = st.linear_response(m, -1.5, disorder=st.Disorder(onsite=0.02, soc=0.05, method="samples", samples=4, seed=2,
                                                              workers=1))
    assert np.array_equal(r.spin_density, again.spin_density)
    assert st.ldos(m, -1.5, disorder=d).shape == (1, m.lattice.num_sites)


def test_spin_orbit_errors_are_clear():
    with pytest.raises(ValueError, match="strip or a bar"):
        st.linear_response(st.Model(st.lattice.chain(10)), 0.0,
                           disorder=st.Disorder(soc=0.1, method="samples", samples=2))
