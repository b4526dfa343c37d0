"""Moving textures: velocities, emission against Brouwer's formula, charge per turn, continuity
of the Kubo-Bastin pumping response, and Onsager reciprocity with the force response."""
import numpy as np
import pytest

import spintex as st
from spintex.pumping import emission, perturbation

from conftest import dense_green, random_unit_vectors


def channels(gamma, spin_resolved=False):
    """W with Gamma = W W^dag (propagating channels); with ``spin_resolved`` (a lead along z)
    the columns are sigma_z eigenstates, returned with their spins."""
    parts, spins = [], []
    half = len(gamma) // 2
    projectors = [(1, np.diag(np.tile([1.0, 0.0], half))), (-1, np.diag(np.tile([0.0, 1.0], half)))]
    for s, P in (projectors if spin_resolved else [(0, np.eye(len(gamma)))]):
        lam, V = np.linalg.eigh(P @ gamma @ P)
        keep = lam > 1e-10 * max(lam.max(), 1e-300)
        parts.append(V[:, keep] * np.sqrt(lam[keep]))
        spins += [s] * int(keep.sum())
    return np.concatenate(parts, axis=1), np.array(spins)


def scattering_matrix(model, energy, spin_resolved=False):
    """S = -1 + i W^dag G^R W (Fisher-Lee), channels of the left lead first; their spins; and the
    number of left channels."""
    G, gl, gr = dense_green(model, energy)
    (wl, sl), (wr, sr) = channels(gl, spin_resolved), channels(gr, spin_resolved)
    W = np.concatenate([wl, wr], axis=1)
    return -np.eye(W.shape[1]) + 1j * W.conj().T @ G @ W, np.concatenate([sl, sr]), wl.shape[1]


def brouwer_emission(model, energy, velocity, h=1e-5):
    """Particles emitted into each lead per unit dX: -(1/2pi) Im Tr_a[dS/dX S^dag] (the Friedel sum
    rule fixes the sign: N = (1/2pi i) ln det S, a rising potential emits), dS/dX by central
    differences of H + X dH/dX."""
    Lam = perturbation(model, velocity)
    sp, _, nl = scattering_matrix(model.with_onsite(h * Lam), energy)
    sm, _, _ = scattering_matrix(model.with_onsite(-h * Lam), energy)
    s0, _, _ = scattering_matrix(model, energy)
    d = -np.imag(np.diag((sp - sm) / (2 * h) @ s0.conj().T)) / (2 * np.pi)
    return d[:nl].sum(), d[nl:].sum()


def test_a_rising_potential_emits_electrons_into_both_leads():
    m = st.Model(st.lattice.strip(6, 2), exchange=0.3)
    e = emission(m, -1.1, np.zeros((12, 3)))  # no motion: nothing
    assert np.allclose(e, 0.0, atol=1e-15)
    G, gl, gr = dense_green(m, -1.1)
    emitted = [np.trace(g @ G @ G.conj().T).real / (2 * np.pi) for g in (gl, gr)]  # Lambda = 1
    assert min(emitted) > 0


def test_emission_equals_brouwer_formula():
    rng = np.random.default_rng(11)
    lat = st.lattice.strip(7, 2)
    n = random_unit_vectors(rng, lat.num_sites)
    m = st.Model(lat, exchange=0.7, texture=n, rashba=0.2, onsite=rng.uniform(-0.3, 0.3, lat.num_sites))
    v = np.cross(rng.normal(size=(lat.num_sites, 3)), n)  # any tangent field
    for E in (-1.3, 0.4):
        e = emission(m, E, v)
        assert np.allclose(e, brouwer_emission(m, E, v), atol=1e-8 * max(1, np.abs(e).max()))
        r = st.pumping(m, E, v)
        assert np.allclose(r.emission, e, atol=1e-12)


