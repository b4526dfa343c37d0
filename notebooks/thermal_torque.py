# %% [markdown]
# # Thermal spin torques (seed 004): the Mott limit, Nernst, beta_T in closed and open circuits
#
# Leads at T +- dT/2, both at mu (``drive="thermal"``, per unit dT, screened: every site neutral).
# Seed 004's Mott formula (Eq. 66) says t_th = (pi^2/3) T^2 dt_el/deps_F per unit grad T / T; per
# unit dT on the lattice, thermal / ((pi^2/3) T) -> dF/dE with F the field-driven response.
# The lattice finds (docs/physics.md section 14) that, exactly as T -> 0,
#
#     thermal / ((pi^2/3) T) -> G = F' + D,
#
# where D is the energy derivative of the Fermi sea's screening that the field drive contains and
# a temperature difference does not: the torque of the local temperature's effect on the
# conduction electrons' exchange stiffness at fixed density (an equilibrium force on the wall).
# It enters B (beta_T), not A.  Seed 004's subtraction of equilibrium torques (Sec. VI) removes it
# together with the divergent c-term of Eq. 46.
#
# Chain M = 0.5, E_F = -0.8, Gamma_0 = 0.05 and Gamma_perp = Gamma_par = 0.005 unless stated.

# %%
import numpy as np

import spintex as st
from spintex.thermal import energy_resolved, exchange_stiffness, mott_terms, thermal_response
from _common import Figure, log_x, pick, save, table

M, MU = 0.5, -0.8
DIS = st.Disorder(onsite=0.05, magnetic=(0.005, 0.005))
PI2_3 = np.pi**2 / 3


