# %% [markdown]
# # beta from magnetic impurities (seed 000 Eq. 94)
#
# Chain, Neel wall of width lambda, SCBA with ladder vertex corrections, linear response from the
# left lead. The torque is fitted as `T = A d_x n + B n x d_x n + c T_acc` where `T_acc` is the
# torque of the local chemical-potential drop of a diffusive wire (disorder.accumulation_fields;
# c comes out 1). The seed formula `beta = (pi/M)(G_perp + G_par)(nu_up + nu_down)` holds for
# gamma << M << E_F and lambda >> l. We show the approach in lambda and in M.

# %%
import numpy as np

import spintex as st
from _common import Figure, log_x, pick, save, table

E = -1.0


def beta(M, g0, gm, width):
    L = int(12 * width)
    m = st.Model(st.lattice.chain(L), exchange=M, texture=st.textures.neel_wall(L / 2, width))
    r = st.linear_response(m, E, disorder=st.Disorder(onsite=g0, magnetic=(gm, gm)))
    fit = st.fit_torque(m, r.torque, extra=[r.accumulation_torque])
    two_term = st.fit_torque(m, r.torque)
    formula = st.continuum.beta_spin_flip(*st.continuum.spin_dos(E, M, 1), M, magnetic=(gm, gm))
    return fit.beta, two_term.beta, formula


# %% [markdown]
# ## Approach in the wall width (M = 0.25, Gamma_m = 0.01: mean free path ~ 45)

# %%
widths = pick([25, 50, 100], [12, 25, 50, 100, 200, 400])
rows = []
for w in widths:
    b3, b2, f = beta(0.25, 0.0, 0.01, w)
    rows.append((w, b3, b2, f, b3 / f))
table(rows, ["lambda", "beta (3-term)", "beta (2-term)", "Eq. 94", "ratio"])
fig = Figure(figsize=(9, 3.5))
ax1, ax2 = fig.subplots(1, 2)
ax1.plot(widths, [r[4] for r in rows], "o-", label="3-term fit")
ax1.plot(widths, [r[2] / r[3] for r in rows], "s--", label="2-term fit")
log_x(ax1, widths)
ax1.axhline(1, color="k", lw=0.8)
ax1.set(xlabel="wall width lambda [a]", ylabel="beta / Eq. 94", title="M = 0.25 t, E_F = -1 t")
ax1.legend()

# %% [markdown]
# ## Approach in M (gamma/M fixed): the O((M/E_F)^2) band correction vanishes

# %%
def mean_free_path(M, gm):
    nu = st.continuum.spin_dos(E, M, 1)
    gamma = max(st.continuum.born_broadening(*nu, magnetic=(gm, gm)))
    return np.sqrt(4 - (E + M) ** 2) / (2 * gamma)


Ms = pick([0.5, 0.25], [0.5, 0.35, 0.25, 0.18, 0.125])
rows_m = []
for M in Ms:
    b3, _, f = beta(M, 0.0, 0.04 * M, max(100, 4 * mean_free_path(M, 0.04 * M)))
    rows_m.append((M, b3, f, b3 / f))
table(rows_m, ["M", "beta", "Eq. 94", "ratio"])
ax2.plot([r[0] for r in rows_m], [r[3] for r in rows_m], "o-")
ax2.axhline(1, color="k", lw=0.8)
ax2.set(xlabel="exchange M [t]", ylabel="beta / Eq. 94", title="Gamma_m = 0.04 M, lambda >> l")
save(fig, "beta_magnetic_impurities")

# %% [markdown]
# ## Approach in M/gamma (fixed M = 0.25; the wall stays 2-4 mean free paths wide)

# %%
rows_g = []
for gm in pick([0.02, 0.01], [0.04, 0.02, 0.01, 0.005, 0.0025]):
    gamma = max(st.continuum.born_broadening(*st.continuum.spin_dos(E, 0.25, 1), magnetic=(gm, gm)))
    b3, _, f = beta(0.25, 0.0, gm, max(100, 3 * mean_free_path(0.25, gm)))
    rows_g.append((gm, 0.25 / gamma, b3, f, b3 / f))
table(rows_g, ["Gamma_m", "M/gamma", "beta", "Eq. 94", "ratio"])

# %% [markdown]
# ## Proportional to Gamma_m, insensitive to Gamma_0 (small M), zero without magnetic impurities

# %%
b_a, _, _ = beta(0.25, 0.0, 0.01, 100)
b_b, _, _ = beta(0.25, 0.0, 0.005, 140)
b_c, _, _ = beta(0.25, 0.02, 0.01, 100)
print(f"beta(Gm/2)/beta(Gm) = {b_b / b_a:.4f} (1/2 expected); beta(G0=0.02)/beta(G0=0) = {b_c / b_a:.4f}")
for w in pick([50, 100], [50, 100, 200, 400]):
    b0, _, _ = beta(0.25, 0.03, 0.0, w)
    print(f"no magnetic impurities, lambda = {w}: beta = {b0:.4g} = {b0 / (0.03 / 0.25):.3g} Gamma_0/M")
