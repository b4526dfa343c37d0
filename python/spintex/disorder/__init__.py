"""Disorder (package): Born variances, explicit random samples and the self-consistent Born approximation.

Variances per site (CONVENTIONS.md): Gamma_0 = <eps_i^2> for the on-site potential; for magnetic
impurities, a random field u_s S_i . sigma with variance Gamma_perp along each of the two axes
transverse to the local n and Gamma_par along n (``frame="local"``, the seeds' convention) or
along the lab axes x, y (perp) and z (par) (``frame="lab"``).

SCBA (no crossed diagrams).  With U_a = u_a . sigma (u_a the three axes above, variances
Gamma_a), the Born self-energies are local:

    Sigma^R_i = S[G^R_ii],   -i Sigma^<_i = S[-i G^<_ii],
    S[X]_i = Gamma_0 X_i + sum_a Gamma_a U_a X_i U_a.

The retarded equation is solved by Anderson-mixed iteration.  The lesser one is the ladder
(vertex corrections): for linear response per unit rise of lead a's chemical potential,
X = G (Gamma_a + S[X]) G^dag, linear in the site blocks X_ii; it is solved as the linear system
(1 - C S) x = C Gamma_a by GMRES, each product C[Y] = G Y G^dag one O(L n^3) sweep
(_core.Correlator), instead of the slowly converging fixed-point iteration (a diffusion problem).
SCBA is conserving: the particle current is the same through every slice.

Samples: each site is an impurity with probability ``concentration`` c, with potential
+-u (u^2 = Gamma_0 / c) and field components +-u_a along the axes (u_a^2 = Gamma_a / c), signs
independent, so the sampled and Born variances coincide.  ``distribution="gaussian"`` or ``"box"``
draws the strengths from a normal or uniform law of the same variance instead (the default
``"binary"`` is the +-u law); the Born approximation sees only the variance.
"""
from __future__ import annotations

from .spec import Disorder, SCBAConvergenceError
from .born import BornMap, born_map, magnetic_axes, site_variances
from .scba import LadderSolution, SCBASolution, scba, solve_ladder
from .samples import (RunningMean, lattice_arrays, random_site_blocks, realization, sample_mean, sample_model,
                      sample_stream, sample_streams)
from .spin_orbit import (GROUP, PairBornMap, PairCorrelator, neighbour_table, spin_orbit_balance,
                         spin_orbit_fields, spin_orbit_hoppings)

__all__ = [
    "BornMap", "Disorder", "GROUP", "LadderSolution", "PairBornMap", "PairCorrelator", "RunningMean",
    "SCBAConvergenceError", "SCBASolution", "born_map", "lattice_arrays", "magnetic_axes", "neighbour_table",
    "random_site_blocks", "realization", "sample_mean", "sample_model", "sample_stream", "sample_streams", "scba",
    "site_variances",
    "solve_ladder", "spin_orbit_balance", "spin_orbit_fields", "spin_orbit_hoppings",
]