def wall(lam, length=10):
    L = length * lam + 1
    return st.Model(st.lattice.chain(L), exchange=M, texture=st.textures.neel_wall(L // 2, lam))


def coefficients(model, torque):
    fit = st.fit_torque(model, torque)
    return np.array([fit.adiabatic, fit.nonadiabatic])


# %% [markdown]
# ## 1. Mott limit and Nernst: A_T, B_T against T

# %%
lam = pick(12, 50)
m = wall(lam)
mt = mott_terms(m, MU, disorder=DIS)
G, F, D = (coefficients(m, x.torque) for x in (mt.fermi_surface, mt.field_derivative, mt.stiffness))
rows = []
temps = pick([0.00125, 0.0025, 0.005], [0.00125, 0.0025, 0.005, 0.01, 0.02])
for T in temps:
    th = coefficients(m, thermal_response(m, MU, temperature=T, disorder=DIS).torque)
    rows.append((T, th[0], th[1], th[0] / (PI2_3 * T * G[0]) - 1, th[1] / (PI2_3 * T * G[1]) - 1,
                 th[1] / (PI2_3 * T * F[1]) - 1))
table(rows, ["k_B T", "A_T", "B_T", "A_T/Mott(G) - 1", "B_T/Mott(G) - 1", "B_T/Mott(F') - 1"])
dev = np.array([[r[3], r[4]] for r in rows])
assert np.abs(dev[temps.index(0.005)]).max() < 1e-3  # the Mott limit G
# the approach is (7 pi^2/30) T^2 F'''/F' + O(T^4): each doubling of T (up to 0.005) multiplies the
# deviation by 4, or more where F''' is small and the T^4 term still counts (A: ~6 on this wall)
low = [k for k, t in enumerate(temps) if t <= 0.005]
ratio = dev[low[1:]] / dev[low[:-1]]
assert np.all((3.3 < ratio) & (ratio < 8))
assert all(abs(r[1]) < PI2_3 * r[0] * abs(G[0]) * 1.01 for r in rows)  # Nernst: A_T -> 0 like T
print(f"lambda = {lam}: D / G = {D[1] / G[1]:.4f} of B, {D[0] / G[0]:.1e} of A; field-drive Mott misses it")
fig = Figure(figsize=(10, 3.5))
ax1, ax2 = fig.subplots(1, 2)
T = np.array(temps)
ax1.plot(T, [r[2] for r in rows], "o-", label="B_T (lattice)")
ax1.plot(T, PI2_3 * T * G[1], "k--", label="(pi^2/3) T G_B")
ax1.plot(T, PI2_3 * T * F[1], "r:", label="(pi^2/3) T dB/dE (field drive)")
ax1.set(xlabel="k_B T [t]", ylabel="B_T per unit dT", title=f"Nernst: B_T -> 0 (lambda = {lam})")
ax1.legend(fontsize=8)
ax2.loglog(T, np.abs(dev[:, 0]), "o-", label="A_T")
ax2.loglog(T, np.abs(dev[:, 1]), "s-", label="B_T")
ax2.loglog(T, np.abs(dev[0, 1]) * (T / T[0]) ** 2, "k:", label="~ T^2")
ax2.set(xlabel="k_B T [t]", ylabel="|thermal / ((pi^2/3) T G) - 1|", title="Sommerfeld corrections")
log_x(ax2, temps)
ax2.legend(fontsize=8)
save(fig, "thermal_mott")

# %% [markdown]
# ## 2. The stiffness term D: its size against lambda and its gradient expansion
# D ~ d_x[K u(x) n x d_x n] with K = c'' - c' nu'/nu, c the electrons' exchange stiffness
# (t_eq = c n x d_x^2 n, seed 004 Eq. 48), nu = dn/dmu, u the field drive's screening potential.

# %%
from spintex.analysis import texture_derivative  # noqa: E402
from spintex.sea import FermiSea  # noqa: E402


def local_D(model, u, d=0.01):
    c = [exchange_stiffness(model, MU + k * d, disorder=DIS) for k in (-1, 0, 1)]
    mid = model.lattice.num_sites // 2
    nu = [FermiSea(model, MU + k * d, DIS).compressibility[mid] for k in (-1, 0, 1)]
    K = (c[2] - 2 * c[1] + c[0]) / d**2 - (c[2] - c[0]) / (2 * d) * (nu[2] - nu[0]) / (2 * d) / nu[1]
    n, dn = model.texture_vectors, texture_derivative(model)
    return np.gradient(K * u[:, None] * np.cross(n, dn), axis=0), c[1], K


rows_d = []
for lam_d in pick([6, 12], [6, 12, 20, 40]):
    md = wall(lam_d)
    mtd = mott_terms(md, MU, disorder=DIS)
    Gd, Fd, Dd = (coefficients(md, x.torque) for x in (mtd.fermi_surface, mtd.field_derivative, mtd.stiffness))
    u = st.linear_response(md, MU, disorder=DIS, drive="field").screening_potential
    loc, c, K = local_D(md, u)
    rows_d.append((lam_d, Dd[1] / Gd[1], coefficients(md, loc)[1] / Dd[1] - 1, c, K))
table(rows_d, ["lambda", "D_B / G_B", "local/exact - 1", "stiffness c", "K = c'' - c' nu'/nu"])
assert abs(rows_d[-1][2]) < abs(rows_d[0][2])  # the gradient expansion improves as the wall widens

# %% [markdown]
# ## 3. No spin relaxation (Gamma_perp = Gamma_par = 0): beta_T against lambda, and seed 004 Eq. 46
# The seeds' non-equilibrium beta_T (F' part) falls like 1/lambda (momentum transfer of a finite
# wall only).  The lattice's total keeps D/A, finite as lambda grows and as T -> 0.  Eq. 46's
# unsubtracted c-term adds c (n x d_x n) dT/dx / T: B_46 = c u' / T per unit dT (u' the slope of
# the temperature profile at the wall), so beta_T(Eq. 46) diverges like 1/T^2.

# %%
clean_spin = st.Disorder(onsite=0.05)
rows_n = []
for lam_n in pick([10, 20], [10, 20, 40, 80]):
    mn = wall(lam_n)
    mtn = mott_terms(mn, MU, disorder=clean_spin)
    Gn, Fn = coefficients(mn, mtn.fermi_surface.torque), coefficients(mn, mtn.field_derivative.torque)
    u = st.linear_response(mn, MU, disorder=clean_spin, drive="field").screening_potential
    mid = mn.lattice.num_sites // 2
    slope = np.polyfit(np.arange(mid - lam_n, mid + lam_n + 1), u[mid - lam_n:mid + lam_n + 1], 1)[0]
    c = exchange_stiffness(mn, MU, disorder=clean_spin)
    eq46 = {T: (PI2_3 * T * Fn[1] + c * slope / T) / (PI2_3 * T * Fn[0]) for T in (0.005, 0.01, 0.02)}
    rows_n.append((lam_n, Gn[1] / Gn[0], Fn[1] / Fn[0], (Gn[1] - Fn[1]) / Gn[0], eq46[0.005], eq46[0.01],
                   eq46[0.02]))
table(rows_n, ["lambda", "beta_T lattice", "F' part", "D part", "Eq.46 T=0.005", "Eq.46 T=0.01", "Eq.46 T=0.02"])
fpart = np.array([r[2] for r in rows_n])
assert np.all(np.abs(fpart[1:] / fpart[:-1] - 0.5) < 0.1)  # F' part ~ 1/lambda
assert all(abs(r[4]) > 20 * abs(r[1]) for r in rows_n)  # Eq. 46 is far off, and grows as T falls
assert all(abs(r[4]) > 3 * abs(r[5]) for r in rows_n)

# %% [markdown]
# ## 4. beta_T in closed and open circuits against Eqs. 72 and 74
# Inputs: the lattice's energy-resolved sigma_s, sigma_c, beta (``energy_resolved``) and the
# continuum two-current model with the chain band (``continuum.thermal_coefficients``).

# %%
h = 2e-3
cont = st.continuum.thermal_coefficients(MU, M, 1, onsite=0.05, magnetic=(0.005, 0.005))
c72 = st.continuum.thermal_beta(cont["sigma_s"], cont["dsigma_s"], cont["beta"], cont["dbeta"])
c74 = st.continuum.thermal_beta(cont["sigma_s"], cont["dsigma_s"], cont["beta"], cont["dbeta"], circuit="open",
                                sigma_c=cont["sigma_c"], dsigma_c=cont["dsigma_c"])
rows_c = []
for lam_c in pick([20], [20, 50, 100]):
    mc = wall(lam_c)
    er = energy_resolved(mc, [MU - h, MU, MU + h], disorder=DIS)
    d = lambda a: (a[2] - a[0]) / (2 * h)  # noqa: E731
    l72 = st.continuum.thermal_beta(er.sigma_s[1], d(er.sigma_s), er.beta[1], d(er.beta))
    l74 = st.continuum.thermal_beta(er.sigma_s[1], d(er.sigma_s), er.beta[1], d(er.beta), circuit="open",
                                    sigma_c=er.sigma_c[1], dsigma_c=d(er.sigma_c))
    Dc = mott_terms(mc, MU, disorder=DIS).stiffness.torque
    T = 0.005
    out = {}
    for circuit in ("closed", "open"):
        th = thermal_response(mc, MU, temperature=T, disorder=DIS, circuit=circuit)
        full, sub = coefficients(mc, th.torque), coefficients(mc, th.torque - PI2_3 * T * Dc)
        out[circuit] = (full[1] / full[0], sub[1] / sub[0], th.seebeck)
        if circuit == "closed":  # the thermoelectric spin current in the left domain, along n
            b, n_b = mc.lattice.num_sites // 4, mc.texture_vectors[mc.lattice.num_sites // 4]
            js_T = th.spin_current[b] @ n_b / (PI2_3 * T)
            js_F = d([r.spin_current[b] @ n_b for r in er.responses])
            print(f"lambda = {lam_c}: j_s^T / ((pi^2/3) T) = {js_T:.6g}, d j_s(field)/dE = {js_F:.6g} "
                  f"(ratio {js_T / js_F:.5f}); spin Seebeck S_s/T = (pi^2/3) sigma_s'/sigma_s = "
                  f"{PI2_3 * d(er.sigma_s) / er.sigma_s[1]:.4f} (lattice), "
                  f"{PI2_3 * cont['dsigma_s'] / cont['sigma_s']:.4f} (continuum)")
            assert abs(js_T / js_F - 1) < 1e-3  # no stiffness term in a uniform domain
    rows_c.append((lam_c, out["closed"][0], out["closed"][1], l72, c72, out["open"][0], out["open"][1], l74, c74,
                   out["open"][2]))
table(rows_c, ["lambda", "closed", "closed - D", "Eq.72 lat", "Eq.72 cont", "open", "open - D", "Eq.74 lat",
               "Eq.74 cont", "dmu/dT"])
assert all(abs(r[6] / r[7] - 1) < 5e-3 for r in rows_c)  # open circuit, D removed: Eq. 74 (lattice inputs)
assert all(abs(r[2] / r[3] - 1) < 0.02 for r in rows_c)  # closed: Eq. 72 up to the field's energy dependence
fig = Figure(figsize=(6, 3.5))
ax = fig.subplots()
lams = [r[0] for r in rows_c]
ax.plot(lams, [r[1] for r in rows_c], "o-", label="closed (lattice)")
ax.plot(lams, [r[2] for r in rows_c], "o--", label="closed - D")
ax.plot(lams, [r[5] for r in rows_c], "s-", label="open (lattice)")
ax.plot(lams, [r[6] for r in rows_c], "s--", label="open - D")
ax.axhline(c72, color="k", ls=":", label="Eq. 72 (continuum)")
ax.axhline(c74, color="gray", ls=":", label="Eq. 74 (continuum)")
ax.set(xlabel="lambda [a]", ylabel="beta_T", title="thermal beta, closed and open circuits")
ax.legend(fontsize=7)
save(fig, "thermal_beta")

# %% [markdown]
# ## 5. A 3D wire: bar 3 x 3, SCBA (Gamma_0 = 0.1, Gamma_perp = Gamma_par = 0.01), E_F = -2.7
# E_F sits between two lead subband thresholds (-2.91 and -2.5).  The short bar's responses vary
# with energy on a scale of ~0.04 t (Fabry-Perot resonances of a few-channel wire, broadened by
# the disorder), so the Sommerfeld corrections are large: the Mott limit is reached at lower T
# than on the chain.  The stiffness term has the opposite sign here: it depends on the band.

# %%
lam_b = pick(4, 6)
Lb = 10 * lam_b + 1
mb = st.Model(st.lattice.bar(Lb, 3, 3), exchange=M, texture=st.textures.neel_wall(Lb // 2, lam_b))
dis_b = st.Disorder(onsite=0.1, magnetic=(0.01, 0.01))
mtb = mott_terms(mb, -2.7, disorder=dis_b)
Gb, Db = coefficients(mb, mtb.fermi_surface.torque), coefficients(mb, mtb.stiffness.torque)
rows_b = []
for T in pick([0.00125, 0.0025], [0.000625, 0.00125, 0.0025, 0.005]):
    th = coefficients(mb, thermal_response(mb, -2.7, temperature=T, disorder=dis_b).torque) / (PI2_3 * T)
    rows_b.append((T, th[0] / Gb[0] - 1, th[1] / Gb[1] - 1))
table(rows_b, ["k_B T", "A_T/Mott(G) - 1", "B_T/Mott(G) - 1"])
print(f"bar 3x3, lambda = {lam_b}: D / G = {Db[1] / Gb[1]:.3f} of B, beta_T = {Gb[1] / Gb[0]:.4f}")
devb = np.array([r[1] for r in rows_b])
assert abs(devb[0]) < 0.01
assert np.all((3.3 < devb[1:] / devb[:-1]) & (devb[1:] / devb[:-1] < 8))
