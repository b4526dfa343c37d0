"""Perfect screening: the on-site potential that keeps every site charge neutral.

The field drive (and ``screened=True`` pumping and thermal drives) adds to a Fermi-surface
response the static response rho_sea[u] (:class:`spintex.sea.FermiSea`) to the potential u
(N,) that cancels its charge: chi u = -n with chi u = n[rho_sea[u 1]], an N x N linear system
whose every product is a contour sum of RR ladders.  :func:`screen` solves it by GMRES.

Preconditioning (docs/physics.md, section 12).  chi is the static charge susceptibility: real,
symmetric and negative definite, short-ranged in a diffusive wire (a mean free path, with the
Friedel oscillations of 2 k_F).  Its local part alone, chi ~ -diag(dn/dmu), leaves the q
dependence of chi(q)/chi(0) (the Lindhard function: eigenvalues 1.0-1.82 on a chain), which
GMRES reduces by 7-10x per step.  :class:`BulkKernel` computes chi's translation-invariant bulk
kernel c(dx; p', p) = chi_{(s + dx, p'), (s, p)} (slices s, sites p of a cross-section) on the
coarse contour rule from the slice column of G^R at the middle slice (O(R) block products per
node), and inverts the block-Toeplitz operator it defines by FFT: what is left for GMRES are the
contacts and the texture's gradient corrections.  The
charge-charge response does not depend on the direction of the magnetization, so one kernel
serves the whole textured wire.

Thomas-Fermi screening (``screening_length`` l): instead of neutrality, the potential obeys the
lattice's Poisson equation with the induced charge, n_bias + chi u = kappa (-Delta) u, where -Delta
is the graph Laplacian of the lattice's bonds with the leads held at u = 0 (:func:`laplacian`: by
default the leads' bands are not shifted, so they are grounded and carry the unscreened charge of
their shifted chemical potentials; ``neutral_leads`` shifts them, :func:`with_screening`) and
kappa = eps/e^2 = nu l^2 (nu the wire's median compressibility dn/dmu per site): in a bulk where
chi ~ -nu the charge of a slowly varying source is screened over l (docs/physics.md, section 12).
l -> 0 is perfect screening (the field drive); l -> infinity is no screening: the bias drive with
grounded leads, a uniform field between neutral ones.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from . import _core
from ._validate import finite_float
from .disorder import SCBAConvergenceError
from .integration import Progress
from .model import IDENTITY2
from .observables import site_observables

if TYPE_CHECKING:
    from .model import Model
    from .sea import FermiSea


#: the neutrality (or Poisson residual) of the drives' screening, relative to the unscreened charge,
#: and the Fermi sea's tolerance (its contour error is certified below 0.01 x that); the field drive's
#: ``screening_tolerance`` may set it in [MIN_SCREENING_TOLERANCE, MAX_SCREENING_TOLERANCE]
SCREENING_TOLERANCE = 1e-6
MIN_SCREENING_TOLERANCE, MAX_SCREENING_TOLERANCE = 1e-10, 1e-2


class BulkKernel:
    """The bulk charge susceptibility of a wire as a block-Toeplitz operator, and its inverse.

    The kernel c(dx)[p', p] = chi_{(s + dx, p'), (s, p)} (dx = -R..R, p and p' sites of the
    cross-section, s = L // 2 the middle slice) is bare (G U G, no ladder: the ladder changes chi
    by 1-3 %) and summed on the coarsest contour rule of ``sea`` whose error is below ``accuracy``
    (a preconditioner need not be exact):

        c(dx)[p', p] = Tr (i/2pi)(Y - Y^dag),  Y = sum_k w_k G_{(s+dx,p'),(s,p)}(z_k) G_{(s,p),(s+dx,p')}(z_k),

    the 2x2 blocks G_{(s+dx,p'),(s,p)} and G_{(s,p),(s+dx,p')} read off the slice column and row of
    G^R (:func:`spintex._core.bare_kernel`: O(R) block products per node from the cached sweep,
    nodes in parallel).  It is computed to the cap (L - 1) // 4 and cut at the range R (in
    slices) beyond which the response to a unit potential on the whole middle slice stays below
    ``cutoff`` of its peak.  For a custom ``system`` of the sea (PeriodicWire's channel sums: no
    slice columns) it is measured instead with probe potentials (at most ``max_probes``, which
    shorten R; ``probes``: their number, 0 from the slice columns; see :func:`_probed_kernel`).
    c is symmetrized (chi is symmetric).  :meth:`solve` applies the inverse of the circulant of
    size L + R built from c (zero padding), each Fourier component's W x W block inverted with
    its eigenvalues kept below -``floor`` x their largest magnitude (chi is negative definite; a
    truncated kernel need not be).  ValueError if the wire is too short for a kernel (L < 5), or
    (probes) the cross-section needs more than ``max_probes`` probes.
    """

    def __init__(self, sea: FermiSea, *, accuracy: float = 1e-3, cutoff: float = 1e-3, floor: float = 1e-3,
                 max_probes: int = 8):
        model = sea.model
        L, W = model.lattice.num_slices, model.lattice.sites_per_slice
        self.slices, self.width = L, W
        cap = (L - 1) // 4
        if cap < 1:
            raise ValueError(f"a wire of {L} slices is too short for a bulk kernel")
        rule = sea.rule(accuracy)
        nodes = sea.core_nodes(rule)
        if nodes is not None:
            blocks = _core.bare_kernel(nodes, np.ascontiguousarray(rule[1], dtype=complex), L // 2, cap)
            traces = np.trace(blocks, axis1=3, axis2=4)  # (2 cap + 1, W, W)
            full = -traces.imag / np.pi  # Tr (i/2pi)(Y - Y^dag) = -Im Tr Y / pi
            # the response to a unit potential on the whole middle slice, by slice
            profile = np.abs(full.sum(axis=2)).max(axis=1)
            far = np.abs(np.arange(-cap, cap + 1))
            tail = [r for r in range(1, cap + 1) if profile[far >= r].max() <= cutoff * profile.max()]
            R = tail[0] if tail else cap
            kernel = full[cap - R:cap + R + 1]
            self.probes = 0
        else:
            kernel, R, self.probes = _probed_kernel(sea, accuracy, cutoff, max_probes)
        self.range = R
        kernel = 0.5 * (kernel + np.swapaxes(kernel[::-1], 1, 2))  # c(dx)[p', p] = c(-dx)[p, p']
        self.kernel = kernel
        self.floor = floor
        self._size = L + R
        self._inverse = self._invert(kernel)

    def _invert(self, kernel: np.ndarray) -> np.ndarray:
        """The Fourier blocks of the inverse of the circulant built from ``kernel`` (2R + 1, W, W)."""
        R, W, M = self.range, self.width, self._size
        wrapped = np.zeros((M, W, W))
        for dx in range(-R, R + 1):
            wrapped[dx % M] = kernel[R + dx]
        blocks = np.fft.fft(wrapped, axis=0)  # Hermitian W x W blocks (c symmetric)
        blocks = 0.5 * (blocks + np.conj(np.swapaxes(blocks, 1, 2)))
        values, vectors = np.linalg.eigh(blocks)
        limit = self.floor * np.abs(values).max()
        values = np.minimum(values, -limit)
        return np.einsum("qab,qb,qcb->qac", vectors, 1.0 / values, np.conj(vectors))

    def with_capacitance(self, capacitance: sp.csr_matrix) -> BulkKernel:
        """The same kernel for chi - C (Thomas-Fermi screening, C = kappa (-Delta), :func:`screen`):
        C's blocks at the middle slice, C_{(s + dx, p'), (s, p)} for dx = 0, +-1 (nearest-neighbour
        bonds), subtracted from c(dx)."""
        W, R = self.width, self.range
        s = (self.slices // 2) * W
        kernel = self.kernel.copy()
        for dx in (-1, 0, 1):
            kernel[R + dx] -= capacitance[s + dx * W:s + dx * W + W, s:s + W].toarray()
        shifted = copy.copy(self)
        shifted.kernel = kernel
        shifted._inverse = self._invert(kernel)
        return shifted

    def solve(self, v: np.ndarray) -> np.ndarray:
        """z with (circulant c) z = v: approximately chi^-1 v."""
        L, W, M = self.slices, self.width, self._size
        padded = np.zeros((M, W))
        padded[:L] = np.asarray(v, dtype=float).reshape(L, W)
        z = np.fft.ifft(np.einsum("qab,qb->qa", self._inverse, np.fft.fft(padded, axis=0)), axis=0)
        return z[:L].real.ravel()


def _probed_kernel(sea: FermiSea, accuracy: float, cutoff: float, max_probes: int):
    """(c(dx) (2R + 1, W, W) unsymmetrized, R, probes) of :class:`BulkKernel` measured with probe
    potentials, for seas whose correlators have no slice columns (a custom ``system``).

    First a potential on the whole middle slice, whose response decides the range R (where it
    falls below ``cutoff`` of its peak, at most (L - 1) // 4, and shortened until the probes number
    at most ``max_probes``); then, for each cross-section site p, a unit potential at (s, p) with
    s in the bulk, 2 R + 1 slices apart and R slices from either contact, several sites per probe
    (their responses do not overlap; a chain needs no second probe).  Each probe is a bare
    contour sum over the whole wire (G U G: one correlator apply per node).
    """
    model = sea.model
    L, W = model.lattice.num_slices, model.lattice.sites_per_slice

    def response(u):
        blocks = sea(u[:, None, None] * IDENTITY2, accuracy=accuracy, ladder=False, bonds=False)[0]
        return site_observables(model, blocks)["charge_density"].reshape(L, W)

    middle = L // 2
    u = np.zeros((L, W))
    u[middle] = 1.0
    first = response(u.ravel())
    profile = np.abs(first).max(axis=1)
    far = np.abs(np.arange(L) - middle)
    cap = (L - 1) // 4
    tail = [r for r in range(1, cap + 1) if profile[far >= r].max(initial=0.0) <= cutoff * profile.max()]

    def sources(r):  # slices r from a contact, responses 2 r + 1 apart
        return list(range(2 * r, L - 2 * r, 2 * r + 1))

    def probes(r):
        return 1 if W == 1 else 1 + -(-W // len(sources(r)))

    # the range where the response has fallen below ``cutoff``, shortened until the probes fit
    fits = [r for r in range(1, (tail[0] if tail else cap) + 1) if probes(r) <= max_probes]
    if not fits:
        raise ValueError(f"a cross-section of {W} sites in a wire of {L} slices needs more than "
                         f"max_probes={max_probes} probes for a bulk kernel")
    R = fits[-1]
    kernel = np.zeros((2 * R + 1, W, W))  # kernel[R + dx][p', p]
    centres = [] if W == 1 else sources(R)
    if W == 1:  # the first probe was the unit potential at one site
        kernel[:, 0, 0] = first[middle - R:middle + R + 1, 0]
    for start in range(0, W if centres else 0, max(len(centres), 1)):
        sites = range(start, min(start + len(centres), W))
        u = np.zeros((L, W))
        for s, p in zip(centres, sites):
            u[s, p] = 1.0
        n = response(u.ravel())
        for s, p in zip(centres, sites):
            kernel[:, :, p] = n[s - R:s + R + 1]
    return kernel, R, probes(R)


def bulk_kernel(sea: FermiSea) -> BulkKernel | None:
    """The sea's :class:`BulkKernel` (built once, kept in ``sea.cache``), or None where it does
    not pay: a wire of fewer than 40 slices, or (a custom ``system``, measured by probes) one too
    short for the kernel's range or a cross-section needing more than 8 probes (a probe costs
    about as much as a GMRES step)."""
    if "bulk_kernel" not in sea.cache:
        kernel = None
        if sea.model.lattice.num_slices >= 40:
            try:
                kernel = BulkKernel(sea)
            except ValueError:
                kernel = None
        sea.cache["bulk_kernel"] = kernel
    return sea.cache["bulk_kernel"]


def screening_potential(sea: FermiSea, density: np.ndarray, *, tolerance: float = SCREENING_TOLERANCE,
                        screening_length: float = 0.0):
    """The on-site potential u (N,) whose static response cancels ``density``: n[rho_sea[u]] = -density
    (with ``screening_length``: the Poisson equation of :func:`screen`).

    Returns (u, the number of GMRES iterations); :func:`screen` also returns rho_sea[u].
    """
    u, iterations, _, _ = screen(sea, density, tolerance=tolerance, screening_length=screening_length, bonds=False)
    return u, iterations


def laplacian(lattice) -> sp.csr_matrix:
    """-Delta, the electrostatic operator of Thomas-Fermi screening: the graph Laplacian of the
    lattice's nearest-neighbour bonds, (-Delta u)_i = sum_j (u_i - u_j) over the neighbours j of i,
    where the sites of the first and last slice each have one more neighbour in their lead, held at
    u = 0 (Dirichlet ends: grounded leads; neutral leads add their potentials as Dirichlet values,
    :func:`with_screening`; the wire's sides have no neighbours: Neumann).  Symmetric positive
    definite (N, N)."""
    N = lattice.num_sites
    i, j = lattice.bonds[:, 0], lattice.bonds[:, 1]
    adjacency = sp.coo_matrix((np.ones(i.size), (i, j)), shape=(N, N))
    adjacency = (adjacency + adjacency.T).tocsr()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    ends = np.concatenate([lattice.slices[0], lattice.slices[-1]])
    np.add.at(degree, ends, 1.0)  # a chain of one site has both leads on it
    return (sp.diags(degree) - adjacency).tocsr()


def check_screening_length(value) -> float:
    """The ``screening_length`` argument: None -> 0.0 (perfect screening), else a finite real >= 0
    (lattice constants; -0.0 stored as 0.0).  ValueError naming the argument otherwise."""
    if value is None:
        return 0.0
    return finite_float(value, "screening_length", nonnegative=True) + 0.0  # refuses bools and strings


def check_screening_tolerance(value, drive) -> float:
    """The ``screening_tolerance`` argument of a drive: None -> SCREENING_TOLERANCE; else a real in
    [MIN_SCREENING_TOLERANCE, MAX_SCREENING_TOLERANCE], and only with drive="field".  ValueError
    naming the argument otherwise."""
    if value is None:
        return SCREENING_TOLERANCE
    if drive != "field":
        raise ValueError(f"screening_tolerance={value!r} applies to drive='field' only, got drive={drive!r}")
    x = finite_float(value, "screening_tolerance")
    if not MIN_SCREENING_TOLERANCE <= x <= MAX_SCREENING_TOLERANCE:
        raise ValueError(f"screening_tolerance must lie in [{MIN_SCREENING_TOLERANCE:g}, {MAX_SCREENING_TOLERANCE:g}] "
                         f"(the charge left relative to the unscreened charge; below that range rounding stops the "
                         f"GMRES, above it the drive is not neutral), got {value!r}")
    return x


@dataclass(frozen=True)
class FieldOptions:
    """The field drive's options, checked: what :func:`spintex.linear_response` calls
    ``screening_length`` (``length``: Thomas-Fermi screening over it, 0.0 perfect neutrality),
    ``neutral_leads`` and ``screening_tolerance`` (``tolerance``: the neutrality and the Fermi
    sea's tolerance).  One value carries them through the engine (responses, sample chunks,
    sweeps); the default is the default field drive, and what the other drives carry unused.
    Build it from user arguments with :meth:`of`."""

    length: float = 0.0
    neutral_leads: bool = False
    tolerance: float = SCREENING_TOLERANCE

    @classmethod
    def of(cls, drive, screening_length=None, neutral_leads=False, screening_tolerance=None) -> FieldOptions:
        """The options of ``drive`` from user arguments: ValueError naming the argument where one is
        given with a drive other than "field" (None, False and None are not given) or is out of its
        range (:func:`check_screening_length`, :func:`check_screening_tolerance`)."""
        if screening_length is not None and drive != "field":
            raise ValueError(f"screening_length={screening_length!r} applies to drive='field' only, "
                             f"got drive={drive!r}")
        if not isinstance(neutral_leads, (bool, np.bool_)):
            raise ValueError(f"neutral_leads must be True or False, got {neutral_leads!r}")
        if neutral_leads and drive != "field":
            raise ValueError(f"neutral_leads=True applies to drive='field' only, got drive={drive!r}")
        return cls(check_screening_length(screening_length), bool(neutral_leads),
                   check_screening_tolerance(screening_tolerance, drive))

    @property
    def lead_shift(self) -> tuple[float, float] | None:
        """The leads' band shifts (v_L, v_R) with neutral leads: each band follows its chemical
        potential, +1/2 and -1/2 as in the bias; None with grounded leads."""
        return (0.5, -0.5) if self.neutral_leads else None

    def fields(self) -> dict:
        """The Response fields that record these options."""
        return {"screening_length": self.length, "neutral_leads": self.neutral_leads,
                "screening_tolerance": self.tolerance}


#: the default field drive (perfect neutrality, grounded leads, SCREENING_TOLERANCE)
DEFAULT_FIELD = FieldOptions()


def permittivity(sea: FermiSea, screening_length: float) -> float:
    """kappa = eps/e^2 = nu l^2 of Thomas-Fermi screening over ``screening_length`` l (lattice
    constants), nu the median compressibility dn/dmu per site of the wire (``sea.compressibility``)."""
    return float(np.median(sea.compressibility)) * screening_length ** 2


def screen(sea: FermiSea, density: np.ndarray, *, tolerance: float = SCREENING_TOLERANCE, max_iterations: int = 100,
           preconditioner: str = "auto", screening_length: float | None = None, bonds: bool = True):
    """Solve chi u = -density (chi u = n[rho_sea[u 1]]) by GMRES; returns (u, iterations, and the
    site and bond blocks of rho_sea[u]; ``bonds=False``: the bond blocks None, not computed).

    With ``screening_length`` l (lattice constants), Thomas-Fermi screening instead: chi u - C u =
    -density with C = kappa (-Delta) (:func:`permittivity`, :func:`laplacian`; Poisson: the charge
    left, density + chi u, is C u), l = 0 being the neutral case; the preconditioners invert chi - C
    in the same way.

    Right-preconditioned, u = P v: ``preconditioner="bulk"`` inverts the bulk kernel of chi
    (:class:`BulkKernel`), ``"local"`` the local compressibility, P = -diag(1/(dn/dmu)) (chi ~
    -diag(dn/dmu) in a metal), ``"auto"`` the bulk kernel where :func:`bulk_kernel` builds one.
    The Arnoldi basis Z of preconditioned directions is kept together with the Fermi-sea site
    blocks of each and their nodes' dressed vertices (one contour sum per iteration,
    :meth:`FermiSea.sites_and_vertices`), so u = Z y and the site blocks of rho_sea[u] =
    sum_j y_j rho_sea[z_j] need no further contour sum, and its bond blocks one product per node
    of each rule the steps used (:meth:`FermiSea.bonds_of`).  Stops when the charge left,
    max_i |n_i + (chi u)_i|, is at most ``tolerance`` x max_i |n_i| (the ``neutrality`` of the
    field drive); with a screening length, when the Poisson equation's residual
    max_i |n_i + (chi u)_i - (C u)_i| is (the charge left is then the Poisson charge C u, which
    ``neutrality`` reports).

    Inexact Krylov steps (Simoncini and Szyld, SIAM J. Sci. Comput. 25, 454 (2003)): the
    coefficient y_j of a direction added when the relative residual is r is of order r, so a
    contour sum with relative error eps there changes the result by about eps r.  Step j
    therefore uses the coarsest contour rule of ``sea`` whose error is below 0.1 x tolerance / r
    (all steps but the first, for the issue's wire): each such step adds at most about
    0.1 x tolerance to the relative error of rho_sea.  The charge left is exact either way: it is
    the charge of the returned blocks (n of each step's blocks enters the Arnoldi relation).
    """
    if preconditioner not in ("auto", "bulk", "local"):
        raise ValueError(f"preconditioner must be 'auto', 'bulk' or 'local', got {preconditioner!r}")
    model = sea.model
    N = model.lattice.num_sites
    b = -np.asarray(density, dtype=float)
    scale, beta = np.abs(b).max(), np.linalg.norm(b)
    if scale == 0:
        return np.zeros(N), 0, np.zeros((N, 2, 2), complex), np.zeros((len(model.bonds), 2, 2), complex) if bonds \
            else None
    comp = np.maximum(sea.compressibility, 1e-3 * sea.compressibility.max())
    kernel = None
    if preconditioner == "bulk":
        kernel = bulk_kernel(sea) or BulkKernel(sea, max_probes=sea.model.lattice.sites_per_slice + 1)
    elif preconditioner == "auto":
        kernel = bulk_kernel(sea)
    C = None
    if screening_length:
        C = permittivity(sea, screening_length) * laplacian(model.lattice)
        # beyond a couple of sites the Poisson term kappa (2 - 2 cos q) outweighs the q dependence
        # of chi's bulk kernel (the Lindhard function: 1.0-1.82 of chi(0) over the zone) except at
        # q < 1/l, where chi ~ -dn/dmu: the local compressibility with the exact Laplacian (Dirichlet
        # ends, which the circulant of the kernel misses) is then the better preconditioner (issue's
        # chain: 3 GMRES steps against 14-25 for l = 30 ... 1000; 4 against 4 at l = 3)
        if screening_length > 2 and preconditioner == "auto":
            kernel = None
        kernel = None if kernel is None else kernel.with_capacitance(C)
    local = None if C is None or kernel is not None else spla.factorized((sp.diags(comp) + C).tocsc())

    def precondition(v):
        if kernel is not None:
            return kernel.solve(v)
        return -v / comp if local is None else -local(v)

    V, Z, S, B = [b / beta], [], [], []
    H = np.zeros((max_iterations + 1, max_iterations))
    left = 1.0  # max |residual| / max |density| before this step
    progress = Progress("screening", unit="GMRES steps", estimate=False)
    try:
        for j in range(max_iterations):
            z = precondition(V[j])
            source, accuracy = z[:, None, None] * IDENTITY2, 0.1 * tolerance / left
            # (the nodes' vertices only where the bond blocks are wanted)
            sites, record = sea.sites_and_vertices(source, accuracy=accuracy) if bonds else \
                (sea(source, accuracy=accuracy, bonds=False)[0], None)
            w = site_observables(model, sites)["charge_density"]
            if C is not None:
                w = w - C @ z
            Z.append(z)
            S.append(sites)
            B.append(record)
            for i in range(j + 1):  # modified Gram-Schmidt
                H[i, j] = V[i] @ w
                w = w - H[i, j] * V[i]
            H[j + 1, j] = np.linalg.norm(w)
            g = np.zeros(j + 2)
            g[0] = beta
            y = np.linalg.lstsq(H[:j + 2, :j + 1], g, rcond=None)[0]
            V.append(w / H[j + 1, j] if H[j + 1, j] > 0 else w)
            residual = np.array(V).T @ (g - H[:j + 2, :j + 1] @ y)  # b - chi u, exactly in the basis
            left = np.abs(residual).max() / scale
            progress(j + 1, None, f"(charge left {left:.1e} of the unscreened; tolerance {tolerance:g})")
            if left <= tolerance:
                break
            if H[j + 1, j] == 0:  # the Krylov space is exhausted and the charge is still there: chi is singular
                raise SCBAConvergenceError(f"the screening potential cannot neutralize the charge (the density "
                                           f"response is singular on it: charge left {left:.3g} of the unscreened "
                                           f"after {j + 1} steps)")
        else:
            raise SCBAConvergenceError(f"the screening potential did not converge in {max_iterations} GMRES steps "
                                       f"(charge left {left:.3g} of the unscreened)")
    finally:
        progress.close()
    u = np.tensordot(y, np.array(Z), 1)
    return (u, j + 1, sum(c * x for c, x in zip(y, S)), sea.bonds_of(zip(y, B)) if bonds else None)


#: neutral_leads=True where the drive's leads have no open channel (the bias blocks are exactly zero)
NO_CHANNEL_FOR_NEUTRAL_LEADS = (
    "neutral_leads=True needs an open lead channel at the Fermi energy: there the leads are insulating, with no "
    "chemical potential for their bands to follow (the device's bound states would still feel the band shift); "
    "use grounded leads (the default) or an energy inside the leads' band")


def no_screening(model: Model) -> dict:
    """The fields of :func:`with_screening` for blocks without charge: nothing to screen."""
    N = model.lattice.num_sites
    return {"screening_potential": np.zeros(N), "unscreened_charge_density": np.zeros(N), "neutrality": 0.0,
            "screening_iterations": 0, "contour_nodes": 0, "contour_error_estimate": 0.0}


def with_screening(make_sea: Callable[[], FermiSea], sites, bonds, model: Model,
                   options: FieldOptions = DEFAULT_FIELD):
    """Add the screening response to Fermi-surface blocks (the field drive with ``options``;
    ``options.length`` > 0: Thomas-Fermi screening, :func:`screen`); returns the new blocks and the
    fields that document it.  The Fermi sea (``make_sea()``) is built only if the blocks carry
    charge: with no lead channel open at the Fermi energy (below or above every band) the bias
    response is zero and so is its screening, while the sea's contour would have nothing to
    integrate (a full or an empty band).

    Neutral leads (``options.lead_shift`` (v_L, v_R)): each lead's band shifted with its chemical
    potential (docs/physics.md, section 12).  The device's static response to those band shifts is
    added to the blocks before the screening, and the Poisson equation (a screening length) takes
    the leads' potentials v_a as its Dirichlet values: (-Delta u)_i = sum_j (u_i - u_j) + (u_i - v_a)
    on an end site of lead a, i.e. (chi - kappa(-Delta)) u = -(n + kappa v_a 1_ends).  Without a
    screening length (perfect neutrality) the boundary values do not enter.  ``options.tolerance``:
    the screening's (:func:`screen`; the sea's own is ``make_sea``'s to set, normally the same)."""
    screening_length, lead_shift, tolerance = options.length, options.lead_shift, options.tolerance
    unscreened = site_observables(model, sites)["charge_density"]
    if not np.any(unscreened):
        if lead_shift is not None:
            raise ValueError(NO_CHANNEL_FOR_NEUTRAL_LEADS)
        return sites, bonds, {**no_screening(model), **options.fields()}
    sea = make_sea()
    N = model.lattice.num_sites
    source, u0 = unscreened, np.zeros(N)
    if lead_shift is not None:
        # on the coarsest rule within 0.1 x the screening's tolerance, as the screen's first step (the
        # rules' errors include the band-shift probe: FermiSea(lead_probe=True))
        s_lead, b_lead = sea(np.zeros((N, 2, 2), complex), lead_shift=lead_shift, accuracy=0.1 * tolerance)
        sites, bonds = sites + s_lead, bonds + b_lead
        unscreened = source = site_observables(model, sites)["charge_density"]
        if screening_length:
            # u = u0 + w with u0 the leads' Laplace potential, (-Delta) u0 = v_a 1_ends: then
            # kappa((-Delta) u - v_a 1_ends) = kappa (-Delta) w and w solves the grounded problem with
            # the charge n + chi u0 (one more contour sum, and a source of the charge's own scale)
            ends = np.zeros(N)
            ends[model.lattice.slices[0]] += lead_shift[0]
            ends[model.lattice.slices[-1]] += lead_shift[1]
            u0 = spla.spsolve(laplacian(model.lattice).tocsc(), ends)
            s0, b0 = sea(u0[:, None, None] * IDENTITY2, accuracy=0.1 * tolerance)
            sites, bonds = sites + s0, bonds + b0
            source = site_observables(model, sites)["charge_density"]
    w, iterations, s_sea, b_sea = screen(sea, source, tolerance=tolerance, screening_length=screening_length)
    u = u0 + w
    sites, bonds = sites + s_sea, bonds + b_sea
    residual = site_observables(model, sites)["charge_density"]
    info = {"screening_potential": u, "unscreened_charge_density": unscreened,
            "neutrality": float(np.abs(residual).max() / max(np.abs(unscreened).max(), 1e-300)),
            "screening_iterations": iterations, "contour_nodes": sea.nodes.size,
            "contour_error_estimate": sea.error_estimate, **options.fields()}
    return sites, bonds, info
