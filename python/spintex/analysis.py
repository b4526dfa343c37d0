"""Torque analysis: the adiabatic / non-adiabatic decomposition of a torque map."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import boolean, check_model, check_state_matches, finite_array, finite_float, real_array
from .model import Model
from .response import warn_if_not_field_driven


def texture_derivative(model: Model) -> np.ndarray:
    """d_x n at every site: central difference along x (one-sided at the two end slices)."""
    lat = model.lattice
    return _difference(model.texture_vectors, lat.neighbour_along_x(+1), lat.neighbour_along_x(-1))


def _difference(n: np.ndarray, ahead: np.ndarray, behind: np.ndarray) -> np.ndarray:
    """Central differences (n[ahead] - n[behind]) / 2, one-sided where a neighbour is missing (-1)."""
    d = np.zeros_like(n)
    both = (ahead >= 0) & (behind >= 0)
    d[both] = 0.5 * (n[ahead[both]] - n[behind[both]])
    only_ahead = (ahead >= 0) & (behind < 0)
    d[only_ahead] = n[ahead[only_ahead]] - n[only_ahead]
    only_behind = (ahead < 0) & (behind >= 0)
    d[only_behind] = n[only_behind] - n[behind[only_behind]]
    return d


def texture_gradient(model: Model, axis: int) -> np.ndarray:
    """d_a n (a = 0, 1, 2 for x, y, z) by central differences on the lattice (one-sided at edges;
    periodic wrap bonds are not followed)."""
    lat, n = model.lattice, model.texture_vectors
    if not 0 <= axis < lat.dim:
        raise ValueError(f"axis must be in 0..{lat.dim - 1} for a {lat.dim}D lattice, got {axis}")
    index = {tuple(np.round(p, 6)): k for k, p in enumerate(lat.positions)}
    unit = np.zeros(lat.dim)
    unit[axis] = 1.0
    ahead = np.array([index.get(tuple(np.round(p + unit, 6)), -1) for p in lat.positions])
    behind = np.array([index.get(tuple(np.round(p - unit, 6)), -1) for p in lat.positions])
    return _difference(n, ahead, behind)


@dataclass
class TorqueFit:
    """Least-squares fit T_i = A d_x n_i + B n_i x d_x n_i over ``region``.

    ``adiabatic`` = A, ``nonadiabatic`` = B, ``beta`` = B / A, ``residual`` = |T - fit| / |T|
    over the region (0 for a perfect two-term torque), ``region`` the boolean site mask used.
    ``*_stderr``: least-squares standard errors (residual variance x (X^T X)^-1; the residual is
    systematic, not noise, so they measure how well the form fits, not a statistical error).
    ``spin_orbit`` = (field-like, damping-like) coefficients of n x y and n x (n x y) when fitted
    (Rashba coupling, current along x).  ``warning`` is non-empty when the residual says the form
    does not describe the torque (residual > 0.3).
    """

    adiabatic: float
    nonadiabatic: float
    beta: float
    residual: float
    region: np.ndarray
    extra: tuple = ()  # coefficients of the extra basis fields, if any
    adiabatic_stderr: float = float("nan")
    nonadiabatic_stderr: float = float("nan")
    beta_stderr: float = float("nan")
    spin_orbit: tuple = ()
    warning: str = ""
    transverse: tuple = ()  # (A_y, B_y) of d_y n and n x d_y n, if fitted

    def model_torque(self, model: Model) -> np.ndarray:
        dn = texture_derivative(model)
        out = self.adiabatic * dn + self.nonadiabatic * np.cross(model.texture_vectors, dn)
        for c, field in zip(self.spin_orbit, spin_orbit_fields(model)):
            out = out + c * field
        if self.transverse:
            dn_y = texture_gradient(model, 1)
            out = out + self.transverse[0] * dn_y + self.transverse[1] * np.cross(model.texture_vectors, dn_y)
        return out


def spin_orbit_fields(model: Model) -> tuple:
    """The field-like and damping-like spin-orbit torque forms n x y and n x (n x y) (Rashba
    coupling with the current along x)."""
    n = model.texture_vectors
    field_like = np.cross(n, [0.0, 1.0, 0.0])
    return field_like, np.cross(n, field_like)


def fit_torque(model: Model, torque, region=None, *, threshold: float = 0.1, extra=(),
               spin_orbit: bool | None = None, transverse: bool = False) -> TorqueFit:
    """Fit a torque map to the adiabatic and non-adiabatic forms.

    Parameters
    ----------
    torque : Response or (N, 3) array
        A response (its ``torque``) or a torque map.  A disordered response that is not
        field-driven warns: its torque contains the Fermi-sea response to the wire's density
        gradient, which is not current-induced (use ``drive="field"``).
    region : boolean mask (N,), slice or index array, optional
        Sites used; by default those where |d_x n| exceeds ``threshold`` times its maximum.
    extra : sequence of (N, 3) arrays
        Further basis fields fitted together with the two torques; their coefficients are
        returned in ``TorqueFit.extra``.
    spin_orbit : bool, optional
        Fit the field-like and damping-like spin-orbit torques n x y and n x (n x y) too
        (``TorqueFit.spin_orbit``); default: when the model has Rashba coupling.
    transverse : bool
        2D textures: also fit A_y d_y n + B_y n x d_y n (``TorqueFit.transverse`` = (A_y, B_y)), the
        torque of gradients across the current (a transverse current component, or Hall-like
        deflection around a skyrmion); the default region then uses |grad n|.
    """
    check_model(model)
    threshold = finite_float(threshold, "threshold", nonnegative=True)
    if threshold >= 1:
        raise ValueError(f"threshold must be in [0, 1) (a fraction of the largest |d_x n|), got {threshold!r}")
    transverse = boolean(transverse, "transverse")
    if spin_orbit is not None and not isinstance(spin_orbit, (bool, np.bool_)):
        raise ValueError(f"spin_orbit must be True, False or None (fit when the model has Rashba coupling), "
                         f"got {spin_orbit!r}")
    with_soc = bool(model.rashba) if spin_orbit is None else bool(spin_orbit)
    if isinstance(extra, np.ndarray) and extra.ndim == 2:
        raise ValueError("extra must be a sequence of (N, 3) arrays, e.g. extra=[field], not a single array")
    try:
        extra = list(extra)
    except TypeError:
        raise ValueError(f"extra must be a sequence of (N, 3) arrays, got {type(extra).__name__}") from None
    extra = [finite_array(e, f"extra[{k}]") for k, e in enumerate(extra)]
    if hasattr(torque, "torque"):
        warn_if_not_field_driven(torque)
        torque = torque.torque
    torque = real_array(torque, "torque")
    N = model.lattice.num_sites
    if torque.shape != (N, 3):
        raise ValueError(f"torque must have shape ({N}, 3), got {torque.shape}")
    if not np.all(np.isfinite(torque)):
        raise ValueError("torque contains NaN or infinite values")
    dn = texture_derivative(model)
    if transverse and model.lattice.dim < 2:
        raise ValueError("transverse=True needs a 2D or 3D lattice")
    dn_y = texture_gradient(model, 1) if transverse else np.zeros_like(dn)
    if region is None:
        size = np.hypot(np.linalg.norm(dn, axis=1), np.linalg.norm(dn_y, axis=1))
        if size.max() < 1e-10:  # rounding: a texture that varies over 1e10 sites is uniform here
            raise ValueError(f"the texture is uniform on this lattice (largest |d_x n| = {size.max():.2g} per site): "
                             "nothing to fit; is the texture's center inside the wire?")
        mask = size > threshold * size.max()
    else:
        mask = np.zeros(N, dtype=bool)
        try:
            mask[region] = True
        except (IndexError, TypeError) as err:
            raise ValueError(f"region must be a boolean mask of length {N}, a slice or site indices: {err}") from None
    if not mask.any():
        raise ValueError("region selects no site")
    columns = [dn[mask].ravel(), np.cross(model.texture_vectors[mask], dn[mask]).ravel()]
    if with_soc:
        columns += [f[mask].ravel() for f in spin_orbit_fields(model)]
    if transverse:
        columns += [dn_y[mask].ravel(), np.cross(model.texture_vectors[mask], dn_y[mask]).ravel()]
    for k, e in enumerate(extra):
        if e.shape != (N, 3):
            raise ValueError(f"extra[{k}] must have shape ({N}, 3), got {e.shape}")
        columns.append(e[mask].ravel())
    basis = np.stack(columns, axis=1)
    target = torque[mask].ravel()
    if np.linalg.matrix_rank(basis[:, :2]) < 2:
        raise ValueError("d_x n vanishes on the region: choose sites inside the texture")
    coef, *_ = np.linalg.lstsq(basis, target, rcond=None)
    a, b = coef[:2]
    norm = np.linalg.norm(target)
    misfit = target - basis @ coef
    residual = float(np.linalg.norm(misfit) / norm) if norm > 0 else 0.0
    beta = float(b / a) if a != 0 else float("nan")
    dof = max(basis.shape[0] - basis.shape[1], 1)
    cov = np.linalg.pinv(basis.T @ basis) * float(misfit @ misfit) / dof
    sa, sb = np.sqrt(np.abs(np.diag(cov)[:2]))
    beta_err = abs(beta) * np.sqrt((sa / a) ** 2 + (sb / b) ** 2 - 2 * cov[0, 1] / (a * b)) if a and b else float("nan")
    k = 2 + 2 * with_soc + 2 * transverse
    t0 = 2 + 2 * with_soc
    warning = (f"the fit leaves {100 * residual:.0f} % of the torque unexplained: A d_x n + B n x d_x n does not "
               "describe it (spin-orbit torques? a 2D texture? fit a region or add basis fields)"
               if residual > 0.3 else "")
    return TorqueFit(adiabatic=float(a), nonadiabatic=float(b), beta=beta, residual=residual, region=mask,
                     extra=tuple(float(c) for c in coef[k:]), adiabatic_stderr=float(sa), nonadiabatic_stderr=float(sb),
                     beta_stderr=float(np.sqrt(max(beta_err**2, 0.0))) if np.isfinite(beta_err) else float("nan"),
                     spin_orbit=tuple(float(c) for c in coef[2:4]) if with_soc else (), warning=warning,
                     transverse=tuple(float(c) for c in coef[t0:t0 + 2]) if transverse else ())


def current_polarization(model: Model, response, boundaries=None) -> float:
    """P_j = J^n / J: the spin current along the local magnetization over the particle current,
    averaged over slice ``boundaries`` (default: all), n taken as the mean texture of the two
    slices of each boundary.  In a uniform ferromagnet this is (sigma_up - sigma_down)/(sigma_up
    + sigma_down), the current polarization of the seeds."""
    check_model(model)
    lat = model.lattice
    if lat.num_slices < 2:
        raise ValueError("need at least two slices")
    if not hasattr(response, "current") or not hasattr(response, "spin_current"):
        raise ValueError(f"response must be a Response (e.g. st.linear_response(model, energy)), "
                         f"got {type(response).__name__}")
    check_state_matches(model, response)
    if np.ndim(response.current) != 1:
        raise ValueError(f"response must be of one energy, got currents of shape {np.shape(response.current)} "
                         "(a batch of energies: pass one energy at a time)")
    b = np.arange(lat.num_slices - 1) if boundaries is None else np.atleast_1d(np.asarray(boundaries))
    if b.size == 0 or b.min() < 0 or b.max() >= lat.num_slices - 1:
        raise ValueError(f"boundaries must index slice boundaries 0..{lat.num_slices - 2}")
    n_slice = np.array([model.texture_vectors[s].mean(axis=0) for s in lat.slices])
    n_bound = n_slice[b] + n_slice[b + 1]
    n_bound /= np.linalg.norm(n_bound, axis=1, keepdims=True)
    J = response.current[b]
    if np.any(J == 0):
        raise ValueError("no particle current through some of the boundaries")
    return float(np.mean(np.einsum("ba,ba->b", response.spin_current[b], n_bound) / J))


def transverse_current(model: Model, response) -> float:
    """I_y = sum over the bonds along y of their particle current in the +y direction (the seam's
    bonds of a periodic strip included, stepping from y = W - 1 to 0): the current density j_y
    integrated over the strip, int j_y dx dy (particles per unit time per unit drive, like the
    response's currents; a strip or bar).

    On a cylinder (``st.lattice.strip(L, W, periodic=True)``) the potential is single valued
    around every column, so in a local Ohmic metal I_y = int sigma_xy E_x dA: with I_x the current
    along the wire, I_y W / I_x = int (sigma_xy / sigma) dA, the Hall angle integrated over the
    strip (the topological Hall effect of a skyrmion: docs/physics.md, section 18)."""
    check_model(model)
    lat = model.lattice
    if lat.dim < 2:
        raise ValueError("transverse_current needs a strip or a bar (a chain has no bonds along y)")
    if not hasattr(response, "bond_current"):
        raise ValueError(f"response must be a Response (e.g. st.linear_response(model, energy)), "
                         f"got {type(response).__name__}")
    check_state_matches(model, response)
    if np.ndim(response.bond_current) != 1:
        raise ValueError(f"response must be of one energy, got bond currents of shape "
                         f"{np.shape(response.bond_current)} (a batch of energies: pass one energy at a time)")
    step_y = np.zeros(len(model.bonds))
    step_y[: len(lat.bonds)] = lat.bond_vectors[:, 1]  # (+-1 along y, 0 along x and z; extra hoppings: 0)
    return float(np.sum(response.bond_current * step_y))
