# %% [markdown]
# # The Hall effect of a skyrmion (seed 001 Eqs. 77-78)
#
# Seed 001 Eq. 77: in the adiabatic limit the spin-sigma electrons feel the emergent field
# b_sigma = sigma Omega / 2, Omega = n . (d_x n x d_y n) (a skyrmion carries the flux 2 pi Q), with
# the Hall coefficient 1/n of a parabolic band: rho_xy = (n_+ - n_-) Omega / (2 n^2).
#
# **Observable** (docs/physics.md, section 18).  On a cylinder (`st.lattice.strip(L, W,
# periodic=True)`) the potential is single valued around every column, so in a local Ohmic metal
# the total transverse current (`st.transverse_current`) is I_y = int sigma_xy E_x dA and
# Theta = I_y W / I_x = int sigma_xy / sigma dA.  For a half metal the two-current emergent-field
# picture gives Theta / (2 pi Q) = mu_H, the Boltzmann Hall mobility of the square band at the SCBA
# lifetime; with both spins at E_F, sum_s s sigma_s mu_s / sigma (`st.continuum.topological_hall_angle`).
# Eq. 77 itself reads sigma (n_+ - n_-) / n^2 (`st.continuum.eq77_hall_angle`).
#
# **Twist averaging.** A cylinder's transverse momenta k_y = (2 pi m - phi) / W are resolved when
# their spacing exceeds the disorder broadening: Theta then moves by tens of per cent with W.  The
# twist phi (a flux through the cylinder, `strip(..., twist=phi)`) shifts them; the average over
# eight twists is the 2D limit.

# %%
import time

import numpy as np

import spintex as st
from _common import Figure, pick, save, table

t_start = time.perf_counter()
TWISTS = 2 * np.pi * (np.arange(8) + 0.5) / 8


def hall_angle(L, W, R, w, M, EF, G0, twists=TWISTS, polarity=-1):
    """Theta / (2 pi Q) per twist of a skyrmion (radius R, wall w) in the middle of an L x W
    cylinder: bias drive, SCBA with on-site disorder G0."""
    out = []
    for phi in twists:
        model = st.Model(st.lattice.strip(L, W, periodic=True, twist=phi), exchange=M,
                         texture=st.textures.skyrmion(((L - 1) / 2, (W - 1) / 2), R, w, polarity=polarity))
        r = st.linear_response(model, EF, disorder=st.Disorder(onsite=G0), drive="bias")
        Q = st.textures.topological_charge(model)
        out.append(st.transverse_current(model, r) * W / np.mean(r.current) / (2 * np.pi * Q))
    return np.array(out)


def eq77(EF, M, G0):
    """sigma (n_+ - n_-) / n^2 with the square band's SCBA conductivities and densities."""
    channels = st.continuum.square_spin_channels(EF, M, G0)
    n = sum(ch[4] for ch in channels)
    return st.continuum.eq77_hall_angle(n, sum(ch[3] for ch in channels), sum(ch[0] * ch[4] for ch in channels) / n)


# %% [markdown]
# ## Half metal (M = 2, minority band empty): width, size, filling, disorder, M

# %%
cases = pick(
    [("width", 50, 30, 5, 2, 2.0, -3.93, 0.3), ("width", 50, 36, 5, 2, 2.0, -3.93, 0.3)],
    [("width", 100, 50, 10, 4, 2.0, -3.93, 0.2), ("width", 100, 60, 10, 4, 2.0, -3.93, 0.2),
     ("width", 100, 70, 10, 4, 2.0, -3.93, 0.2),
     ("size", 90, 50, 7.5, 3, 2.0, -3.93, 0.2), ("size", 120, 70, 12.5, 5, 2.0, -3.93, 0.2),
     ("size", 140, 84, 15, 6, 2.0, -3.93, 0.2),
     ("filling", 100, 60, 10, 4, 2.0, -4.5, 0.2), ("filling", 100, 60, 10, 4, 2.0, -5.0, 0.2),
     ("disorder", 100, 60, 10, 4, 2.0, -3.93, 0.3), ("disorder", 160, 60, 10, 4, 2.0, -3.93, 0.1),
     ("adiabaticity", 100, 60, 10, 4, 4.0, -5.93, 0.2)])
