# %% [markdown]
# # The non-local torque of walls (seed 001 Eqs. 40-41) and the crossover of beta_eff (Eq. 94)
#
# ``st.kernels.nonlocal_torque(model, E, spin_currents=...)`` is the kernel convolution of seed 001
# Eqs. 40-41 on a chain: the texture gauged to the uniform ferromagnet (parallel-transport frames,
# bond gauge field A_j = -(alpha_j/2) m_j, for a Neel wall -(theta_{j+1} - theta_j)/2 along y),
# the current-carrying state of the uniform chain (spin channel sigma: right movers at E_F raised by
# a_sigma/2, left movers lowered, a_sigma = 2 pi j_sigma) and the first-order (Born) correction of
# every Fermi-point state, summed in real space.  It is exact to first order in A.  In q it is the
# bubble of docs/physics.md section 15 (chi1 with the spin current j_s = j_up - j_down, the Stoner
# terms with the current): on a chain the Stoner terms are delta functions, i.e. torque
# oscillations e^{i(k_up + k_down) x} (backward spin flip) and e^{i(k_up - k_down) x} (forward).
#
# Drives: clean chains under the bias drive (leads at +-1/2, every channel carries 1/2pi, so
# j_s = 0 and only the Stoner terms remain); SCBA wires under the field drive, with the measured
# spin-resolved currents beside the wall as the bulk state.

# %%
import numpy as np

import spintex as st
from _common import Figure, pick, save, table

K = st.kernels
M, E = 0.8, -1.0                                   # k_up = 1.471, k_down = 0.451
ku, kd = K.fermi_wavevectors(E, M)
print(f"k_up = {ku:.4f}, k_down = {kd:.4f}, k_up + k_down = {ku + kd:.4f}, k_up - k_down = {ku - kd:.4f}")


def chain(length, texture):
    return st.Model(st.lattice.chain(length), exchange=M, texture=texture)


