"""Seed 001 kernels in q (Eqs. 30-39): lattice k sums (st.kernels) against a real-space chain,
against the seed's parabolic formulas (st.continuum) at low filling, and the Stoner edges."""
import numpy as np
import pytest

import spintex as st

K, C = st.kernels, st.continuum


def _chain_response(mu, M, T, L=121, deltas=(1e-3, 2e-3)):
    """d s_i / d delta for n tilted by delta towards x at the centre site of a uniform chain (leads
    included): the perturbation is ``-M delta sigma_x`` there.  Richardson over two deltas removes
    the O(delta^2) term (s_x is odd in delta)."""
    c = L // 2
    out = []
    for d in deltas:
        n = np.tile([0.0, 0.0, 1.0], (L, 1))
        n[c] = [np.sin(d), 0.0, np.cos(d)]
        model = st.Model(st.lattice.chain(L), exchange=M, texture=n)
        out.append(st.equilibrium(model, fermi_energy=mu, temperature=T, tolerance=1e-13).spin_density / d)
    return (4 * out[0] - out[1]) / 3, np.arange(L) - c


@pytest.mark.parametrize("mu, M", [(-1.0, 0.3), (0.4, 0.5)])
def test_h1_equals_the_real_space_transverse_susceptibility(mu, M):
    # b^+ = -M delta at one site gives s^+(r) = chi(r) b^+; H1(q) = -(M/2) chi(q) = sum_r s_x(r) cos(qr) / 2 delta.
    # At T = 0.1 chi(r) decays within ~5 sites, so the 121-site chain is the infinite one to 1e-10.
    T = 0.1
    ds, r = _chain_response(mu, M, T)
    q = np.linspace(0.0, np.pi, 9)
    lattice = K.h1(q, mu, M, temperature=T)
    real_space = (ds[:, 0] * np.cos(np.outer(q, r))).sum(1) / 2
    np.testing.assert_allclose(real_space, lattice, rtol=0, atol=1e-9)
    # the out-of-phase (seed's H2) component of the static response is zero
    assert np.abs(ds[:, 1]).max() < 1e-12 and K.h2(np.linspace(0, np.pi, 200), mu, M).max() > 0.01


def test_h1_zero_temperature_closed_form_is_the_limit_of_the_thermal_sum():
    mu, M = -1.0, 0.3
    ku, kd = K.fermi_wavevectors(mu, M)
    q = np.array([0.0, 0.3, 1.0, 1.5, 2.5, 3.0])
    assert abs(K.h1(0.0, mu, M) - (ku - kd) / (2 * np.pi)) < 1e-14      # H1(0) = (n_up - n_down)/2
    diffs = [np.abs(K.h1(q, mu, M, temperature=T) - K.h1(q, mu, M)).max() for T in (0.01, 0.005)]
    assert diffs[0] < 5e-5 and 3.5 < diffs[0] / diffs[1] < 4.5           # Sommerfeld: O(T^2)


def _relative_errors(dim, filling, qt):
    mu, M = -2 * dim + filling, 0.3 * filling                            # fixed zeta = 0.154
    ku, kd = C.parabolic_fermi_wavevectors(mu, M, dim=dim)
    q = qt * (ku + kd)
    iso = {"vertex": "isotropic"} if dim == 3 else {}
    pairs = [(K.h1(q, mu, M, dim=dim), C.kernel_h1(q, ku, kd, dim=dim)),
             (K.h2(q, mu, M, dim=dim), C.kernel_h2(q, ku, kd, dim=dim)),
             (K.chi1(q, mu, M, dim=dim, **iso), C.kernel_chi1(q, ku, kd, dim=dim))]
    if dim == 3:
        pairs.append((K.chi2(q, mu, M, dim=3, **iso), C.kernel_chi2(q, ku, kd)))
    both_zero = [(a == 0) & (b == 0) for a, b in pairs]                  # outside the Stoner window
    with np.errstate(invalid="ignore"):
        return max(np.abs(np.where(z, 0.0, a / b - 1)).max() for (a, b), z in zip(pairs, both_zero))


