"""Spin diffusion length from the decay of an injected spin accumulation (SCBA)."""
import numpy as np
import pytest

import spintex as st

E = -1.0
NU = 1 / (np.pi * np.sqrt(4 - E**2))  # chain DOS per spin
V = np.sqrt(4 - E**2)                 # Fermi velocity 2t sin k_F


def born_lengths(g0, gm):
    """Non-magnetic wire with isotropic magnetic impurities (seed 000 Eqs. 9, 110-112):
    gamma = pi (G0 + 3 Gm) nu, tau = 1/(2 gamma), D = v^2 tau (1D);
    1/tau_sf = 4 pi G_perp nu per spin, s_z relaxes at 1/tau_s = 2/tau_sf; l_sf = sqrt(D tau_s)."""
    tau = 1 / (2 * np.pi * (g0 + 3 * gm) * NU)
    tau_s = 1 / (8 * np.pi * gm * NU)
    return V * tau, np.sqrt(V**2 * tau * tau_s)


def fitted_decay_length(g0, gm, ferromagnet=100):
    _, lsf = born_lengths(g0, gm)
    L = ferromagnet + int(12 * lsf)
    exchange = np.where(np.arange(L) < ferromagnet, 0.5, 0.0)  # a ferromagnet injects spin
    m = st.Model(st.lattice.chain(L), exchange=exchange, texture=(0, 0, 1))
    r = st.linear_response(m, E, disorder=st.Disorder(onsite=g0, magnetic=(gm, gm)))
    x = np.arange(L)
    window = (x > ferromagnet + 2 * lsf) & (x < ferromagnet + 6 * lsf)
    slope = np.polyfit(x[window], np.log(np.abs(r.spin_density[window, 2])), 1)[0]
    return -1 / slope, lsf


@pytest.mark.parametrize("g0, gm", [(0.02, 0.002), (0.05, 0.0005)])
def test_spin_accumulation_decays_over_sqrt_D_tau_sf(g0, gm):
    """Measured 1.017 (l_sf/l = 1.8) and 1.0005 (l_sf/l = 5.1) of the Born-rate value (the
    issue asks for 10%)."""
    fitted, formula = fitted_decay_length(g0, gm)
    assert fitted == pytest.approx(formula, rel=0.03)


SPINS = (1, -1)


def magnetic_scba_k(E, M, g0, gm, grid):
    """The SCBA on a k grid with on-site Gamma_0 and isotropic magnetic impurities Gamma_perp =
    Gamma_par = gm, n || z: each spin's self-energy is local and spin diagonal, Sigma_s = (g0 + gm)
    g_s + 2 gm g_-s.  Returns (k, eps_k, Sigma) with Sigma = (Sigma_up, Sigma_down)."""
    axes = [2 * np.pi * np.arange(m) / m for m in grid]
    k = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
    eps = -2 * np.cos(k).sum(-1)
    sigma = np.array([-0.1j, -0.1j])
    for _ in range(500):
        g = np.array([np.mean(1 / (E - eps + s * M - sigma[i])) for i, s in enumerate(SPINS)])
        new = (g0 + gm) * g + 2 * gm * g[::-1]
        if np.abs(new - sigma).max() < 1e-13:
            break
        sigma = 0.5 * (sigma + new)
    return k, eps, new


def magnetic_conductivities(E, M, g0, gm, grid, rr_terms=True):
    """Per spin: (nu_s, sigma_s) of :func:`magnetic_scba_k`'s SCBA, sigma_s Kubo-Greenwood
    (1/2pi) <v^2 (|G|^2 - Re G^2)> or, without the RR terms, the RA bubble (1/2pi) <v^2 |G|^2>."""
    k, eps, sigma = magnetic_scba_k(E, M, g0, gm, grid)
    G = [1 / (E - eps + s * M - sigma[i]) for i, s in enumerate(SPINS)]
    v2 = (2 * np.sin(k[..., 0])) ** 2
    nu = [float(np.mean(-g.imag) / np.pi) for g in G]
    cond = [float(np.mean(v2 * (np.abs(g) ** 2 - (rr_terms * g * g).real)) / (2 * np.pi)) for g in G]
    return nu, cond


