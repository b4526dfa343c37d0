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


def slow_mode_decay_length(E, M, g0, gm, grid):
    """1/kappa of the spin mode of the RA ladder on a k grid (on-site Gamma_0, isotropic magnetic
    impurities Gamma_perp = Gamma_par = gm, n || z): each spin's SCBA is local and spin diagonal,
    Sigma_s = (g0 + gm) g_s + 2 gm g_-s, and the mode with e^{-kappa x} solves
    det[1 - Pi(i kappa) S] = 0 with Pi_s(q) = <G^R_s(k + q/2) G^A_s(k - q/2)>_k and the Born map
    S = [[g0 + gm, 2 gm], [2 gm, g0 + gm]] on the spin-diagonal densities (k_x complex)."""
    from scipy.optimize import brentq
    axes = [2 * np.pi * np.arange(m) / m for m in grid]
    k = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
    eps = -2 * np.cos(k).sum(-1)
    spins = (1, -1)
    sigma = np.array([-0.1j, -0.1j])
    for _ in range(500):
        g = np.array([np.mean(1 / (E - eps + s * M - sigma[i])) for i, s in enumerate(spins)])
        new = (g0 + gm) * g + 2 * gm * g[::-1]
        if np.abs(new - sigma).max() < 1e-13:
            break
        sigma = 0.5 * (sigma + new)

    def det(kappa):
        shift = np.zeros(3, complex)
        shift[0] = 0.5j * kappa
        pi = [np.mean(1 / (E + 2 * np.cos(k + shift).sum(-1) + s * M - new[i])
                      / (E + 2 * np.cos(k - shift).sum(-1) + s * M - np.conj(new[i]))) for i, s in enumerate(spins)]
        return ((1 - pi[0] * (g0 + gm)) * (1 - pi[1] * (g0 + gm)) - pi[0] * pi[1] * (2 * gm) ** 2).real

    return 1 / brentq(det, 0.02, 0.1, xtol=1e-14)


def test_ferromagnet_spin_accumulation_decays_as_the_slow_mode_of_the_k_space_ladder():
    """Lead-driven periodic 3 x 3 ferromagnetic bar (M = 0.5, E_F = -3, Gamma_0 = 1, isotropic magnetic
    impurities 0.002): mu_s(x) is one exponential pair A e^{-x/l} + B e^{-(L-x)/l} (residual 2e-6)
    and l is the k-space slow mode on the bar's grid (256, 3, 3), measured 19.22263 both.  Valet-Fert
    with the bar's SCBA inputs (D_sigma = sigma_sigma / nu_sigma, 1/tau_sf = 4 pi Gamma nu_-s) gives
    20.00: the bar's two-current description is 4 % off at this strong disorder (docs/validation.md)."""
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
