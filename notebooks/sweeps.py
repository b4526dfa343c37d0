# %% [markdown]
# # Sweeps: beta against the wall width lambda and the disorder, as one xarray Dataset
#
# `st.sweep` runs the linear response over a grid of parameters on Dask (a `LocalCluster` by
# default, `scheduler="tcp://..."` on a cluster, `scheduler="synchronous"` in this process) and
# returns an `xarray.Dataset` with the grid as dimensions; finished points are checkpointed in
# `run_dir`, so the same call after an interruption resumes.  The CLI does the same from a
# `[sweep]` table (examples/beta_sweep.toml).
#
# The physics is the headline case of beta_magnetic_impurities.py: a Neel wall of width lambda in a
# chain, M = 0.5, E_F = -0.8, SCBA with ladder vertex corrections, charge-neutral field drive,
# T = A d_x n + B n x d_x n, beta = B/A, against seed 000 Eq. 94,
# beta = (pi/M)(Gamma_perp + Gamma_par)(nu_up + nu_down).  Two things must hold in the Dataset:
# beta approaches Eq. 94 as lambda grows (the 1/lambda gradient correction dies out), and beta
# scales with the magnetic variance (Eq. 94 is linear in Gamma_perp + Gamma_par, independent of
# Gamma_0).
#
# Dask starts worker processes that re-import this file: the computing cells run under
# `if __name__ == "__main__":` (the notebooks are run by runpy with that name).

# %%
import tempfile

import numpy as np
import xarray as xr

import spintex as st
from _common import FULL, Figure, log_x, pick, save, table

M, E = 0.5, -0.8


def build(wall_width):
    L = int(20 * wall_width) + 1  # the wall far from the leads
    return st.Model(st.lattice.chain(L), exchange=M, texture=st.textures.neel_wall(L / 2, wall_width))


def disorder(gamma_0, gamma_m):
    return st.Disorder(onsite=gamma_0, magnetic=(gamma_m, gamma_m))


grid = {"gamma_0": pick([0.05], [0.02, 0.05]), "gamma_m": [0.0025, 0.005],
        "wall_width": pick([6.25, 12.5, 25.0, 50.0], [6.25, 12.5, 25.0, 50.0, 100.0, 200.0])}

# %% [markdown]
# ## The sweep: one call, one Dataset (dimensions gamma_0, gamma_m, wall_width)

# %%
if __name__ == "__main__":
    run_dir = tempfile.mkdtemp(prefix="spintex-sweeps-")  # a fixed folder would resume across runs
    ds = st.sweep(build, grid, E, disorder=disorder, drive="field", observables=("beta", "adiabatic", "transmission"),
                  run_dir=run_dir, progress=False,
                  # full size: a LocalCluster, one worker per core; small size: in this process (no start-up)
                  **({"workers": 2} if FULL else {"scheduler": "synchronous"}))
    print(ds)

# %% [markdown]
# ## Against Eq. 94 (an xarray DataArray over gamma_m: broadcasting does the rest)

# %%
if __name__ == "__main__":
    nu = st.continuum.spin_dos(E, M, 1)
    eq94 = xr.DataArray([float(st.continuum.beta_spin_flip(*nu, M, magnetic=(g, g))) for g in grid["gamma_m"]],
                        coords={"gamma_m": grid["gamma_m"]}, dims="gamma_m", attrs={"long_name": "Eq. 94"})
    ratio = (ds.beta / eq94).rename("beta / Eq. 94")
    rows = [(float(g0), float(gm), float(w), float(ds.beta.sel(gamma_0=g0, gamma_m=gm, wall_width=w)),
             float(eq94.sel(gamma_m=gm)), float(ratio.sel(gamma_0=g0, gamma_m=gm, wall_width=w)))
            for g0 in grid["gamma_0"] for gm in grid["gamma_m"] for w in grid["wall_width"]]
    table(rows, ["Gamma_0", "Gamma_m", "lambda", "beta", "Eq. 94", "beta/Eq. 94"])
    scaling = ds.beta.sel(gamma_m=0.005) / ds.beta.sel(gamma_m=0.0025)
    print("beta(Gamma_m = 0.005) / beta(Gamma_m = 0.0025) against lambda:",
          np.array2string(scaling.values, precision=4))

    widest = ratio.isel(wall_width=-1)
    assert np.all(abs(widest - 1) < pick(0.01, 0.002)), widest.values  # beta -> Eq. 94 as lambda grows
    deviation = abs(ratio - 1)
    closer = (deviation.diff("wall_width") < 0) | (deviation.isel(wall_width=slice(1, None)) < 2e-3)
    assert np.all(closer), deviation.values  # monotonically closer, down to the lattice's 1e-3 from Eq. 94
    assert np.all(abs(scaling.isel(wall_width=-1) - 2) < pick(0.02, 0.002)), scaling.values  # linear in Gamma_m
    assert np.all(ds.transmission.sel(gamma_m=0.005) < ds.transmission.sel(gamma_m=0.0025))
    if FULL:  # Eq. 94 does not depend on Gamma_0 (the non-magnetic disorder)
        g0 = ratio.isel(wall_width=-1)
        assert np.all(abs(g0.sel(gamma_0=0.02) / g0.sel(gamma_0=0.05) - 1) < 0.002), g0.values

# %% [markdown]
# ## Plots: `st.plot.sweep` (beta with Eq. 94 dashed) and xarray's own plotting (beta / Eq. 94)

# %%
if __name__ == "__main__":
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    sel = ds.sel(gamma_0=0.05)
    st.plot.sweep(sel, "beta", x="wall_width", hue="gamma_m", ax=ax1)
    for k, g in enumerate(grid["gamma_m"]):
        ax1.axhline(float(eq94.sel(gamma_m=g)), color=f"C{k}", ls="--", lw=0.8)
    log_x(ax1, grid["wall_width"])
    ax1.set(xlabel="wall width lambda [a]", title=f"M = {M}, E_F = {E}, Gamma_0 = 0.05 (dashed: Eq. 94)")
    ratio.sel(gamma_0=0.05).plot.line(x="wall_width", hue="gamma_m", ax=ax2, marker="o")
    ax2.axhline(1, color="k", lw=0.8)
    log_x(ax2, grid["wall_width"])
    ax2.set(xlabel="wall width lambda [a]", ylabel="beta / Eq. 94", title="beta / Eq. 94 -> 1 as lambda grows")
    save(fig, "sweeps")
    print("full size" if FULL else "reduced size", "checks passed")