def slow_mode_decay_length(E, M, g0, gm, grid):
    """1/kappa of the spin mode of the RA ladder on a k grid (:func:`magnetic_scba_k`): the mode
    with e^{-kappa x} solves det[1 - Pi(i kappa) S] = 0 with Pi_s(q) = <G^R_s(k + q/2) G^A_s(k - q/2)>_k
    and the Born map S = [[g0 + gm, 2 gm], [2 gm, g0 + gm]] on the spin-diagonal densities (k_x complex)."""
    from scipy.optimize import brentq
    k, eps, sigma = magnetic_scba_k(E, M, g0, gm, grid)

    def det(kappa):
        shift = np.zeros(3, complex)
        shift[0] = 0.5j * kappa
        pi = [np.mean(1 / (E + 2 * np.cos(k + shift).sum(-1) + s * M - sigma[i])
                      / (E + 2 * np.cos(k - shift).sum(-1) + s * M - np.conj(sigma[i]))) for i, s in enumerate(SPINS)]
        return ((1 - pi[0] * (g0 + gm)) * (1 - pi[1] * (g0 + gm)) - pi[0] * pi[1] * (2 * gm) ** 2).real

    return 1 / brentq(det, 0.01, 0.1, xtol=1e-14)


def test_ferromagnet_spin_accumulation_decays_as_the_slow_mode_of_the_k_space_ladder():
    """Lead-driven periodic 3 x 3 ferromagnetic bar (M = 0.5, E_F = -3, Gamma_0 = 1, isotropic magnetic
    impurities 0.002): mu_s(x) is one exponential pair A e^{-x/l} + B e^{-(L-x)/l} (residual 2e-6)
    and l is the k-space slow mode on the bar's grid (256, 3, 3), measured 19.22263 both."""
    from scipy.optimize import curve_fit
    L, W = 200, 3
    lat = st.lattice.bar(L, W, W, periodic=True)
    r = st.linear_response(st.Model(lat, exchange=0.5, texture=(0, 0, 1)), -3.0,
                           disorder=st.Disorder(onsite=1.0, magnetic=(0.002, 0.002)), drive="left")
    mu = np.array([r.spin_accumulation[s].mean() for s in lat.slices])
    x = np.arange(L, dtype=float)
    inner = slice(40, L - 40)
    f = lambda x, a, b, l: a * np.exp(-x / l) + b * np.exp(-(L - 1 - x) / l)  # noqa: E731
    p, _ = curve_fit(f, x[inner], mu[inner], p0=(mu[0], mu[-1], 20.0))
    assert np.linalg.norm(mu[inner] - f(x[inner], *p)) < 1e-4 * np.linalg.norm(mu[inner])
    assert p[2] == pytest.approx(slow_mode_decay_length(-3.0, 0.5, 1.0, 0.002, (256, W, W)), rel=1e-5)


def valet_fert_length(E, M, g0, gm, grid, rr_terms=True):
    nu, cond = magnetic_conductivities(E, M, g0, gm, grid, rr_terms)
    rates = [4 * np.pi * gm * nu[1], 4 * np.pi * gm * nu[0]]   # 1/tau_sf,s = 4 pi Gamma nu_-s
    return st.continuum.spin_diffusion_lengths(cond[0] / nu[0], cond[1] / nu[1], *rates)[2]


