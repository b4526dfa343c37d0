# %% [markdown]
# # Topological (Hall) force on skyrmions and bubbles (seed 001 Eqs. 59-65)
#
# A texture translated rigidly by X along y changes the exchange energy; the conjugate force is
# F_y = -<dH/dY> = M sum_i v_i . s_i with v = dn/dY (`st.texture_force` with
# `st.texture_velocity(model, "translation", direction=(0, 1, 0))`).  Under a longitudinal current
# (bias drive, clean strip L x W with leads, E_F = -2.5, M = 0.5) it is the transverse force.
#
# **The factor in these units.** With the local torque T = M n x s = A d_x n + B n x d_x n
# (CONVENTIONS.md), the transverse spin density is s_perp = -(1/M) n x T, so
#
#     F_y = -M sum_i d_y n . s_perp = sum_i d_y n . (n x T)
#         = A sum_i n . (d_x n x d_y n) - B sum_i d_x n . d_y n.
#
# The second sum vanishes for a circular texture; the first is 4 pi Q (Q the skyrmion number
# of `st.textures.topological_charge`, orientation x then y).  In the uniform part of the strip
# A = -(1/2) J_s / W per site (J_s the Pauli spin current along n, i.e. the majority minus the
# minority particle current, W the strip width), so
#
#     F_y = -2 pi Q J_s / W.
#
# This is seed 001 Eq. 62 with Eq. 64-65, F_y = 2 pi (j_s / e) n_v per unit thickness: the seed's
# j_s is the charge spin current per unit cross-section, j_s / e = -J_s / W for electrons (charge -e)
# in a 2D strip (d = 1 layer), and its n_v is our Q.  The tables below give
# F_y / (2 pi J_s / W), the force in units of one quantum of the formula (= -Q in the adiabatic
# limit).

# %%
import time

import numpy as np

import spintex as st
from _common import Figure, pick, save, table

E, M = -2.5, 0.5
t_start = time.perf_counter()


radial_bubble, ring_bubble = st.textures.radial_bubble, st.textures.ring_bubble  # theta_max exp(-(r/w)^2); smooth ring


def core_charge(model, cut=0.05):
    """Skyrmion number carried by plaquettes with |solid angle| > 4 pi cut (the lattice-scale core)."""
    lat, n = model.lattice, model.texture_vectors
    g = np.arange(lat.num_sites).reshape(lat.length, lat.width)
    i, ix, ixy, iy = g[:-1, :-1].ravel(), g[1:, :-1].ravel(), g[1:, 1:].ravel(), g[:-1, 1:].ravel()

    def omega(a, b, c):
        triple = np.einsum("ka,ka->k", n[a], np.cross(n[b], n[c]))
        dots = 1 + np.einsum("ka,ka->k", n[a], n[b]) + np.einsum("ka,ka->k", n[b], n[c]) \
            + np.einsum("ka,ka->k", n[c], n[a])
        return 2 * np.arctan2(triple, dots)

    q = (omega(i, ix, ixy) + omega(i, ixy, iy)) / (4 * np.pi)
    return float(q[np.abs(q) > cut].sum())


def force(L, W, texture, disorder=None, drive="bias", exchange=M, energy=E):
    """(Q, F_y, F_y / (2 pi J_s / W), F_x, model) on an L x W strip (clean unless ``disorder``)."""
    m = st.Model(st.lattice.strip(L, W), exchange=exchange, texture=texture)
    r = st.linear_response(m, energy, disorder=disorder, drive=drive)
    Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
    Fx = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(1, 0, 0)))
    Js = r.spin_current[3, 2] * np.sign(m.texture_vectors[m.lattice.slices[3], 2].mean())
    return st.textures.topological_charge(m), Fy, Fy * W / (2 * np.pi * Js), Fx, m


def even(x):
    return int(2 * round(x / 2))


def strip_for(size):
    """An even L x W strip (centre on a plaquette, never on a site) about 2.5 sizes wide."""
    return even(max(60, 6 * size)), even(max(40, 5 * size))


# %% [markdown]
# ## Skyrmions: the sign follows Q, and the approach to Eq. 62 as they widen
#
# k_F of the majority / minority band at E_F = -2.5 on the square lattice: pi/2 and pi/3 along an
# axis (cos k = -(E_F +- M + 2)/2), so 1/k_F < 1 and 1/(k_F+ - k_F-) = 1.9 lattice constants (2.2
# along the diagonal, where k_F+ - k_F- = 0.459): the adiabatic parameter is the wall width times
# k_F+ - k_F- (0.52 w along an axis), not w k_F.

