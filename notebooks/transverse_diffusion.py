# %% [markdown]
# # Transverse spin diffusion in a ferromagnet: seed 003's magnetization-dependent tensor
#
# Seed 003 (Hitchon, Parker & Rebei) keeps the precession of the spin current in Fick's law:
# ``(1 + tau H x) J = -D grad m`` (Eq. 71), so the spin diffuses with the tensor
# ``D (1 + tau H x)^-1`` (Eqs. 72-73, 91-92) instead of Eq. 70's scalar D. In spintex's units
# ``H = 2M n``, ``tau = 1/(2 gamma)``, ``D = tau <v_x^2>``; along n = z the tensor acts on
# ``m+ = m_x + i m_y`` as ``D / (1 + i a)``, ``a = 2 M tau = M / gamma``
# (`st.continuum.transverse_diffusion_constant`).
#
# Lattice: a disordered chain (SCBA, non-magnetic Gamma_0) magnetized along z, fed at its left end
# by a short segment magnetized along x and the left lead's bias; the transverse accumulation
# then diffuses into the z region.
#
# A. In the uniform z region, Eq. 75 gives ``m+ ~ exp(-kappa x)`` with
#    ``kappa^2 = 2iM (1 + i a) / D`` (`st.continuum.transverse_decay`). In one dimension the
#    seed's closure (Eq. 69) is exact for the Boltzmann equation (docs/physics.md), so the
#    lattice should approach the formula for every a as gamma -> 0 (gamma << E_F); Eq. 70 misses
#    the factor (1 + i a).
# B. Where M varies along the wire, the local Fick law ``J+ = -D_perp(x) dm+/dx`` holds with the
#    local ``a(x) = 2 M(x) tau`` (Eqs. 91-92 with their x dependence).
# C. With several channels of different speeds the closure is not exact: a periodic 4-wide strip
#    follows the relaxation-time Boltzmann equation of its channels
#    (`st.continuum.kinetic_transverse_decay`), which differs from Eq. 75 by the spread of v_x.
# D. The 3D bulk (PeriodicWire.bulk): the same, with Eq. 75 18 % off at a = 1.
# E. Magnetic impurities relax the transverse spin: Eq. 75 with seed 003's 1/tau_k, which the Born
#    rates make 2 M beta with seed 000's beta (Eq. 94; `st.continuum.transverse_relaxation_rate`).

# %%
import numpy as np

import spintex as st
from spintex.periodic import PeriodicWire
from _common import FULL, Figure, log_x, pick, save, table

E = -1.0
NU = st.continuum.dos(E, 1)
SOURCE = 40  # sites magnetized along x at the left end


def x_then_z(length):
    """SOURCE sites magnetized along x, then z."""
    return np.where(np.arange(length)[:, None] < SOURCE, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])


def chain(gamma, exchange, length, magnetic=0.0):
    """The transverse accumulation m+ and spin current J+ (bond i -> i+1) along the chain, its Born
    broadening gamma made of isotropic magnetic variances ``magnetic`` and the rest non-magnetic."""
    model = st.Model(st.lattice.chain(length), exchange=exchange, texture=x_then_z(length))
    # The transverse signal four to eight decay lengths out is 1e-6 ... 1e-9 of the charge response;
    # the default SCBA tolerance (1e-10) leaves the ladder inconsistent with Sigma at that level
    # (the fitted kappa moved by 1.5e-4 at a = 0.1, gamma = 0.005), so converge Sigma further.
    r = st.linear_response(model, E, disorder=st.Disorder(onsite=gamma / (np.pi * NU) - 3 * magnetic,
                                                          magnetic=(magnetic, magnetic), tolerance=1e-13))
    s, j = r.spin_density, r.spin_current
    return s[:, 0] + 1j * s[:, 1], j[:, 0] + 1j * j[:, 1]


def wire_decays(make_wire, energy, speeds, weights, gamma, M, window):
    """kappa of a periodic wire's accumulation fitted on ``window`` (in decay lengths), the channels'
    kinetic kappa, Eq. 75's (D = tau <v_x^2>), the kinetic kappa of the SCBA-renormalized
    channels (``PeriodicWire.renormalized_channels``) and the k-space ladder's exact kappa
    (``PeriodicWire.exact_transverse_decay``).  ``make_wire(length, M, texture)``."""
    tau = 1 / (2 * gamma)
    kinetic = st.continuum.kinetic_transverse_decay(speeds, weights, tau, M)
    seed = st.continuum.transverse_decay(tau * (weights * speeds**2).sum() / weights.sum(), tau, M)
    decay = 1 / kinetic.real
    length = SOURCE + int(13 * decay)
    wire = make_wire(length, M, x_then_z(length))
    onsite = gamma / (np.pi * weights.sum())
    r = wire.linear_response(energy, disorder=st.Disorder(onsite=onsite, tolerance=1e-13))
    lattice = fitted_decay(r.spin_density[:, 0] + 1j * r.spin_density[:, 1],
                           SOURCE + int(window[0] * decay), SOURCE + int(window[1] * decay))
    c = wire.renormalized_channels(energy, M, onsite)
    renormalized = st.continuum.kinetic_transverse_decay(c.speeds, c.weights, c.lifetime, c.exchange)
    return lattice, kinetic, seed, renormalized, wire.exact_transverse_decay(energy, M, onsite)