rows, spreads = [], []
for series, L, W, R, w, M, EF, G0 in cases:
    per_twist = hall_angle(L, W, R, w, M, EF, G0)
    mu = st.continuum.topological_hall_angle(EF, M, G0)
    spreads.append(per_twist)
    rows.append((series, f"{L} x {W}", f"({R}, {w})", M, EF, G0, float(per_twist.mean()), float(mu),
                 float(per_twist.mean() / mu), eq77(EF, M, G0), float(per_twist.mean() / eq77(EF, M, G0))))
table(rows, ["series", "cylinder", "skyrmion", "M", "E_F", "Gamma_0", "Theta/(2 pi Q)", "mu_H", "/ mu_H",
             "Eq. 77 sigma/n", "/ Eq. 77"])
for r in rows:
    assert abs(r[8] - 1) < pick(0.04, 0.015), r  # the emergent flux times the band's Hall mobility
widths = [r[6] for r in rows if r[0] == "width"]
assert np.ptp(widths) < pick(0.03, 0.003) * np.mean(widths)  # the twist average is the 2D limit
print(f"single twists of the {rows[1][1]} cylinder: {spreads[1].min():.3f} ... {spreads[1].max():.3f} "
      f"(average {spreads[1].mean():.3f})")
if pick(False, True):  # the rest falls as the skyrmion grows: sizes 3 : 4 : 5 : 6
    by_size = sorted([r for r in rows if r[0] == "size" or (r[0] == "width" and r[1] == "100 x 60")],
                     key=lambda r: float(r[2].strip("()").split(",")[0]))
    deviations = [abs(r[8] - 1) for r in by_size]
    assert all(a > b for a, b in zip(deviations, deviations[1:])), deviations

# %% [markdown]
# ## Both spins at E_F (E_F = -2): the two-current picture, not Eq. 77's n_+ - n_-

# %%
rows2 = []
for L, W, R, w, M in pick([(50, 30, 5, 2, 1.0)], [(100, 60, 10, 4, 1.0), (120, 70, 12.5, 5, 1.0),
                                                  (140, 84, 15, 6, 1.0), (100, 60, 10, 4, 1.5)]):
    theta = hall_angle(L, W, R, w, M, -2.0, pick(0.3, 0.2)).mean()
    two = st.continuum.topological_hall_angle(-2.0, M, pick(0.3, 0.2))
    rows2.append((f"{L} x {W}", f"({R}, {w})", M, float(theta), float(two), float(theta / two),
                  eq77(-2.0, M, pick(0.3, 0.2))))
table(rows2, ["cylinder", "skyrmion", "M", "Theta/(2 pi Q)", "two-current", "/ two-current", "Eq. 77"])
for r in rows2:
    assert r[3] < 0 < r[6]  # the minority's mobility wins: the opposite sign to Eq. 77
    # (the deficit is non-adiabatic, falling as 1/size: 0.77 at the reduced size (5, 2), 0.88-0.92 at
    # (10, 4)-(15, 6); docs/validation.md)
    assert pick(0.7, 0.85) < r[5] < 1.02

fig = Figure(figsize=(9, 3.6))
ax1, ax2 = fig.subplots(1, 2)
for series, mk in (("width", "o"), ("size", "s"), ("filling", "^"), ("disorder", "v"), ("adiabaticity", "D")):
    sel = [r for r in rows if r[0] == series]
    ax1.plot([r[7] for r in sel], [r[8] for r in sel], mk, label=series)
ax1.axhline(1, color="k", lw=0.5)
ax1.set(xlabel="mu_H (Boltzmann, SCBA lifetime)", ylabel="Theta / (2 pi Q mu_H)", title="half metal")
ax1.legend(fontsize=7)
ax2.plot(TWISTS, spreads[1], "o-", label=f"{rows[1][1]}, skyrmion {rows[1][2]}")
ax2.axhline(spreads[1].mean(), color="gray", lw=0.5, label="twist average")
ax2.set(xlabel="twist phi", ylabel="Theta / (2 pi Q)", title="single twists")
ax2.legend(fontsize=7)
save(fig, "topological_hall")
print(f"total {time.perf_counter() - t_start:.1f} s")