def test_rotating_half_metallic_wall_pumps_one_electron_per_turn():
    """Only the majority band at E_F (M = 1.5, E_F = -3.3, k_F = 0.45): a rotating Neel wall
    transmits every majority electron into the opposite spin; the charge per turn approaches 1
    as the wall widens and the reflection of the abrupt wall falls off (1 - Q = R)."""
    deviation = []
    for width in (0.5, 1.0, 2.0, 4.0):
        L = int(24 * width) + 30  # leads along +-z to 1e-13 (they continue the end slices)
        m = st.Model(st.lattice.chain(L), exchange=1.5, texture=st.textures.neel_wall(L / 2, width))
        e = emission(m, -3.3, st.texture_velocity(m, "rotation", axis=(0, 0, 1)))
        per_turn = 2 * np.pi * np.array(e)
        assert per_turn[0] == pytest.approx(-per_turn[1], abs=1e-10)  # no charge stays behind
        reflection = 1 - st.linear_response(m, -3.3).transmission
        assert abs(per_turn[1]) == pytest.approx(1 - reflection, abs=1e-9)
        deviation.append(abs(abs(per_turn[1]) - 1))
    assert deviation[0] > 0.05 and all(a > b for a, b in zip(deviation, deviation[1:]))
    assert deviation[-1] < 1e-3


@pytest.mark.parametrize("seed", [1, 2])
def test_charge_per_turn_is_the_spin_flip_transmission_difference(seed):
    """Rotating any texture about z by phi (both leads along z) multiplies S_ab by
    e^{-i phi (s_a - s_b)/2}, so the particles emitted into the right lead per turn are
    (1/2) sum_{a in R, b} (s_a - s_b)|S_ab|^2 = T(down_L -> up_R) - T(up_L -> down_R)
    + R_R(down -> up) - R_R(up -> down) (spins along z): the spin-flip transmissions of the issue's
    formula plus the spin-flip reflections back into the right lead, which an abrupt random
    texture makes comparable; for a smooth wall the reflections vanish."""
    rng = np.random.default_rng(seed)
    lat = st.lattice.strip(8, 2)
    n = random_unit_vectors(rng, lat.num_sites)
    n[:2] = n[-2:] = (0.0, 0.0, 1.0)  # both lead slices (and leads) along +z
    m = st.Model(lat, exchange=0.8, texture=n)
    E = -0.9
    e = emission(m, E, st.texture_velocity(m, "rotation", axis=(0, 0, 1)))
    T = st.linear_response(m, E).spin_transmission  # s along +z (left), s' along +z (right)
    S, spin, nl = scattering_matrix(m, E, spin_resolved=True)
    P = np.abs(S) ** 2  # P[a, b]: from channel b to channel a
    flips = 0.5 * (spin[:, None] - spin[None, :])
    transmitted = (flips[nl:, :nl] * P[nl:, :nl]).sum()
    reflected = (flips[nl:, nl:] * P[nl:, nl:]).sum()
    assert transmitted == pytest.approx(T[1, 0] - T[0, 1], abs=1e-9)  # the same spin-flip transmissions
    assert 2 * np.pi * e[1] == pytest.approx(transmitted + reflected, abs=1e-9)
    assert abs(reflected) > 1e-3  # the reflection part is there for an abrupt texture


@pytest.mark.parametrize("disorder", [None, st.Disorder(onsite=0.1, magnetic=(0.03, 0.02))], ids=["clean", "scba"])
def test_pumping_response_obeys_continuity(disorder):
    """The Kubo-Bastin currents change between slices by the density rate dn/dt (the static
    response to the motion): Fermi-surface RA and RR and the Fermi-sea term together."""
    L = 40
    m = st.Model(st.lattice.chain(L), exchange=0.6, texture=st.textures.neel_wall(L / 2, 3))
    r = st.pumping(m, -0.7, st.texture_velocity(m, "translation"), disorder=disorder)
    div = r.current[:-1] - r.current[1:]
    # measured 0.9e-6 (clean) and 1.3e-6 (SCBA): the Fermi sea's tolerance, 1e-6
    assert np.abs(div - r.density_rate[1:-1]).max() < 1e-5 * np.abs(r.density_rate).max()
    assert np.abs(r.density_rate).max() > 1e-5


def mixed_sum(left, right, weights, born, Lam):
    """sum_k w_k G(a_k) (Lam + S[Y_k]) G(b_k): (sites, bonds_ji, bonds_ij); with spin-orbit
    impurities on the pair sweeps (Python ladders), otherwise in one core call."""
    from spintex import _core
    from spintex.disorder import PairCorrelator
    from spintex.pumping import _dressed
    if isinstance(left[0], PairCorrelator):
        terms = [_dressed(a.mixed(b), born, a.pair_source(Lam), "RR") for a, b in zip(left, right)]
        return [sum(w * t[j] for w, t in zip(weights, terms)) for j in range(3)]
    K = None if born is None else np.ascontiguousarray(born.superoperator)
    return _core.mixed_sea_response(left, right, weights, K, Lam, tolerance=1e-12)[:3]


