# %% [markdown]
# # Charge pumping and the spin motive force of moving walls (seed 000 Eqs. 89, 96, 102)
#
# A texture moving as n(t) = n + v t pumps particles into the leads: the emission
# E_a = (1/2pi) Tr[Gamma_a G (dH/dX) G^dag] per unit rate (with the ladder in SCBA; tested
# against Brouwer's formula and Onsager reciprocity in tests/test_pumping.py).
#
# Seed 000 Eq. 102 in these units: E_s = (1/2)[n . (d_x n x dn/dt) + beta_SMF dn/dt . d_x n].
# For a Neel wall (theta: 0 -> pi) integrated across the wall:
#
# - rotation about the lead axis z at angular velocity omega: int E_s dx = omega (reactive term);
# - translation at velocity v: int E_s dx = -beta_SMF v / lambda (dissipative term,
#   int (d_x theta)^2 dx = 2 / lambda).
#
# So beta_SMF = lambda |I_trans / v| / |I_rot / omega|.  Unscreened, the moving wall drags its
# density profile along and part of the current that refills it comes from the leads; by Onsager
# reciprocity that pumping is the reciprocal of the force under the unscreened lead bias, so its
# beta_SMF carries the same ~10 % excess as the bias-driven torque.  Screened (a neutral metal),
# pumping is the reciprocal of the field drive and beta_SMF = beta_torque = Eq. 94.  (Onsager
# relates the pumping of n to the forces in the time-reversed wire, texture -n; for this coplanar
# wall without spin-orbit coupling a spin rotation by pi maps that wire back onto this one.  With
# Rashba it does not: the last cell.)  In a diffusive wire the motive force drives the charge
# current sigma_s E_s (Eq. 89), so with fast spin relaxation across the wire the particle current
# (electrons carry charge -1) through the closed circuit is I = -P_j G int E_s dx, with G the
# wire's conductance (current per unit bias) and P_j its current polarization.

# %%
import numpy as np

import spintex as st
from spintex.pumping import emission
from _common import FULL, Figure, pick, save, table

# %% [markdown]
# ## Ballistic: a rotating half-metallic wall pumps one electron per turn (deviation = reflection)

# %%
rows = []
for w in pick([0.5, 1.0, 2.0], [0.25, 0.5, 1.0, 2.0, 4.0]):
    L = int(24 * w) + 30
    m = st.Model(st.lattice.chain(L), exchange=1.5, texture=st.textures.neel_wall(L / 2, w))
    per_turn = 2 * np.pi * emission(m, -3.3, st.texture_velocity(m, "rotation"))[1]
    rows.append((w, per_turn, 1 - abs(per_turn), 1 - st.linear_response(m, -3.3).transmission))
table(rows, ["lambda", "particles per turn (right)", "1 - |Q|", "reflection R"])
assert all(abs(r[2] - r[3]) < 1e-8 for r in rows)
fig = Figure(figsize=(9, 3.5))
ax1, ax2 = fig.subplots(1, 2)
ax1.semilogy([r[0] for r in rows], [r[2] for r in rows], "o-")
ax1.set(xlabel="wall width lambda [a]", ylabel="1 - |charge per turn|", title="half metal, M = 1.5, E_F = -3.3")

# %% [markdown]
# ## Diffusive (SCBA): chain M = 0.5, E_F = -0.8, Gamma_0 = 0.05, Gamma_perp = Gamma_par = 0.005

# %%
M, E, G0, GM = 0.5, -0.8, 0.05, 0.005
d = st.Disorder(onsite=G0, magnetic=(GM, GM))
formula = st.continuum.beta_spin_flip(*st.continuum.spin_dos(E, M, 1), M, magnetic=(GM, GM))
rows_d = []
for w in pick([25, 50], [25, 50, 100, 200]):
    L = 20 * w + 1
    m = st.Model(st.lattice.chain(L), exchange=M, texture=st.textures.neel_wall(L / 2, w))
    rot, trans = st.texture_velocity(m, "rotation"), st.texture_velocity(m, "translation")
    field = st.linear_response(m, E, disorder=d, drive="field")
    beta_torque = st.fit_torque(m, field).beta
    bias = st.linear_response(m, E, disorder=d, drive="bias")
    beta_bias = st.fit_torque(m, bias.torque).beta
    k = L // 2 - 4 * w
    G, Pj = field.current[k], field.spin_current[k, 2] / field.current[k]
    i_rot, i_trans = emission(m, E, rot, disorder=d)[1], emission(m, E, trans, disorder=d)[1]
    s_rot = emission(m, E, rot, disorder=d, screened=True)[1]
    s_trans = emission(m, E, trans, disorder=d, screened=True)[1]
    # Onsager: the unscreened emission into the right lead is the response of <dH'/dX> to mu_R in
    # the time-reversed wire (texture -n, the motion -v)
    mr = st.Model(st.lattice.chain(L), exchange=M, texture=-m.texture_vectors)
    right = st.linear_response(mr, E, disorder=d, drive="right")
    f_rot, f_trans = (-st.texture_force(mr, right, -v) for v in (rot, trans))
    rows_d.append((w, i_rot / (Pj * G), w * abs(s_trans / s_rot) / formula, beta_torque / formula,
                   w * abs(i_trans / i_rot) / formula, w * abs(f_trans / f_rot) / formula, beta_bias / formula))
