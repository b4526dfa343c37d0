"""st.kubo_bubble: the Fermi-surface (RA) response to a field inside the sample, against dense
matrices; input errors."""
import numpy as np
import pytest

import spintex as st
from spintex.disorder import scba

from test_spin_orbit_scba import dense_from_pairs


def dense_current_vertex(model, field_of_bond):
    """sum_b E_b J_b with J_b = i dx (T_ij |i><j| - h.c.), dense."""
    lat = model.lattice
    N = lat.num_sites
    Y = np.zeros((N, 2, N, 2), complex)
    for b, (i, j) in enumerate(lat.bonds):
        w = field_of_bond[b] * lat.bond_vectors[b, 0]
        Y[i, :, j, :] += 1j * w * model.bond_blocks[b]
        Y[j, :, i, :] += -1j * w * model.bond_blocks[b].conj().T
    return Y.reshape(2 * N, 2 * N)


@pytest.mark.parametrize("soc", [0.0, 0.08], ids=["onsite", "spin-orbit"])
def test_kubo_bubble_is_G_EJ_G_dagger(soc):
    lat = st.lattice.bar(7, 3, 3)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(3, 1.5))
    d = st.Disorder(onsite=0.3, magnetic=(0.01, 0.02), soc=soc)
    E, field = -2.0, np.linspace(0.2, 1.4, 7) ** 2
    r = st.kubo_bubble(m, E, field=field, disorder=d)
    slices = lat.positions[:, 0].astype(int)
    i, j = lat.bonds.T
    blocks, _ = dense_bubble(m, E, d, 0.5 * (field[slices[i]] + field[slices[j]]))
    assert np.allclose(r.spin_density, np.einsum("aij,nji->na", st.model.PAULI, blocks).real, rtol=0, atol=1e-12)
    assert np.allclose(r.charge_density, np.einsum("nii->n", blocks).real, rtol=0, atol=1e-12)
    assert (r.relaxation_torque is not None) == bool(soc)
    assert np.all(r.current > 0)  # the field pushes the (charge +1) particles along +x
    assert r.units.startswith("per unit electric field") and np.isnan(r.transmission)


def dense_bubble(model, energy, disorder, field_of_bond):
    """Reference, written out with dense matrices: G^R = (E - H - Sigma_L - Sigma_R - Sigma)^-1 with the
    SCBA self-energy, rho = (1/2pi) G^R (sum_b E_b J_b) G^A; (site blocks, bond blocks rho_ji)."""
    N = model.lattice.num_sites
    sol = scba(model, energy, disorder)
    if disorder.soc:
        sigma = dense_from_pairs(sol.self_energy, sol.born.pairs, N)
    else:
        sigma = np.zeros((N, 2, N, 2), complex)
        sigma[np.arange(N), :, np.arange(N), :] = sol.self_energy
        sigma = sigma.reshape(2 * N, 2 * N)
    sl, sr = model.lead_self_energies_dense(energy)
    G = np.linalg.inv(energy * np.eye(2 * N) - model.hamiltonian_dense() - sl - sr - sigma)
    rho = (G @ dense_current_vertex(model, field_of_bond) @ G.conj().T / (2 * np.pi)).reshape(N, 2, N, 2)
    i, j = model.bonds.T
    return rho[np.arange(N), :, np.arange(N), :], rho[j, :, i, :]


@pytest.mark.parametrize("lattice, soc", [(st.lattice.chain(12), 0.0), (st.lattice.strip(8, 3), 0.0),
                                          (st.lattice.strip(8, 3), 0.05), (st.lattice.bar(6, 2, 3), 0.08)],
                         ids=["chain", "strip", "strip-soc", "bar-soc"])
def test_kubo_bubble_agrees_with_a_dense_reference_to_1e_10(lattice, soc):
    """Every observable (densities, torques, bond and slice currents) of the RA bubble equals the
    dense-matrix reference to 1e-10 of its scale, for a field given per slice or as a callable."""
    rng = np.random.default_rng(11)
    L = lattice.num_slices
    m = st.Model(lattice, exchange=0.6, texture=st.textures.neel_wall(L / 2, 2.0), rashba=0.1 * (lattice.dim > 1))
    d = st.Disorder(onsite=0.2, magnetic=(0.02, 0.01), soc=soc)
    slices = lattice.slice_of_site
    i, j = m.bonds.T
    for field, per_bond in [(rng.uniform(0.5, 1.5, L), None), (lambda x: np.sin(0.4 * x) + 2, None)]:
        if callable(field):
            per_bond = field(0.5 * (slices[i] + slices[j]))
        else:
            per_bond = 0.5 * (field[slices[i]] + field[slices[j]])
        r = st.kubo_bubble(m, -1.3, field=field, disorder=d)
        ref = st.State.from_blocks(m, *dense_bubble(m, -1.3, d, per_bond))
        for name in ("charge_density", "spin_density", "torque", "bond_current", "bond_spin_current", "current"):
            want = getattr(ref, name)
            assert np.abs(getattr(r, name) - want).max() <= 1e-10 * np.abs(want).max(), name


def test_kubo_bubble_rejects_bad_input():
    m = st.Model(st.lattice.bar(5, 3, 3))
    d = st.Disorder(onsite=0.2)
    with pytest.raises(ValueError, match="field must be 5 finite values"):
        st.kubo_bubble(m, -1.0, field=np.ones(4), disorder=d)
    with pytest.raises(ValueError, match="field must be"):
        st.kubo_bubble(m, -1.0, field=lambda x: np.nan * x, disorder=d)
    with pytest.raises(ValueError, match="method='scba'"):
        st.kubo_bubble(m, -1.0, field=np.ones(5), disorder=None)
    with pytest.raises(ValueError, match="method='scba'"):
        st.kubo_bubble(m, -1.0, field=np.ones(5), disorder=st.Disorder(onsite=0.2, method="samples"))
