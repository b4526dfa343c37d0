"""Exact identities on random small systems drawn by Hypothesis: the core's products against
dense inversion, current conservation and positivity of a lead's injection, integer
transmissions of clean uniform wires, and the SCBA's defining equation and causality.

The fixed models of conftest.random_model cover three shapes; these draw the shape (chain,
strip, periodic strip, bar), its size, the texture, exchange, Rashba, Zeeman, the leads and the
energy.  derandomize=True: the same examples on every run (a failure reproduces in CI)."""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as hst

import spintex as st
from spintex import _core
from spintex.disorder import born_map, scba
from spintex.integration import channel_thresholds

from conftest import bond_blocks, random_unit_vectors, site_blocks

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@hst.composite
def lattices(draw):
    kind = draw(hst.sampled_from(["chain", "strip", "periodic strip", "bar"]))
    length = draw(hst.integers(1, 6))
    if kind == "chain":
        return st.lattice.chain(length)
    if kind == "strip":
        return st.lattice.strip(length, draw(hst.integers(1, 3)))
    if kind == "periodic strip":
        return st.lattice.strip(length, draw(hst.integers(3, 4)), periodic=True)
    return st.lattice.bar(length, draw(hst.integers(1, 2)), draw(hst.integers(1, 2)))


@hst.composite
def models(draw, uniform: bool = False):
    """A random small device; ``uniform``: clean and translation invariant along x (the texture
    along z, no Rashba or Zeeman, the leads continuing the wire), whose transmission is the
    number of open channels."""
    lat = draw(lattices())
    N = lat.num_sites
    exchange = draw(hst.floats(0.0, 1.5))
    if uniform:
        return st.Model(lat, exchange=exchange, onsite=draw(hst.floats(-0.5, 0.5)))
    rng = np.random.default_rng(draw(hst.integers(0, 2**32 - 1)))
    return st.Model(lat, exchange=exchange, texture=random_unit_vectors(rng, N), onsite=rng.uniform(-0.5, 0.5, N),
                    rashba=0.0 if lat.dim == 1 else draw(hst.floats(0.0, 0.5)),
                    zeeman=tuple(rng.uniform(-0.1, 0.1, 3)), leads=draw(hst.sampled_from(["magnetic", "nonmagnetic"])),
                    lead_onsite=draw(hst.sampled_from([None, 0.4, 3.0])))


def off_thresholds(model, energy):
    """Real energies at least 1e-4 from every lead channel threshold (where a clean wire's
    density of states diverges and its responses are refused)."""
    assume(np.abs(channel_thresholds(model) - energy).min(initial=np.inf) > 1e-4)
    return energy


@SETTINGS
@given(model=models(), energy=hst.complex_numbers(min_magnitude=0.0, max_magnitude=4.0),
       eta=hst.floats(1e-3, 1.0), weights=hst.tuples(hst.floats(-1, 1), hst.floats(-1, 1)),
       seed=hst.integers(0, 2**32 - 1))
def test_correlator_products_equal_dense_ones(model, energy, eta, weights, seed):
    """G Y G^dag and G Y G on every site, bond (both directions) and the lead traces, for a
    non-Hermitian site source plus lead broadenings and a retarded local self-energy."""
    rng = np.random.default_rng(seed)
    N = model.lattice.num_sites
    z = complex(energy.real, abs(energy.imag) + eta)
    K = rng.normal(size=(N, 2, 2)) + 1j * rng.normal(size=(N, 2, 2))
    sigma = 0.1 * (K + np.conj(np.swapaxes(K, 1, 2))) - 0.05j * np.einsum("nij,nkj->nik", K, np.conj(K))
    source = rng.normal(size=(N, 2, 2)) + 1j * rng.normal(size=(N, 2, 2))
    corr = _core.Correlator(model.device, z, sigma)
    H = model.hamiltonian_dense()
    sl, sr = model.lead_self_energies_dense(z)
    S = np.zeros((2 * N, 2 * N), complex)
    S.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :] = sigma
    G = np.linalg.inv(z * np.eye(2 * N) - H - sl - sr - S)
    gl, gr = 1j * (sl - sl.conj().T), 1j * (sr - sr.conj().T)
    Y = np.zeros_like(S)
    Y.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :] = source
    Y += weights[0] * gl + weights[1] * gr
    assert np.abs(corr.retarded_sites - site_blocks(G, N)).max() < 1e-10 * np.abs(G).max()
    bonds = model.bonds
    for pairing, C in (("RA", G @ Y @ G.conj().T), ("RR", G @ Y @ G)):
        sites, bji, bij, traces = corr.apply_all(source, weights[0], weights[1], pairing)
        scale = np.abs(C).max()
        assert np.abs(sites - site_blocks(C, N)).max() < 1e-10 * scale
        if len(bonds):
            assert np.abs(bji - bond_blocks(C, bonds, N)).max() < 1e-10 * scale
            assert np.abs(bij - bond_blocks(C, bonds[:, ::-1], N)).max() < 1e-10 * scale
        assert abs(traces[0] - np.trace(gl @ C)) < 1e-10 * scale * max(1.0, np.abs(gl).max()) * N
        assert abs(traces[1] - np.trace(gr @ C)) < 1e-10 * scale * max(1.0, np.abs(gr).max()) * N


