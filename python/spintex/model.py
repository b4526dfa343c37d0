"""Tight-binding Hamiltonians of conduction electrons in a magnetic texture, with leads.

``H = sum_<ij> c_i^dag T_ij c_j + sum_i c_i^dag (onsite_i - M n_i . sigma - b . sigma) c_i``

with the bond matrix ``T_ij = -t 1 - i alpha (sigma x d_ij)_z`` (d_ij = r_j - r_i): the lattice
Rashba coupling whose continuum limit is ``alpha_R (sigma x k)_z`` with alpha_R = 2 alpha a.  The
exchange ``-M n . sigma`` makes spin along n the majority (bands eps(k) - sigma M).  Spin is the
fastest index: the orbital (i, s) sits at row 2 i + s.

Leads continue the first and last slice: same cross-section and hopping, the on-site energy
``lead_onsite`` and the exchange of the end slice's texture (``leads="nonmagnetic"``: no
exchange).  Rashba, Zeeman and site-dependent on-site terms live in the device only.
"""
from __future__ import annotations

import copy
from functools import cached_property

import numpy as np

from . import _core
from ._validate import check_memory, finite_float, real_array
from .lattice import Lattice
from .textures import texture_vectors

PAULI = np.array(
    [[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex
)  # sigma_x, sigma_y, sigma_z
IDENTITY2 = np.eye(2, dtype=complex)
#: the largest Hamiltonian entry accepted: the solver multiplies blocks, and squares of ~1e154 overflow
MAX_ENERGY = 1e150
#: eps_abc, so that sigma^a sigma^b = delta_ab + i eps_abc sigma^c
LEVI_CIVITA = np.zeros((3, 3, 3))
LEVI_CIVITA[0, 1, 2] = LEVI_CIVITA[1, 2, 0] = LEVI_CIVITA[2, 0, 1] = 1.0
LEVI_CIVITA[0, 2, 1] = LEVI_CIVITA[2, 1, 0] = LEVI_CIVITA[1, 0, 2] = -1.0


def _onsite_blocks(onsite, N: int) -> np.ndarray:
    """Scalar, (N,) energies or (N, 2, 2) Hermitian matrices -> (N, 2, 2)."""
    o = np.asarray(onsite)
    if o.ndim == 0 or o.shape == (N,):
        o = np.broadcast_to(real_array(o, "onsite"), (N,))
        if not np.all(np.isfinite(o)):
            raise ValueError("onsite energies must be finite")
        return o[:, None, None] * IDENTITY2
    if o.shape == (N, 2, 2):
        o = o.astype(complex)
        if not np.all(np.isfinite(o)):
            raise ValueError("onsite matrices must be finite")
        if not np.allclose(o, np.conj(np.swapaxes(o, 1, 2)), atol=1e-12):
            raise ValueError("onsite 2x2 matrices must be Hermitian")
        return o.copy()
    raise ValueError(f"onsite must be a scalar, shape ({N},) or ({N}, 2, 2); got shape {o.shape}")


class Model:
    """A texture on a lattice between two leads (see the module docstring for H).

    Parameters
    ----------
    lattice : Lattice
    hopping : float
        t > 0 (energies are in units of t by convention).
    exchange : float or (N,) array
        M, the s-d exchange: H_ex = -M n . sigma.
    texture : callable, 3-vector or (N, 3) array
        Unit vectors n_i.
    onsite : float, (N,) or (N, 2, 2)
        On-site energies or user-supplied Hermitian 2x2 matrices (device only, beyond the
        scalar part which the leads share when ``onsite`` is a scalar).
    rashba : float
        alpha of the lattice Rashba term (2D in-plane bonds).
    zeeman : 3-vector or None
        b: adds -b . sigma on every device site.
    leads : True, "magnetic" or "nonmagnetic"
        Magnetic leads (default) continue the end slices' exchange and texture.
    lead_onsite : float or None
        On-site energy of the leads (default: ``onsite`` when it is a scalar, else 0).
    """

    def __init__(self, lattice: Lattice, *, hopping=1.0, exchange=0.0, texture=(0.0, 0.0, 1.0),
                 onsite=0.0, rashba=0.0, zeeman=None, leads=True, lead_onsite=None):
        if not isinstance(lattice, Lattice):
            raise ValueError("lattice must be a spintex Lattice (st.lattice.chain, strip or bar)")
        self.lattice = lattice
        N = lattice.num_sites
        n = 2 * lattice.sites_per_slice  # slice blocks n x n: in Python, in C++, one sweep per thread
        check_memory(6 * 16.0 * n * n * lattice.num_slices,
                     f"a device of {lattice.num_slices} slices of {lattice.sites_per_slice} sites")
        self.hopping = finite_float(hopping, "hopping", positive=True)
        ex = real_array(exchange, "exchange")
        if ex.ndim == 0:
            ex = np.full(N, float(ex))
        if ex.shape != (N,) or not np.all(np.isfinite(ex)):
            raise ValueError(f"exchange must be a finite scalar or shape ({N},) array")
        self.exchange = ex
        self.texture_vectors = texture_vectors(texture, lattice.positions)
        #: the texture callable, if one was given (exact derivatives for texture velocities)
        self.texture_function = texture if callable(texture) else None
        self.onsite = _onsite_blocks(onsite, N)
        self.rashba = finite_float(rashba, "rashba")
        if self.rashba != 0 and lattice.dim == 1:
            raise ValueError("rashba needs a 2D or 3D lattice (it couples spin to in-plane bonds)")
        self.zeeman = np.zeros(3) if zeeman is None else real_array(zeeman, "zeeman")
        if self.zeeman.shape != (3,) or not np.all(np.isfinite(self.zeeman)):
            raise ValueError("zeeman must be None or a finite 3-vector (b in -b . sigma)")
        if leads is True or leads == "magnetic":
            self.leads = "magnetic"
        elif leads == "nonmagnetic":
            self.leads = "nonmagnetic"
        else:
            raise ValueError(f"leads must be True, 'magnetic' or 'nonmagnetic'; got {leads!r}")
        if lead_onsite is None:
            o = np.asarray(onsite)
            lead_onsite = float(o) if o.ndim == 0 else 0.0
        self.lead_onsite = finite_float(lead_onsite, "lead_onsite")
        self._check_finite_blocks()
        self._built = True

    #: the parameters the cached Hamiltonian blocks and the compiled device are built from
    PARAMETERS = ("lattice", "hopping", "exchange", "texture_vectors", "texture_function", "onsite", "rashba",
                  "zeeman", "leads", "lead_onsite", "extra_bonds", "extra_bond_blocks")

    def __setattr__(self, name, value):
        """The parameters are fixed once the model is built: its blocks and the C++ device are
        cached on first use, so a parameter changed afterwards was silently ignored (and one set
        here skips the constructor's checks)."""
        if name in self.PARAMETERS and self.__dict__.get("_built"):
            raise AttributeError(f"Model.{name} is fixed once the model is built (its Hamiltonian is cached); "
                                 "build a new st.Model(...) with the changed parameter")
        object.__setattr__(self, name, value)

    def _check_finite_blocks(self) -> None:
        """Each parameter can be finite while their sum overflows (onsite - M n . sigma - b . sigma),
        and entries beyond ~1e154 overflow in the solver's products (reported as a singular block)."""
        with np.errstate(over="ignore", invalid="ignore"):  # the overflow is reported below
            parts = {"onsite - exchange n . sigma - zeeman . sigma (from onsite, exchange, zeeman)": self.site_blocks,
                     "the leads' lead_onsite - exchange n . sigma (from lead_onsite, exchange)":
                         np.stack([self.lead_cell(side) for side in ("left", "right")]),
                     "the hopping blocks -hopping - i rashba (sigma x d)_z (from hopping, rashba)": self.bond_blocks}
            for what, blocks in parts.items():
                size = np.max(np.abs(blocks), initial=0.0)
                if not np.isfinite(size):
                    raise ValueError(f"the Hamiltonian overflows (inf or NaN) in {what}: these parameters are "
                                     "too large together")
                if size > MAX_ENERGY:
                    raise ValueError(f"the Hamiltonian has entries of size {size:.3g} in {what}; at most "
                                     f"{MAX_ENERGY:g} is allowed (larger entries overflow in the Green's function "
                                     "solver)")

    # ------------------------------------------------------------------ blocks
    @cached_property
    def site_blocks(self) -> np.ndarray:
        """(N, 2, 2) on-site matrices: onsite - M n . sigma - b . sigma."""
        field = self.exchange[:, None] * self.texture_vectors + self.zeeman
        return self.onsite - np.einsum("na,aij->nij", field, PAULI)

    #: extra hoppings beyond the lattice bonds (e.g. spin-orbit impurities): pairs (i < j), blocks
    extra_bonds = np.zeros((0, 2), dtype=np.int64)
    extra_bond_blocks = np.zeros((0, 2, 2), dtype=complex)

    @property
    def bonds(self) -> np.ndarray:
        """(nb, 2) all hopping pairs (i, j): the lattice bonds, then any extra ones."""
        return np.concatenate([self.lattice.bonds, self.extra_bonds]) if len(self.extra_bonds) else self.lattice.bonds

    @cached_property
    def bond_blocks(self) -> np.ndarray:
        """(nb, 2, 2) hopping matrices T_ij (coefficient of c_i^dag c_j) for :attr:`bonds`."""
        d = self.lattice.bond_vectors
        cross_z = d[:, 1, None, None] * PAULI[0] - d[:, 0, None, None] * PAULI[1]  # (sigma x d)_z
        lattice_blocks = -self.hopping * IDENTITY2 - 1j * self.rashba * cross_z
        if self.lattice.twist:  # T_ij (a hop j -> i, i.e. by -d) across the seam: e^{i twist} per turn along +y
            seam = self.lattice.seam
            lattice_blocks[seam] *= np.exp(-1j * self.lattice.twist * d[seam, 1])[:, None, None]
        return np.concatenate([lattice_blocks, self.extra_bond_blocks]) if len(self.extra_bonds) else lattice_blocks

    def _slice_blocks(self, site_blocks, bond_blocks):
        lat = self.lattice
        L, W = lat.num_slices, lat.sites_per_slice
        diag = np.zeros((L, W, 2, W, 2), dtype=complex)
        upper = np.zeros((max(L - 1, 0), W, 2, W, 2), dtype=complex)
        sl, p = np.divmod(np.arange(lat.num_sites), W)
        diag[sl, p, :, p, :] = site_blocks
        i, j = self.bonds[:, 0], self.bonds[:, 1]
        li, pi = np.divmod(i, W)
        lj, pj = np.divmod(j, W)
        intra = li == lj
        diag[li[intra], pi[intra], :, pj[intra], :] = bond_blocks[intra]
        diag[li[intra], pj[intra], :, pi[intra], :] = np.conj(np.swapaxes(bond_blocks[intra], 1, 2))
        upper[li[~intra], pi[~intra], :, pj[~intra], :] = bond_blocks[~intra]
        n = 2 * W
        return diag.reshape(L, n, n), upper.reshape(-1, n, n)

    def lead_cell(self, side: str) -> np.ndarray:
        """Cell Hamiltonian (2W x 2W) of the left or right lead: the clean end slice."""
        lat = self.lattice
        W = lat.sites_per_slice
        sites = lat.slices[0] if side == "left" else lat.slices[-1]
        blocks = self.lead_onsite * np.tile(IDENTITY2, (W, 1, 1))
        if self.leads == "magnetic":
            field = self.exchange[sites, None] * self.texture_vectors[sites]
            blocks -= np.einsum("na,aij->nij", field, PAULI)
        cell = np.zeros((W, 2, W, 2), dtype=complex)
        cell[np.arange(W), :, np.arange(W), :] = blocks
        i, j = lat.bonds.T
        in_first_slice = j < W  # every slice has the same transverse bonds
        # the device's hopping blocks of its first slice, without Rashba (and with the seam's twist)
        hop = -self.hopping * np.exp(-1j * lat.twist * lat.bond_vectors[:, 1] * lat.seam)[in_first_slice]
        cell[i[in_first_slice], :, j[in_first_slice], :] = hop[:, None, None] * IDENTITY2
        cell[j[in_first_slice], :, i[in_first_slice], :] = np.conj(hop)[:, None, None] * IDENTITY2
        return cell.reshape(2 * W, 2 * W)

    def lead_axis(self, side: str) -> np.ndarray:
        """Mean magnetization direction of a lead (the spin axis of spin-resolved transmission)."""
        sites = self.lattice.slices[0] if side == "left" else self.lattice.slices[-1]
        m = self.texture_vectors[sites].mean(axis=0)
        norm = np.linalg.norm(m)
        return m / norm if norm > 1e-12 else np.array([0.0, 0.0, 1.0])

    @cached_property
    def device(self) -> _core.Device:
        """The finalized C++ system (built once, on first use)."""
        diag, upper = self._slice_blocks(self.site_blocks, self.bond_blocks)
        left = _core.Lead(self.lead_cell("left"), -self.hopping)
        right = _core.Lead(self.lead_cell("right"), -self.hopping)
        return _core.Device(diag, upper, left, right, self.bonds)

    def hamiltonian_dense(self) -> np.ndarray:
        """The full device Hamiltonian (2N x 2N) as a dense matrix (small systems, tests)."""
        N = self.lattice.num_sites
        H = np.zeros((N, 2, N, 2), dtype=complex)
        H[np.arange(N), :, np.arange(N), :] = self.site_blocks
        i, j = self.bonds.T
        H[i, :, j, :] = self.bond_blocks
        H[j, :, i, :] = np.conj(np.swapaxes(self.bond_blocks, 1, 2))
        return H.reshape(2 * N, 2 * N)

    def lead_self_energies_dense(self, energy: complex):
        """(Sigma_L, Sigma_R) embedded in the 2N x 2N device space (small systems, tests)."""
        N2 = 2 * self.lattice.num_sites
        n = 2 * self.lattice.sites_per_slice
        sl, sr = np.zeros((N2, N2), complex), np.zeros((N2, N2), complex)
        sl[:n, :n] = _core.Lead(self.lead_cell("left"), -self.hopping).self_energy(energy)
        sr[-n:, -n:] = _core.Lead(self.lead_cell("right"), -self.hopping).self_energy(energy)
        return sl, sr

    def with_onsite(self, extra_site_blocks) -> "Model":
        """A copy whose device on-site matrices get ``extra_site_blocks`` (N, 2, 2) added
        (one disorder realization); leads and everything else unchanged."""
        extra = np.asarray(extra_site_blocks, dtype=complex)
        if extra.shape != self.onsite.shape:
            raise ValueError(f"extra_site_blocks must have shape {self.onsite.shape}")
        other = copy.copy(self)
        other.__dict__["onsite"] = self.onsite + extra
        other.__dict__.pop("site_blocks", None)
        other.device = self.device.with_onsite(extra)  # C++ copy, no re-assembly
        return other

    def with_hoppings(self, pairs, blocks) -> "Model":
        """A copy with extra hoppings: ``blocks[k]`` (2x2) is the coefficient of
        c_i^dag c_j for ``pairs[k] = (i, j)`` with i < j, within a slice or into the next one and
        not a lattice bond (its Hermitian conjugate is added).  Used for spin-orbit impurities."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        blocks = np.asarray(blocks, dtype=complex).reshape(-1, 2, 2)
        if len(pairs) != len(blocks):
            raise ValueError("need one 2x2 block per pair")
        if len(pairs) and (np.any(pairs[:, 0] >= pairs[:, 1]) or pairs.min() < 0
                           or pairs.max() >= self.lattice.num_sites):
            raise ValueError("pairs must be (i, j) with 0 <= i < j < num_sites")
        slices = self.lattice.slice_of_site
        if len(pairs) and np.any(slices[pairs[:, 1]] - slices[pairs[:, 0]] > 1):
            raise ValueError("extra hoppings must stay within a slice or reach the next one")
        other = copy.copy(self)
        other.__dict__["extra_bonds"] = np.concatenate([self.extra_bonds, pairs])
        other.__dict__["extra_bond_blocks"] = np.concatenate([self.extra_bond_blocks, blocks])
        for cached in ("bond_blocks", "device"):
            other.__dict__.pop(cached, None)
        return other

    def __getstate__(self):
        """Pickling (a sweep ships models to Dask workers): the compiled device is rebuilt on first use."""
        state = self.__dict__.copy()
        state.pop("device", None)
        return state

    def __repr__(self):
        lat = self.lattice
        return (f"Model({lat.length}x{lat.width}x{lat.height} sites, t={self.hopping}, "
                f"M={self.exchange.mean():g}, rashba={self.rashba}, leads={self.leads})")
