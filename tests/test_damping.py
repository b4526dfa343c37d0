"""Gilbert damping (Kubo-Bastin with SCBA ladders) against seed 001 Eq. 82 and its derivation."""
import warnings

import numpy as np
import pytest

import spintex as st
from spintex import _core

from conftest import random_unit_vectors, site_blocks


M, E = 0.5, -1.0
NU_UP, NU_DN = st.continuum.spin_dos(E, M, 1)


def formula(g_perp, g_par):
    """alpha = pi [2 G_par nu_up nu_dn + G_perp (nu_up^2 + nu_dn^2)] (st.continuum.gilbert_damping)."""
    return st.continuum.gilbert_damping(NU_UP, NU_DN, magnetic=(g_perp, g_par))


@pytest.fixture(scope="module")
def wire():
    # mean free path ~ 300 sites at these variances: 2000 sites make a bulk in the middle half
    return st.Model(st.lattice.chain(2000), exchange=M)


# measured -0.25 %, -0.97 %, -0.14 %, -0.07 %, -0.07 % on these 2000 sites; longitudinal impurities
# alone have the longest mean free paths (375 and 175 sites), so the wire's ends reach furthest in
@pytest.mark.parametrize("g0, g_perp, g_par, rel", [(0.0, 0.005, 0.0, 5e-3), (0.0, 0.0, 0.005, 0.015),
                                                    (0.02, 0.005, 0.0, 5e-3), (0.02, 0.0, 0.005, 5e-3),
                                                    (0.01, 0.003, 0.003, 5e-3)])
def test_damping_matches_the_derived_formula(wire, g0, g_perp, g_par, rel):
    alpha = st.gilbert_damping(wire, E, disorder=st.Disorder(onsite=g0, magnetic=(g_perp, g_par)))
    assert alpha == pytest.approx(formula(g_perp, g_par), rel=rel)


def test_longitudinal_to_transverse_ratio_is_seed_001_eq_82(wire):
    a_par = st.gilbert_damping(wire, E, disorder=st.Disorder(magnetic=(0.0, 0.005)))
    a_perp = st.gilbert_damping(wire, E, disorder=st.Disorder(magnetic=(0.005, 0.0)))
    expected = 2 * NU_UP * NU_DN / (NU_UP**2 + NU_DN**2)
    assert a_par / a_perp == pytest.approx(expected, rel=0.02)


def test_vertex_corrections_remove_damping_by_nonmagnetic_disorder(wire):
    d = st.Disorder(onsite=0.02)
    bare = st.gilbert_damping(wire, E, disorder=d, vertex_corrections=False)
    with pytest.warns(UserWarning, match="without spin-relaxing disorder"):  # the bulk value is 0
        dressed = st.gilbert_damping(wire, E, disorder=d)
    assert bare == pytest.approx(
        st.continuum.gilbert_damping(NU_UP, NU_DN, magnetic=(0, 0), onsite=0.02, vertex_corrections=False),
        rel=2e-3)  # measured 6.4e-4
    # measured -5.8e-4 on these 2000 sites: the finite wire (2e-10 at 8000, docs/validation.md)
    assert abs(dressed) < 1e-3 * bare


def test_retarded_retarded_correlator_matches_dense():
    rng = np.random.default_rng(4)
    lat = st.lattice.strip(5, 3)
    N = lat.num_sites
    m = st.Model(lat, exchange=0.7, texture=random_unit_vectors(rng, N), rashba=0.3)
    sig = 0.1 * (rng.normal(size=(N, 2, 2)) + 1j * rng.normal(size=(N, 2, 2))) - 0.05j * np.eye(2)
    Y = rng.normal(size=(N, 2, 2)) + 1j * rng.normal(size=(N, 2, 2))
    sites, _ = _core.Correlator(m.device, 0.3, sig).apply(Y, 0.0, 0.0, "RR")
    H = m.hamiltonian_dense()
    sl, sr = m.lead_self_energies_dense(0.3)
    S = np.zeros((2 * N, 2 * N), complex)
    S.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :] = sig
    Yd = np.zeros_like(S)
    Yd.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :] = Y
    G = np.linalg.inv(0.3 * np.eye(2 * N) - H - sl - sr - S)
    C = site_blocks(G @ Yd @ G, N)
    assert np.abs(sites - C).max() < 1e-12 * np.abs(C).max()


def test_damping_rejects_sampled_disorder(wire):
    with pytest.raises(ValueError, match="scba"):
        st.gilbert_damping(wire, E, disorder=st.Disorder(onsite=0.01, method="samples", samples=2))