# %%
DK = float(np.arccos(-(E + M + 2) / 2) - np.arccos(-(E - M + 2) / 2))  # k_F+ - k_F- along x (t = 1)
rows = []
for pol in (-1, 1):
    Q, Fy, ratio, Fx, _ = force(60, 40, st.textures.skyrmion((29.5, 19.5), 8, 3, polarity=pol))
    rows.append((f"polarity {pol:+d}", Q, Fy, ratio, ratio / -Q))
table(rows, ["skyrmion (8, 3), 60 x 40", "Q", "F_y", "F_y / (2 pi J_s/W)", "/ (-Q)"])
assert abs(rows[0][1] + 1) < 1e-3 and abs(rows[1][1] - 1) < 1e-3
assert abs(rows[0][2] + rows[1][2]) < 1e-9 * abs(rows[0][2])  # exact sign flip with Q
assert abs(rows[0][4] - 1) < 0.1

rows_sk = []
for R, w in pick([(8, 3), (11, 4), (14, 5)], [(8, 3), (11, 4), (14, 5), (18, 6), (24, 8)]):
    L, W = even(max(60, 3 * (R + 3 * w))), even(max(44, 2.6 * (R + 3 * w)))
    Q, Fy, ratio, Fx, _ = force(L, W, st.textures.skyrmion((L / 2 - 0.5, W / 2 - 0.5), R, w))
    rows_sk.append((R, w, f"{L} x {W}", DK * w, Q, ratio / -Q, Fx))
table(rows_sk, ["radius", "wall w", "strip", "w (kF+ - kF-)", "Q", "F_y / (-2 pi Q J_s/W)", "F_x"])
assert all(abs(r[5] - 1) < 0.1 for r in rows_sk)
assert rows_sk[-1][5] > rows_sk[0][5]  # closer to Eq. 62 as the skyrmion widens

rows_w = []
for W in pick([30, 40, 60], [30, 40, 60, 80]):
    Q, Fy, ratio, Fx, _ = force(60, W, st.textures.skyrmion((29.5, W / 2 - 0.5), 8, 3))
    rows_w.append((W, Q, ratio / -Q))
table(rows_w, ["strip width W (skyrmion (8, 3), L = 60)", "Q", "F_y / (-2 pi Q J_s/W)"])

# %% [markdown]
# ## A vortex in a strip (a meron, Q = polarity / 2)
#
# The vortex's in-plane far field reaches the edges and the leads (magnetized along the texture
# there), so the spin current along n is the bond spin currents of a cross-section projected on
# the local n (on the skyrmion strip this equals the z component to 1e-6).


def spin_current_along_n(m, r, s=3):
    """Pauli spin current along the local n through the boundary of slices s and s + 1."""
    n, b, sl = m.texture_vectors, m.bonds, m.lattice.slice_of_site
    nb = n[b[:, 0]] + n[b[:, 1]]
    proj = np.einsum("ka,ka->k", r.bond_spin_current, nb / np.linalg.norm(nb, axis=1)[:, None])
    forward = (sl[b[:, 0]] == s) & (sl[b[:, 1]] == s + 1)
    backward = (sl[b[:, 1]] == s) & (sl[b[:, 0]] == s + 1)
    return proj[forward].sum() - proj[backward].sum()


# %%
rows_v = []
for L, W, rc in pick([(60, 40, 4)], [(60, 40, 4), (80, 60, 4), (80, 60, 6), (100, 80, 8)]):
    for pol in (1, -1):
        m = st.Model(st.lattice.strip(L, W), exchange=M,
                     texture=st.textures.vortex((L / 2 - 0.5, W / 2 - 0.5), rc, polarity=pol))
        r = st.linear_response(m, E, drive="bias")
        Q = st.textures.topological_charge(m)
        Fy = st.texture_force(m, r, st.texture_velocity(m, "translation", direction=(0, 1, 0)))
        rows_v.append((f"{L} x {W}", rc, pol, Q, Fy, Fy / (-2 * np.pi * Q * spin_current_along_n(m, r) / W)))
table(rows_v, ["strip", "core radius", "polarity", "Q", "F_y", "F_y / (-2 pi Q J_s/W)"])
for a, b in zip(rows_v[::2], rows_v[1::2]):
    assert abs(a[3] - 0.5) < 1e-3 and abs(b[3] + 0.5) < 1e-3
    assert abs(a[4] + b[4]) < 1e-9 and abs(a[5] - 1) < 0.1  # the polarity flips the force; Eq. 62 with Q = 1/2