@pytest.mark.parametrize("disorder", [None, st.Disorder(onsite=0.1, magnetic=(0.03, 0.02)),
                                      st.Disorder(onsite=0.1, magnetic=(0.03, 0.02), soc=0.08)],
                         ids=["clean", "scba", "spin-orbit"])
def test_sea_term_total_derivative_form_equals_bastin_form(disorder):
    """pumping's Fermi-sea sum 2 sum w d1X + X(E_b) with the Fermi-surface RA part equals
    Kubo-Bastin's sum w (d1 - d2)X with the Fermi-surface RA and RR parts (the contour integral of
    the total derivative of X(z, z) is X(E_F) - X(E_b)), to the central differences' accuracy.
    With spin-orbit impurities (a strip: a chain has no corners) the mixed products run on the
    site pairs' block sweeps (``BlockCorrelator.apply_mixed``)."""
    from spintex.pumping import _hermitian, _sea, _shifted, fermi_surface_response
    from spintex.sea import FermiSea
    L, E = 30, -0.7
    lat = st.lattice.chain(L) if disorder is None or not disorder.soc else st.lattice.strip(16, 2)
    m = st.Model(lat, exchange=0.6, texture=st.textures.neel_wall(lat.num_slices / 2, 3))
    Lam = perturbation(m, st.texture_velocity(m, "rotation", axis=(0, 1, 0)))
    sea = FermiSea(m, E, disorder)
    steps = 1e-3 * np.minimum(sea.nodes.imag, 1.0)
    plus, minus = _shifted(sea, steps)
    here = list(sea.correlators)
    w = np.asarray(sea.weights) / (2 * steps)
    born = None if disorder is None else sea.borns[0]
    Y = mixed_sum([*plus, *minus, *here, *here], [*here, *here, *plus, *minus], np.concatenate([w, -w, -w, w]),
                  born, Lam)
    bastin = -_hermitian(*Y)[0] / (2 * np.pi) + fermi_surface_response(m, E, disorder, Lam)[0]
    total = _sea(sea, Lam)[0] + fermi_surface_response(m, E, disorder, Lam, retarded_retarded=False)[0]
    scale = np.abs(bastin).max()
    # both use central differences with h = 1e-3 Im z: truncation errors of order (h / Im z)^2 = 1e-6
    # (measured: 3e-8 clean, 2e-7 in SCBA, where the self-energies at z +- h add tolerance / h;
    # session 22: 2.8e-8, 2.5e-8, 1.9e-8 with spin-orbit impurities)
    assert np.abs(total - bastin).max() < 1e-6 * scale
    # the RR term the total-derivative form cancels is not small
    rr = fermi_surface_response(m, E, disorder, Lam)[0] - fermi_surface_response(m, E, disorder, Lam,
                                                                                retarded_retarded=False)[0]
    assert np.abs(rr).max() > 0.1 * scale


#: spin-orbit impurities with the local disorder of the Onsager tests (pumping on site pairs)
SPIN_ORBIT = st.Disorder(onsite=0.1, magnetic=(0.03, 0.01), soc=0.05)


def onsager_pair():
    """A strip with a wall and random tilts, Rashba and a Zeeman field, and its time reversal
    (texture and Zeeman field reversed, Rashba kept)."""
    rng = np.random.default_rng(4)
    lat = st.lattice.strip(10, 2)
    n = st.textures.neel_wall(5, 1.5)(lat.positions)
    n = n + 0.2 * random_unit_vectors(rng, lat.num_sites)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return (st.Model(lat, exchange=0.6, texture=n, rashba=0.15, zeeman=(0.0, 0.05, 0.02)),
            st.Model(lat, exchange=0.6, texture=-n, rashba=0.15, zeeman=(0.0, -0.05, -0.02)))


ONSAGER_DISORDER = [None, st.Disorder(onsite=0.1, magnetic=(0.03, 0.01)), SPIN_ORBIT]