def partial_wall(length, width, angle):
    """A wall rotating n by ``angle`` (pi: the 180-degree Neel wall) in the x-z plane."""
    x = np.arange(length, dtype=float)
    theta = angle / np.pi * 2 * np.arctan(np.exp((x - length // 2) / width))
    return np.stack([np.sin(theta), 0 * theta, np.cos(theta)], axis=1)


def rel_error(a, b):
    return float(np.abs(a - b).max() / np.abs(a).max())


# %% [markdown]
# ## Conventions at one point: a small-amplitude texture is first order in A
# A Gaussian tilt of amplitude 1e-3 (width 2 sites) on a clean 81-site chain, bias drive.  The
# lattice torque and the convolution agree to O(amplitude^2): this fixes the signs (the torque
# T = M n x s, the bond gauge field, the direction of the current) before walls are compared.

# %%
L = 81
x = np.arange(L)
theta = 1e-3 * np.exp(-(((x - L // 2) / 2.0) ** 2))
bump = chain(L, np.stack([np.sin(theta), 0 * theta, np.cos(theta)], axis=1))
lat = st.linear_response(bump, E, drive="bias")
conv = K.nonlocal_torque(bump, E)
err0 = rel_error(lat.torque, conv.torque)
print(f"small tilt: max |T_lattice - T_convolution| / max |T| = {err0:.2e}")
assert err0 < 1e-4

# %% [markdown]
# ## Abrupt walls on a clean chain: the 2k_F torque, lattice against the convolution
# Walls of width lambda rotating n by 18 degrees (angle pi/10) and by 180 degrees.  ``profile``:
# max |T_lattice - T_conv| / max |T_lattice| over the chain; ``B``: the fitted non-adiabatic
# coefficient (fit_torque, B n x d_x n).  Left of the wall (n = z) the torque is the interference
# of the incident waves with the spin-flip reflected ones (q = k_up + k_down, the 2k_F torque) and
# of the two spin components of the transmitted ones (q = k_up - k_down); ``back`` is the ratio
# lattice / convolution of the amplitude of the first, from a least-squares fit of T_y there to cos
# and sin of both wavevectors (``fit``: its residual).  The first order in A is the Born
# approximation of the spin-flip reflection amplitude, so ``back`` should be |r| / |r_Born| =
# sqrt(P_back / P_back^Born): P_back from ``st.chain_scattering`` (transfer matrix), P_back^Born the
# same for a wall rotating n by pi/200, times 200^2 (first order is quadratic in the angle).
# ``phase shift``: phase of the lattice's 2k_F oscillation minus the convolution's (rad), the phase
# of r / r_Born: with the amplitude it makes the profile error of the 180-degree walls.

# %%
L = pick(121, 201)
widths = pick([0.5, 1.0, 2.0], [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0])
rows, curves = [], {}
for angle, name in ((np.pi / 10, "18 deg"), (np.pi, "180 deg")):
    for width in widths:
        model = chain(L, partial_wall(L, width, angle))
        lat = st.linear_response(model, E, drive="bias")
        conv = K.nonlocal_torque(model, E)
        fl, fc = st.fit_torque(model, lat.torque), st.fit_torque(model, conv.torque)
        left = slice(5, L // 2 - int(4 * width) - 5)
        xl = np.arange(L)[left]
        basis = np.stack([f(q * xl) for q in (ku + kd, ku - kd) for f in (np.cos, np.sin)], axis=1)
        amp, fits, phase = [], [], []
        for T in (lat.torque, conv.torque):
            coef, *_ = np.linalg.lstsq(basis, T[left, 1], rcond=None)
            amp.append(np.hypot(coef[0], coef[1]))
            phase.append(np.angle(coef[0] - 1j * coef[1]))
            fits.append(float(np.linalg.norm(T[left, 1] - basis @ coef) / np.linalg.norm(T[left, 1])))
        exact = st.chain_scattering(model, E).probability[1, 0]
        born = st.chain_scattering(chain(L, partial_wall(L, width, np.pi / 200)), E).probability[1, 0]
        born *= (angle / (np.pi / 200)) ** 2
        rows.append((name, width, width * (ku + kd) / 2, width * (ku - kd), rel_error(lat.torque, conv.torque),
                     fl.nonadiabatic, fc.nonadiabatic, amp[0] / amp[1], float(np.sqrt(exact / born)), max(fits),
                     float(np.angle(np.exp(1j * (phase[0] - phase[1]))))))
        curves[(name, width)] = (lat.torque[:, 1], conv.torque[:, 1])
table(rows, ["wall", "lambda", "lambda k_F", "lambda dk", "profile", "B lattice", "B conv", "back",
             "sqrt(P/P_Born)", "fit", "phase shift"])
small_angle = [r for r in rows if r[0] == "18 deg" and r[2] <= 1.0]
assert all(r[4] < 0.05 and abs(r[7] - 1) < 0.02 and abs(r[10]) < 0.03 for r in small_angle)       # lambda k_F <~ 1: within 5 %
assert all(abs(r[7] / r[8] - 1) < 1e-2 for r in rows if r[2] <= 2)          # 2k_F amplitude = |r| / |r_Born|
assert all(r[9] < 1e-2 for r in rows if r[2] <= 2)                          # wavevectors k_up +- k_down
assert all(r[4] > 0.5 for r in rows if r[0] == "180 deg")                   # a 180-degree wall is not first order

# %% [markdown]
# The convolution is exact to first order in A, and a 180-degree wall is not small: at fixed
# lambda the error grows as the square of the rotation angle (the next order is A^3; the
# spin-independent A^2 part of the link, the adiabatic potential, enters with it).  Nothing is
# left at first order that could be a factor or a normalization: the angle scan below.

# %%
width = 1.0
rows_a = []
for angle in pick([0.05, 0.1, 0.2, 1.0], [0.025, 0.05, 0.1, 0.2, 0.5, 1.0]):
    model = chain(L, partial_wall(L, width, angle * np.pi))
    err = rel_error(st.linear_response(model, E, drive="bias").torque, K.nonlocal_torque(model, E).torque)
    rows_a.append((angle * 180, err, err / angle ** 2))
table(rows_a, ["rotation [deg]", "profile error", "error / (angle/pi)^2"])
assert abs(rows_a[1][2] / rows_a[0][2] - 1) < 0.1

# %%
fig = Figure(figsize=(9, 3.2))
for i, key in enumerate([("18 deg", 1.0), ("180 deg", 1.0)]):
    ax = fig.add_subplot(1, 2, i + 1)
    a, b = curves[key]
    r = np.arange(L) - L // 2
    near = np.abs(r) <= 25
    ax.plot(r[near], a[near], "k.-", lw=1, label="lattice")
    ax.plot(r[near], b[near], "r.--", lw=1, label="convolution (first order in A)")
    ax.set_title(f"{key[0]} wall, lambda = {key[1]}")
    ax.set_xlabel("x - x0")
    ax.set_ylabel("T_y per unit bias")
    ax.legend(fontsize=7)
save(fig, "nonlocal_torque_profiles")

# %% [markdown]
# ## A 3D bar (3 x 3), clean, bias drive
# A texture uniform across the slices keeps the transverse modes of the bar independent: each is a
# chain at E - eps_m, and ``nonlocal_torque`` sums them.  E = -2.5 (M = 0.8): modes with both spins
# open and modes with only the majority open.  Same columns as the chain.

# %%
Lb3 = pick(61, 101)
bar = st.lattice.bar(Lb3, 3, 3)
xb = bar.positions[:, 0]
rows_3 = []
for angle, name in ((np.pi / 10, "18 deg"), (np.pi, "180 deg")):
    for width in pick([0.5, 1.0], [0.5, 1.0, 2.0, 3.0]):
        theta_b = angle / np.pi * 2 * np.arctan(np.exp((xb - Lb3 // 2) / width))
        model = st.Model(bar, exchange=M, texture=np.stack([np.sin(theta_b), 0 * theta_b, np.cos(theta_b)], axis=1))
        lat = st.linear_response(model, -2.5, drive="bias")
        conv = K.nonlocal_torque(model, -2.5)
        rows_3.append((name, width, rel_error(lat.torque, conv.torque), st.fit_torque(model, lat.torque).nonadiabatic,
                       st.fit_torque(model, conv.torque).nonadiabatic))
table(rows_3, ["wall", "lambda", "profile", "B lattice", "B conv"])
assert all(r[2] < 0.05 for r in rows_3 if r[0] == "18 deg")

# %% [markdown]
# ## SCBA wires, field drive: the Drude bulk state
# Non-magnetic disorder Gamma_0 = 0.01 (minority mean free path ~ 40 sites), 180-degree walls.  The
# convolution takes the spin-resolved currents measured 15 sites left of the wall.  A and B from
# fit_torque on both torque maps.

# %%
G0 = 0.01
Ls = pick(161, 201)
rows_d = []
for width in pick([1.0, 4.0], [0.5, 1.0, 2.0, 3.0, 4.0, 6.0]):
    model = chain(Ls, st.textures.neel_wall(Ls // 2, width))
    lat = st.linear_response(model, E, drive="field", disorder=st.Disorder(onsite=G0))
    j, jz = lat.current[Ls // 2 - 15], lat.spin_current[Ls // 2 - 15, 2]
    conv = K.nonlocal_torque(model, E, spin_currents=((j + jz) / 2, (j - jz) / 2))
    fl, fc = st.fit_torque(model, lat), st.fit_torque(model, conv.torque)
    win = slice(Ls // 2 - 10, Ls // 2 + 11)
    rows_d.append((width, width * (ku - kd), jz / j, fl.adiabatic, fc.adiabatic, fl.beta, fc.beta,
                   rel_error(lat.torque[win], conv.torque[win])))
table(rows_d, ["lambda", "lambda dk", "P_j", "A lattice", "A conv", "beta lattice", "beta conv", "profile (wall)"])
assert abs(rows_d[-1][3] / rows_d[-1][4] - 1) < 0.05       # smooth: the adiabatic torque of j_s

# %% [markdown]
# ## beta_eff from the momentum-transfer regime to the spin-relaxation regime (Eq. 94)
# Magnetic impurities (Gamma_perp, Gamma_par) = (0.002, 0.002) on top of Gamma_0 = 0.01, field
# drive.  Eq. 94: beta = (pi/M)(Gamma_perp + Gamma_par)(nu_up + nu_down) = 0.00825.  The wire must be
# long against the spin diffusion length: the clean leads inject an unpolarized current, and the
# current polarization P_j (measured 60 sites left of the wall) reaches its bulk value (0.544) only
# several spin diffusion lengths in; with L = 220 beta_eff is 30 % higher at lambda = 3 and 7 % at
# lambda = 8.  L = 1001 is converged (L = 1601: beta_eff changes by 1e-3 relative).

# %%
Gm = 0.002
nu = [1 / (np.pi * np.sqrt(4 - (E + s * M) ** 2)) for s in (1, -1)]
beta94 = np.pi / M * 2 * Gm * sum(nu)
Lb = pick(401, 1001)
rows_b = []
for width in pick([1.0, 3.0, 6.0], [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0]):
    model = chain(Lb, st.textures.neel_wall(Lb // 2, width))
    res = st.linear_response(model, E, drive="field", disorder=st.Disorder(onsite=G0, magnetic=(Gm, Gm)))
    fit = st.fit_torque(model, res)
    pj = res.spin_current[Lb // 2 - 60, 2] / res.current[Lb // 2 - 60]
    rows_b.append((width, width * (ku + kd) / 2, fit.beta, fit.beta / beta94, fit.residual, float(pj)))
table(rows_b, ["lambda", "lambda k_F", "beta_eff", "beta_eff / beta_94", "fit residual", "P_j"])
ratios = [r[3] for r in rows_b]
assert all(a > b for a, b in zip(ratios, ratios[1:]))      # decreases monotonically towards Eq. 94
assert abs(ratios[-1] - 1) < pick(0.3, 0.02)

fig = Figure(figsize=(4.5, 3.2))
ax = fig.add_subplot(1, 1, 1)
ax.loglog([r[0] for r in rows_b], [r[2] for r in rows_b], "ko-", label="lattice (SCBA, field drive)")
ax.axhline(beta94, color="r", ls="--", label="Eq. 94")
ax.set_xlabel("wall width lambda")
ax.set_ylabel("beta_eff")
ax.legend(fontsize=7)
save(fig, "nonlocal_torque_beta_crossover")

# %% [markdown]
# ## Without spin relaxation: the contacts' beta (docs/physics.md section 17)
# Gamma_0 only.  Each spin channel runs from lead to lead without relaxing, so the clean contacts
# (resistance 1 per channel) leave a uniform spin-accumulation gradient,
# d_x s_z / j_s = 2pi (2 nu_maj nu_min / (nu_maj + nu_min)) / L (two-current model), and the wall's
# beta is beta_0 + c times it.  c is the exchange torque d_x(c_ex n x d_x n) of a stiffness that
# follows the local spin-resolved Fermi levels (neutral split), fitted like the SCBA torque; c_ex
# from the Bloch spin current of a clean spiral (-2 c_ex q): ``st.kernels.contact_beta_coefficient``.


# %%
def accumulation_gradient(response, centre):
    """d_x s_z / j_s of a uniform wire: the slope of s_z over the 61 sites around ``centre`` per unit
    spin current there."""
    sites = np.arange(centre - 30, centre + 31)
    return np.polyfit(sites, response.spin_density[sites, 2], 1)[0] / response.spin_current[centre, 2]


rows_c = []
for exchange, energy, width in pick([(0.8, -1.0, 12.0)], [(0.8, -1.0, 6.0), (0.8, -1.0, 12.0), (0.5, -0.8, 16.0),
                                                            (0.3, -1.6, 16.0)]):
    nus = st.continuum.spin_dos(energy, exchange, 1)
    gradients, betas = [], []
    for length in pick([341, 801], [341, 801, 1601]):
        c = length // 2
        u = st.linear_response(st.Model(st.lattice.chain(length), exchange=exchange), energy,
                               disorder=st.Disorder(onsite=G0), drive="field")
        gradients.append(accumulation_gradient(u, c))
        model = st.Model(st.lattice.chain(length), exchange=exchange, texture=st.textures.neel_wall(c, width))
        betas.append(st.fit_torque(model, st.linear_response(model, energy, disorder=st.Disorder(onsite=G0),
                                                             drive="field")).beta)
    slope, offset = np.polyfit(gradients, betas, 1)
    predicted = st.kernels.contact_beta_coefficient(energy, exchange, width)
    rows_c.append((exchange, energy, width, float(np.mean(np.array(gradients) * pick([341, 801], [341, 801, 1601]))),
                   2 * np.pi * 2 * nus[0] * nus[1] / sum(nus), offset, slope, predicted, slope / predicted))
table(rows_c, ["M", "E_F", "lambda", "L d_x s_z/j_s", "two-current", "beta_0", "c measured", "c predicted",
               "measured / predicted"])
for row in rows_c:
    # the contacts' gradient: measured 3e-4, 3e-4, 3.5e-3 (M = 0.3, E_F = -1.6: the minority band edge is
    # 0.1 away, where the SCBA broadening changes nu from the clean one used here)
    assert abs(row[3] / row[4] - 1) < 5e-3
    if row[2] >= 12:
        assert abs(row[8] - 1) < 0.015                     # measured 0.6-0.9 % at lambda = 12-16

# %% [markdown]
# ### End barriers: the law holds once the wire is long against the majority mean free path
# Barriers (on-site 2 on the two end sites) change the contact resistances and so the gradient, and
# beta follows it.  For weak disorder the majority electrons are nearly ballistic
# (l = v^2 / (2 Gamma_0), 198 sites at Gamma_0 = 0.01): the barriers form a Fabry-Perot cavity, the
# gradient swings with L on the 2k_F scale, and the wires with and without the wall do not swing
# alike, so the uniform wire's gradient is not the one the wall sees.  exp(-L/l) measures what is
# left of a round trip.

# %%
rows_b = []
for g0 in (0.01, 0.02, 0.04):
    d = st.Disorder(onsite=g0)
    majority_l = (2 * np.sin(ku)) ** 2 / (2 * g0)
    scan = []
    for length in pick(range(339, 344), range(335, 348)):
        onsite = np.zeros(length)
        onsite[[0, -1]] = 2.0
        u = st.linear_response(st.Model(st.lattice.chain(length), exchange=M, onsite=onsite), E, disorder=d,
                               drive="field")
        c = length // 2
        scan.append(length * accumulation_gradient(u, c))
    rows_b.append((g0, majority_l, np.exp(-341 / majority_l), min(scan), max(scan)))
table(rows_b, ["Gamma_0", "majority l", "exp(-341/l)", "min L d_x s_z/j_s", "max L d_x s_z/j_s"])
swing = [r[4] / r[3] - 1 for r in rows_b]
assert swing[0] > 1.0 and swing[2] < 0.03   # measured 2.2 and 0.012 (L = 335 ... 347), 2.0 and 0.004 (339 ... 343)