# %% [markdown]
# ## Q = 0: a smooth trivial bubble against the radial bubble with a singular core
#
# The "non-winding radial bubble" (theta = (pi/2) exp(-(r/w)^2), radial in-plane part) has
# Q = 0 on the lattice, but not because it is trivial: its smooth part covers the upper
# hemisphere once (a meron, Q_smooth = -1/2 with the skyrmion's orientation) and the lattice-scale
# core, where the in-plane direction turns by 90 degrees between neighbouring sites, carries the
# compensating +1/2 (Berg-Luescher assigns it to the one plaquette around the centre).  The
# electrons cannot follow a texture that turns by ~pi/2 per lattice constant, so that half does
# not act: the force is that of the smooth meron, -Q_smooth = 1/2 quantum, and it does not fall as
# the bubble widens.  With theta_max = 3 pi/4 the same construction has Q = -1 and a core of
# -0.11, and the force again follows the smooth part (-Q_smooth = 0.89).
#
# A smooth Q = 0 bubble (theta = 0 at its centre and outside, up to theta_max on a ring) has no
# such core; its force is a non-adiabatic effect of its finite size and falls to zero as it widens.

# %%
rows_b = []
for tm in (0.5 * np.pi, 0.75 * np.pi):
    for w in pick([6, 12], [6, 9, 12, 16]):
        L, W = strip_for(w)
        Q, Fy, ratio, Fx, m = force(L, W, radial_bubble(np.array((L / 2 - 0.5, W / 2 - 0.5)), w, tm))
        core = core_charge(m)
        rows_b.append((f"{tm / np.pi:.2f} pi", w, f"{L} x {W}", Q, core, -(Q - core), ratio))
table(rows_b, ["theta_max", "width", "strip", "Q", "core", "-Q_smooth", "F_y / (2 pi J_s/W)"])
for r in rows_b:
    assert abs(r[6] - r[5]) < 0.1  # the force follows the smooth part's charge, not Q

rows_r = []
for tm in (0.5 * np.pi, 0.9 * np.pi):
    for R in pick([6, 9, 12], [6, 9, 12, 16, 22]):
        L, W = strip_for(R)
        Q, Fy, ratio, Fx, _ = force(L, W, ring_bubble(np.array((L / 2 - 0.5, W / 2 - 0.5)), R, tm))
        rows_r.append((f"{tm / np.pi:.2f} pi", R, f"{L} x {W}", Q, ratio))
table(rows_r, ["theta_max", "ring radius", "strip", "Q", "F_y / (2 pi J_s/W)"])
assert all(abs(r[3]) < 2e-3 for r in rows_r)
for tm in ("0.50 pi", "0.90 pi"):
    f = [abs(r[4]) for r in rows_r if r[0] == tm]
    assert f[-1] < 0.3 * f[0] and f[-1] < 0.1  # falls as the bubble widens

# %% [markdown]
# ## The half metal: the adiabatic limit of the same small textures
#
# At M = 2, E_F = -4 the minority band is empty (its bottom, -4 + M = -2, lies above E_F): the spin precession length 1/(k_F+ - k_F-) is gone and the electrons follow any
# smooth texture (double exchange: the hopping acquires the Berry phase, half the solid angle of
# each plaquette).  The skyrmion (8, 3) then obeys Eq. 62 to 0.2 % and the smooth Q = 0 bubble of
# radius 6, which felt a whole quantum at M = 0.5, feels < 1 %.  The radial bubble still feels
# about its smooth half: in the double-exchange limit a plaquette's charge q enters only through
# the Berry phase 2 pi q mod 2 pi, so the core's q_core ~ +1/2 is a flux of ~pi, the same as -1/2;
# a pi flux is time-reversal symmetric and exerts no transverse force.  The core's share of the
# force is an odd, period-1 function of q_core: about half of q_core for small cores, ~0.1 of it
# near 1/2 (table: the measured force lies between -Q and -Q_smooth, close to -Q_smooth when
# |q_core| is near 1/2).

# %%
def force_half_metal(L, W, texture):
    return force(L, W, texture, exchange=2.0, energy=-4.0)


