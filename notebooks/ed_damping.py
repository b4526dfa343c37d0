# %% [markdown]
# # Gilbert damping against exact diagonalization (seed 001 Eq. 82)
#
# The slow test `test_gilbert_damping_against_exact_diagonalization` (tests/test_continuum.py)
# diagonalizes disordered closed rings of N = 600 sites (chain, t = 1, M = 0.6, E = 0.5) with
# random on-site potentials V_i = u0_i + uz_i sigma^z + ux_i sigma^x (Gaussian, variances Gamma_0,
# Gamma_par, Gamma_perp; the transverse component along x only, so that H is real) and compares
#
#     pi M^2 (1/N) Tr[sigma^x delta_eta(E - H) sigma^x delta_eta(E - H)]   (delta_eta: Gaussian, eta = 0.08)
#
# with Eq. 82, `alpha = pi [2 Gamma_par nu_up nu_dn + Gamma_perp (nu_up^2 + nu_dn^2)]`, evaluated with
# the ED's own (smeared) spin densities of states. Its 32 seeds resolve about 9 % (3 standard errors).
# This notebook takes more seeds and explains the few per cent by which the ED sits above the
# formula (docs/validation.md, "Gilbert damping, chain, M = 0.5, E_F = -1", "Against exact
# diagonalization"): they are the diagonalization's, not the formula's.
#
# 1. a banded ED, identical to the test's dense one, but fast enough for hundreds of seeds;
# 2. ED / Eq. 82 - 1 for the test's three cases;
# 3. the weak-disorder ladder at two energies E1, E2, which is Eq. 82 at E1 = E2 and predicts how the
#    Gaussian smearing of omega = E2 - E1 lifts the ED (order eta^2);
# 4. the ED's weight resolved in omega: the ladder away from omega = 0, and near omega = 0 a
#    discrete-level term that no ladder has (order 1/eta);
# 5. the budget: smearing + near-zero term against the measured deviations, at eta = 0.08 and 0.04.
#
# `SPINTEX_NOTEBOOK_SIZE=full` reproduces the documented numbers (400 seeds at N = 600 and 850,
# 240 at N = 1200; 26 CPU minutes on one core, 2026-12-01). The default reduced size (8, 2 and 3
# seeds, about 25 s) cannot resolve a few-per-cent effect: there the exact identities are asserted,
# and the statistics only to loose bounds (4 standard errors).

# %%
import importlib.util
import time
from pathlib import Path

import numpy as np
from scipy.linalg import eig_banded, solve_banded

import _common
from _common import FULL, Figure, pick, save, table
from spintex import continuum as ct

M, E = 0.6, 0.5
CASES = [(0.0, 4e-3, 0.0), (0.0, 0.0, 4e-3), (1e-2, 4e-3, 4e-3)]  # (Gamma_0, Gamma_perp (x only), Gamma_par)
LABELS = ["1 transverse", "2 longitudinal", "3 G0 + both"]
SQRT_2PI = np.sqrt(2 * np.pi)
started = time.process_time()


def gauss(x, width):
    return np.exp(-(x / width) ** 2 / 2) / (SQRT_2PI * width)


def formula(nu, case):
    """Eq. 82 with the spin densities of states nu = (nu_up, nu_down)."""
    onsite, perp, par = case
    return ct.gilbert_damping(*nu, magnetic=(perp, par), onsite=onsite)


# %% [markdown]
# ## 1. Fast exact diagonalization
# The ring's sites are visited in the order 0, N-1, 1, N-2, ...; then every hopping, and the
# sigma^x on a site, connects orbitals at most 5 apart (orbital 2 p + s for position p, spin s), and
# H is a band matrix. The eigenvalues within the window come from `scipy.linalg.eig_banded`
# (values only), each eigenvector from three steps of inverse iteration with a banded LU solve,
# re-orthonormalized within clusters of (nearly) degenerate levels; residual and orthonormality are
# checked on every call. The random numbers, the Hamiltonian and the observable are the test's
# `exact_chain_damping` (tests/ed_reference.py); we check it on one seed (all three cases) to 1e-10.

# %%
KD = 5  # super-diagonals of H in the zig-zag order