@SETTINGS
@given(model=models(), energy=hst.floats(-4.0, 4.0))
def test_left_injection_conserves_current_and_is_positive(model, energy):
    """Clean drive "left" (G Gamma_L G^dag / 2pi): the particle current is the same through every
    slice boundary and equals T / 2pi; every site's density block is positive semidefinite, so
    n_i >= |s_i|; the transmission is at most the open channels of either lead."""
    energy = off_thresholds(model, energy)
    r = st.linear_response(model, energy, drive="left")
    scale = max(1.0, r.transmission)
    assert np.abs(r.current - r.transmission / (2 * np.pi)).max(initial=0.0) < 1e-9 * scale
    assert np.all(np.linalg.norm(r.spin_density, axis=1) <= r.charge_density + 1e-10 * scale)
    assert -1e-10 <= r.transmission <= min(r.open_channels) + 1e-10


@SETTINGS
@given(model=models(uniform=True), energy=hst.floats(-6.0, 6.0))
def test_clean_uniform_wires_transmit_every_open_channel(model, energy):
    energy = off_thresholds(model, energy)
    r = st.linear_response(model, energy)
    assert r.open_channels[0] == r.open_channels[1]
    assert abs(r.transmission - r.open_channels[0]) < 1e-8


@SETTINGS
@given(model=models(), energy=hst.floats(-3.0, 3.0), onsite=hst.floats(0.01, 0.2),
       perp=hst.floats(0.0, 0.05), par=hst.floats(0.0, 0.05))
def test_scba_solves_its_equation_on_the_retarded_branch(model, energy, onsite, perp, par):
    """The real-axis SCBA: Sigma_i = S[G(Sigma)]_ii with G by dense inversion, and Im Sigma <= 0
    (the retarded solution), with or without open lead channels at E (lead_onsite = 3 closes
    them below 1)."""
    energy = off_thresholds(model, energy)
    disorder = st.Disorder(onsite=onsite, magnetic=(perp, par))
    solution = scba(model, energy, disorder)
    N = model.lattice.num_sites
    H = model.hamiltonian_dense()
    sl, sr = model.lead_self_energies_dense(energy)
    S = np.zeros((2 * N, 2 * N), complex)
    S.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :] = solution.self_energy
    G = np.linalg.inv(energy * np.eye(2 * N) - H - sl - sr - S)
    assert np.abs(born_map(model, disorder)(site_blocks(G, N)) - solution.self_energy).max() < 1e-8
    im = np.linalg.eigvalsh((solution.self_energy - np.conj(np.swapaxes(solution.self_energy, 1, 2))) / 2j)
    assert im.max() <= 1e-9


@hst.composite
def spin_conserving_models(draw):
    """Random small devices whose electrons conserve spin apart from the exchange torque: texture
    and on-site energies random, no Rashba or Zeeman (leads magnetic or not)."""
    lat = draw(lattices())
    rng = np.random.default_rng(draw(hst.integers(0, 2**32 - 1)))
    N = lat.num_sites
    return st.Model(lat, exchange=draw(hst.floats(0.1, 1.5)), texture=random_unit_vectors(rng, N),
                    onsite=rng.uniform(-0.5, 0.5, N), leads=draw(hst.sampled_from(["magnetic", "nonmagnetic"])))


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(model=spin_conserving_models(), energy=hst.floats(-3.0, 3.0), onsite=hst.floats(0.01, 0.2),
       magnetic=hst.floats(0.0, 0.05), drive=hst.sampled_from(["left", "bias"]))
def test_scba_responses_conserve_charge_and_balance_spin(model, energy, onsite, magnetic, drive):
    """The SCBA with its ladder is conserving: the particle current is the same through every slice
    boundary.  Angular momentum: the torque on each slice is the spin current in minus out, up to
    the relaxation source R, which vanishes without magnetic impurities (on-site disorder only)."""
    energy = off_thresholds(model, energy)
    assume(model.lattice.num_slices >= 2 and any(st.response.open_channels(model, energy)))
    r = st.linear_response(model, energy, drive=drive, disorder=st.Disorder(onsite=onsite, magnetic=magnetic))
    scale = max(np.abs(r.current).max(), 1e-3)
    assert np.ptp(r.current) < 1e-8 * scale
    if magnetic == 0.0 and model.lattice.num_slices > 2:
        torque = np.abs(r.torque).max()
        assert np.abs(r.relaxation_source[1:-1]).max() < 1e-8 * max(torque, 1e-6)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(model=models(), mu=hst.floats(-3.0, 3.0))
def test_equilibrium_carries_no_current_through_a_slice(model, mu):
    """Equilibrium (leads at one chemical potential, T = 0): no net particle current through any
    slice boundary, whatever the texture, Rashba or Zeeman field (bond currents may circulate
    within a slice); the densities are real, n_i >= |s_i| >= 0 per site."""
    mu = off_thresholds(model, mu)
    s = st.equilibrium(model, fermi_energy=mu, tolerance=1e-10)
    assert np.abs(s.current).max(initial=0.0) < 1e-8
    assert np.all(np.linalg.norm(s.spin_density, axis=1) <= s.charge_density + 1e-8)


def test_the_drawn_models_cover_what_they_claim():
    """The strategies draw every lattice kind, magnetic and non-magnetic leads, closed leads."""
    seen = set()

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(model=models())
    def collect(model):
        lat = model.lattice
        seen.add(("kind", lat.dim, lat.periodic))
        seen.add(("closed", not any(st.response.open_channels(model, -1.0))))

    collect()
    assert {("kind", 1, False), ("kind", 2, False), ("kind", 2, True), ("kind", 3, False)} <= seen
    assert {("closed", True), ("closed", False)} <= seen