def fitted_decay(mp, lo, hi):
    """kappa from a straight-line fit of log|m+| and its unwrapped phase on sites lo..hi."""
    x = np.arange(lo, hi)
    slope = np.polyfit(x, np.log(np.abs(mp[lo:hi])), 1)[0] + 1j * np.polyfit(x, np.unwrap(np.angle(mp[lo:hi])), 1)[0]
    return -slope


# %% [markdown]
# ## A. The decay constant in a uniform magnet, for a = 0.1 ... 10 and gamma -> 0

# %%
rows = []
for a in pick([0.3, 1.0, 3.0], [0.1, 0.3, 1.0, 3.0, 10.0]):
    for gamma in pick([0.02, 0.01], [0.04, 0.02, 0.01, 0.005]):
        M, tau = a * gamma, 1 / (2 * gamma)
        D = st.continuum.diffusion_constant(E, tau, 1)
        seed = st.continuum.transverse_decay(D, tau, M)
        scalar = st.continuum.transverse_decay(D, tau, M, tensor=False)
        decay = 1 / seed.real
        mp, _ = chain(gamma, M, SOURCE + int(14 * decay))
        lattice = fitted_decay(mp, SOURCE + int(4 * decay), SOURCE + int(8 * decay))
        rows.append((a, gamma, M, np.sqrt(D * tau) * abs(seed), lattice.real, lattice.imag,
                     abs(lattice / seed - 1), abs(lattice / scalar - 1)))
table(rows, ["a", "gamma", "M", "|kappa| l", "Re kappa", "Im kappa", "|lat/Eq.75 - 1|", "|lat/Eq.70 - 1|"])
for a in {r[0] for r in rows}:
    errors = [r[6] for r in rows if r[0] == a]  # gamma halves along the list
    assert errors[-1] < 4e-4, (a, errors)  # measured 1.5e-4 (a = 3, gamma = 0.01), 2.9e-4 (a = 10, 0.005)
    # ~ gamma^2 (4.0-4.2x per halving) down to the fit's floor of about 1e-5
    assert all(e1 / e2 > 2.5 for e1, e2 in zip(errors, errors[1:]) if e2 > 2e-5), (a, errors)
for r in rows:
    if r[0] >= 0.3:
        assert r[7] > 0.05, r  # the scalar D of Eq. 70 is not what the lattice does
print("(the error falls as gamma^2 at fixed a: the lattice tends to Eq. 75 with the tensor as gamma / E_F -> 0; "
      "Eq. 70's scalar D misses the factor (1 + i a) of kappa^2)")

# %% [markdown]
# ## B. The local Fick law where the magnetization changes along the wire
#
# M rises from M0/2 to 3M0/2 (a from 0.5 to 1.5) over about one mean free path, centred nine mean
# free paths from the source. ``D_eff = -J+ / (dm+/dx)`` is summed over three bonds (the 2k_F
# period at E = -1) and compared with D / (1 + i a(x)) at the middle bond.

# %%
gamma, M0 = 0.02, 0.02
tau = 1 / (2 * gamma)
D = st.continuum.diffusion_constant(E, tau, 1)
ell = np.sqrt(D * tau)
length = SOURCE + int(16 * ell)
x = np.arange(length)
M = M0 * (1 + 0.5 * np.tanh((x - SOURCE - 9 * ell) / ell))
mp, jp = chain(gamma, M, length)
dm = np.diff(mp)
Mbond = (M[1:] + M[:-1]) / 2
profile = []
for i in range(SOURCE + int(5 * ell), length - int(ell), pick(24, 12)):
    deff = -jp[i:i + 3].sum() / dm[i:i + 3].sum()
    seed = st.continuum.transverse_diffusion_constant(D, tau, Mbond[i + 1])
    # the same with the lab-frame tensor of Eqs. 72-73 acting on (dm_x, dm_y)
    gradient = np.array([dm[i:i + 3].sum().real, dm[i:i + 3].sum().imag])
    current = -st.continuum.diffusion_tensor(D, tau, Mbond[i + 1])[:2, :2] @ gradient
    tensor_error = abs((current[0] + 1j * current[1]) / jp[i:i + 3].sum() - 1)
    profile.append(((i + 1 - SOURCE) / ell, 2 * Mbond[i + 1] * tau, deff / D, seed / D, abs(deff / seed - 1),
                    abs(deff / D - 1), tensor_error))
