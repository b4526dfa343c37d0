"""Kubo bubble: the Fermi-surface response to an electric field applied inside the sample,
without vertex corrections (the seeds' diagrams), in the SCBA.

A field E(x) along the wire enters through the vector potential (Peierls phases,
``T_ij -> T_ij exp(i q A (x_i - x_j))``, charge q = +1 as in the seeds' formulas, E = -dA/dt).
Slowly switched on, ``H(t) = H + A(t) B`` with ``B = dH/dA``; the dissipative (Fermi-surface)
part of the linear response at T = 0 is

    rho = (1/2pi) G^R (sum_b E_b J_b) G^A,      J_b = -dH/dA_b  (the current of bond b),

the Kubo-Streda RA term (the RR terms, of relative order 1/(E_F tau), are left out, as in the
seeds).  With a uniform field its bond currents are the bubble conductivity
``(1/2pi) Tr[J G^R J G^A]`` (tested, and positive).  G^R is the SCBA propagator, the source is
the bare current vertex: this is seed 002's Fig. 1 and the like, the response to a field whose
frequency is too high for charge and spin to pile up where div E != 0 (no ladder).

Why no ladder here: a static field inside a conductor with leads is a gauge transform of a
static potential step, i.e. of a bias between the leads plus an equilibrium rearrangement, so its
conserving (vertex-corrected) steady state is what :func:`spintex.linear_response` with SCBA
computes; dressing this RA source with the ladder alone is not gauge complete (the bond current
it gives varies by a few percent along a wire).

A user of the response engine (:mod:`spintex.response`): the SCBA propagator and its correlator
come from :func:`spintex.response.fermi_level_system` (the block sweep over site pairs, which
carries the bond source; without spin-orbit impurities the local self-energy sits on its (i, i)
pairs), and the result is an engine :class:`Response` with ``drive="internal_field"``.  What is
particular to the bubble is only the source (the bare current vertex below) and the absence of a
ladder.  With spin-orbit impurities the response also carries ``relaxation_torque`` and
``anomalous_spin_source`` (:func:`spintex.disorder.spin_orbit_balance`).
"""
from __future__ import annotations

import numpy as np

from ._validate import check_model, finite_float, real_array
from .disorder import Disorder, PairBornMap, spin_orbit_balance
from .model import Model
from .observables import Response
from .response import fermi_level_system, open_channels
from . import units


def _field_per_bond(model: Model, field, disorder) -> np.ndarray:
    """E on the slice boundaries (num_slices - 1,), checked; and the disorder checked."""
    check_model(model)
    if not isinstance(disorder, Disorder) or disorder.method != "scba":
        raise ValueError("kubo_bubble needs disorder=st.Disorder(..., method='scba') (a finite lifetime; "
                         "the bubble of clean leads diverges)")
    L = model.lattice.num_slices
    if callable(field):  # at the bond midpoints x + 1/2
        values = real_array(field(np.arange(L - 1, dtype=float) + 0.5), "field (the values of the callable)")
        where, expected = "at the bond midpoints", (L - 1,)
    else:  # per slice; a bond gets the mean of its two slices
        values = real_array(field, "field")
        where, expected = "per slice", (L,)
    if values.shape != expected:
        raise ValueError(f"field must be {L} finite values (one per slice, at x = 0 .. {L - 1}) or a callable "
                         f"of x giving finite values at the {L - 1} bond midpoints, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        bad = np.flatnonzero(~np.isfinite(values))
        raise ValueError(f"field must be finite: NaN or infinite values {where} at index {bad.tolist()[:10]}")
    if not callable(field):
        values = 0.5 * (values[1:] + values[:-1])
    return values


def current_vertex(model: Model, born: PairBornMap, values: np.ndarray) -> np.ndarray:
    """The source sum_b E_b J_b as 2x2 blocks on ``born.pairs``: J_b = i dx (T_ij |i><j| - T_ij^dag |j><i|)
    on the x bonds (dx = x_j - x_i), E_b = ``values[l]`` for a bond between slices l and l + 1."""
    lat = model.lattice
    i, j = lat.bonds.T
    dx = lat.bond_vectors[:, 0]
    weight = np.zeros(len(i))
    along = dx != 0
    weight[along] = values[np.minimum(lat.slice_of_site[i], lat.slice_of_site[j])[along]] * dx[along]
    T_ij = model.bond_blocks[:len(lat.bonds)]
    source = np.zeros((len(born.pairs), 2, 2), complex)
    np.add.at(source, born.bond_ij, 1j * weight[:, None, None] * T_ij)
    np.add.at(source, born.bond_ji, -1j * weight[:, None, None] * np.conj(np.swapaxes(T_ij, 1, 2)))
    return source


def kubo_bubble(model: Model, energy: float, *, field, disorder: Disorder) -> Response:
    """Fermi-surface response to an electric field E(x) along x, without vertex corrections (module
    docstring): rho = (1/2pi) G^R (sum_b E_b J_b) G^A with the SCBA G^R.

    This is the seeds' RA bubble. Its current in a uniform field is (1/2pi) Tr[J G^R J G^A], not
    the conserving DC conductivity of the lattice. That one is Kubo-Greenwood's, which adds
    -(1/2pi) Re Tr[J G^R J G^R] (O(1 / (E_F tau)); docs/physics.md section 24). A DC field with
    vertex corrections is ``linear_response(..., drive="field")``.

    Parameters
    ----------
    model : Model
    energy : float
        Fermi energy.
    field : array_like (num_slices,) or callable
        E at each slice position x = 0 .. L-1 (a bond between slices l and l+1 gets the mean of
        the two), or a callable E(x), evaluated at the bond midpoints x = l + 1/2.
    disorder : Disorder
        SCBA disorder (on-site, magnetic and/or spin-orbit).

    Returns
    -------
    Response
        Densities, torques and bond currents per unit field (``drive="internal_field"``;
        ``transmission`` is NaN: no lead is biased); with spin-orbit impurities also
        ``relaxation_torque`` and ``anomalous_spin_source``.
    """
    check_model(model)
    energy = finite_float(energy, "energy")
    values = _field_per_bond(model, field, disorder)
    corr, born, sol = fermi_level_system(model, energy, disorder, pairs=True)
    C, C_bonds = corr.apply(current_vertex(model, born, values))  # G^R Y G^A on the pairs, and C_ji
    rho, rho_bonds = C / (2 * np.pi), C_bonds / (2 * np.pi)
    extra = {}
    if disorder.soc:
        extra["relaxation_torque"], extra["anomalous_spin_source"] = spin_orbit_balance(model, born, sol.retarded, rho)
    return Response.from_blocks(
        model, born.sites(rho), rho_bonds, energy=energy, drive="internal_field", transmission=np.nan,
        spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, energy),
        parameters={"energy": energy, "disorder": disorder, "field": values, "scba_iterations": sol.iterations},
        units=f"{units.DRIVES['internal_field']} at T = 0, SCBA lifetimes; {units.OBSERVABLES}", **extra)
