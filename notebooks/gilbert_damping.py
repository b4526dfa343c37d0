# %% [markdown]
# # Gilbert damping from magnetic impurities (seed 001 Eq. 82)
#
# Kubo-Bastin Fermi-surface formula in the SCBA with RA and RR ladders (spintex.damping);
# the derived form is `alpha = pi [2 G_par nu_up nu_dn + G_perp (nu_up^2 + nu_dn^2)]` (damping
# torque per site per unit dn/dt). We show the approach to the bulk value as the wire grows
# (leads add spin pumping at the ends), the ratio longitudinal/transverse and the effect of the
# vertex corrections.

# %%

import warnings

import spintex as st
from _common import Figure, log_x, pick, save, table

M, E = 0.5, -1.0
nu = st.continuum.spin_dos(E, M, 1)

# %%
lengths = pick([500, 2000], [250, 500, 1000, 2000, 4000, 8000])
cases = {"perp": (0.005, 0.0), "par": (0.0, 0.005), "G0 only": (0.0, 0.0)}
rows = []
results = {k: [] for k in cases}
for L in lengths:
    m = st.Model(st.lattice.chain(L), exchange=M)
    for k, mag in cases.items():
        d = st.Disorder(onsite=0.02 if k == "G0 only" else 0.0, magnetic=mag)
        with warnings.catch_warnings():
            if k == "G0 only":  # spin-conserving: spintex warns that the bulk value is 0; the column shows it
                warnings.simplefilter("ignore", UserWarning)
            a = st.gilbert_damping(m, E, disorder=d)
        results[k].append(a)
    f_perp = st.continuum.gilbert_damping(*nu, magnetic=cases["perp"])
    f_par = st.continuum.gilbert_damping(*nu, magnetic=cases["par"])
    rows.append((L, results["perp"][-1] / f_perp, results["par"][-1] / f_par,
                 results["par"][-1] / results["perp"][-1], results["G0 only"][-1]))
table(rows, ["L", "alpha_perp/formula", "alpha_par/formula", "par/perp", "alpha(G0 only)"])
for L, perp, par, ratio, _ in rows:
    if L >= 2000:  # bulk value reached (wire >> mean free path ~ 300)
        assert abs(perp - 1) < 0.01 and abs(par - 1) < 0.015, (L, perp, par)
        assert abs(ratio - 0.9315) < 0.01, (L, ratio)
print("expected par/perp = 2 nu_up nu_dn/(nu_up^2 + nu_dn^2) =", 2 * nu[0] * nu[1] / (nu[0] ** 2 + nu[1] ** 2))

# %%
m = st.Model(st.lattice.chain(lengths[-1]), exchange=M)
d = st.Disorder(onsite=0.02)
bare = st.gilbert_damping(m, E, disorder=d, vertex_corrections=False)
with warnings.catch_warnings(record=True) as caught:  # spin is conserved: the dressed bulk value is 0
    warnings.simplefilter("always")
    dressed = st.gilbert_damping(m, E, disorder=d)
print(f"non-magnetic disorder: bare bubble alpha = {bare:.4g} "
      f"(formula {st.continuum.gilbert_damping(*nu, magnetic=(0, 0), onsite=0.02, vertex_corrections=False):.4g}); "
      f"with vertex corrections {dressed:.3g} (spintex warns: {len(caught)} warning)")

fig = Figure(figsize=(5, 3.5))
ax = fig.subplots()
ax.plot(lengths, [r[1] for r in rows], "o-", label="transverse impurities")
ax.plot(lengths, [r[2] for r in rows], "s-", label="longitudinal impurities")
log_x(ax, lengths)
ax.axhline(1, color="k", lw=0.8)
ax.set(xlabel="wire length L [a] (l ~ 300 a)", ylabel="alpha / formula", title="Gilbert damping, M = 0.5 t")
ax.legend()
save(fig, "gilbert_damping")

# %% [markdown]
# ## Spin-orbit impurities in the bulk (no seed formula)
# ``BulkSCBA.gilbert_damping``: the SCBA with the RA and RR ladders on the infinite cubic lattice
# (docs/physics.md section 21), against the leading order derived there,
# ``st.continuum.soc_gilbert_damping`` = 2 pi Gamma_so (m_up + m_dn)^2, at E_F = -4, M = 1,
# Gamma_so = 0.01 Gamma_0: the ratio tends to 1 linearly in Gamma_0 / M.  That linear part is the
# SCBA's real self-energy shifting the bands: the same formula at ``BulkSCBA.renormalized_bands()``
# (E_F and M shifted by Re Sigma) is off by about Gamma_0^2.

# %%
rows = []
for g0, N in pick([(2.0, 32), (1.0, 48)], [(2.0, 48), (1.0, 64), (0.5, 96), (0.25, 192)]):
    bulk = st.bulk.BulkSCBA(-4.0, 1.0, (0, 0, 1), g0, 0.01 * g0, grid=(N, N, N), octant=True)
    alpha = bulk.gilbert_damping()
    rows.append((g0, N, alpha, alpha / st.continuum.soc_gilbert_damping(-4.0, 1.0, 0.01 * g0),
                 alpha / st.continuum.soc_gilbert_damping(*bulk.renormalized_bands(), 0.01 * g0)))
table(rows, ["Gamma_0", "grid", "alpha", "alpha / leading order", "idem at the shifted bands"])
dev = [r[3] - 1 for r in rows]
assert all(0.45 < b / a < 0.6 for a, b in zip(dev, dev[1:])), dev   # measured 0.55, 0.51, 0.51
print("Richardson (last two):", 2 * rows[-1][3] - rows[-2][3])
shifted = [abs(r[4] - 1) for r in rows]
assert all(s < 0.12 * d for s, d in zip(shifted, dev)), (shifted, dev)   # 0.1x at Gamma_0 = 2, 0.004x at 0.25