def test_valet_fert_with_kubo_greenwood_conductivities_is_the_slow_mode_to_first_order_in_the_spin_flip():
    """On the 3 x 3 bar's grid at Gamma_0 = 1 (E_F tau ~ 1) Valet-Fert's l_s, with D_s = sigma_s / nu_s
    from the Kubo-Greenwood conductivities, approaches the exact slow mode linearly in the flip
    variance: l / l_s - 1 = 3.56e-3, 8.9e-4 at Gamma = 0.002, 0.0005 (a ratio of 3.98).  With the RA
    bubble's conductivities it stays 4 % off (0.9613, 0.9585): the RR terms are +14 % and -19 % of
    the two spins' sigma here (docs/physics.md section 24)."""
    grid = (256, 3, 3)
    exact = {gm: slow_mode_decay_length(-3.0, 0.5, 1.0, gm, grid) for gm in (0.002, 0.0005)}
    excess = [exact[gm] / valet_fert_length(-3.0, 0.5, 1.0, gm, grid) - 1 for gm in (0.002, 0.0005)]
    assert 0 < excess[0] < 5e-3 and 3.5 < excess[0] / excess[1] < 4.5
    assert exact[0.0005] / valet_fert_length(-3.0, 0.5, 1.0, 0.0005, grid, False) < 0.97