@pytest.mark.parametrize("dim", [1, 3])
def test_lattice_kernels_approach_the_parabolic_formulas_at_low_filling(dim):
    # q/2k_F away from the Stoner edges zeta = 0.154 and 1, where the kernels are singular
    qt = np.array([0.25, 0.4, 0.6, 0.8])
    errors = [_relative_errors(dim, e, qt) for e in (0.4, 0.16, 0.064)]
    assert errors[-1] < 0.05
    assert errors[0] > errors[1] > errors[2]                      # lattice corrections O(E_F - E_bottom)
    assert 2.0 < errors[0] / errors[1] < 3.0 and 2.0 < errors[1] / errors[2] < 3.0


def test_seed_normalizations():
    ku, kd = 0.8, 0.5
    s = (ku ** 3 - kd ** 3) / (12 * np.pi ** 2)                    # (n_up - n_down)/2
    assert abs(C.kernel_h1(1e-4, ku, kd) / s - 1) < 1e-8
    assert abs(C.kernel_h1(2e-3, ku, kd) / s - 1) < 1e-5
    assert abs(C.kernel_chi1(1e-4, ku, kd) - 1) < 1e-7           # Eq. 36 with the factor 1/2 (docstring)
    assert abs(C.kernel_chi1(1e-6, ku, kd, dim=1) - 1) < 1e-6
    assert abs(C.kernel_h1(1e-6, ku, kd, dim=1) / ((ku - kd) / (2 * np.pi)) - 1) < 1e-9
    assert K.chi1(1e-7, -5.0, 0.3, dim=3) == pytest.approx(1, abs=1e-9)
    assert K.chi1(1e-7, -5.0, 0.3, dim=3, vertex="isotropic") == pytest.approx(1, abs=1e-9)


def test_chi2_step_at_the_stoner_edges():
    # simple cubic, q along x: cos k_sigma = -(E_F + sigma M + 4t)/2t (the window of k_perp = 0,
    # which is the whole window while k_up + k_down <= pi; stoner_edges docstring)
    for mu, M in ((-5.0, 0.3), (-4.5, 0.5)):
        ku = np.arccos(-(mu + M + 4) / 2)
        kd = np.arccos(-(mu - M + 4) / 2)
        lo, hi = K.stoner_edges(mu, M, dim=3)
        assert (lo, hi) == pytest.approx((ku - kd, ku + kd), abs=1e-14)
        eps = 1e-6
        below, inside_lo, inside_hi, above = K.chi2([lo - eps, lo + eps, hi - eps, hi + eps], mu, M, dim=3)
        assert below == 0 and above == 0 and inside_lo < 0 and inside_hi < 0
        assert np.all(K.chi2(np.linspace(lo + eps, hi - eps, 50), mu, M, dim=3) < 0)
    ku, kd = 0.7, 0.4
    assert list(C.stoner_step([0.29, 0.31, 1.09, 1.11], ku, kd)) == [0, 1, 1, 0]


def test_chain_singularities_sit_at_the_stoner_edges():
    # chain: cos k_sigma = -(E_F + sigma M)/2t; chi1 has poles at both edges, H1 a log at k_up + k_down
    mu, M = -0.7, 0.4
    lo, hi = np.arccos(-(mu + M) / 2) - np.arccos(-(mu - M) / 2), np.arccos(-(mu + M) / 2) + np.arccos(-(mu - M) / 2)
    assert K.stoner_edges(mu, M) == pytest.approx((lo, hi), abs=1e-14)
    for edge in (lo, hi):
        near = np.abs(K.chi1([edge - 1e-6, edge + 1e-6], mu, M))
        far = np.abs(K.chi1([edge - 1e-3, edge + 1e-3], mu, M))
        assert np.all(near > 500 * far)                                   # 1/(q - q_edge)
    for side in (1, -1):   # H1 = a ln(1/|q - q_edge|) + b: equal steps per decade
        steps = np.diff(K.h1(hi + side * np.array([1e-3, 1e-6, 1e-9]), mu, M))
        assert steps[0] > 0 and steps[1] == pytest.approx(steps[0], rel=1e-2)
    assert np.isfinite(K.h1(lo + np.array([-1e-9, 1e-9]), mu, M)).all()  # no log at k_up - k_down


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="exchange"):
        K.h1(0.1, -1.0, 0.0)
    with pytest.raises(ValueError, match="dim"):
        K.h1(0.1, -1.0, 0.3, dim=2)
    with pytest.raises(ValueError, match="q"):
        K.chi1(np.nan, -1.0, 0.3)
    with pytest.raises(ValueError, match="dim=3"):
        K.chi2(0.5, -1.0, 0.3, dim=1)
    with pytest.raises(ValueError, match="vertex"):
        K.chi1(0.5, -1.0, 0.3, vertex="diagonal")
    with pytest.raises(ValueError, match="temperature"):
        K.h1(0.5, -1.0, 0.3, dim=3, temperature=0.1)
    with pytest.raises(ValueError, match="k_up"):
        C.kernel_h1(0.5, 0.3, 0.5)


