# %% [markdown]
# # Spin diffusion length (seed 000 Eqs. 110-112)
#
# A ferromagnetic segment injects spin into a long non-magnetic disordered chain (SCBA). The
# accumulation decays as exp(-x / l_sf); the Born rates give l_sf = sqrt(D tau_s) with
# D = v^2 tau (1D), tau = 1/(2 gamma), 1/tau_s = 2/tau_sf = 8 pi G_perp nu (isotropic magnetic
# impurities). The diffusion result is approached as l_sf / l grows.

# %%
import numpy as np

import spintex as st
from _common import Figure, log_x, pick, save, table

E = -1.0
nu = 1 / (np.pi * np.sqrt(4 - E**2))
v = np.sqrt(4 - E**2)


def run(g0, gm, ferromagnet=100):
    tau = 1 / (2 * np.pi * (g0 + 3 * gm) * nu)
    lsf = np.sqrt(v**2 * tau / (8 * np.pi * gm * nu))
    L = ferromagnet + int(12 * lsf)
    m = st.Model(st.lattice.chain(L), exchange=np.where(np.arange(L) < ferromagnet, 0.5, 0.0))
    r = st.linear_response(m, E, disorder=st.Disorder(onsite=g0, magnetic=(gm, gm)))
    x = np.arange(L)
    win = (x > ferromagnet + 2 * lsf) & (x < ferromagnet + 6 * lsf)
    fitted = -1 / np.polyfit(x[win], np.log(np.abs(r.spin_density[win, 2])), 1)[0]
    return v * tau, lsf, fitted, x, r.spin_density[:, 2]


cases = pick([(0.02, 0.002), (0.05, 0.0005)], [(0.0, 0.004), (0.02, 0.002), (0.05, 0.002), (0.05, 0.0005),
                                               (0.1, 0.0005), (0.1, 0.0002)])
rows = [(g0, gm, *(lambda a: (a[1] / a[0], a[1], a[2], a[2] / a[1]))(run(g0, gm))) for g0, gm in cases]
table(rows, ["G0", "Gm", "l_sf/l", "l_sf (Born)", "l_sf (fit)", "ratio"])
assert all(abs(r[5] - 1) < 0.02 for r in rows if r[2] >= 1.8), rows  # diffusive: sqrt(D tau_sf)
fig = Figure(figsize=(5, 3.5))
ax = fig.subplots()
ax.plot([r[2] for r in rows], [r[5] for r in rows], "o")
log_x(ax, [1, 2, 5, 10])
ax.axhline(1, color="k", lw=0.8)
ax.set(xlabel="l_sf / mean free path", ylabel="fitted / sqrt(D tau_s)", title="spin diffusion length, chain")
save(fig, "spin_diffusion")
