"""Torque analysis: the adiabatic / non-adiabatic decomposition of a torque map."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_model, real_array
from .model import Model


def texture_derivative(model: Model) -> np.ndarray:
    """d_x n at every site: central difference along x (one-sided at the two end slices)."""
    n = model.texture_vectors
    lat = model.lattice
    ahead, behind = lat.neighbour_along_x(+1), lat.neighbour_along_x(-1)
    both = (ahead >= 0) & (behind >= 0)
    d = np.zeros_like(n)
    d[both] = 0.5 * (n[ahead[both]] - n[behind[both]])
    only_ahead = (ahead >= 0) & (behind < 0)
    d[only_ahead] = n[ahead[only_ahead]] - n[only_ahead]
    only_behind = (ahead < 0) & (behind >= 0)
    d[only_behind] = n[only_behind] - n[behind[only_behind]]
    return d


@dataclass
class TorqueFit:
    """Least-squares fit T_i = A d_x n_i + B n_i x d_x n_i over ``region``.

    ``adiabatic`` = A, ``nonadiabatic`` = B, ``beta`` = B / A, ``residual`` = |T - fit| / |T|
    over the region (0 for a perfect two-term torque), ``region`` the boolean site mask used.
    """

    adiabatic: float
    nonadiabatic: float
    beta: float
    residual: float
    region: np.ndarray
    extra: tuple = ()  # coefficients of the extra basis fields, if any

    def model_torque(self, model: Model) -> np.ndarray:
        dn = texture_derivative(model)
        return self.adiabatic * dn + self.nonadiabatic * np.cross(model.texture_vectors, dn)


def fit_torque(model: Model, torque, region=None, *, threshold: float = 0.1, extra=()) -> TorqueFit:
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
    """
    check_model(model)
    if hasattr(torque, "torque"):
        from .response import warn_if_not_field_driven

        warn_if_not_field_driven(torque)
        torque = torque.torque
    torque = real_array(torque, "torque")
    N = model.lattice.num_sites
    if torque.shape != (N, 3):
        raise ValueError(f"torque must have shape ({N}, 3), got {torque.shape}")
    if not np.all(np.isfinite(torque)):
        raise ValueError("torque contains NaN or infinite values")
    dn = texture_derivative(model)
    if region is None:
        size = np.linalg.norm(dn, axis=1)
        if size.max() == 0:
            raise ValueError("the texture is uniform (d_x n = 0 everywhere): nothing to fit")
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
    for k, e in enumerate(extra):
        e = np.asarray(e, dtype=float)
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
    residual = float(np.linalg.norm(target - basis @ coef) / norm) if norm > 0 else 0.0
    beta = float(b / a) if a != 0 else float("nan")
    return TorqueFit(adiabatic=float(a), nonadiabatic=float(b), beta=beta, residual=residual, region=mask,
                     extra=tuple(float(c) for c in coef[2:]))


def current_polarization(model: Model, response, boundaries=None) -> float:
    """P_j = J^n / J: the spin current along the local magnetization over the particle current,
    averaged over slice ``boundaries`` (default: all), n taken as the mean texture of the two
    slices of each boundary.  In a uniform ferromagnet this is (sigma_up - sigma_down)/(sigma_up
    + sigma_down), the current polarization of the seeds."""
    lat = model.lattice
    if lat.num_slices < 2:
        raise ValueError("need at least two slices")
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
