"""The recursive Green's function core against dense inversion of the whole device."""
import numpy as np
import pytest

import spintex as st
from spintex import _core

from conftest import bond_blocks, dense_green, site_blocks

RTOL = 1e-10


def close(a, b, rtol=RTOL):
    scale = max(np.abs(b).max(), 1e-300)
    return np.abs(a - b).max() <= rtol * scale


@pytest.mark.parametrize("energy", [0.37, -1.1 + 0.2j])
def test_retarded_blocks_match_dense_inversion(random_model, energy):
    m = random_model
    N = m.lattice.num_sites
    G, _, _ = dense_green(m, energy)
    out = _core.integrate(m.device, np.array([energy], complex), retarded_weights=np.ones(1))
    assert close(out["retarded_sites"], site_blocks(G, N))
    assert close(out["retarded_bonds_ji"], bond_blocks(G, m.lattice.bonds, N))
    assert close(out["retarded_bonds_ij"], bond_blocks(G, m.lattice.bonds[:, ::-1], N))


def test_injected_blocks_and_transmission_match_dense(random_model):
    m = random_model
    N, E = m.lattice.num_sites, 0.41
    G, gl, gr = dense_green(m, E)
    out = _core.integrate(m.device, np.array([E], complex), left_weights=np.ones(1),
                          right_weights=np.ones(1), transmission=True, reverse_transmission=True)
    for gamma, side in ((gl, "left"), (gr, "right")):
        A = G @ gamma @ G.conj().T
        assert close(out[f"{side}_sites"], site_blocks(A, N))
        assert close(out[f"{side}_bonds"], bond_blocks(A, m.lattice.bonds, N))
    T_dense = np.trace(gl @ G @ gr @ G.conj().T).real
    assert abs(out["transmission"][0] - T_dense) <= RTOL * max(T_dense, 1)
    assert abs(out["reverse_transmission"][0] - T_dense) <= 1e-9 * max(T_dense, 1)
    # transmission alone (one column) and from the right lead's column give the same number
    alone = _core.integrate(m.device, np.array([E], complex), transmission=True)["transmission"][0]
    right = _core.integrate(m.device, np.array([E], complex), right_weights=np.ones(1),
                            transmission=True)["transmission"][0]
    assert abs(alone - T_dense) <= RTOL * max(T_dense, 1) and abs(right - T_dense) <= 1e-9 * max(T_dense, 1)


def dense_left_response(m, E=-0.3):
    """(rho = G Gamma_L G^dag / 2pi from dense matrices, st.linear_response(m, E))."""
    G, gl, _ = dense_green(m, E)
    return G @ gl @ G.conj().T / (2 * np.pi), st.linear_response(m, E)


def test_linear_response_observables_match_dense(random_model):
    """Densities and bond currents from the public API against the dense G Gamma_L G^dag."""
    m = random_model
    N = m.lattice.num_sites
    rho, r = dense_left_response(m)
    sig = st.model.PAULI
    s_dense = np.real(np.einsum("aij,nji->na", sig, site_blocks(rho, N)))
    assert close(r.spin_density, s_dense)
    assert close(r.charge_density, np.real(np.trace(site_blocks(rho, N), axis1=1, axis2=2)))
    # bond current i->j = -2 Im <c_i^dag T_ij c_j> from the full matrices
    H = m.hamiltonian_dense().reshape(N, 2, N, 2)
    R = rho.reshape(N, 2, N, 2)
    i, j = m.lattice.bonds.T
    J = -2 * np.imag(np.einsum("nab,nba->n", H[i, :, j, :], R[j, :, i, :]))
    assert close(r.bond_current, J)


def test_energy_batches_equal_single_energies(random_model):
    """The OpenMP energy loop sums exactly what separate calls give."""
    m = random_model
    z = np.array([0.2 + 0.1j, -0.5 + 0.05j, 1.3 + 0.2j, -2.0 + 0.3j])
    w = np.array([1.0, -0.5j, 0.3, 2.0])
    batch = _core.integrate(m.device, z, retarded_weights=w)["retarded_sites"]
    single = sum(wk * _core.integrate(m.device, z[k:k + 1], retarded_weights=np.ones(1))["retarded_sites"]
                 for k, wk in enumerate(w))
    assert close(batch, single, 1e-12)


def test_lead_self_energy_solves_the_surface_dyson_equation():
    """Sigma = tau^2 g with g = (z - h0 - tau^2 g)^-1, the decaying (retarded) solution."""
    rng = np.random.default_rng(3)
    h0 = rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6))
    h0 = 0.3 * (h0 + h0.conj().T)
    lead = _core.Lead(h0, -1.0)
    for z in (0.3 + 1e-14j, 0.3, -2.5 + 0.4j, 3.7):
        sigma = lead.self_energy(z)
        g = sigma  # tau^2 = 1
        residual = np.linalg.inv(z * np.eye(6) - h0 - g) - g
        assert np.abs(residual).max() < 1e-10
        gamma = 1j * (sigma - sigma.conj().T)
        assert np.linalg.eigvalsh(gamma).min() > -1e-12  # Gamma >= 0
    # Sancho-Rubio decimation at a small imaginary part agrees
    z = 0.3 + 1e-7j
    es, e = h0.copy(), h0.copy()
    alpha, beta = -np.eye(6), -np.eye(6)
    for _ in range(80):
        g = np.linalg.inv(z * np.eye(6) - e)
        es = es + alpha @ g @ beta
        e = e + alpha @ g @ beta + beta @ g @ alpha
        alpha, beta = alpha @ g @ alpha, beta @ g @ beta
    g_surface = np.linalg.inv(z * np.eye(6) - es)
    assert np.abs(g_surface - lead.self_energy(z)).max() < 1e-5