def test_lead_bias_carries_each_spin_by_the_kubo_greenwood_conductivity():
    """A lead-biased periodic 3 x 3 bar without spin flips (E_F = -3, M = 0.5, Gamma_0 = 1): each spin's
    mu_s(x) is linear inside and j_s = -sigma_s d mu_s / dx with the Kubo-Greenwood sigma_s of
    ``BulkSCBA.spin_conductivities`` (measured 2e-10; sigma / sigma_RA = 1.141 and 0.812).  The
    ratio of the total current to the gradient of the charge's mu is not sigma_up + sigma_down
    (0.75 % off): the contacts give the two spins different gradients."""
    L, W, n = 120, 3, np.array([0.0, 0.0, 1.0])
    lat = st.lattice.bar(L, W, W, periodic=True)
    r = st.linear_response(st.Model(lat, exchange=0.5, texture=n), -3.0, disorder=st.Disorder(onsite=1.0),
                           drive="left")
    bulk = st.bulk.BulkSCBA(-3.0, 0.5, n, 1.0, 0.0, grid=(256, W, W))
    nu = bulk.spin_accumulation_relaxation()
    mu = np.array([r.local_chemical_potential[s].mean() for s in lat.slices])
    mu_s = np.array([r.spin_accumulation[s].mean() for s in lat.slices])
    nu_total = nu.dos_up + nu.dos_down
    mu_spin = (mu + nu.dos_down / nu_total * mu_s, mu - nu.dos_up / nu_total * mu_s)
    j, js = r.current[L // 2] / W**2, r.spin_current[L // 2] @ n / W**2
    x = np.arange(40, 80)
    for m, current, kg, ra in zip(mu_spin, ((j + js) / 2, (j - js) / 2), bulk.spin_conductivities(),
                                  bulk.spin_conductivities(rr_terms=False)):
        coefficients = np.polyfit(x, m[40:80], 2)
        assert abs(coefficients[0]) < 1e-9 * abs(coefficients[1])    # linear
        slope = np.polyfit(x, m[40:80], 1)[0]
        assert -current / slope == pytest.approx(kg, rel=1e-8)
        assert abs(kg / ra - 1) > 0.1
    total = -j / np.polyfit(x, mu[40:80], 1)[0]
    assert total / sum(bulk.spin_conductivities()) - 1 > 5e-3


def test_field_drive_conductivity_is_kubo_greenwood_where_the_spins_have_relaxed():
    """The charge-neutral field drive of a periodic 3 x 3 bar with magnetic impurities (Gamma = 0.02,
    l_s ~ 6): in the middle, 80 slices from the contacts, j / E is sigma_up + sigma_down of
    Kubo-Greenwood (measured 4.2e-7 off, the SCBA tolerance and the spin accumulation's remainder),
    1.5 % above the RA bubble's; the lead bias gives the same ratio against the gradient of the
    local mu."""
    L, W, gm = 160, 3, 0.02
    lat = st.lattice.bar(L, W, W, periodic=True)
    model = st.Model(lat, exchange=0.5, texture=(0, 0, 1))
    disorder = st.Disorder(onsite=1.0, magnetic=(gm, gm))
    kg = sum(magnetic_conductivities(-3.0, 0.5, 1.0, gm, (256, W, W))[1])
    ra = sum(magnetic_conductivities(-3.0, 0.5, 1.0, gm, (256, W, W), rr_terms=False)[1])
    x = np.arange(60, 100)
    for drive, name in (("field", "screening_potential"), ("left", "local_chemical_potential")):
        r = st.linear_response(model, -3.0, disorder=disorder, drive=drive)
        potential = np.array([getattr(r, name)[s].mean() for s in lat.slices])   # u_i, mu_i: energies
        conductivity = r.current[L // 2] / W**2 / -np.polyfit(x, potential[60:100], 1)[0]
        assert conductivity == pytest.approx(kg, rel=3e-6)
    assert kg / ra - 1 > 0.01


def test_bulk_scba_and_the_scalar_magnetic_scba_give_the_same_conductivities():
    """Without magnetic impurities the scalar k-space SCBA of these tests and ``st.bulk.BulkSCBA`` are
    the same computation: the Kubo-Greenwood and RA conductivities agree to the SCBA tolerance."""
    nu, kg = magnetic_conductivities(-3.0, 0.5, 1.0, 0.0, (64, 3, 3))
    _, ra = magnetic_conductivities(-3.0, 0.5, 1.0, 0.0, (64, 3, 3), rr_terms=False)
    bulk = st.bulk.BulkSCBA(-3.0, 0.5, (0, 0, 1), 1.0, 0.0, grid=(64, 3, 3))
    assert bulk.spin_conductivities() == pytest.approx(tuple(kg), rel=1e-9)
    assert bulk.spin_conductivities(rr_terms=False) == pytest.approx(tuple(ra), rel=1e-9)
    # the SCBA's real self-energy as a band shift: E - mean Re Sigma_s, M - (Re Sigma_up - Re Sigma_down)/2
    _, _, sigma = magnetic_scba_k(-3.0, 0.5, 1.0, 0.0, (64, 3, 3))
    expected = (-3.0 - sigma.real.mean(), 0.5 - (sigma[0].real - sigma[1].real) / 2)
    assert bulk.renormalized_bands() == pytest.approx(expected, rel=1e-9)
    assert expected[1] / 0.5 - 1 < -0.2   # measured -0.253: on this grid Re Sigma narrows the splitting a quarter
    along_x = st.bulk.BulkSCBA(-3.0, 0.5, (1, 0, 0), 1.0, 0.0, grid=(64, 3, 3))  # n || x: the same bands
    assert along_x.renormalized_bands() == pytest.approx(expected, rel=1e-9)


def test_renormalized_bands_use_the_brillouin_zone_mean_of_a_k_dependent_self_energy():
    """With spin-orbit impurities Sigma(k) depends on k: the band shift is that of its zone mean,
    projected on the spin along an oblique n (from the mutation run: Sigma at k = 0 alone gives
    E_eff = -2.7469 against -2.6676 here)."""
    from spintex.model import PAULI
    n = np.ones(3) / np.sqrt(3)
    b = st.bulk.BulkSCBA(-3.0, 0.5, n, 1.0, 0.2, grid=(16, 16, 16))
    mean = b.self_energy.reshape(-1, 2, 2).mean(axis=0)
    n_sigma = np.einsum("a,aij->ij", n, PAULI)
    up, down = (np.trace(0.5 * (np.eye(2) + sign * n_sigma) @ mean).real for sign in (1, -1))
    assert b.renormalized_bands() == pytest.approx((-3.0 - (up + down) / 2, 0.5 - (up - down) / 2), rel=1e-12)
    assert np.ptp(b.self_energy.reshape(-1, 2, 2)[:, 0, 0].real) > 1e-3      # Sigma(k) varies