table([(p[0], p[1], p[2].real, p[2].imag, p[3].real, p[3].imag, p[4], p[5]) for p in profile],
      ["x / l", "a(x)", "Re D_eff/D", "Im D_eff/D", "Re Eq.91", "-Eq.92", "|lat/seed - 1|", "|lat/D - 1|"])
assert all(p[4] < 1e-3 for p in profile if p[0] > 7.5), profile  # measured 7.3e-4 at 7.5 l, <= 5.8e-4 beyond 7.8 l
assert all(p[5] > 0.4 for p in profile), profile  # far from the scalar D everywhere
assert all(p[6] < 1e-3 for p in profile if p[0] > 7.5), profile  # the 3 x 3 tensor (Eqs. 72-73) as well

# %% [markdown]
# ## C. Several channels: the Boltzmann equation, not the closure
#
# Periodic 4 x 1 cross-section at E = -0.5: two open channels (speeds 1.32 and 1.94, weights by
# their densities of states; r = <v_x^4>/<v_x^2>^2 = 1.116) and one closed one. The kinetic
# reference solves Eq. 66 for these channels without the closure (Eq. 69); Eq. 75 uses
# D = tau <v_x^2>. The fit window is 6 to 10 decay lengths: nearer the source the faster kinetic
# modes and inter-channel beats still matter.

# %%
speeds, dos_weights = PeriodicWire(10, 4, 1).open_channels(-0.5)
strip = []
for a in pick([1.0, 3.0], [0.3, 1.0, 3.0]):
    for gamma in pick([0.01, 0.005], [0.02, 0.01, 0.005, 0.0025]):
        lattice, kinetic, seed, renormalized, exact = wire_decays(
            lambda n, M, tex: PeriodicWire(n, 4, 1, exchange=M, texture=tex), -0.5, speeds, dos_weights, gamma,
            a * gamma, (6, 10))
        strip.append((a, gamma, abs(kinetic / seed - 1), abs(lattice / kinetic - 1), abs(lattice / seed - 1),
                      abs(lattice / exact - 1), abs(exact / renormalized - 1)))
table(strip, ["a", "gamma", "|kinetic/Eq.75 - 1|", "|lat/kinetic - 1|", "|lat/Eq.75 - 1|", "|lat/exact - 1|",
              "|exact/renormalized - 1|"])
for a in {r[0] for r in strip}:
    errors = [r[3] for r in strip if r[0] == a]
    assert all(e2 < 0.8 * e1 for e1, e2 in zip(errors, errors[1:])), (a, errors)  # measured 0.5-0.71 per halving
    assert errors[-1] < 5e-3 and errors[-1] < 0.2 * [r[4] for r in strip if r[0] == a][-1], (a, strip)
    # the lattice is the k-space ladder's mode to the fit's floor; the O(gamma) part of the gap to the
    # kinetic mode is the SCBA's real self-energy: the renormalized channels leave O(gamma^2)
    assert all(r[5] < 3e-3 for r in strip if r[0] == a), (a, strip)
    exact_gap = [r[6] for r in strip if r[0] == a]
    assert all(3.5 < e1 / e2 < 4.5 for e1, e2 in zip(exact_gap, exact_gap[1:])), (a, exact_gap)
print("(the strip tends to the Boltzmann equation of its channels, linearly in gamma: the SCBA's real self-energy "
      "shifts the channels and the exchange splitting; with them renormalized the gap is O(gamma^2). Eq. 75 misses "
      "by what the closure drops: the seed's tensor is exact only when every electron has the same |v_x|)")

# %% [markdown]
# ## D. The 3D bulk
#
# `PeriodicWire.bulk` (simple cubic, 100 transverse levels) at E_F = -4 (r = 1.47), a = 1, fit from
# 8 to 11 decay lengths (the faster modes and the channels' 2k_F terms have died out there; the
# windows 4-8 and 6-10 give the same to 1e-3 ... 8e-3).

# %%
speeds3, weights3 = PeriodicWire.bulk(10, dim=3, levels=100).open_channels(-4.0)
bulk = []
for gamma in pick([0.02], [0.04, 0.02, 0.01, 0.005, 0.0025]):
    lattice, kinetic, seed, renormalized, exact = wire_decays(
        lambda n, M, tex: PeriodicWire.bulk(n, dim=3, levels=100, exchange=M, texture=tex),
        -4.0, speeds3, weights3, gamma, gamma, (8, 11))
    bulk.append((gamma, abs(kinetic / seed - 1), abs(lattice / kinetic - 1), abs(lattice / seed - 1),
                 abs(lattice / exact - 1), abs(exact / renormalized - 1)))
