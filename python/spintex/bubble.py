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

The block sweep over slice pairs (:class:`spintex.spin_orbit.PairCorrelator`) carries the bond
source; the on-site and magnetic self-energies are embedded in its pair list when there are no
spin-orbit impurities.  With spin-orbit impurities the response also carries
``relaxation_torque`` and ``anomalous_spin_source`` (:func:`spintex.spin_orbit.spin_orbit_balance`).
"""
from __future__ import annotations

import numpy as np

from ._validate import check_model, finite_float
from .disorder import BornMap, Disorder, PairBornMap, PairCorrelator, scba, spin_orbit_balance
from .model import Model
from .observables import Response
from .response import open_channels

UNITS_FIELD = "per unit electric field E (charge +1, hbar = a = 1) at T = 0: Fermi-surface (RA) bubble, SCBA lifetimes"


def _check(model: Model, field, disorder) -> np.ndarray:
    if not isinstance(model, Model):
        raise TypeError(f"model must be a spintex.Model, got {type(model).__name__}")
    if not isinstance(disorder, Disorder) or disorder.method != "scba":
        raise ValueError("kubo_bubble needs disorder=st.Disorder(..., method='scba') (a finite lifetime; "
                         "the bubble of clean leads diverges)")
    L = model.lattice.num_slices
    if callable(field):  # at the bond midpoints x + 1/2
        values = np.asarray(field(np.arange(L - 1, dtype=float) + 0.5), dtype=float)
        ok = values.shape == (L - 1,)
    else:  # per slice; a bond gets the mean of its two slices
        values = np.asarray(field, dtype=float)
        ok = values.shape == (L,)
        values = 0.5 * (values[1:] + values[:-1]) if ok else values
    if not ok or not np.all(np.isfinite(values)):
        raise ValueError(f"field must be {L} finite values (one per slice, at x = 0 .. {L - 1}) or a callable "
                         f"of x giving finite values at the bond midpoints, got shape {np.shape(values)}")
    return values


def kubo_bubble(model: Model, energy: float, *, field, disorder: Disorder) -> Response:
    """Fermi-surface response to an electric field E(x) along x, without vertex corrections (module docstring).

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
        Densities, torques and bond currents per unit field (``transmission`` is NaN: no lead
        is biased); with spin-orbit impurities also ``relaxation_torque`` and
        ``anomalous_spin_source``.
    """
    check_model(model)
    energy = finite_float(energy, "energy")
    values = _check(model, field, disorder)
    lat = model.lattice
    N = lat.num_sites
    sol = scba(model, energy, disorder)
    if disorder.soc:
        born, sigma = sol.born, sol.self_energy
    else:
        born = PairBornMap(model, disorder, BornMap(model, disorder))
        sigma = np.zeros((len(born.pairs), 2, 2), complex)
        sigma[:N] = sol.self_energy
    corr = PairCorrelator(model, energy, born, sigma)

    # source sum_b E_b J_b on the x bonds: J_b = i dx (T_ij |i><j| - T_ij^dag |j><i|), dx = x_j - x_i
    i, j = lat.bonds.T
    dx = lat.bond_vectors[:, 0]
    slice_of = lat.slice_of_site
    weight = np.zeros(len(i))
    along = dx != 0  # x bonds, between slices l and l + 1 = bond field values[l]
    weight[along] = values[np.minimum(slice_of[i], slice_of[j])[along]] * dx[along]
    T_ij = model.bond_blocks[:len(lat.bonds)]
    source = np.zeros((len(born.pairs), 2, 2), complex)
    np.add.at(source, born.bond_ij, 1j * weight[:, None, None] * T_ij)
    np.add.at(source, born.bond_ji, -1j * weight[:, None, None] * np.conj(np.swapaxes(T_ij, 1, 2)))

    C = corr.apply(source, 0.0, 0.0)[0]
    rho = C / (2 * np.pi)
    r = Response.from_blocks(
        model, rho[:N], rho[born.bond_ji], energy=energy, drive="internal_field",
        spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, energy),
        parameters={"energy": energy, "disorder": disorder, "field": values,
                    "scba_iterations": sol.iterations},
        units=UNITS_FIELD,
    )
    r.transmission = np.nan
    if disorder.soc:
        r.relaxation_torque, r.anomalous_spin_source = spin_orbit_balance(model, born, sol.retarded, rho)
    return r