@pytest.mark.parametrize("kind", ["translation", "rotation"])
@pytest.mark.parametrize("disorder", ONSAGER_DISORDER, ids=["clean", "scba", "spin-orbit"])
def test_onsager_emission_equals_force_response_of_the_time_reversed_system(kind, disorder):
    """Particles pumped into lead a per unit dX/dt = d<dH'/dX>/d mu_a of the time-reversed system
    (texture and Zeeman field reversed, Rashba kept; magnetic impurities reversed with n;
    spin-orbit impurities kept: their Born map is even under time reversal).  Measured to 4e-15
    with spin-orbit impurities, which move the emission by 6-33 % here (asserted below)."""
    m, mr = onsager_pair()
    v = st.texture_velocity(m, kind)
    e = emission(m, -0.8, v, disorder=disorder)
    for side, k in (("left", 0), ("right", 1)):
        r = st.linear_response(mr, -0.8, drive=side, disorder=disorder)
        # <dH'/dX> with dH'/dX = +M v . sigma (the reversed texture -n moving as -v)
        force_response = -st.texture_force(mr, r, -v)
        assert e[k] == pytest.approx(force_response, abs=1e-9 * max(1.0, abs(e[k])))
    if disorder is SPIN_ORBIT:  # the spin-orbit part is not negligible
        local = emission(m, -0.8, v, disorder=ONSAGER_DISORDER[1])
        assert min(abs(e[k] - local[k]) / abs(e[k]) for k in (0, 1)) > 0.05


@pytest.mark.parametrize("length", [None, 1.5], ids=["neutral", "thomas-fermi"])
@pytest.mark.parametrize("kind", ["translation", "rotation"])
@pytest.mark.parametrize("disorder", ONSAGER_DISORDER, ids=["clean", "scba", "spin-orbit"])
def test_screened_onsager_emission_equals_field_driven_force_of_the_time_reversed_system(kind, disorder, length):
    """Screened pumping is the reciprocal of the field drive (docs/physics.md, section 13): with
    Lambda + u (u the potential that neutralizes n[rho_sea[Lambda]]), (E_L - E_R)/2 equals the
    response of <dH'/dX> to the field drive of the time-reversed system.  Both sides solve a
    screening potential to the default neutrality 1e-6 (GMRES), which bounds the agreement
    (measured: 2e-10 to 6e-8 relative); the unscreened identity is exact (the test above).  With
    Rashba the time-reversed system is not the original one rotated: the same system's
    field-driven force differs (by 25-200 % here).  With a Thomas-Fermi length on both sides the
    same holds: chi - kappa(-Delta) is symmetric and even under time reversal like chi (physics.md
    section 13), and the finite length changes the emission (by more than the tolerance, below)."""
    m, mr = onsager_pair()
    v = st.texture_velocity(m, kind)
    e = emission(m, -0.8, v, disorder=disorder, screened=True, screening_length=length)
    unscreened = emission(m, -0.8, v, disorder=disorder)
    field = st.linear_response(mr, -0.8, drive="field", disorder=disorder, screening_length=length)
    force_response = -st.texture_force(mr, field, -v)
    assert 0.5 * (e[0] - e[1]) == pytest.approx(force_response, rel=1e-6)
    if length:  # the length matters: 2e-5 (clean rotation, whose density hardly moves) to 0.2 relative
        neutral = emission(m, -0.8, v, disorder=disorder, screened=True)
        assert abs((e[0] - e[1]) - (neutral[0] - neutral[1])) > 1e-5 * abs(e[0] - e[1])
    # not a tautology: screening changes the emission by more than the tolerance (3e-5 relative for
    # the clean rotation, 4e-3 to 0.45 otherwise), and the same system's force is another number
    assert abs(0.5 * (e[0] - e[1]) - 0.5 * (unscreened[0] - unscreened[1])) > 1e-5 * abs(force_response)
    same = -st.texture_force(m, st.linear_response(m, -0.8, drive="field", disorder=disorder), v)
    assert abs(same - force_response) > 1e-3 * abs(force_response)


def test_texture_velocity_is_tangent_and_exact():
    lat = st.lattice.strip(30, 3)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(15, 4))
    v = st.texture_velocity(m, "translation")
    n = m.texture_vectors
    assert np.abs(np.einsum("na,na->n", v, n)).max() < 1e-14
    x = lat.positions[:, 0] - 15
    theta_dot = -(1 / 4) / np.cosh(x / 4)  # d theta / dX = -d theta/dx = -(1/lambda) sech(x/lambda)
    expected = theta_dot[:, None] * np.stack([np.cos(2 * np.arctan(np.exp(x / 4))), 0 * x,
                                               -np.sin(2 * np.arctan(np.exp(x / 4)))], axis=1)
    assert np.abs(v - expected).max() < 1e-8
    rot = st.texture_velocity(m, "rotation", axis=(0, 0, 2))
    assert np.allclose(rot, np.cross([0, 0, 1], n))
    with pytest.raises(ValueError, match="tangent"):
        st.pumping(m, -1.0, n)  # radial: not a motion of unit vectors
    with pytest.raises(ValueError, match="kind"):
        st.texture_velocity(m, "shear")