table(bulk, ["gamma", "|kinetic/Eq.75 - 1|", "|lat/kinetic - 1|", "|lat/Eq.75 - 1|", "|lat/exact - 1|",
             "|exact/renormalized - 1|"])
assert all(b[3] > 0.1 for b in bulk), bulk  # measured 0.18-0.21: the closure is not the 3D kinetics
assert bulk[-1][2] < pick(0.06, 0.015), bulk  # measured 0.049 at gamma = 0.02, 0.0075 at 0.0025
if FULL:
    assert bulk[0][2] > 3 * bulk[-1][2], bulk  # measured 0.057 -> 0.0075
# the lattice is the k-space ladder's mode (5e-4, the fit's floor).  The renormalized channels
# approach it only once gamma is small against the spacing of the 100 levels near E - Re Sigma
# (a level crossing its threshold moves the kinetic mode): 0.021 ... 0.061 at gamma >= 0.01, then
# 7.7e-4 and 1.7e-4 at gamma = 0.005 and 0.0025 (against 0.015 and 0.0075 for the bare channels)
assert all(b[4] < 2e-3 for b in bulk), bulk
if FULL:
    assert bulk[-1][5] < 0.1 * bulk[-1][2], bulk

# %% [markdown]
# ## E. Spin relaxation by magnetic impurities: seed 003's tau_k is seed 000's beta
#
# Chain as in A, a = 1, isotropic magnetic impurities with 1/tau_k = 2 M beta (beta = 0.1, 0.5),
# the rest of gamma non-magnetic. m+ is averaged over the three sites of the 2k_F period before
# the fit: with strong relaxation the decay length is about one mean free path and the source's
# 2k_F term (0.65 l) would otherwise reach the window.

# %%
relax = []
for beta in pick([0.5], [0.1, 0.5]):
    for gamma in pick([0.02, 0.01], [0.02, 0.01, 0.005]):
        M, tau = gamma, 1 / (2 * gamma)
        gm = 2 * M * beta / (8 * np.pi * NU)  # 1/tau_k = 2 pi (2 gm)(2 nu)
        rate = st.continuum.transverse_relaxation_rate(NU, NU, magnetic=(gm, gm))
        D = st.continuum.diffusion_constant(E, tau, 1)
        seed = st.continuum.transverse_decay(D, tau, M, spin_flip_rate=rate)
        mp, _ = chain(gamma, M, SOURCE + int(14 / seed.real), magnetic=gm)
        mp = np.convolve(mp, np.ones(3) / 3, mode="same")
        lattice = fitted_decay(mp, SOURCE + int(4 / seed.real), SOURCE + int(8 / seed.real))
        relax.append((beta, gamma, rate * tau, abs(lattice / seed - 1),
                      abs(lattice / st.continuum.transverse_decay(D, tau, M) - 1)))
table(relax, ["beta", "gamma", "tau/tau_k", "|lat/Eq.75 - 1|", "|lat/(tau_k = inf) - 1|"])
for beta in {r[0] for r in relax}:
    errors = [r[3] for r in relax if r[0] == beta]
    assert errors[-1] < 1e-4 and errors[0] > 3 * errors[-1], (beta, errors)  # measured ~ gamma^2
    assert all(r[4] > 0.04 for r in relax if r[0] == beta), relax  # the relaxation is seen

# %%
fig = Figure(figsize=(10, 3.6))
ax1, ax2 = fig.subplots(1, 2)
for a in sorted({r[0] for r in rows}):
    sel = [r for r in rows if r[0] == a]
    ax1.loglog([r[1] for r in sel], [max(r[6], 1e-7) for r in sel], "o-", label=f"a = {a:g}")
ax1.set(xlabel="gamma", ylabel="|kappa_lattice / kappa_Eq.75 - 1|", title="A: uniform magnet, chain")
log_x(ax1, sorted({r[1] for r in rows}))
ax1.legend(fontsize=8)
xs = [p[0] for p in profile]
ax2.plot(xs, [p[2].real for p in profile], "o", ms=3, label="Re D_eff / D (lattice)")
ax2.plot(xs, [p[2].imag for p in profile], "s", ms=3, label="Im D_eff / D (lattice)")
ax2.plot(xs, [p[3].real for p in profile], "k-", lw=0.8, label="D / (1 + i a(x)), Eqs. 91-92")
ax2.plot(xs, [p[3].imag for p in profile], "k-", lw=0.8)
ax2.set(xlabel="distance from the source / mean free path", title="B: local Fick law, M(x) ramp")
ax2.legend(fontsize=8)
save(fig, "transverse_diffusion")
