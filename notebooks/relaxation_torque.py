# %% [markdown]
# # Spin relaxation torque of spin-orbit impurities (seed 002 Eqs. 22-23)
#
# A uniform ferromagnet (n along the wire, x, or across it, z) with spin-orbit impurities
# (Gamma_so) and non-magnetic disorder whose variance has a smooth bump in the middle of the
# wire: the resistivity, hence the field E(x) = -d mu_loc/dx that drives the lead current, varies
# smoothly there.  Seed 002 predicts a local relaxation torque T^z = gamma div E + dgamma d_z E_z
# with dgamma = gamma / 3, i.e. a coefficient gamma + dgamma of dE/dx for n || x and gamma for
# n _|_ x.  On the lattice (SCBA with ladders, periodic cross-section) the relaxation source of
# the n-spin per site, R(x) (exact local balance: the divergence of the lattice spin current),
# is fitted as R = a dE/dx + b s_n + b' mu_loc + c: the last terms describe the relaxation of the
# spin accumulation the contacts inject (Valet-Fert), which the seed's Eq. 44 keeps separate.
# The fitted a is compared with Eq. 23 (continuum band-bottom form, rough at this filling).

# %%
import numpy as np

import spintex as st
from _common import Figure, pick, save, table

L, W = pick((40, 4), (60, 8))
E, M, G0, GSO, BUMP, WIDTH = -4.0, 0.5, 0.3, 0.05, 1.0, 6.0
lat = st.lattice.bar(L, W, W, periodic=True)
x = lat.positions[:, 0]
profile = G0 * (1 + BUMP * np.exp(-0.5 * ((x - (L - 1) / 2) / WIDTH) ** 2))
disorder = st.Disorder(onsite=profile, soc=GSO)


def run(n):
    m = st.Model(lat, exchange=M, texture=n)
    r = st.linear_response(m, E, disorder=disorder)
    g_source, g_drain = r.lead_conductances
    assert abs(g_source - g_drain) < 1e-6 * g_drain  # conserving SCBA
    nv = np.asarray(n, float)
    mu = np.array([r.local_chemical_potential[s].mean() for s in lat.slices])
    s_n = np.array([(r.spin_density[s] @ nv).mean() for s in lat.slices])
    R = r.relaxation_source @ nv / (W * W)
    field = -np.gradient(mu)
    dE = np.gradient(field)
    inner = slice(6, L - 6)
    basis = np.stack([dE, s_n, mu, np.ones(L)], 1)[inner]
    coef = np.linalg.lstsq(basis, R[inner], rcond=None)[0]
    without = np.linalg.lstsq(basis[:, 1:], R[inner], rcond=None)[0]
    resid = np.linalg.norm(R[inner] - basis @ coef) / np.linalg.norm(R[inner])
    resid0 = np.linalg.norm(R[inner] - basis[:, 1:] @ without) / np.linalg.norm(R[inner])
    return dict(a=coef[0], resid=resid, resid0=resid0, R=R, dE=dE, fit=basis @ coef, inner=inner, g=g_drain)


# Eq. 23 with the Born lifetimes (non-magnetic + spin-orbit) at the mean Gamma_0 of the bump region
nu = st.continuum.spin_dos(E, M, 3)
born = st.continuum.born_broadening(*nu, onsite=G0 * (1 + BUMP / 2))
soc = st.continuum.soc_born_rates(E, M, 3, GSO)
tau = [1 / (2 * (born[i] + soc[i])) for i in (0, 1)]
gamma, dgamma = st.continuum.soc_relaxation_torque(E, M, GSO, *tau)

par, perp = run((1.0, 0.0, 0.0)), run((0.0, 0.0, 1.0))
rows = [("n || x", par["a"], float(gamma + dgamma), par["resid"], par["resid0"]),
        ("n _|_ x", perp["a"], float(gamma), perp["resid"], perp["resid0"])]
table(rows, ["magnetization", "a (lattice fit)", "Eq. 23 coefficient", "fit residual", "without dE term"])
print(f"a_par / a_perp - 1 = {par['a'] / perp['a'] - 1:.3g}   (seed: dgamma/gamma = 1/3)")
print(f"|a| / |gamma (Eq. 23)| = {abs(par['a']) / abs(gamma):.3g}, {abs(perp['a']) / abs(gamma):.3g}")

fig = Figure(figsize=(6, 3.5))
ax = fig.subplots()
xs = np.arange(L)
for res, label in ((par, "n || x"), (perp, "n _|_ x")):
    ax.plot(xs, res["R"], "o", ms=3, label=f"R, {label}")
    ax.plot(xs[res["inner"]], res["fit"], "-", lw=1)
ax.plot(xs, gamma * par["dE"], "k--", lw=0.8, label="gamma (Eq. 23) x dE/dx")
ax.set(xlabel="slice", ylabel="relaxation source per site", title="spin relaxation, SOC impurities")
ax.legend(fontsize=7)
save(fig, "relaxation_torque")