@pytest.mark.parametrize("lattice", [st.lattice.chain(5), st.lattice.strip(6, 4), st.lattice.bar(5, 3, 2)])
@pytest.mark.parametrize("energy", [-2.9, -1.3, 0.2, 1.7])
def test_clean_uniform_system_has_integer_transmission(lattice, energy):
    m = st.Model(lattice, exchange=0.4, texture=(0, 0, 1))
    r = st.linear_response(m, energy)
    # transverse levels of each spin block of the lead cell; a channel is open if |E - e| < 2t
    n_up = int(np.sum(np.abs(energy - np.linalg.eigvalsh(m.lead_cell("left")[0::2, 0::2])) < 2))
    n_dn = int(np.sum(np.abs(energy - np.linalg.eigvalsh(m.lead_cell("left")[1::2, 1::2])) < 2))
    assert r.open_channels == (n_up + n_dn, n_up + n_dn)
    assert abs(r.spin_transmission[0, 0] - n_up) < 1e-10
    assert abs(r.spin_transmission[1, 1] - n_dn) < 1e-10
    assert abs(r.spin_transmission[0, 1]) < 1e-10 and abs(r.spin_transmission[1, 0]) < 1e-10
    assert abs(r.transmission - (n_up + n_dn)) < 1e-10


def test_zero_transmission_outside_the_band():
    m = st.Model(st.lattice.strip(6, 3), exchange=0.5, texture=st.textures.neel_wall(3, 1.0))
    r = st.linear_response(m, 5.0)
    assert r.open_channels == (0, 0)
    assert r.transmission == 0.0
    assert np.all(r.spin_density == 0) and np.all(r.current == 0)


def test_with_onsite_equals_a_model_built_with_that_onsite(random_model):
    """Disorder realizations patch the C++ device's diagonal blocks; same result as assembling."""
    m = random_model
    rng = np.random.default_rng(8)
    N = m.lattice.num_sites
    extra = rng.normal(size=N)
    patched = st.linear_response(m.with_onsite(extra[:, None, None] * np.eye(2)), 0.3)
    onsite = np.real(m.onsite[:, 0, 0]) + extra
    fresh = st.Model(m.lattice, exchange=0.7, texture=m.texture_vectors, onsite=onsite, rashba=m.rashba,
                     zeeman=m.zeeman, lead_onsite=m.lead_onsite)
    direct = st.linear_response(fresh, 0.3)
    assert np.allclose(patched.spin_density, direct.spin_density, rtol=1e-12, atol=1e-15)
    assert np.allclose(patched.bond_current, direct.bond_current, rtol=1e-12, atol=1e-15)


def test_ldos_of_a_clean_chain_is_the_band_dos():
    m = st.Model(st.lattice.chain(20), exchange=0.0)
    e = np.array([-1.5, 0.0, 0.7])
    expected = 2 / (np.pi * np.sqrt(4 - e**2))  # both spins
    assert np.allclose(st.ldos(m, e), expected[:, None], rtol=1e-12)
    # with exchange: the two spin bands shifted by -+M
    mm = st.Model(st.lattice.chain(20), exchange=0.5)
    assert np.allclose(st.ldos(mm, [-1.0])[0], 1 / (np.pi * np.sqrt(4 - 0.25)) + 1 / (np.pi * np.sqrt(4 - 2.25)))


def test_bond_spin_currents_match_dense(random_model):
    """Bond spin currents J^a_ij = -Im Tr[(sigma^a T_ij + T_ij sigma^a) rho_ji] from the dense
    G Gamma_L G^dag / 2pi (observables.py's definition: the symmetrized Pauli-weighted current,
    Hermitian in the bond operator even when T_ij carries spin, e.g. Rashba on strip and bar).
    Exact identity: 1e-10 of the largest spin current.  On the chain (no Rashba, T_ij spin
    independent) sigma T = T sigma; the strip and bar test the ordering of the product."""
    m = random_model
    N = m.lattice.num_sites
    rho, r = dense_left_response(m)
    sig = st.model.PAULI
    H = m.hamiltonian_dense().reshape(N, 2, N, 2)
    R = rho.reshape(N, 2, N, 2)
    i, j = m.lattice.bonds.T
    T, Rji = H[i, :, j, :], R[j, :, i, :]
    Js = -np.imag(np.einsum("axy,nyz,nzx->na", sig, T, Rji) + np.einsum("nxy,ayz,nzx->na", T, sig, Rji))
    assert close(r.bond_spin_current, Js)
    if m.rashba:  # the two orderings differ here: the test sees the symmetrization
        naive = -2 * np.imag(np.einsum("axy,nyz,nzx->na", sig, T, Rji))
        assert not close(naive, Js, 1e-3)