def _ballistic_kernel(q, mu, M, T, t=1.0, n=1 << 15):
    """The clean chain's transverse response to the bond gauge field of a tilt, per unit bias (leads
    at +-1/2), thermally averaged: ``K(q) = (2/N) sum_k J(k, q) (g_a - g_b) / (e_a - e_b - i0)``,
    a = (k + q, down), b = (k, up), ``g = sign(v) (-f'(e)) / 2`` (right movers raised, left lowered).
    Principal part on a uniform grid after removing ``a + c cos(k + q/2)`` matched to the integrand's
    numerator at the two poles (:func:`spintex.kernels._pv_period` with exact pole values); the delta
    part from the roots of ``X_k + 2M`` (:func:`spintex.kernels._roots`)."""
    from scipy.special import expit

    def numerator(k):
        g = [0.5 * np.sign(np.sin(kk)) * expit((e - mu) / T) * expit((mu - e) / T) / T
             for kk, e in ((k + q, -2 * t * np.cos(k + q) + M), (k, -2 * t * np.cos(k) - M))]
        return 2 * t * np.sin(k + q / 2) * (g[0] - g[1])

    A, B = 2 * M, 4 * t * np.sin(q / 2)
    k = 2 * np.pi * (np.arange(n) + 0.5) / n
    smooth = 0.0
    if abs(A) < abs(B):
        u1 = np.arcsin(-A / B)
        n1, n2 = numerator(np.array([u1 - q / 2, np.pi - u1 - q / 2]))
        smooth = (n1 + n2) / 2 + (n1 - n2) / (2 * np.cos(u1)) * np.cos(k + q / 2)
    principal = np.mean((numerator(k) - smooth) / (A + B * np.sin(k + q / 2)))
    delta = sum(float(numerator(k0) * jac) for k0, jac in K._roots(np.array(q), M, t, 1)) / (2 * np.pi)
    return 2 * (principal + 1j * np.pi * delta)


def test_current_driven_bubble_of_a_ballistic_chain():
    # A tilt delta at site c is, in the rotated frame, the bond gauge field -+ i delta sigma_y / 2 on
    # the bonds next to c: V_{k+q,k} = -i delta sin(q/2) e^{-iqc} J(k, q) sigma_y / N.  Under the bias
    # drive its transverse response is the current-driven bubble of Eq. 35 with the ballistic weights
    # sign(v)/2|v| in place of tau v: sum_r s^+(c + r) e^{-iqr} = delta sin(q/2) K(q).  Each channel
    # carries the same current, so the in-phase (chi1) part vanishes; what is left is the out-of-phase
    # Stoner term (chi2's delta functions at k_up -+ k_down, thermally broadened).
    mu, M, T, L = -0.5, 0.4, 0.05, 241      # band edges > 20 T from mu; decay ~ exp(-0.17 r)
    c = L // 2
    x, w = np.polynomial.legendre.leggauss(200)
    E = mu + 20 * T * x
    weights = 20 * T * w / (4 * T * np.cosh((E - mu) / (2 * T)) ** 2)       # -f'(E) dE

    def response(delta):
        n = np.tile([0.0, 0.0, 1.0], (L, 1))
        n[c] = [np.sin(delta), 0.0, np.cos(delta)]
        model = st.Model(st.lattice.chain(L), exchange=M, texture=n)
        return sum(wi * st.linear_response(model, float(e), drive="bias").spin_density for e, wi in zip(E, weights))

    delta = 1e-4
    ds = (response(delta) - response(-delta)) / (2 * delta)
    r = np.arange(L) - c
    q = np.linspace(0.05, np.pi - 0.05, 15)
    real_space = ((ds[:, 0] + 1j * ds[:, 1]) * np.exp(-1j * np.outer(q, r))).sum(1)
    predicted = np.sin(q / 2) * np.array([_ballistic_kernel(qi, mu, M, T) for qi in q])
    assert np.abs(real_space.imag).max() > 0.4                               # the Stoner peak near k_up + k_down
    np.testing.assert_allclose(real_space, predicted, rtol=0, atol=1e-7)