table(rows_d, ["lambda", "I_rot/(P_j G omega)", "beta_SMF scr/Eq.94", "beta_torque field/Eq.94",
               "beta_SMF unscr/Eq.94", "force ratio TR/Eq.94", "beta_torque bias/Eq.94"])
ax2.plot([r[0] for r in rows_d], [r[2] for r in rows_d], "o-", label="beta_SMF, screened")
ax2.plot([r[0] for r in rows_d], [r[3] for r in rows_d], "s--", label="beta_torque, field drive")
ax2.plot([r[0] for r in rows_d], [r[4] for r in rows_d], "^:", label="beta_SMF, unscreened")
ax2.axhline(1, color="k", lw=0.8)
ax2.set_xscale("log")
ax2.set(xlabel="wall width lambda [a]", ylabel="beta / Eq. 94", title="SCBA chain")
ax2.legend(fontsize=8)
save(fig, "pumping")
for w, rot_ratio, smf, torque, unscreened, onsager, _ in rows_d:
    assert abs(unscreened / onsager - 1) < 1e-6  # Onsager reciprocity, exactly
    if w >= 50:
        assert abs(rot_ratio + 1) < 0.01, (w, rot_ratio)  # I = -P_j G omega: Eqs. 89 + 102 through the wire
    if w >= 100:
        assert abs(smf - 1) < 0.01 and abs(smf / torque - 1) < 0.01, (w, smf, torque)

# %% [markdown]
# ## With Rashba coupling, beta_SMF is the time-reversed wire's beta
#
# A 30 x 2 strip, Bloch wall lambda = 3, SCBA (Gamma_0 = 0.06, Gamma_m = 0.01), E_F = -1.2,
# M = 0.6: the screened beta_SMF against the field drive's force ratio lambda |F_trans / F_rot| of
# the same wire and of the time-reversed one (texture -n moving as -v).  The emissions'
# antisymmetric part (E_L - E_R)/2 is the reciprocal of the field drive (docs/physics.md, section 13).

# %%
lat = st.lattice.strip(30, 2)
wall = st.textures.bloch_wall(15, 3.0)(lat.positions)
d2 = st.Disorder(onsite=0.06, magnetic=(0.01, 0.01))
rows_r = []
for rashba in (0.0, 0.2):
    m = st.Model(lat, exchange=0.6, texture=wall, rashba=rashba)
    mr = st.Model(lat, exchange=0.6, texture=-wall, rashba=rashba)
    vt, vr = st.texture_velocity(m, "translation"), st.texture_velocity(m, "rotation")
    e_t, e_r = (emission(m, -1.2, v, disorder=d2, screened=True) for v in (vt, vr))
    smf = 3.0 * abs((e_t[0] - e_t[1]) / (e_r[0] - e_r[1]))
    same, rev = (st.linear_response(x, -1.2, drive="field", disorder=d2) for x in (m, mr))
    ratio_same = 3.0 * abs(st.texture_force(m, same, vt) / st.texture_force(m, same, vr))
    ratio_rev = 3.0 * abs(st.texture_force(mr, rev, -vt) / st.texture_force(mr, rev, -vr))
    rows_r.append((rashba, smf, ratio_rev, ratio_same))
table(rows_r, ["rashba", "beta_SMF screened", "force ratio, reversed wire", "force ratio, same wire"])
for rashba, smf, rev, same_ratio in rows_r:
    # the screened identity holds to the screening tolerance (1e-6 of the forces; the translation
    # force is 1e-4 of the rotation's here at Rashba 0, hence the relative 1e-4)
    assert abs(smf / rev - 1) < 1e-4, (rashba, smf, rev)
    if rashba:
        assert abs(same_ratio / rev - 1) > 0.1  # the same wire's beta is another number
print("full size" if FULL else "reduced size", "checks passed")