def banded_hamiltonian(size, u0, ux, uz):
    """H in symmetric upper band storage, ab[KD + i - j, j] = H[i, j] (i <= j), zig-zag site order."""
    site = np.empty(size, dtype=int)  # site[position]
    site[0::2] = np.arange((size + 1) // 2)
    site[1::2] = size - 1 - np.arange(size // 2)
    pos = np.empty(size, dtype=int)
    pos[site] = np.arange(size)
    ab = np.zeros((KD + 1, 2 * size))

    def put(i, j, value):
        i, j = np.minimum(i, j), np.maximum(i, j)
        assert np.all(j - i <= KD)
        ab[KD + i - j, j] = value

    sites = np.arange(size)
    for s, sign in ((0, 1.0), (1, -1.0)):  # s = 0: spin up, energy -M
        put(2 * pos[sites] + s, 2 * pos[(sites + 1) % size] + s, -1.0)
        ab[KD, 2 * pos[sites] + s] = u0 + sign * (uz - M)
    put(2 * pos[sites], 2 * pos[sites] + 1, ux)
    return ab


def eigenpairs(ab, lo, hi, rng):
    """Eigenvalues in (lo, hi] and their eigenvectors (columns)."""
    w = eig_banded(ab, lower=False, eigvals_only=True, select="v", select_range=(lo, hi), check_finite=False)
    n = ab.shape[1]
    full = np.zeros((2 * KD + 1, n))  # general band storage for solve_banded, l = u = KD
    full[:KD + 1] = ab
    for d in range(1, KD + 1):
        full[KD + d, :n - d] = ab[KD - d, d:]
    v = np.empty((n, w.size))
    for k, lam in enumerate(w):
        shifted = full.copy()
        shifted[KD] -= lam * (1 + 1e-14) + 1e-14
        x = rng.normal(size=n)
        for _ in range(3):
            x = solve_banded((KD, KD), shifted, x, overwrite_b=True, check_finite=False)
            x /= np.linalg.norm(x)
        v[:, k] = x
    start = 0
    for k in range(1, w.size + 1):
        if k == w.size or w[k] - w[k - 1] > 1e-9:
            if k - start > 1:
                v[:, start:k] = np.linalg.qr(v[:, start:k])[0]
            start = k
    hv = ab[KD][:, None] * v  # residual and orthonormality
    for d in range(1, KD + 1):
        hv[:-d] += ab[KD - d, d:][:, None] * v[d:]
        hv[d:] += ab[KD - d, d:][:, None] * v[:-d]
    assert np.abs(hv - v * w).max() < 1e-10 and np.abs(v.T @ v - np.eye(w.size)).max() < 1e-10
    return w, v


def diagonalize(size, case, seed, half_window):
    """Levels w within E +- half_window of the test's sample `seed`, |<n|sigma^x|m>|^2 and the up weights."""
    onsite, perp, par = case
    rng = np.random.default_rng(seed)  # the test's random numbers
    u0, ux, uz = rng.normal(size=(3, size)) * np.sqrt([onsite, perp, par])[:, None]
    w, v = eigenpairs(banded_hamiltonian(size, u0, ux, uz), E - half_window, E + half_window,
                      np.random.default_rng(10 ** 6 + seed))
    sx = (v.T @ v.reshape(size, 2, -1)[:, ::-1].reshape(2 * size, -1)) ** 2  # sigma^x pairs (up, down) of a site
    return w, sx, np.sum(v[0::2] ** 2, axis=0)


def ed_damping(w, sx, up, size, eta):
    """The test's quantity and its spin DOS (levels within 6 eta of E, as the test keeps)."""
    keep = np.abs(w - E) < 6 * eta
    delta = gauss(E - w[keep], eta)
    value = np.pi * M ** 2 * (delta @ sx[np.ix_(keep, keep)] @ delta) / size
    return value, (delta @ up[keep] / size, delta @ (1 - up[keep]) / size)


# %%
reference_path = Path(_common.__file__).resolve().parent.parent / "tests" / "ed_reference.py"
spec = importlib.util.spec_from_file_location("ed_reference", reference_path)
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)  # numpy only: the slow test's dense ED

N, ETA, SEED = 600, 0.08, 0
rows = []
for label, case in zip(LABELS, CASES):
    ref_value, ref_nu = reference.exact_chain_damping(N, M, E, *case, ETA, SEED)
    value, nu = ed_damping(*diagonalize(N, case, SEED, 6 * ETA), N, ETA)
    rows.append((label, ref_value, value / ref_value - 1, max(abs(nu[0] / ref_nu[0] - 1), abs(nu[1] / ref_nu[1] - 1))))
table(rows, ["case", "test's dense ED", "banded / dense - 1", "spin DOS: max |banded / dense - 1|"])
assert all(abs(r[2]) < 1e-10 and r[3] < 1e-10 for r in rows)  # measured 1.8e-15 ... 3.3e-15

# %% [markdown]
# ## 2. ED / Eq. 82 - 1
# Per case, the test's statistic: the mean over seeds of the ED value divided by Eq. 82 at the mean
# ED spin DOS, with its standard error. Three runs at fixed eta N = 48 (so the Gaussian always
# covers the same number of levels): N = 600 at the test's eta = 0.08, N = 850 at 0.0566 and
# N = 1200 at 0.04. Seeds 0, 1, ... as the test (its 32 are the first 32 here).
#
# Along with each value we keep, for section 4, the pair spectrum: every pair (n, m) of levels
# binned in omega = E_n - E_m with weight pi M^2 |<n|sigma^x|m>|^2 g_{eta_bar}(E - (E_n + E_m)/2) / N,
# eta_bar = eta / sqrt 2. Since g_eta(E - E_n) g_eta(E - E_m) = g_{eta_bar}(E - Ebar) g_{sqrt2 eta}(omega),
# the ED value is exactly the sum of these weights times g_{sqrt2 eta}(omega) (checked per seed), i.e.
# the spectrum F(omega) integrated against g_{sqrt2 eta}(omega).

# %%
OMEGA_MAX, BIN = 0.25, 0.005
EDGES = np.linspace(-OMEGA_MAX, OMEGA_MAX, int(round(2 * OMEGA_MAX / BIN)) + 1)  # an edge at omega = 0
CENTRES = (EDGES[1:] + EDGES[:-1]) / 2


def run(size, eta, seeds):
    """Per case: ED values, spin DOS, pair spectra F(omega) (per unit omega) and their omega = 0 (n = m) weights."""
    eta_bar = eta / np.sqrt(2)
    half = max(6 * eta, OMEGA_MAX / 2 + 6 * eta_bar)  # the test's window, and all pairs |omega| < OMEGA_MAX
    out = []
    for case in CASES:
        values, nus, spectra, diagonal = [], [], [], []
        for seed in range(seeds):
            w, sx, up = diagonalize(size, case, seed, half)
            value, nu = ed_damping(w, sx, up, size, eta)
            omega, mean = w[:, None] - w[None, :], (w[:, None] + w[None, :]) / 2
            weight = np.pi * M ** 2 * sx * gauss(E - mean, eta_bar) / size
            keep = np.abs(w - E) < 6 * eta
            identity = np.sum((weight * gauss(omega, np.sqrt(2) * eta))[np.ix_(keep, keep)])
            assert abs(identity / value - 1) < 1e-12, (size, case, seed, identity / value - 1)
            values.append(value)
            nus.append(nu)
            spectra.append(np.histogram(omega.ravel(), EDGES, weights=weight.ravel())[0] / BIN)
            diagonal.append(np.trace(weight))
        out.append({"values": np.array(values), "nu": np.array(nus), "F": np.array(spectra),
                    "diagonal": np.array(diagonal)})
    return out


def deviation(r, case):
    """ED / Eq. 82 - 1 and its standard error (the test's statistic)."""
    f = formula(r["nu"].mean(0), case)
    return r["values"].mean() / f - 1, r["values"].std(ddof=1) / np.sqrt(r["values"].size) / f


RUNS = {  # (N, eta): seeds
    (600, 0.08): pick(8, 400),
    (850, 0.0566): pick(2, 400),
    (1200, 0.04): pick(3, 240),
}
MIN_SEEDS = 8  # statistical bounds are asserted for runs of at least 8 seeds (with fewer, the
#               standard error itself is not estimated: at small size only the N = 600 run)
ed = {key: run(*key, seeds) for key, seeds in RUNS.items()}
rows = []
for (size, eta), runs in ed.items():
    for label, case, r in zip(LABELS, CASES, runs):
        dev, se = deviation(r, case)
        rows.append((size, eta, label, r["values"].size, f"{100 * dev:+.2f} +- {100 * se:.2f} %"))
table(rows, ["N", "eta", "case", "seeds", "ED / Eq. 82 - 1"])
print(f"CPU time so far: {time.process_time() - started:.0f} s")
# Full size (400, 400, 240 seeds), the documented numbers (docs/validation.md):
# N = 600, eta = 0.08:   +0.18 +- 0.82, +2.08 +- 0.79, +3.71 +- 0.58 %
# N = 850, eta = 0.0566: -1.35 +- 0.79, +0.95 +- 0.80, +3.69 +- 0.63 %
# N = 1200, eta = 0.04:  -1.58 +- 1.00, +0.20 +- 0.98, +5.18 +- 0.80 %
test_size = ed[(600, 0.08)]
for case, r in zip(CASES, test_size):
    dev, se = deviation(r, case)
    assert se < pick(0.12, 0.01), se  # per-seed spread about 16 % of the formula
    assert abs(dev) < 4 * se + 0.06, (dev, se)  # loose: Eq. 82 within a few per cent and 4 standard errors

# %% [markdown]
# ## 3. The weak-disorder ladder at two energies: the smearing
# S(E1, E2) = (1/N) <Tr[sigma^x delta(E1 - H) sigma^x delta(E2 - H)]> from the Born Green's functions
# of the chain, G_s(k, z) = 1/(z + s M - eps_k - Sigma_s) with the self-consistent Born
# Sigma_up = (Gamma_0 + Gamma_par) g_up + Gamma_perp g_down (x-only transverse disorder), and the
# ladder of the transverse channel. Its rung maps sigma^+ to (Gamma_0 - Gamma_par) sigma^+ +
# Gamma_perp sigma^-: the x-only transverse component mixes sigma^+ and sigma^- (for isotropic x, y
# components the two would cancel), a 2 x 2 ladder. With delta = -(1/2 pi i) sum_b b G^b
# (b = +1 retarded, -1 advanced), S = -(1/4 pi^2) Re sum_{a,b} a b [lambda^+ A + lambda^- B], with
# A = (1/N) sum_k G1_up G2_down, B = (1/N) sum_k G1_down G2_up in closed form
# ((1/N) sum_k 1/(z - eps_k) = 1/sqrt(z^2 - 4)) and (lambda^+, lambda^-) the dressed vertices.
# At E1 = E2 = E, pi M^2 S is Eq. 82 up to higher orders in Gamma/M.
#
# The ED measures S smeared by the Gaussians in both energies; the ladder predicts that
# smearing: X_eta = int dE1 dE2 g_eta(E - E1) g_eta(E - E2) S(E1, E2) (Gauss-Hermite), against
# Eq. 82 at the likewise smeared Born DOS nu_eta. The curvature of S in E1 - E2 (its scale M, the
# distance of the spin bands) gives a relative excess of order eta^2 / M^2; by commutator identities the
# leading order is eta^2 / M^2 for transverse impurities and (3/2) eta^2 / M^2 - (eta^2 / M)
# (nu_up'/nu_up - nu_dn'/nu_dn) for longitudinal ones.

# %%
def local_g(z):
    """(1/N) sum_k 1/(z - eps_k), eps_k = -2 cos k, on the branch of Im z."""
    z = np.asarray(z, dtype=complex)
    upper = z.imag >= 0
    zz = np.where(upper, z, np.conj(z))
    g = 1 / (np.sqrt(zz - 2) * np.sqrt(zz + 2))
    return np.where(upper, g, np.conj(g))


def born_z(e, case, iterations=50):
    """Retarded z_s = e + s M - Sigma_s (s = up, down) in the self-consistent Born approximation."""
    onsite, perp, par = case
    su = sd = np.zeros_like(e, dtype=complex)
    for _ in range(iterations):
        gu, gd = local_g(e + M - su + 1e-14j), local_g(e - M - sd + 1e-14j)
        su, sd = (onsite + par) * gu + perp * gd, (onsite + par) * gd + perp * gu
    return e + M - su, e - M - sd


def ladder_S(e1, e2, case):
    """S(E1, E2): the ladder-dressed two-energy bubble (1/N) <Tr[sigma^x delta(E1 - H) sigma^x delta(E2 - H)]>."""
    onsite, perp, par = case
    r, p = onsite - par, perp  # the rung: sigma^+- -> r sigma^+- + p sigma^-+
    (zu1, zd1), (zu2, zd2) = born_z(e1, case), born_z(e2, case)
    total = 0.0
    for a in (1, -1):      # the E2 line retarded / advanced
        for b in (1, -1):  # the E1 line
            z1u, z1d = (zu1, zd1) if b == 1 else (np.conj(zu1), np.conj(zd1))
            z2u, z2d = (zu2, zd2) if a == 1 else (np.conj(zu2), np.conj(zd2))
            A = (local_g(z2d) - local_g(z1u)) / (z1u - z2d)  # (1/N) sum_k G1_up G2_down
            B = (local_g(z2u) - local_g(z1d)) / (z1d - z2u)  # (1/N) sum_k G1_down G2_up
            # lambda+ = 1 + r A lambda+ + p B lambda-,  lambda- = 1 + r B lambda- + p A lambda+
            det = (1 - r * A) * (1 - r * B) - p * p * A * B
            total = total + a * b * (((1 - r * B) + p * B) / det * A + ((1 - r * A) + p * A) / det * B)
    return (-total / (4 * np.pi ** 2)).real


def hermite(width, centre=E, order=60):
    x, w = np.polynomial.hermite.hermgauss(order)
    return centre + np.sqrt(2) * width * x, w / np.sqrt(np.pi)


def smearing(eta, case):
    """The ladder's prediction of ED / Eq. 82 - 1 at Gaussian width eta (Eq. 82 at the smeared Born DOS)."""
    e, w = hermite(eta)
    X = np.pi * M ** 2 * w @ ladder_S(*np.meshgrid(e, e, indexing="ij"), case) @ w
    zu, zd = born_z(e, case)
    nu = (-w @ local_g(zu).imag / np.pi, -w @ local_g(zd).imag / np.pi)
    return X / formula(nu, case) - 1


def ladder_F(omega, eta_bar, case, order=40):
    """The ladder's pair spectrum: pi M^2 int dEbar g_{eta_bar}(E - Ebar) S(Ebar + omega/2, Ebar - omega/2)."""
    e, w = hermite(eta_bar, order=order)
    om, eb = np.meshgrid(omega, e, indexing="ij")
    return np.pi * M ** 2 * ladder_S(eb + om / 2, eb - om / 2, case) @ w


# %%
clean_nu = ct.spin_dos(E, M, 1)
slope_up, slope_dn = [(E + s * M) / (4 - (E + s * M) ** 2) for s in (1, -1)]  # nu'/nu of the chain
leading = {0: lambda eta: eta ** 2 / M ** 2,
           1: lambda eta: 1.5 * eta ** 2 / M ** 2 - eta ** 2 / M * (slope_up - slope_dn)}
ETAS = [eta for _, eta in RUNS]
smear = {(c, eta): smearing(eta, case) for c, case in enumerate(CASES) for eta in ETAS}
rows = []
for c, (label, case) in enumerate(zip(LABELS, CASES)):
    at_e = np.pi * M ** 2 * ladder_S(np.array(E), np.array(E), case) / formula(clean_nu, case) - 1
    rows.append((label, f"{at_e:+.1e}", *(f"{100 * smear[c, eta]:+.2f} %" for eta in ETAS),
                 f"{100 * leading[c](0.08):+.2f} %" if c in leading else "-",
                 f"{smear[c, 0.04] / smear[c, 0.08]:.3f}"))
    assert abs(at_e) < 2e-4, at_e  # measured -6e-6, -5e-5, -1.5e-4 (higher orders in Gamma/M)
    assert 0.22 < smear[c, 0.04] / smear[c, 0.08] < 0.26  # eta^2 (measured 0.242, 0.240, 0.239)
    if c in leading:
        assert abs(smear[c, 0.08] / leading[c](0.08) - 1) < 0.1  # measured 1.046, 1.045
table(rows, ["case", "ladder(E, E) / Eq. 82 - 1", *(f"smearing eta={eta:.3g}" for eta in ETAS),
             "O(eta^2) at 0.08", "ratio 0.04 / 0.08"])
# measured: smearing +1.86, +2.32, +2.08 % at eta = 0.08; +0.45, +0.56, +0.50 % at 0.04

# %% [markdown]
# ## 4. The ED resolved in omega: ladder away from omega = 0, discrete levels near it
# The pair spectrum F(omega) of section 2 against the ladder's (both divided by Eq. 82 at the ED's
# spin DOS). For 0.04 <= |omega| < 0.25 the ED follows the ladder (ratio of the weights below).
# Near omega = 0 the finite ring's discrete spectrum adds what no ladder has: eigenstates that mix
# spin have <n|sigma^x|n> != 0, a spike at omega = 0 (exactly none for longitudinal impurities,
# whose eigenstates have pure spin), and neighbouring levels repel, a dip at omega ~ level spacing.
# Their net weight I = int_{|omega| < 0.04} (F_ED - F_ladder) d omega / Eq. 82 enters the ED value as
# I g_{sqrt2 eta}(0) = I / (2 sqrt(pi) eta): it grows as 1/eta. I is measured at N = 1200
# (eta_bar = 0.04 / sqrt 2) and, as a check that it does not depend on N, at N = 600 (eta_bar = 0.08 / sqrt 2).

# %%
band = (np.abs(CENTRES) >= 0.04) & (np.abs(CENTRES) < OMEGA_MAX)
near = np.abs(CENTRES) < 0.04


def omega_resolved(size, eta, c):
    """Per-seed ratio ED / ladder of the band's weight, and the near-zero integral I (mean, standard error)."""
    r, case = ed[(size, eta)][c], CASES[c]
    f = formula(r["nu"].mean(0), case)
    theory = ladder_F(CENTRES, eta / np.sqrt(2), case)
    ratio = r["F"][:, band].sum(1) / theory[band].sum()
    integral = ((r["F"][:, near] - theory[near]) / f).sum(1) * BIN
    k = np.sqrt(ratio.size)
    return (ratio.mean(), ratio.std(ddof=1) / k), (integral.mean(), integral.std(ddof=1) / k), theory / f, r["F"] / f


near_zero = {}  # case -> I (mean, se) at N = 1200
rows = []
for c, label in enumerate(LABELS):
    (ratio, ratio_se), near_zero[c], _, _ = omega_resolved(1200, 0.04, c)
    _, integral_600, _, _ = omega_resolved(600, 0.08, c)
    f = formula(ed[(1200, 0.04)][c]["nu"].mean(0), CASES[c])
    scale = 1 / (2 * np.sqrt(np.pi) * 0.08)
    rows.append((label, f"{100 * (ratio - 1):+.1f} +- {100 * ratio_se:.1f} %",
                 f"{100 * near_zero[c][0] * scale:+.1f} +- {100 * near_zero[c][1] * scale:.1f} %",
                 f"{100 * integral_600[0] * scale:+.1f} +- {100 * integral_600[1] * scale:.1f} %",
                 f"{ed[(1200, 0.04)][c]['diagonal'].mean() / f:.2e}"))
    if RUNS[(1200, 0.04)] >= MIN_SEEDS:  # loose: the ladder within 4 standard errors + 3 %
        assert abs(ratio - 1) < 4 * ratio_se + 0.03, (ratio, ratio_se)
table(rows, ["case", "band 0.04-0.25: ED / ladder - 1 (N=1200)", "near-zero term at eta=0.08 (N=1200)",
             "same from N=600", "n = m weight / Eq. 82 (N=1200)"])
# Full size (240 seeds at N = 1200, 400 at N = 600): band +1.2 +- 0.8, +0.1 +- 0.8, +1.2 +- 0.6 %;
# near-zero term -1.2 +- 0.3, -0.0 +- 0.4, +2.0 +- 0.3 % (N = 1200), -1.0 +- 0.4, +0.3 +- 0.4, +1.9 +- 0.3 % (N = 600);
# n = m weight 3.2e-3, 1e-49, 6.2e-3
for c in (0, 2):  # spin-mixing impurities: a spike at omega = 0
    r = ed[(1200, 0.04)][c]
    assert r["diagonal"].mean() / formula(r["nu"].mean(0), CASES[c]) > 1e-3
assert all(r["diagonal"].max() < 1e-20 for r in (ed[key][1] for key in ed))  # longitudinal: pure spin, exactly none

# %% [markdown]
# ## 5. The budget
# The ED's deviation from Eq. 82 predicted as the ladder's smearing (section 3) plus the near-zero
# term (section 4, from N = 1200, scaled to each eta as 1/eta), against the measurement (section 2).
# For longitudinal impurities (no near-zero term) the deviation extrapolates in eta^2 to zero:
# a weighted fit a + b eta^2 over the three runs. Lowering eta at fixed eta N does not converge cases
# 1 and 3 (the near-zero term grows), so the test keeps eta = 0.08, where the budget is a few per cent.

# %%
rows = []
for (size, eta), runs in ed.items():
    for c, (label, case, r) in enumerate(zip(LABELS, CASES, runs)):
        dev, se = deviation(r, case)
        scale = 1 / (2 * np.sqrt(np.pi) * eta)
        nz, nz_se = near_zero[c][0] * scale, near_zero[c][1] * scale
        predicted = smear[c, eta] + nz
        rows.append((size, f"{eta:.4g}", label, f"{100 * smear[c, eta]:+.2f}", f"{100 * nz:+.2f}",
                     f"{100 * predicted:+.2f}", f"{100 * dev:+.2f} +- {100 * se:.2f}"))
        if r["values"].size >= MIN_SEEDS:  # loose: the budget within 4 standard errors (ED, near-zero integral)
            assert abs(dev - predicted) < 4 * np.hypot(se, nz_se), (size, c, dev, predicted, se, nz_se)
table(rows, ["N", "eta", "case", "smearing %", "near-zero %", "sum %", "ED / Eq. 82 - 1 %"])
# Full size (docs/validation.md): eta = 0.08 sum +0.62, +2.31, +4.11 % (measured +0.18, +2.08, +3.71);
# eta = 0.0566 sum -0.84, +1.12, +3.87 % (measured -1.35, +0.95, +3.69);
# eta = 0.04 sum -2.03, +0.55, +4.54 % (measured -1.58, +0.20, +5.18)

x = np.array(ETAS) ** 2
dev2 = np.array([deviation(ed[key][1], CASES[1]) for key in ed])
A = np.vstack([np.ones_like(x), x]).T / dev2[:, 1:]
cov = np.linalg.inv(A.T @ A)
a, b = cov @ (A.T @ (dev2[:, 0] / dev2[:, 1]))
print(f"case 2, fit a + b eta^2: a = {100 * a:+.2f} +- {100 * np.sqrt(cov[0, 0]):.2f} %, "
      f"b 0.08^2 = {100 * b * 0.0064:+.2f} +- {100 * np.sqrt(cov[1, 1]) * 0.0064:.2f} % "
      f"(ladder smearing at 0.08: {100 * smear[1, 0.08]:+.2f} %)")
# full size: a = -0.34 +- 1.11 %, b 0.08^2 = +2.44 +- 1.59 %
if min(RUNS.values()) >= MIN_SEEDS:
    assert abs(a) < 4 * np.sqrt(cov[0, 0])  # loose: no deviation left at eta -> 0
if FULL:  # 400 seeds resolve the systematic of case 3 (6 standard errors)
    dev3, se3 = deviation(ed[(600, 0.08)][2], CASES[2])
    assert dev3 > 3 * se3, (dev3, se3)

# %%
fig = Figure(figsize=(10, 3.8))
ax1, ax2 = fig.subplots(1, 2)
for c, (label, marker) in enumerate(zip(LABELS, "o^s")):
    _, _, theory, measured = omega_resolved(1200, 0.04, c)
    line, = ax1.plot(CENTRES, measured.mean(0) + 0.5 * c, marker, ms=3, label=f"case {label} (+{0.5 * c:g})")
    ax1.plot(CENTRES, theory + 0.5 * c, "-", color=line.get_color())
ax1.set(xlabel="omega = E_n - E_m", ylabel="F(omega) / Eq. 82",
        title=f"pair spectrum, N = 1200, {RUNS[(1200, 0.04)]} seeds (lines: ladder)")
ax1.legend(fontsize=7, loc="upper left")
eta_line = np.linspace(0.03, 0.09, 7)
for c, (label, marker) in enumerate(zip(LABELS, "o^s")):
    pts = [deviation(ed[key][c], CASES[c]) for key in ed]
    line = ax2.errorbar(x, [100 * p[0] for p in pts], [100 * p[1] for p in pts], fmt=marker, label=f"ED, case {label}")
    budget = [smearing(eta, CASES[c]) + near_zero[c][0] / (2 * np.sqrt(np.pi) * eta) for eta in eta_line]
    ax2.plot(eta_line ** 2, 100 * np.array(budget), "-", color=line[0].get_color())
ax2.axhline(0, color="k", lw=0.8)
ax2.set(xlabel="eta^2 (eta N = 48)", ylabel="ED / Eq. 82 - 1 [%]", title="lines: smearing + near-zero term")
ax2.legend(fontsize=7)
save(fig, "ed_damping")
print(f"CPU time: {time.process_time() - started:.0f} s")