def test_sampled_pumping_is_the_average_of_exact_realizations():
    """Samples: each realization exact (Onsager holds per sample, test above with the clean
    engine); the average carries standard errors and agrees with SCBA within them."""
    L = 24
    m = st.Model(st.lattice.chain(L), exchange=0.6, texture=st.textures.neel_wall(L / 2, 2))
    v = st.texture_velocity(m, "rotation")
    d = st.Disorder(onsite=0.04, method="samples", samples=40, seed=3, workers=1)
    r = st.pumping(m, -0.7, v, disorder=d)
    first = st.disorder.realization(m, d, np.random.default_rng(np.random.SeedSequence(3).spawn(40)[0]))
    assert r.parameters["samples"] == 40 and r.emission_stderr[1] > 0
    one = st.pumping(first, -0.7, v)
    assert not np.allclose(one.emission, r.emission)
    scba = emission(m, -0.7, v, disorder=st.Disorder(onsite=0.04))
    assert abs(r.emission[1] - scba[1]) < 3 * r.emission_stderr[1]  # measured 0.2 standard errors


def test_emission_averages_samples_as_pumping_does():
    """emission(disorder=samples) is the sample mean of each realization's emission, equal to the
    emission of pumping's sample average (it was the SCBA's, silently)."""
    m = st.Model(st.lattice.strip(20, 3), exchange=0.5, texture=st.textures.neel_wall(10, 4))
    v = st.texture_velocity(m, "rotation")
    d = st.Disorder(onsite=0.05, method="samples", samples=3, seed=1)
    e = emission(m, -1.0, v, disorder=d)
    assert np.allclose(e, st.pumping(m, -1.0, v, disorder=d).emission, rtol=1e-12, atol=0)
    assert not np.allclose(e, emission(m, -1.0, v, disorder=st.Disorder(onsite=0.05)), rtol=1e-3)


def test_screened_pumping_is_charge_neutral_and_conserves_the_current():
    """pumping(..., screened=True): the motion plus the screening potential u that neutralizes its
    static density change (a charge-neutral metal).  (a) The reported density_rate is that of the
    screened motion: zero to the screening tolerance 1e-6 of the unscreened density rate (bound
    2e-6: screen's own contour-rule error adds at most 0.1 x tolerance per GMRES step); (b)
    continuity, J_{l-1} - J_l = dn_l/dt, so the current is the same through every boundary, to the
    accuracy of the unscreened continuity test (1e-4 of the unscreened density rate); (c) the
    emission equals emission(..., screened=True) (the same deterministic screening solve)."""
    L = 30
    m = st.Model(st.lattice.chain(L), exchange=0.6, texture=st.textures.neel_wall(L / 2, 3))
    v = st.texture_velocity(m, "translation")
    bare = st.pumping(m, -0.7, v)
    r = st.pumping(m, -0.7, v, screened=True)
    scale = np.abs(bare.density_rate).max()
    assert scale > 1e-5  # translation moves charge: the screening has work to do
    assert np.abs(r.screening_potential).max() > 1e-6
    assert np.abs(r.density_rate).max() < 2e-6 * scale
    div = r.current[:-1] - r.current[1:]
    assert np.abs(div - r.density_rate[1:-1]).max() < 1e-5 * scale  # measured 8.7e-7
    assert np.abs(r.current - r.current.mean()).max() < 1e-5 * scale  # measured 2.3e-6
    assert np.allclose(r.emission, emission(m, -0.7, v, screened=True), rtol=1e-10, atol=0)
    assert not np.allclose(r.emission, bare.emission, rtol=1e-2)  # screening changes the emission


