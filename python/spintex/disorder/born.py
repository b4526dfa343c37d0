"""Born maps: the disorder-averaged self-energy as a linear map on site blocks.

S[X]_i = Gamma_0 X_i + sum_a Gamma_a U_a X_i U_a, with U_a = u_a . sigma along the magnetic axes
(variances Gamma_perp, Gamma_perp, Gamma_par), or on site pairs with spin-orbit impurities
(:class:`spintex.disorder.spin_orbit.PairBornMap`).
"""
from __future__ import annotations

import numpy as np

from ..model import PAULI, Model
from .spec import Disorder
from .spin_orbit import PairBornMap


def site_variances(model: Model, onsite):
    """Gamma_0 as a scalar or as (N, 1, 1) per-site variances (checked against the lattice)."""
    if not np.ndim(onsite):
        return onsite
    if onsite.shape != (model.lattice.num_sites,):
        raise ValueError(f"onsite has {onsite.shape[0]} variances but the lattice has "
                         f"{model.lattice.num_sites} sites")
    return onsite[:, None, None]


def magnetic_axes(model: Model, frame: str) -> np.ndarray:
    """(N, 3, 3): per site the axes u_1, u_2 (transverse) and u_3 (along n, or z in the lab frame)."""
    N = model.lattice.num_sites
    if frame == "lab":
        return np.broadcast_to(np.eye(3), (N, 3, 3)).copy()
    n = model.texture_vectors
    helper = np.where(np.abs(n[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    e1 = np.cross(helper, n)
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 = np.cross(n, e1)
    return np.stack([e1, e2, n], axis=1)


class BornMap:
    """The linear map S[X]_i = Gamma_0 X_i + sum_a Gamma_a U_a X_i U_a on site blocks (N, 2, 2)."""

    def __init__(self, model: Model, disorder: Disorder):
        axes = magnetic_axes(model, disorder.frame)
        self.gamma0 = site_variances(model, disorder.onsite)
        self.gammas = disorder.variances
        self.U = np.einsum("nab,bij->naij", axes, PAULI)  # (N, 3, 2, 2)
        # one 4x4 superoperator per site on the row-major vec of X_i: vec(U X U) = (U (x) U^T) vec(X)
        N = model.lattice.num_sites
        K = np.broadcast_to(np.reshape(self.gamma0, (-1, 1, 1)) * np.eye(4), (N, 4, 4)).astype(complex)
        for a, g in enumerate(self.gammas):
            if g:
                Ua = self.U[:, a]
                K = K + g * np.einsum("nik,njl->nijkl", Ua, np.swapaxes(Ua, 1, 2)).reshape(N, 4, 4)
        self.superoperator = K

    def sites(self, X: np.ndarray) -> np.ndarray:
        """The site blocks of X (all of it: this map lives on sites)."""
        return X

    def __call__(self, X: np.ndarray) -> np.ndarray:
        K = self.superoperator
        x = X.reshape(-1, 4)
        out = K[:, :, 0] * x[:, 0:1] + K[:, :, 1] * x[:, 1:2] + K[:, :, 2] * x[:, 2:3] + K[:, :, 3] * x[:, 3:4]
        return out.reshape(X.shape)


def born_map(model: Model, disorder: Disorder):
    """The Born map of ``disorder``: on site blocks, or on site pairs with spin-orbit impurities."""
    local = BornMap(model, disorder)
    return PairBornMap(model, disorder, local) if disorder.soc else local

