"""Spin-orbit impurities (seed 002 Eqs. 8-10) on the lattice: samples and their Born self-energy.

An impurity at site R with random strengths v_R = (v^x, v^y, v^z) is (docs/physics.md, section 9)

    V_R = sum_a v^a_R K^a_R,   K^a_R = (i/4) sigma^a (x) D^a_R,   D^a_R = sum_{i != j} eps_{ija} |d_i><d_j|,

with d_i = |R + e_i> - |R - e_i> (missing neighbours left out): hoppings between two neighbours
of R around a corner.  ``<v^a_R v^b_R'> = Gamma_so delta_ab delta_RR'``, so the Born self-energy
(retarded and lesser alike) is

    Sigma = Gamma_so sum_R sum_a K^a_R X K^a_R
          = -(Gamma_so / 16) sum_a sigma^a [sum_R D^a_R X D^a_R] sigma^a,

which connects any two neighbours u, v of a common R: displacements 0, +-2 e_i and +-e_i +- e_j,
so up to two slices apart.  :class:`PairBornMap` applies it to 2x2 blocks on that list of site
pairs (site R's own pair included for the local disorder): as a sparse matrix M^a on the pair
index for each a, ``(D X D)_uv = sum_R sum_{u'v'} D_uu' X_u'v' D_v'v``.  Slices grouped in pairs
keep everything block-tridiagonal (_core.BlockCorrelator, ``group=2``).
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

from .. import _core
from ..model import LEVI_CIVITA, PAULI, Model

#: Slices per super-slice for SCBA with spin-orbit impurities (the self-energy reaches l +- 2).
GROUP = 2


#: sigma^a Z sigma^a on the row-major vec(Z) = (Z00, Z01, Z10, Z11): vec[_PAULI_PERMUTATION[a]] * _PAULI_SIGNS[a]
_PAULI_PERMUTATION = np.array([[3, 2, 1, 0], [3, 2, 1, 0], [0, 1, 2, 3]])
_PAULI_SIGNS = np.array([[1, 1, 1, 1], [1, -1, -1, 1], [1, -1, -1, 1]])
#: A sigma^a for stacks of 2 x 2 blocks: A[..., _RIGHT_PAULI_COLUMNS[a]] * _RIGHT_PAULI_PHASES[a]
_RIGHT_PAULI_COLUMNS = np.array([[1, 0], [1, 0], [0, 1]])
_RIGHT_PAULI_PHASES = np.array([[1, 1], [1j, -1j], [1, -1]])


def neighbour_table(lattice) -> np.ndarray:
    """(N, 3, 2): the neighbour of each site along +axis (index 0) and -axis (1), -1 if none."""
    table = np.full((lattice.num_sites, 3, 2), -1, dtype=np.int64)
    axis = np.argmax(np.abs(lattice.bond_vectors), axis=1)
    sign = np.sign(lattice.bond_vectors[np.arange(len(axis)), axis]).astype(int)
    i, j = lattice.bonds.T
    table[i, axis, (1 - sign) // 2] = j  # j lies along sign * e_axis from i
    table[j, axis, (1 + sign) // 2] = i
    return table


def _corner_terms(lattice):
    """For each spin axis a: the (i, j, eps_ija) of the corners around an impurity."""
    if lattice.dim == 1:
        raise ValueError("spin-orbit impurities need a strip or a bar (corner hoppings)")
    terms = {0: [], 1: [], 2: []}
    for i in range(lattice.dim):
        for j in range(lattice.dim):
            if i != j:
                a = 3 - i - j
                terms[a].append((i, j, 1.0 if (i, j, a) in ((0, 1, 2), (1, 2, 0), (2, 0, 1)) else -1.0))
    return terms


def spin_orbit_fields(num_sites: int, disorder, rng: np.random.Generator) -> np.ndarray:
    """(N, 3) impurity strengths v^a_R on impurity sites (probability c), variance Gamma_so / c
    (+-u with c u^2 = Gamma_so for the binary distribution)."""
    c = disorder.concentration
    strengths = np.sqrt(disorder.soc / c) * disorder.unit_strengths(rng, (num_sites, 3))
    return strengths * (rng.random(num_sites) < c)[:, None]


def spin_orbit_hoppings(model: Model, disorder, rng: np.random.Generator):
    """One realization of spin-orbit impurities: (pairs, blocks) for :meth:`Model.with_hoppings`.

    V_R = sum_a v^a_R (i/4) sum_{i != j} eps_{ija} sum_{p,q = +-1} p q c^dag_{R+p e_i} sigma^a c_{R+q e_j}
    (module docstring), with <k'|V_R|k> = i sum_a v^a_R [s(k') x s(k)]_a sigma^a e^{-i(k'-k).R},
    s(k) = (sin k_x, sin k_y, sin k_z) (tested).  A site is an impurity with probability c; each
    component is u times a unit-variance strength from ``disorder.distribution`` (binary +-1, gaussian
    or box), with c u^2 = Gamma_so, so <v^a v^b> = Gamma_so delta_ab.  On a strip only
    sigma^z terms exist (corners in the x-y plane); a chain has none.
    """
    lat = model.lattice
    table = neighbour_table(lat)
    v = spin_orbit_fields(lat.num_sites, disorder, rng)
    acc: dict = {}
    for a, corners in _corner_terms(lat).items():
        for A, B, sign in _d_entries(table, corners):
            ok = (A >= 0) & (B >= 0) & (A < B) & (v[:, a] != 0)  # B > A: the conjugate term
            for key, cf in zip(zip(A[ok], B[ok]), 0.25j * sign * v[ok, a]):
                acc[key] = acc.get(key, 0) + cf * PAULI[a]
    if not acc:
        return np.zeros((0, 2), dtype=np.int64), np.zeros((0, 2, 2), dtype=complex)
    pairs = np.array(list(acc), dtype=np.int64)
    return pairs, np.array(list(acc.values()))


def _d_entries(table, corners):
    """Entries of D^a_R for all R at once, from the neighbour table and the corners of one spin
    axis a: a list of (row sites, column sites, eps_ija p q), -1 where a neighbour is missing."""
    out = []
    for i, j, eps in corners:
        for p, ip in ((1, 0), (-1, 1)):
            for q, iq in ((1, 0), (-1, 1)):
                out.append((table[:, i, ip], table[:, j, iq], eps * p * q))
    return out


class PairBornMap:
    """Born map S[X] on 2x2 blocks over site pairs: the local part (on-site and magnetic
    variances, acting on the pairs (i, i)) plus the spin-orbit part of the module docstring.

    ``pairs`` starts with (i, i) for every site i (so ``X[:N]`` are the site blocks), then the
    lattice bonds (j, i) and (i, j), all pairs inside the first and the last slice (lead
    currents) and the pairs of neighbours of a common site.
    """

    def __init__(self, model: Model, disorder, local_map):
        lat = model.lattice
        if disorder.soc and lat.twist:
            raise NotImplementedError(f"spin-orbit impurities on a twisted cylinder (twist={lat.twist!r}): their "
                                      "averaged hoppings around the seam do not carry the twist's phase; use "
                                      "twist=0 or non-magnetic and magnetic impurities")
        N, W = lat.num_sites, lat.sites_per_slice
        self.local, self.soc, self.num_sites = local_map, disorder.soc, N
        # a chain has no corners: fine without spin-orbit impurities (the local map only)
        terms = _corner_terms(lat) if disorder.soc or lat.dim > 1 else {0: [], 1: [], 2: []}
        table = neighbour_table(lat)
        flat = table.reshape(N, 6)
        i, j = lat.bonds.T
        first, last = np.arange(W), np.arange(N - W, N)
        support = [(flat[:, s], flat[:, t]) for s in range(6) for t in range(6)]
        candidates = [np.stack([np.arange(N)] * 2, 1), np.stack([j, i], 1), np.stack([i, j], 1),
                      np.stack(np.meshgrid(first, first, indexing="ij"), -1).reshape(-1, 2),
                      np.stack(np.meshgrid(last, last, indexing="ij"), -1).reshape(-1, 2)]
        candidates += [np.stack([u[(u >= 0) & (v >= 0)], v[(u >= 0) & (v >= 0)]], 1) for u, v in support]
        allp = np.concatenate(candidates).astype(np.int64)
        _, first_seen = np.unique(allp[:, 0] * N + allp[:, 1], return_index=True)
        self.pairs = allp[np.sort(first_seen)]
        keys = self.pairs[:, 0] * N + self.pairs[:, 1]
        self._order = np.argsort(keys)
        self._sorted_keys = keys[self._order]
        self.bond_ji = self.index(j, i)
        self.bond_ij = self.index(i, j)
        self.reverse = self.index(self.pairs[:, 1], self.pairs[:, 0])  # (v, u) of every pair (u, v)
        self.first_slice = self.index(*np.meshgrid(first, first, indexing="ij")).reshape(W, W)
        self.last_slice = self.index(*np.meshgrid(last, last, indexing="ij")).reshape(W, W)
        P = len(self.pairs)
        self._balance_table: list | None = None  # spin_orbit_balance's index arrays, built on first use
        self.M = []
        for a in range(3):
            entries = _d_entries(table, terms[a])
            rows, cols, vals = [], [], []
            for r1, c1, v1 in entries:        # D[u, u'] ...
                for r2, c2, v2 in entries:    # ... D[v', v]:  M[(u, v), (u', v')] += v1 v2
                    ok = (r1 >= 0) & (c1 >= 0) & (r2 >= 0) & (c2 >= 0)
                    rows.append(self.index(r1[ok], c2[ok]))
                    cols.append(self.index(c1[ok], r2[ok]))
                    vals.append(np.full(ok.sum(), v1 * v2))
            if rows:
                self.M.append(sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                                shape=(P, P)))
            else:
                self.M.append(None)
        # the axes present, their matrices stacked (one sparse product per call) and sigma^a . sigma^a
        # on the row-major vec(Z) = (Z00, Z01, Z10, Z11) as a signed permutation of its entries
        self._axes = [a for a in range(3) if self.M[a] is not None]
        self._stacked = sparse.vstack([self.M[a] for a in self._axes]).tocsr() if self._axes else None

    def end_slice(self, X: np.ndarray, side: str) -> np.ndarray:
        """The (2W, 2W) block of the first (``side="left"``) or last slice from the pair blocks X."""
        index = self.first_slice if side == "left" else self.last_slice
        W = len(index)
        return X[index].transpose(0, 2, 1, 3).reshape(2 * W, 2 * W)

    def index(self, u, v) -> np.ndarray:
        """Positions of the pairs (u, v) in ``pairs`` (all must be present)."""
        keys = np.asarray(u, dtype=np.int64) * self.num_sites + np.asarray(v, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._sorted_keys, keys), len(self._sorted_keys) - 1)
        if np.any(self._sorted_keys[pos] != keys):
            raise KeyError("site pair outside the Born map's pair list")
        return self._order[pos]

    def sites(self, X: np.ndarray) -> np.ndarray:
        return X[:self.num_sites]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        P = len(X)
        out = np.zeros((P, 4), dtype=np.result_type(X, complex))
        if self._stacked is not None:
            Z = (self._stacked @ X.reshape(P, 4)).reshape(len(self._axes), P, 4)
            for Za, a in zip(Z, self._axes):  # sigma^a Z sigma^a
                out += Za[:, _PAULI_PERMUTATION[a]] * _PAULI_SIGNS[a]
            out *= -self.soc / 16
        out = out.reshape(P, 2, 2)
        out[:self.num_sites] += self.local(X[:self.num_sites])
        return out


class PairCorrelator:
    """_core.BlockCorrelator with the interface of _core.Correlator used by the ladder solver:
    ``apply(source, left, right, pairing)`` returns (blocks on all pairs, bond blocks C_ji) of
    G Y G^dag (pairing "RA") or G Y G ("RR"); ``apply_both`` adds the bond blocks C_ij;
    ``apply_all`` gives the site blocks instead of all pairs, and the lead traces.
    ``core``: the block sweep at ``energy`` with ``self_energy`` if already built (the Fermi sea's
    SCBA keeps its last iterate's)."""

    def __init__(self, model: Model, energy: complex, born: PairBornMap, self_energy: np.ndarray, core=None):
        self.born, self.model, self.energy = born, model, energy
        self.num_sites = born.num_sites
        if core is None:
            core = _core.BlockCorrelator(model.device, energy, GROUP, born.pairs, self_energy)
        self.core = core

    def apply(self, source, left=0.0, right=0.0, pairing="RA"):
        out = self.core.apply(source, left, right, pairing)
        return out, out[self.born.bond_ji]

    def apply_both(self, source, left=0.0, right=0.0, pairing="RA"):
        out = self.core.apply(source, left, right, pairing)
        return out, out[self.born.bond_ji], out[self.born.bond_ij]

    def pair_source(self, U: np.ndarray) -> np.ndarray:
        """The site source U (N, 2, 2) as blocks on all pairs (zero off the sites)."""
        source = np.zeros((len(self.born.pairs), 2, 2), complex)
        source[:self.num_sites] = U
        return source

    def apply_all(self, source, left=0.0, right=0.0, pairing="RA"):
        """(site blocks, bond blocks C_ji, bond blocks C_ij, (Tr[Gamma_L C_first], Tr[Gamma_R C_last]))
        of C for the pair source, as _core.Correlator.apply_all gives them."""
        out = self.core.apply(source, left, right, pairing)
        traces = tuple(complex(np.trace(self.lead_broadening(side) @ self.born.end_slice(out, side)))
                       for side in ("left", "right"))
        return out[:self.num_sites], out[self.born.bond_ji], out[self.born.bond_ij], traces

    def lead_broadening(self, side: str) -> np.ndarray:
        """Gamma_a = i(Sigma_a - Sigma_a^dag) of lead ``side`` at this energy."""
        sigma = _core.Lead(self.model.lead_cell(side), -self.model.hopping).self_energy(self.energy)
        return 1j * (sigma - sigma.conj().T)

    def mixed(self, right: "PairCorrelator") -> "MixedPairCorrelator":
        """The correlator-like G(z) Y G(z') with ``right``'s propagator G(z') on the right."""
        return MixedPairCorrelator(self, right)

    def pair_response(self, U: np.ndarray, pairing: str = "RR", born=None, tolerance: float = 1e-12) -> np.ndarray:
        """Blocks on all pairs of G (U + S[C]) G (pairing "RR") for the site source U (N, 2, 2),
        dressed by ``born``'s ladder on the pairs (None: bare): the Fermi sea's node products
        (:class:`spintex.sea.FermiSea`) with spin-orbit impurities."""
        from .scba import solve_ladder  # scba.py imports this module

        source = np.zeros((len(self.born.pairs), 2, 2), complex)
        source[:self.born.num_sites] = U
        if born is None:
            return self.core.apply(source, 0.0, 0.0, pairing)
        return solve_ladder(self, born, source=source, pairing=pairing, tolerance=tolerance, restart=20).sites

    def site_response(self, U: np.ndarray, pairing: str = "RR", born=None, tolerance: float = 1e-12):
        """(site blocks, bond blocks C_ji, bond blocks C_ij) of :meth:`pair_response`."""
        out = self.pair_response(U, pairing, born, tolerance)
        return out[:self.born.num_sites], out[self.born.bond_ji], out[self.born.bond_ij]


class MixedPairCorrelator:
    """G(z) Y G(z') on the pairs for two PairCorrelators (``apply``/``apply_both`` as
    PairCorrelator's, the pairing ignored): the ladders of pumping's mixed-energy Fermi-sea
    products with spin-orbit impurities."""

    def __init__(self, left: PairCorrelator, right: PairCorrelator):
        self.left, self.right = left, right
        self.born, self.num_sites = left.born, left.num_sites

    def apply(self, source, left=0.0, right=0.0, pairing="RR"):
        out = self.left.core.apply_mixed(self.right.core, source)
        return out, out[self.born.bond_ji]

    def apply_both(self, source, left=0.0, right=0.0, pairing="RR"):
        out = self.left.core.apply_mixed(self.right.core, source)
        return out, out[self.born.bond_ji], out[self.born.bond_ij]


def spin_orbit_balance(model: Model, born: PairBornMap, retarded: np.ndarray | None, rho: np.ndarray,
                       sea: list | None = None):
    """The spin-orbit term of the local spin balance, split as in seed 002 Eqs. 14-18.

    In a realization the spin-orbit hoppings V change the spin at site k at the rate
    ``2 Im Tr[sigma^alpha (V rho)_kk]`` (sigma units; rho the density-matrix response).  The
    average in the SCBA pairs V with the V on the neighbouring propagator (no crossings):
    ``<V rho> = Gamma_so sum_{R,a} K^a_R (G^R K^a_R rho + rho K^a_R G^A) = sum_a sigma^a Y^a``.
    With ``sigma^alpha sigma^a = delta_{alpha a} + i eps_{alpha a b} sigma^b`` the rate splits into

    * a corner-hop spin current, ``Im Tr[Y^alpha]`` (the anticommutator {sigma^alpha, V}/2; it
      moves spin alpha between two neighbours of an impurity and sums to zero over the sample):
      the lattice form of the anomalous spin current j_so (seed 002 Eq. 16), returned as its
      source at each site (minus its divergence);
    * a torque, ``Im sum_ab i eps_{alpha a b} Tr[sigma^b Y^a]`` (the commutator [sigma^alpha, V]/2,
      which rotates the spin): the relaxation torque T_so of seed 002 Eq. 18.

    Both are per site in units of the spin (sigma/2), like ``Response.relaxation_source``, whose
    slice sums they add up to (tested).

    ``sea``: a static (Fermi-sea) part of the response as its contour terms [(w_k, G(z_k), Y(z_k))]
    (:meth:`spintex.sea.FermiSea.pair_terms`: the rule's weights, G^R and the dressed G (U + S[Y]) G
    on the pairs).  Its density matrix is (i/2pi) sum_k [w_k Y_k - (w_k Y_k)^dag], and in the SCBA
    <V G(z)> = Sigma(z) G(z), <V G^A> = (G Sigma)^dag (the Dyson equation from either side), so its
    <V rho> is (i/2pi) sum_k [w_k d(Sigma G)_k - (w_k d(G Sigma)_k)^dag] with d(Sigma G) = S[G] Y +
    S[Y] G; and (d(G Sigma))^dag = S[Y^dag] G^dag + S[G^dag] Y^dag, the same form with G^dag, Y^dag
    (K Hermitian): the spin-orbit part of each is the pattern above with (G^R, rho; rho, G^A)
    replaced by (G, Y; Y, G) and by (G^dag, Y^dag; Y^dag, G^dag).

    Parameters
    ----------
    retarded, rho : (P, 2, 2)
        G^R and the (Fermi-surface) density-matrix response on ``born.pairs``.

    Returns
    -------
    (torque, anomalous_source), each (N, 3).
    """
    if retarded is None:
        raise ValueError("spin_orbit_balance needs G^R on the pairs (SCBASolution.retarded with soc > 0)")
    dag = lambda X: np.conj(np.swapaxes(X[born.reverse], 1, 2))  # noqa: E731  (X^dag on the pairs)
    Y = _paired(model, born, [(1.0, retarded, rho), (1.0, rho, dag(retarded))])
    for w, G, Ys in sea or []:
        Y = Y + 0.5j / np.pi * (_paired(model, born, [(w, G, Ys), (w, Ys, G)])
                                - _paired(model, born, [(np.conj(w), dag(G), dag(Ys)), (np.conj(w), dag(Ys), dag(G))]))
    traces = np.einsum("anij,bji->nab", Y, PAULI)      # Tr[sigma^b Y^a] per site
    anomalous = np.imag(np.einsum("anii->na", Y))                   # Im Tr[Y^alpha]
    torque = np.imag(1j * np.einsum("gab,nab->ng", LEVI_CIVITA, traces))
    return torque, anomalous


def _paired(model: Model, born: PairBornMap, products) -> np.ndarray:
    """(3, N, 2, 2): Y^a_k = -(Gamma_so / 16) sum eps eps A_jm sigma^a B_nk over the corner entries
    K_kj, K_mn of every impurity (:func:`_balance_table`), summed over the (coefficient, A, B) of
    ``products`` (pair blocks): Gamma_so sum_R (K^a_R A K^a_R B)_kk with sigma^a stripped.  The
    2 x 2 products are written out on the entries' arrays and summed onto the sites by a sparse
    matrix (numpy's batched matmul and add.at cost 10x more on these ~10^5 small blocks)."""
    N = model.lattice.num_sites
    Y = np.zeros((3, N, 2, 2), dtype=complex)
    for a, (jm, nk, scatter) in enumerate(_balance_table(model, born)):
        if jm.size:
            term = np.zeros((jm.size, 2, 2), dtype=complex)
            for c, A, B in products:
                As = A[jm][:, :, _RIGHT_PAULI_COLUMNS[a]] * _RIGHT_PAULI_PHASES[a]  # A sigma^a
                term += c * _product2(As, B[nk])
            Y[a] = (scatter @ term.reshape(-1, 4)).reshape(N, 2, 2) * (-born.soc / 16)
    return Y


def _product2(X: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """X @ Z for stacks of 2 x 2 blocks, written out."""
    out = np.empty(np.broadcast_shapes(X.shape, Z.shape), dtype=np.result_type(X, Z))
    for i in range(2):
        for j in range(2):
            out[:, i, j] = X[:, i, 0] * Z[:, 0, j] + X[:, i, 1] * Z[:, 1, j]
    return out


def _balance_table(model: Model, born: PairBornMap) -> list:
    """Per spin axis a, (jm, nk, scatter) for every product K_kj X_jm K_mn Y_nk of two corner
    entries of one impurity (all impurities and entry pairs at once): the pair indices of jm and nk,
    and the sparse N x (entries) matrix adding eps eps times each product to its site k (kept on
    the Born map, whose pairs they index)."""
    if born._balance_table is None:
        table, terms, N = neighbour_table(model.lattice), _corner_terms(model.lattice), model.lattice.num_sites
        out = []
        for a in range(3):
            entries = _d_entries(table, terms[a])
            ks, jms, nks, coefs = [], [], [], []
            for A1, B1, s1 in entries:        # K_{k j}:  k = A1, j = B1
                for A2, B2, s2 in entries:    # K_{m n}:  m = A2, n = B2, closing on B_{n k}
                    ok = (A1 >= 0) & (B1 >= 0) & (A2 >= 0) & (B2 >= 0)
                    k, j, m, n = A1[ok], B1[ok], A2[ok], B2[ok]
                    ks.append(k)
                    jms.append(born.index(j, m))
                    nks.append(born.index(n, k))
                    coefs.append(np.full(k.size, s1 * s2, dtype=float))
            k, jm, nk, coef = (np.concatenate(x) if x else np.zeros(0, int) for x in (ks, jms, nks, coefs))
            # entry e adds coef_e x its product to site k_e: an N x (entries) sparse matrix
            scatter = sparse.csr_matrix((coef, (k, np.arange(k.size))), shape=(N, k.size))
            out.append((jm, nk, scatter))
        born._balance_table = out
        return out
    return born._balance_table