def test_a_wire_too_short_for_bulk_damping_warns():
    """Spin pumping into the leads dominates a 20-site chain: the central average is negative,
    which bulk magnetic impurities never give; the call says so instead of returning it silently."""
    m = st.Model(st.lattice.chain(20), exchange=0.5)
    with pytest.warns(UserWarning, match="not bulk"):
        alpha = st.gilbert_damping(m, -1.0, disorder=st.Disorder(magnetic=(0.01, 0.01)))
    assert alpha < 0


def _fermi_surface_and_symmetric(model, energy, axis):
    """Site traces Tr[sigma_a K_ii] of the code's Fermi-surface form (1/2pi) Re(X_RA - X_RR)
    (Correlator products, a constant broadening -0.05i in place of the SCBA) and of the Kubo
    form (1/4pi) A Y A by dense inversion, for the uniform source Y = sigma_a."""
    N = model.lattice.num_sites
    sigma = np.broadcast_to(-0.05j * np.eye(2), (N, 2, 2)).copy()
    Y = np.broadcast_to(st.model.PAULI[axis], (N, 2, 2)).copy()
    corr = _core.Correlator(model.device, energy, sigma)
    ra, _ = corr.apply(Y, 0.0, 0.0, "RA")
    rr, _ = corr.apply(Y, 0.0, 0.0, "RR")
    rr = 0.5 * (rr + np.conj(np.swapaxes(rr, 1, 2)))
    code = np.einsum("ij,nji->n", st.model.PAULI[axis], (ra - rr) / (2 * np.pi)).real
    H = model.hamiltonian_dense()
    sl, sr = model.lead_self_energies_dense(energy)
    G = np.linalg.inv(energy * np.eye(2 * N) - H - sl - sr + 0.05j * np.eye(2 * N))
    A = 1j * (G - G.conj().T)
    kubo = site_blocks(A @ np.kron(np.eye(N), st.model.PAULI[axis]) @ A / (4 * np.pi), N)
    return code, np.einsum("ij,nji->n", st.model.PAULI[axis], kubo).real


def test_fermi_surface_form_is_the_symmetric_kubo_form_for_coplanar_textures():
    """damping_profile's (1/2pi) Re Tr[sigma (X_RA - X_RR)] replaces G^R Y G^A + G^A Y G^R of
    A Y A by 2 G^R Y G^A: equal site traces where the Hamiltonian has an antiunitary symmetry
    (Neel and Bloch walls on a chain, every site including those at the leads), not for a random
    non-coplanar texture with Rashba (docs/physics.md section 6)."""
    for texture in (st.textures.neel_wall(30, 5), st.textures.bloch_wall(30, 5)):
        m = st.Model(st.lattice.chain(60), exchange=0.5, texture=texture)
        for axis in range(3):
            code, kubo = _fermi_surface_and_symmetric(m, -1.0, axis)
            assert np.abs(code - kubo).max() < 1e-12 * np.abs(kubo).max()
    rng = np.random.default_rng(1)
    m = st.Model(st.lattice.strip(20, 2), exchange=0.5, texture=random_unit_vectors(rng, 40), rashba=0.3)
    code, kubo = _fermi_surface_and_symmetric(m, -1.0, 0)
    assert np.abs(code - kubo).max() > 0.1 * np.abs(kubo).max()


def test_a_spin_conserving_wire_warns_that_its_damping_is_the_leads_spin_pumping():
    """Without magnetic or spin-orbit impurities the bulk damping (with vertex corrections) is 0; what a
    finite wire gives is the leads' spin pumping, a finite-size term of either sign (was returned
    silently: only negative values with magnetic impurities warned).  Measured on the chain at E = -1,
    Gamma_0 = 0.01: -3.9e-3, -3.9e-4, +3.1e-5 for L = 100, 400, 1600; clean: -4.7e-3, -8.8e-5, +2.6e-4."""
    values = {}
    for L in (100, 400):
        m = st.Model(st.lattice.chain(L), exchange=0.5)
        for name, d in (("clean", st.Disorder()), ("onsite", st.Disorder(onsite=0.01))):
            with pytest.warns(UserWarning, match="spin pumping into the leads"):
                values[name, L] = st.gilbert_damping(m, -1.0, disorder=d)
    assert abs(values["onsite", 400]) < 0.2 * abs(values["onsite", 100])  # falls as the wire grows
    with warnings.catch_warnings():  # spin-relaxing disorder: a positive bulk value, no warning
        warnings.simplefilter("error")
        assert st.gilbert_damping(st.Model(st.lattice.chain(400), exchange=0.5), -1.0,
                                  disorder=st.Disorder(magnetic=(0.005, 0.005))) > 0
