"""Gilbert damping from the disorder-averaged Kubo-Bastin (Fermi-surface) formula.

A slowly rotating magnetization n(t) perturbs the electrons by H' = -M dn . sigma.  Kubo's
formula gives the dissipative (omega-linear) spin response at T = 0,

    ds^a_i = -M sum_j K^{ab}_{ij} dn^b_j/dt,
    K^{ab}_{ij} = lim Im chi^{ab}_{ij}(omega)/omega = (1/4pi) Tr[sigma^a A_ij sigma^b A_ji],

A = i(G^R - G^A) at E_F.  For a uniform rotation (dn_j/dt the same on every site) the sum over j
is a correlation with a uniform source Y = sigma^b, A Y A = (G^R Y G^A + G^A Y G^R) -
2 Herm(G^R Y G^R).  The code takes the Fermi-surface term of the Kubo-Bastin rate response,
K^{ab}_i = (1/2pi) Re Tr[sigma^a (X_RA - X_RR)_ii], i.e. 2 G^R Y G^A in place of G^R Y G^A +
G^A Y G^R: the same site traces when the Hamiltonian has an antiunitary symmetry (collinear and
coplanar textures without spin-orbit coupling, edges included), not in general (docs/physics.md
section 6).  In the SCBA both products carry their ladder vertex corrections,
X = G(Y + S[X])G^A and X = G(Y + S[X])G^R (``spintex.disorder``); with spin-orbit impurities on
the site pairs of the block sweep (their Born map is not local; docs/physics.md section 21).

The torque on the magnetization T_i = M n_i x ds_i then contains -M^2 K^{xx} n x dn/dt
(x: a direction transverse to n), so the reported damping coefficient

    alpha_i = M^2 K^{xx}_i    with    T_i = -alpha_i n x dn/dt + (terms along dn/dt)

is the damping torque per site per unit dn/dt (positive: the torque opposes the motion; with
S dn/dt = T this is alpha = S alpha_Gilbert for local spin S).  At leading order in Gamma/M in a
uniform bulk (derivation in docs/physics.md) the ladder removes the non-magnetic part and gives

    alpha = pi [2 Gamma_par nu_up nu_down + Gamma_perp (nu_up^2 + nu_down^2)]   (seed 001 Eq. 82),

whereas the bare bubble (no vertex corrections) gives pi[(Gamma_0 + Gamma_par) nu_up nu_down +
Gamma_perp (nu_up^2 + nu_down^2)].
"""
from __future__ import annotations

import warnings

import numpy as np

from ._validate import boolean, check_model, finite_float
from .disorder import Disorder, magnetic_axes
from .model import PAULI, Model
from .pumping import fermi_surface_response


def damping_profile(model: Model, energy: float, disorder: Disorder, *, vertex_corrections: bool = True) -> np.ndarray:
    """alpha_i = M_i^2 K^{xx}_i on every site (see the module docstring), in units of t."""
    vertex_corrections = boolean(vertex_corrections, "vertex_corrections")
    if not isinstance(disorder, Disorder) or disorder.method != "scba":
        raise ValueError("gilbert_damping needs disorder=st.Disorder(..., method='scba')")
    # the pumping engine's Fermi-surface part with dn/dX = e1 (a transverse axis on each site):
    # dH/dX = -M sigma_t and Tr[sigma_t rho] = -M K^{xx}, so alpha = M^2 K^{xx} = -M Tr[sigma_t rho]
    e1 = magnetic_axes(model, "local")[:, 0]
    sigma_t = np.einsum("na,aij->nij", e1, PAULI)
    source = -model.exchange[:, None, None] * sigma_t
    sites, _, _ = fermi_surface_response(model, energy, disorder, source, vertex_corrections=vertex_corrections)
    return -model.exchange * np.real(np.einsum("nij,nji->n", sigma_t, sites))


def gilbert_damping(model: Model, energy: float, *, disorder: Disorder, bulk: float = 0.5,
                    vertex_corrections: bool = True) -> float:
    """Damping torque per site per unit dn/dt of a slowly rotating magnetization (Kubo-Bastin
    Fermi-surface formula in the SCBA with ladder vertex corrections; see the module docstring).

    Averaged over the central fraction ``bulk`` of the slices, away from the leads (which add
    spin pumping at the ends).  Sign: T = -alpha n x dn/dt, alpha > 0 damps.
    """
    check_model(model)
    energy = finite_float(energy, "energy")
    vertex_corrections = boolean(vertex_corrections, "vertex_corrections")
    bulk = finite_float(bulk, "bulk")
    if not 0 < bulk <= 1:
        raise ValueError(f"bulk must be in (0, 1] (the central fraction of the slices), got {bulk!r}")
    alpha = damping_profile(model, energy, disorder, vertex_corrections=vertex_corrections)
    slices = model.lattice.slice_of_site
    L = model.lattice.num_slices
    lo, hi = int(L * (1 - bulk) / 2), int(np.ceil(L * (1 + bulk) / 2))
    value = float(alpha[(slices >= lo) & (slices < hi)].mean())
    if vertex_corrections and not any(disorder.magnetic) and not disorder.soc:
        # spin is conserved in the bulk: its damping vanishes (Eq. 82 with Gamma_perp = Gamma_par = 0), and
        # what is left is the leads' spin pumping, a finite-size term of either sign
        warnings.warn(f"gilbert_damping = {value:.3g} without spin-relaxing disorder (magnetic or soc): the bulk "
                      "damping of a spin-conserving wire is 0, and this is the spin pumping into the leads of a "
                      f"{L}-slice wire (of either sign, vanishing as the wire grows)", UserWarning, stacklevel=2)
    elif value < 0:  # bulk magnetic or spin-orbit impurities damp (Eq. 82): alpha > 0
        warnings.warn(f"gilbert_damping = {value:.3g} < 0: the central {bulk:.0%} of this {L}-slice wire is not "
                      "bulk (spin pumping into the leads dominates); use a wire much longer than the mean free "
                      "path (st.continuum.mean_free_path)", UserWarning, stacklevel=2)
    return value
