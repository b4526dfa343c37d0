"""Nearest-neighbour lattices with transport along x, ordered slice by slice.

Sites are numbered ``slice * sites_per_slice + p``, with the transverse index
``p = y + width * z``.  Every slice has the same cross-section, so the Hamiltonian is block
tridiagonal in slices.  Positions are in lattice constants (a = 1), with x = slice index.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import check_memory, boolean, finite_float, positive_int


@dataclass(frozen=True)
class Lattice:
    """A chain, strip or bar of ``length`` slices of ``width x height`` sites.

    Attributes
    ----------
    positions : (N, d) float
        Site coordinates (d = 1, 2 or 3).
    bonds : (nb, 2) int
        Nearest-neighbour pairs (i, j), each once, with j after i in the site order
        (the same slice or the next one).
    bond_vectors : (nb, 3) float
        Unit vectors r_j - r_i.
    twist : float
        Periodic strips only: the phase e^{i twist} an electron picks up hopping once around the
        cylinder along +y (a flux twist x hbar/e threading it; twisted boundary conditions), on the
        bonds across the seam (``seam``), in the device and the leads.  Averaging a result over
        twists in [0, 2 pi) turns the cylinder's discrete transverse momenta k_y = (2 pi m - twist)
        / W into a continuum: the standard cure for the finite width of a 2D metal.
    """

    length: int
    width: int = 1
    height: int = 1
    dim: int = 1
    periodic: bool = False  # periodic boundary conditions across the wire (y and z)
    twist: float = 0.0  # periodic strips: the phase of one turn around the cylinder along +y
    positions: np.ndarray = field(init=False, repr=False)
    bonds: np.ndarray = field(init=False, repr=False)
    bond_vectors: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        for name in ("length", "width", "height"):
            object.__setattr__(self, name, positive_int(getattr(self, name), name))
        if isinstance(self.dim, bool) or self.dim not in (1, 2, 3):
            raise ValueError(f"dim must be 1, 2 or 3, got {self.dim!r}")
        object.__setattr__(self, "dim", int(self.dim))
        if self.dim < 3 and self.height != 1 or self.dim < 2 and self.width != 1:
            raise ValueError(f"a {self.dim}D lattice has width = 1 (chain) and height = 1 (chain, strip); "
                             f"got width={self.width}, height={self.height}")
        object.__setattr__(self, "periodic", boolean(self.periodic, "periodic"))
        object.__setattr__(self, "twist", finite_float(self.twist, "twist") + 0.0)
        if self.twist != 0.0 and not (self.periodic and self.dim == 2 and self.width >= 3):
            raise ValueError(f"twist needs a periodic strip at least 3 sites wide (st.lattice.strip(..., "
                             f"periodic=True, twist=...)), got twist={self.twist!r} on a "
                             f"{'periodic ' if self.periodic else ''}{self.dim}D lattice of width {self.width}")
        L, W, H = self.length, self.width, self.height
        # positions, meshgrids and bonds: about 250 bytes per site while building
        check_memory(250.0 * L * W * H, f"a lattice of {L} x {W} x {H} sites")
        if self.periodic and 2 in (W, H if self.dim == 3 else 1):
            raise ValueError("periodic boundaries need 1 or at least 3 sites across (with 2, the "
                             "wrap-around bond would double the direct one)")
        x, z, y = np.meshgrid(np.arange(L), np.arange(H), np.arange(W), indexing="ij")
        xyz = np.stack([x.ravel(), y.ravel(), z.ravel()], axis=1).astype(float)
        object.__setattr__(self, "positions", xyz[:, : self.dim].copy())
        index = np.arange(L * W * H).reshape(L, H, W)
        pairs, vectors = [], []
        for axis, (sl_from, sl_to) in enumerate(
            [
                ((slice(0, L - 1), slice(None), slice(None)), (slice(1, L), slice(None), slice(None))),
                ((slice(None), slice(None), slice(0, W - 1)), (slice(None), slice(None), slice(1, W))),
                ((slice(None), slice(0, H - 1), slice(None)), (slice(None), slice(1, H), slice(None))),
            ]
        ):
            i, j = index[sl_from].ravel(), index[sl_to].ravel()
            pairs.append(np.stack([i, j], axis=1))
            d = np.zeros((i.size, 3))
            d[:, axis] = 1.0
            vectors.append(d)
        if self.periodic:  # wrap-around bonds (W-1 -> 0 along +y, H-1 -> 0 along +z), within a slice
            for axis, (n_axis, take) in enumerate([(W, lambda a, k: a[:, :, k]), (H, lambda a, k: a[:, k, :])], 1):
                if n_axis > 2:
                    i, j = take(index, n_axis - 1).ravel(), take(index, 0).ravel()
                    pairs.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
                    d = np.zeros((i.size, 3))
                    d[:, axis] = 1.0 if i.min() < j.min() else -1.0
                    vectors.append(d)
        object.__setattr__(self, "bonds", np.concatenate(pairs).astype(np.int64))
        object.__setattr__(self, "bond_vectors", np.concatenate(vectors))

    @property
    def seam(self) -> np.ndarray:
        """(nb,) bool: the bonds across the periodic seam along y (y = W - 1 to 0), which carry
        the ``twist``; all False unless ``periodic``."""
        d = self.positions[self.bonds[:, 1]] - self.positions[self.bonds[:, 0]]
        return (np.abs(d[:, 1]) > 1.5) if self.dim >= 2 else np.zeros(len(self.bonds), bool)

    @property
    def num_sites(self) -> int:
        return self.length * self.width * self.height

    @property
    def sites_per_slice(self) -> int:
        return self.width * self.height

    @property
    def num_slices(self) -> int:
        return self.length

    @property
    def slices(self) -> list[np.ndarray]:
        """Site indices of each slice, left to right."""
        W = self.sites_per_slice
        return [np.arange(l * W, (l + 1) * W) for l in range(self.length)]

    @property
    def slice_of_site(self) -> np.ndarray:
        return np.arange(self.num_sites) // self.sites_per_slice

    def neighbour_along_x(self, step: int) -> np.ndarray:
        """Index of the site ``step`` slices further along x (-1 outside the lattice)."""
        idx = np.arange(self.num_sites) + step * self.sites_per_slice
        idx[(idx < 0) | (idx >= self.num_sites)] = -1
        return idx


def chain(length: int) -> Lattice:
    """A 1D chain of ``length`` sites."""
    return Lattice(positive_int(length, "length"), 1, 1, dim=1)


def strip(length: int, width: int, *, periodic: bool = False, twist: float = 0.0) -> Lattice:
    """A 2D square-lattice strip, ``length`` along x (transport) and ``width`` along y
    (``periodic=True``: periodic boundary conditions along y, a cylinder; ``twist``: the phase of
    one turn around it, see :class:`Lattice`)."""
    return Lattice(positive_int(length, "length"), positive_int(width, "width"), 1, dim=2,
                   periodic=boolean(periodic, "periodic"), twist=twist)


def bar(length: int, width: int, height: int, *, periodic: bool = False) -> Lattice:
    """A 3D cubic-lattice bar, ``length`` along x, ``width`` along y, ``height`` along z
    (``periodic=True``: periodic boundary conditions across the bar)."""
    return Lattice(
        positive_int(length, "length"), positive_int(width, "width"), positive_int(height, "height"), dim=3,
        periodic=boolean(periodic, "periodic"),
    )