rows_h = []
for name, tex in (("skyrmion (8, 3)", st.textures.skyrmion((29.5, 19.5), 8, 3)),
                  ("smooth ring 0.9 pi, R 6", ring_bubble(np.array((29.5, 19.5)), 6, 0.9 * np.pi))):
    Q, Fy, ratio, Fx, m = force_half_metal(60, 40, tex)
    rows_h.append((name, Q, 0.0, ratio))
for tm in pick([0.25, 0.5, 0.75], [0.25, 0.375, 0.5, 0.625, 0.75]):
    Q, Fy, ratio, Fx, m = force_half_metal(60, 40, radial_bubble(np.array((29.5, 19.5)), 6, tm * np.pi))
    rows_h.append((f"radial bubble {tm} pi, w 6", Q, core_charge(m), ratio))
table([(r[0], r[1], r[2], -r[1], -(r[1] - r[2]), r[3]) for r in rows_h],
      ["half metal M = 2, E_F = -4, 60 x 40", "Q", "core", "-Q", "-Q_smooth", "F_y / (2 pi J_s/W)"])
assert abs(rows_h[0][3] / -rows_h[0][1] - 1) < 0.01  # Eq. 62 to 1 %
assert abs(rows_h[1][3]) < 0.03  # the smooth Q = 0 bubble: no force
half = [r for r in rows_h if r[0].startswith("radial bubble 0.5 ")][0]
assert abs(half[3] - 0.45) < 0.08  # the pi-flux core does not act

# %% [markdown]
# ## Ballistic or diffusive: weak SCBA disorder (mean free path shorter than the strip)
#
# Born lifetime tau_s = 1 / (2 pi Gamma_0 nu_s), nu_s the square-lattice DOS at E_F + s M
# (0.109 and 0.091 per site), rms Fermi velocity 2.23 and 1.81: l = 32, 16, 8 for
# Gamma_0 = 0.1, 0.2, 0.4, against L = 60.  Bias drive (the field drive moves F_y by 0.4 % on a
# 30 x 20 strip at Gamma_0 = 0.2, for 80 times the cost).

# %%
rows_d = []
texts = {"skyrmion (8, 3)": st.textures.skyrmion((29.5, 19.5), 8, 3),
         "radial bubble pi/2, w 6": radial_bubble(np.array((29.5, 19.5)), 6, 0.5 * np.pi),
         "smooth ring 0.9 pi, R 6": ring_bubble(np.array((29.5, 19.5)), 6, 0.9 * np.pi)}
for g0 in pick([0.2], [0.1, 0.2, 0.4]):
    for name in pick(list(texts)[:2], list(texts)):
        Q, Fy, ratio, Fx, m = force(60, 40, texts[name], disorder=st.Disorder(onsite=g0))
        clean = force(60, 40, texts[name])[2]
        rows_d.append((g0, name, Q, clean, ratio))
table(rows_d, ["Gamma_0", "texture (60 x 40)", "Q", "clean F_y / (2 pi J_s/W)", "SCBA"])
for r in rows_d:
    assert abs(r[4] - r[3]) < 0.1 or "ring" in r[1]  # the force is not a ballistic effect
    if "radial" in r[1]:
        assert abs(r[4] - 0.5) < 0.1  # still the meron's half quantum

fig = Figure(figsize=(9, 3.6))
ax1, ax2 = fig.subplots(1, 2)
ax1.plot([DK * r[1] for r in rows_sk], [r[5] for r in rows_sk], "o-", label="skyrmion, / (-Q)")
for tm, mk in (("0.50 pi", "s-"), ("0.90 pi", "^-")):
    sel = [r for r in rows_r if r[0] == tm]
    ax2.plot([r[1] for r in sel], [r[4] for r in sel], mk, label=f"smooth ring, theta_max {tm}")
sel = [r for r in rows_b if r[0] == "0.50 pi"]
ax2.plot([r[1] for r in sel], [r[6] for r in sel], "o-", label="radial bubble (singular core), pi/2")
ax2.axhline(0.5, color="gray", lw=0.5)
ax2.axhline(0, color="k", lw=0.5)
ax1.axhline(1, color="k", lw=0.5)
ax1.set(xlabel="wall width x (kF+ - kF-)", ylabel="F_y / (-2 pi Q J_s / W)", title="skyrmions (Eq. 62 = 1)")
ax2.set(xlabel="bubble size [a]", ylabel="F_y / (2 pi J_s / W)", title="Q = 0 textures")
ax2.legend(fontsize=7)
save(fig, "topological_force")
print(f"total {time.perf_counter() - t_start:.1f} s")