def test_pumping_with_spin_orbit_impurities():
    """pumping on the site pairs' block sweeps (spin-orbit impurities): (a) at Gamma_so = 1e-9 the
    whole response equals the local engine's (soc = 0) to the Fermi sea's tolerance 1e-6 of each
    field's scale (measured 5e-8: the two SCBA solvers and contours differ within it); (b) at
    Gamma_so = 0.05 the emission equals emission() (both the pair RA ladder and its lead traces),
    the screened motion is neutral to the screening tolerance, and the spin-orbit impurities change
    the response (the Onsager tests above check its emission against the force exactly)."""
    m = st.Model(st.lattice.strip(16, 2), exchange=0.6, texture=st.textures.neel_wall(8, 2))
    v = st.texture_velocity(m, "translation")
    local = st.Disorder(onsite=0.1, magnetic=(0.03, 0.02))
    a = st.pumping(m, -0.9, v, disorder=local)
    b = st.pumping(m, -0.9, v, disorder=st.Disorder(onsite=0.1, magnetic=(0.03, 0.02), soc=1e-9))
    for f in ("spin_density", "charge_density", "torque", "current", "spin_current", "density_rate"):
        x, y = getattr(a, f), getattr(b, f)
        assert np.abs(x - y).max() < 1e-6 * np.abs(x).max(), f
    assert np.allclose(a.emission, b.emission, rtol=1e-6, atol=0)
    soc = st.Disorder(onsite=0.1, magnetic=(0.03, 0.02), soc=0.05)
    r = st.pumping(m, -0.9, v, disorder=soc)
    assert np.allclose(r.emission, emission(m, -0.9, v, disorder=soc), rtol=1e-10, atol=0)
    assert np.abs(r.torque - a.torque).max() > 0.01 * np.abs(a.torque).max()
    s = st.pumping(m, -0.9, v, disorder=soc, screened=True)
    assert np.abs(s.density_rate).max() < 2e-6 * np.abs(r.density_rate).max()


@pytest.mark.parametrize("size", [
    pytest.param((10, 3, 300, ("rotation",), ("spin_density",)), id="10x3x3"),
    pytest.param((12, 4, 400, ("rotation", "translation"), ("current", "spin_density")), id="12x4x4",
                 marks=pytest.mark.slow),
])
def test_pumping_with_spin_orbit_impurities_agrees_with_samples(size):
    """The spin-orbit SCBA's pumping (its RA and mixed Fermi-sea ladders on the site pairs) against
    the average of exact sample responses (Gaussian strengths, no fourth cumulant), a Neel wall
    between leads along z, rotating about z or translating.  Every field agrees within the
    statistical error (mean |difference| / stderr: 0.8 for unbiased Gaussian noise; the current
    and the emission are one or two numbers, the slice currents differing only by the small density
    rate, so their mean is a single |z|: the bound 1.5 is its 87th percentile), while SCBA without
    the spin-orbit impurities is resolved (the fields listed: mean z > 3).  Measured:
    10 x 3 x 3, 300 samples: 0.96 / 0.87 / 0.81 / 0.68 (current, charge, spin, emission), without
    them spin 5.07; 12 x 4 x 4, 400 samples, rotation: 1.40 / 0.92 / 0.87 / 1.04, without 9.73 / 2.03 /
    6.99 / 9.73; translation: 1.12 / 0.95 / 0.81 / 1.29, without 6.04 / 3.39 / 5.43 / 1.32."""
    L, W, samples, kinds, resolved = size
    m = st.Model(st.lattice.bar(L, W, W), exchange=0.5, texture=st.textures.neel_wall(L / 2, 2.0))
    E = -1.4
    assert np.abs(st.integration.channel_thresholds(m) - E).min() > 0.05   # off the subband openings
    for kind in kinds:
        v = st.texture_velocity(m, kind, axis=(0, 0, 1))
        scba = st.pumping(m, E, v, disorder=st.Disorder(onsite=0.03, soc=0.03))
        without = st.pumping(m, E, v, disorder=st.Disorder(onsite=0.03))
        mean = st.pumping(m, E, v, disorder=st.Disorder(onsite=0.03, soc=0.03, method="samples", samples=samples,
                                                        seed=5, distribution="gaussian"))
        for name in ("current", "charge_density", "spin_density", "emission"):
            x, err = np.asarray(getattr(mean, name)), np.asarray(getattr(mean, f"{name}_stderr"))
            assert np.mean(np.abs(np.asarray(getattr(scba, name)) - x) / err) < 1.5, (kind, name)
            if name in resolved:
                assert np.mean(np.abs(np.asarray(getattr(without, name)) - x) / err) > 3, (kind, name)
