"""The Fermi sea: the static density-matrix response at fixed chemical potential, on the contour.

:class:`FermiSea` is the part of the response engine (:mod:`spintex.response`) that the field
drive's screening (:mod:`spintex.screening`), screened and full pumping (:mod:`spintex.pumping`)
and the thermal drive need: the contour rules (:func:`spintex.keldysh.sea_contour`) with their
measured errors, the SCBA self-energy at every node (in the core), the cached or swept
correlators, and the RR-ladder-dressed contour sum rho[U] for any local perturbation U.
Derivation and numerics: docs/physics.md, section 12.
"""
from __future__ import annotations

import dataclasses
import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _core
from ._validate import available_memory, finite_float, positive_int
from .disorder import GROUP, Disorder, PairBornMap, PairCorrelator, SCBAConvergenceError, born_map, scba, solve_ladder
from .integration import Progress, _threshold_hits, channel_thresholds
from .keldysh import (_retarded_sites, bond_blocks, density_blocks, sea_contour, sea_interpolation, sea_legendre,
                      sea_path, spectrum_bottom)
from .model import IDENTITY2, Model
from .observables import site_observables

#: contiguous runs of contour nodes for the SCBA walk (fixed: results do not depend on the threads)
SCBA_RUNS = 4
#: Anderson mixing of the contour SCBA (Disorder.mixing is its fallback, :meth:`FermiSea.scba_at`)
CONTOUR_MIXING = 1.0


BLOCK_OVERHEAD = 56  # bytes per Eigen block: its object and the allocator's header


def correlator_bytes(model: Model) -> int:
    """Memory of one cached correlator: the slice blocks g, G, P and Q, L blocks of (2W)^2 complex
    numbers each (W sites per slice), each block its own heap allocation (BLOCK_OVERHEAD bytes more:
    measured, 100 correlators of a 1200-site chain take 0.567 MB each, of a 200 x 6 x 6 bar 66.9 MB)."""
    lattice = model.lattice
    return 4 * lattice.num_slices * ((2 * lattice.sites_per_slice) ** 2 * 16 + BLOCK_OVERHEAD)


def pair_correlator_bytes(model: Model, pairs: int = 0) -> int:
    """Memory of one kept block sweep on site pairs (spin-orbit impurities): g, G, P and the two
    couplings of every super-slice of GROUP slices, (2 GROUP W)^2 complex numbers each (and its heap
    block), the two leads' broadenings, and per site pair (``pairs``, the Born map's) its 2x2
    block of G^R, its indices and its place in the slice blocks (88 bytes).  Measured, 10 sweeps
    each: 13.9 MB per sweep of a periodic 64 x 4 x 4 bar (23488 pairs) against 12.6 MB estimated
    (10.5 MB without the pairs and broadenings), 32.3 against 29.8 (26.5) MB for a 32 x 6 x 6 bar."""
    lattice = model.lattice
    supers = -(-lattice.num_slices // GROUP)
    n = 2 * GROUP * lattice.sites_per_slice
    return 5 * supers * (n * n * 16 + BLOCK_OVERHEAD) + 2 * n * n * 16 + 88 * pairs


def _core_sum(nodes, weights, born, U, **options) -> tuple:
    """_core.sea_response over ``nodes`` with the Born superoperators ``born`` (None: no ladder),
    its ladders' failure as SCBAConvergenceError."""
    born = None if born is None else np.ascontiguousarray(born)
    try:
        return _core.sea_response(nodes, weights, born, np.ascontiguousarray(U, dtype=complex), restart=20, **options)
    except _core.NotConvergedError as error:
        raise SCBAConvergenceError(str(error)) from error


def _largest_variance(born) -> float:
    """The largest Born variance of a site (local map) or pair map (its local part or Gamma_so)."""
    if isinstance(born, PairBornMap):
        return max(_largest_variance(born.local), float(born.soc))
    return float(np.abs(born.superoperator).max())


def _change(fine: np.ndarray, coarse: np.ndarray, hopping: float) -> float:
    """max |fine - coarse| relative to max |fine|, or to 1e-8 / hopping if that is smaller (a
    compressibility that small is zero at any tolerance: a full or empty band, whose sums are
    rounding, against 1/(pi t) per site in a metal)."""
    return float(np.abs(fine - coarse).max() / max(np.abs(fine).max(), 1e-8 / hopping))


class FermiSea:
    """Static (Fermi-sea) density-matrix response to a local perturbation at fixed chemical potential.

    For dH = sum_i c_i^dag U_i c_i (U_i Hermitian 2x2) and both leads at ``fermi_energy``, T = 0:

        rho[U] = (i/2pi) (Y - Y^dag),   Y = int dE f(E) dG^R(E) = sum_k w_k Y(z_k),
        Y(z) = G(z) (U + S[Y(z)]) G(z)

    on the contour of :func:`sea_contour` (G^R is analytic in the upper half plane, so the
    real-axis integral equals the contour sum).  With SCBA, Sigma(z) is solved at every
    node (to ``scba_tolerance``, 0.1 x tolerance x the largest Born variance, or the disorder's
    tolerance if stricter) and S[Y] is the RR ladder (the derivative of the self-consistent
    self-energy), solved at all nodes in one core call (:func:`spintex._core.sea_response`: GMRES
    per node, nodes in parallel) to a relative residual of ``0.1 x tolerance`` (their error in
    rho is about 1 % of the residual).

    The first rule has ``nodes`` nodes and is compared with the rule of half as many; while the
    bare (ladder-free) response G U G to a uniform potential changes between the two by more than
    allows ``error_estimate`` = change^(n / n_coarse) < 0.01 x tolerance (Gauss-Legendre converges
    geometrically, error(n) ~ q^n, and the change is about the coarser rule's error), the node
    count grows by a quarter, the previous rule becoming the coarse one and giving every SCBA of
    the new rule its starting Sigma (interpolated, :meth:`_sigma_at`); a grown rule is first probed
    with that interpolated Sigma alone (one sweep per node, no SCBA: ``provisional``), and its SCBA
    is solved only if it does not certify the rule below or when it is used (:attr:`_rule`); a
    solved grown rule's correlators are freed once its probe is formed, and the sums that use that
    rule sweep its nodes again from their Sigma (:meth:`_probed_build`).  (Growing by a quarter
    rather than a half: the extrapolation change^(n / n_coarse) is shorter, hence safer, and the
    rule just below a tolerance is found with fewer nodes: on bench_drives.py's bar 24 -> 30
    nodes, estimated error 8e-10, instead of 24 -> 36, and the 24-node rule, its error now
    known (the change, 5e-8), serves the screening's first step.)  The bare and the dressed
    integrands share their analytic structure (both are built from the same G(z)), so the bare
    probe, one sweep per node, decides the node count for both.  The half rule of the first
    comparison costs no SCBA solves: its Sigma(z) is the polynomial through the first rule's
    (Sigma is analytic along the contour; :meth:`_interpolated`), so its error includes that
    interpolation's.  The coarser rules are kept with their changes (each about that rule's
    error; ``coarse_error`` is the last one): ``self(U, accuracy=a)`` uses the coarsest rule whose
    error is below ``a`` (the inexact Krylov steps of :func:`spintex.screening.screen`).  ``compressibility`` is
    -chi_bare . 1, the local compressibility without the ladder (the preconditioner of
    :func:`spintex.screening.screen`).  ``initial``: the SCBA self-energy at the Fermi energy, if known, to start
    the solve at the node next to it.  ``keep_correlators``: True keeps every node's correlator
    (its slice blocks: 4 L (2W)^2 complex numbers); False keeps only z and Sigma, and every contour
    sum sweeps the nodes again into one correlator per thread (``swept``; the same sums, one sweep
    more per node and sum); None (default) keeps them unless they would take more than half the
    available memory (:meth:`_sweeps_again`, with a RuntimeWarning, which Python shows by default).
    ``lead_probe``: the node count also converges the bare response to the leads' band shifts
    (``lead_shift``; its integrand -dSigma_a/dz is sharper near the leads' channel edges than the
    uniform potential's: on a 16 x 3 strip at E_F = -1.1 the uniform probe's rule left it 3e-6 off;
    one more bare sum per rule).

    With spin-orbit impurities (``disorder.soc``) Sigma and the ladders live on site pairs: each
    node's SCBA (at ``scba_tolerance``) and RR ladder run on its block sweep
    (:class:`spintex.disorder.PairCorrelator`), in Python with the nodes on threads, and every
    rule keeps its sweeps (MemoryError before the work if they would not fit); ``pair_terms``
    gives the nodes' products on all pairs (docs/physics.md, section 10).  No custom ``system``,
    ``lead_probe``/``lead_shift`` or ``keep_correlators=False`` there (NotImplementedError).

    A custom ``system`` keeps its correlators too (they cannot be swept again from z and Sigma);
    ``node_bytes``, the memory of one node's (PeriodicWire: its channels' correlators together),
    makes the sea refuse rules that would not fit (MemoryError before the work) instead of being
    killed by the operating system.
    """

    def __init__(self, model: Model, fermi_energy: float, disorder: Disorder | None = None, *,
                 nodes: int = 24, tolerance: float = 1e-6, max_nodes: int = 1024, system=None,
                 bottom: float | None = None, initial=None, keep_correlators: bool | None = None,
                 lead_probe: bool = False, node_bytes: int | None = None):
        if positive_int(nodes, "nodes") < 2:
            raise ValueError(f"nodes must be at least 2 (the first rule is compared with half as many), got {nodes}")
        positive_int(max_nodes, "max_nodes")
        finite_float(tolerance, "tolerance", positive=True)
        #: spin-orbit impurities: the SCBA and the RR ladders live on site pairs (PairCorrelator's
        #: block sweep at every node, solved and summed in Python; the correlators are always kept)
        self._pairs = disorder is not None and bool(disorder.soc)
        if self._pairs and (system is not None or lead_probe or keep_correlators is False):
            raise NotImplementedError("the Fermi sea with spin-orbit impurities (soc > 0) keeps its block sweeps and "
                                      "has no custom system, lead band shifts (neutral leads) or swept correlators")
        self.model, self.mu, self.disorder = model, finite_float(fermi_energy, "fermi_energy"), disorder
        if bottom is None:
            # below the spectrum (no states under mu) the response is zero: the arc from mu - 1
            # to mu encloses nothing and sums to rounding (accepted by the floor of ``_change``)
            bottom = min(spectrum_bottom(model, disorder), self.mu - 1.0)
        elif not finite_float(bottom, "bottom") < self.mu:
            raise ValueError(f"bottom must lie below the Fermi energy {self.mu!r} (and below the spectrum), "
                             f"got {bottom!r}")
        self.bottom = bottom
        if disorder is None and system is None and _threshold_hits(model, np.array([self.mu], dtype=complex)):
            # a clean wire's Fermi sea at a lead channel threshold: G ~ (z - E_c)^(-1/2) makes the
            # static response diverge where the wire has a threshold state; the real-axis check
            # of the retarded sites says so (ValueError) in a few sweeps instead of a contour grown
            # to max_nodes (elsewhere no sweep is spent on it)
            _retarded_sites(model, np.array([self.mu]))
        self._custom_system = system  # (not self.system = self._system: a cycle that holds every correlator until gc)
        # the RR ladders' relative residual; their error in rho is about 1 % of it (measured on the
        # issue's chain and a 100 x 6 x 6 bar: residual 1e-9 -> 7e-12, 1e-7 -> 1e-9, 1e-6 -> 6e-9)
        self.ladder_tolerance = 0.1 * tolerance
        self._born = None if disorder is None else born_map(model, disorder)
        # the contour SCBA's tolerance (max |dSigma| per site block): 0.1 x tolerance x the largest
        # Born variance (|Sigma| is of that order), or the disorder's own if stricter.  Measured
        # against the disorder's 1e-10 (tolerance 1e-6): the field drive's torque moves by 1.5e-10
        # (issue's chain) and 3e-9 (100 x 6 x 6 bar) of its largest value, with 20-27 % fewer
        # iterations.  (Pumping's SCBA at z +- h keeps the disorder's: its differences divide by h.)
        born = self._born
        self.scba_tolerance = None if disorder is None or born is None else max(
            disorder.tolerance, 0.1 * tolerance * _largest_variance(born))
        self._initial = initial  # Sigma^R(E_F) (e.g. the bias drive's), the start of the SCBA next to E_F
        self.cache: dict = {}  # what users of the sea build once (spintex.screening.bulk_kernel)
        if keep_correlators not in (None, True, False):
            raise ValueError(f"keep_correlators must be None (decide by the free memory), True or False, "
                             f"got {keep_correlators!r}")
        self._node_bytes = (pair_correlator_bytes(model, len(self._born.pairs)) if isinstance(self._born, PairBornMap)
                           else node_bytes)
        kept = self._pairs or system is not None  # every rule keeps its correlators (no swept sums)
        if kept:  # refuse what would not fit
            self._check_kept_memory(nodes + nodes // 2)
            self.swept = False
        elif keep_correlators is None:
            self.swept = self._sweeps_again(nodes)
        else:
            self.swept = not keep_correlators
        if self.swept and system is not None:
            raise ValueError("keep_correlators=False needs the sea's own system (a custom system's correlators "
                             "are kept)")
        uniform = np.ascontiguousarray(np.broadcast_to(IDENTITY2, (model.lattice.num_sites, 2, 2)), dtype=complex)

        def probe(rule):
            return site_observables(model, self._density_matrix(rule, uniform, ladder=False, bonds=False)[0])[
                "charge_density"]

        lead_probes: dict = {}  # rule size -> its bare response to both leads' bands shifted by one

        def lead_change(fine, coarse):
            if not lead_probe:
                return 0.0
            for r in (fine, coarse):
                if r[0].size not in lead_probes:
                    blocks = self._density_matrix(r, np.zeros_like(uniform), ladder=False, bonds=False,
                                                  lead_shift=(1.0, 1.0))[0]
                    lead_probes[r[0].size] = site_observables(model, blocks)["charge_density"]
            return _change(lead_probes[fine[0].size], lead_probes[coarse[0].size], model.hopping)

        if self.swept:
            rule, fine_probe = self._probed_build(nodes, None, uniform)
        else:
            rule = self._build(nodes)
            fine_probe = probe(rule)
        # a custom system hook (PeriodicWire's) solves its SCBA at the half rule's nodes too
        coarse = self._interpolated(rule) if system is None else self._build(nodes // 2)
        coarse_probe = probe(coarse)
        coarser = []  # (error, rule), coarsest first
        progress = Progress("Fermi sea", unit="contour nodes", estimate=False)
        self._uniform = uniform
        self._provisional: tuple | None = None  # the finest rule while its self-energies are interpolated
        while True:
            change = max(_change(fine_probe, coarse_probe, model.hopping), lead_change(rule, coarse))
            progress(rule[0].size, None, f"(rule change {change:.1e}; tolerance {tolerance:g})")
            # Gauss-Legendre on the arc converges geometrically, error(n) ~ q^n, and the change is
            # about the coarser rule's error, so error(n) ~ change^(n / n_coarse) (on the issue's
            # chain change(12 -> 24) = 3.4e-6, error(24) = 2.7e-10: the estimate can be 20x low)
            estimate = change ** (rule[0].size / coarse[0].size)
            provisional = self._provisional is not None and id(rule) == id(self._provisional)
            if provisional and estimate >= 0.001 * tolerance:
                # a grown rule probed with interpolated self-energies certifies only with ten times
                # the margin: the interpolation moves the probe too, and on weak-disorder strips
                # (Gamma_0 = 0.01-0.02) the change came out up to 3x low (docs/physics.md, section
                # 12).  Otherwise: solve its SCBA and measure again (the normal test)
                rule, fine_probe = self._probed_build(rule[0].size, coarse, uniform)
                self._provisional = None
                lead_probes.pop(rule[0].size, None)
                continue
            self.error_estimate = estimate
            self.coarse_error = change
            coarser.append((change, coarse))
            if self.error_estimate < 0.01 * tolerance:
                break
            if rule[0].size >= max_nodes:
                progress.close()
                raise RuntimeError(f"Fermi-sea contour integral did not converge to {tolerance:g} with "
                                   f"{rule[0].size} nodes (last change {change:.3g}){self._threshold_hint()}")
            # grow by a quarter: the rule just built becomes the coarse one; the new one, which may
            # serve only to measure that one's error, keeps its correlators only as long as its probe
            coarse, coarse_probe = rule, fine_probe
            grown = min(rule[0].size + max(1, rule[0].size // 4), max_nodes)  # (never beyond max_nodes)
            if kept:  # (the coarser rules serve inexact sums): against what the kept ones left free
                self._check_kept_memory(grown)
            rule, fine_probe = self._probed_build(grown, rule, uniform, provisional=self.core_scba)
            if self.core_scba:
                self._provisional = rule
        progress.close()
        self._finest, self._coarser = rule, coarser
        self.nodes, self.weights = rule[0], rule[1]
        self.compressibility = -fine_probe  # -chi_bare . 1: the local preconditioner of screening.screen()

    @property
    def _rule(self) -> tuple:
        """The finest rule, its SCBA solved: a grown rule that certified the one below it with
        interpolated self-energies (:meth:`_probed_build` with ``provisional``) is solved the first
        time it is needed (a sum at its accuracy, its self-energies or correlators), from those
        self-energies; the field drive never needs it (its sums use the rule it certified)."""
        if self._provisional is not None and self._finest is self._provisional:
            z, _, _, _, sigmas = self._finest
            _, solved, _ = self.scba_at(z, list(sigmas), self._initial, tolerance=self.scba_tolerance,
                                        probe=self._uniform, path=sea_path(z.size))
            self._finest = (*self._finest[:4], solved)
            self._provisional = None
        return self._finest

    @property
    def borns(self) -> list:
        """The Born map at every node of the finest rule (None without disorder)."""
        return self._rule[3]

    @property
    def self_energies(self) -> list:
        """The SCBA self-energy at every node of the finest rule (None without disorder)."""
        return self._rule[4]

    def _check_kept_memory(self, nodes: int) -> None:
        """MemoryError before the work if ``nodes`` more kept correlators (block sweeps on site pairs
        with spin-orbit impurities; a custom system's that declared ``node_bytes``) would take more
        than half of the available memory."""
        if self._node_bytes is None:
            return
        need, available = nodes * self._node_bytes, available_memory()
        if available is not None and need > 0.5 * available:
            what, fix = (("spin-orbit impurities keeps a block sweep", "or Disorder(..., method='samples')")
                         if self._pairs else ("this system keeps its correlators", "or fewer transverse levels"))
            raise MemoryError(f"the Fermi sea with {what} per contour node of every rule: {need / 1e9:.3g} GB for "
                              f"{nodes} more nodes, more than half of the {available / 1e9:.3g} GB available; use a "
                              f"shorter or narrower wire, a looser tolerance, {fix}")

    def _threshold_hint(self) -> str:
        """Why a contour may not converge: the Fermi energy next to a lead channel threshold."""
        edges = channel_thresholds(self.model)
        if edges.size == 0:
            return ""
        edge = float(edges[np.argmin(np.abs(edges - self.mu))])
        return (f"; the Fermi energy is {abs(self.mu - edge):.3g} from the lead channel threshold {edge:.9g}, where "
                "the density of states of a clean wire diverges: move it further away, raise max_nodes, or add "
                "disorder")

    def _build(self, n: int, previous=None):
        """(nodes, weights, correlators, Born maps, self-energies) of the n-node rule.  With
        ``previous`` (a coarser rule) every SCBA starts from Sigma interpolated from it."""
        if self.swept and self.disorder is None:  # swept again from z in every sum
            return self._clean_rule(n)
        z, w = sea_contour(self.mu, self.bottom, n)
        guesses = [None] * n if previous is None or self.disorder is None else list(self._sigma_at(previous, n))
        if self.core_scba:
            correlators, sigmas, _ = self.scba_at(z, guesses, self._initial, tolerance=self.scba_tolerance,
                                                  path=sea_path(n))
            return z, w, correlators, [self._born] * n, sigmas
        # contiguous runs of nodes on threads (the sweeps release the GIL), each run walking along
        # the contour so that, without a guess, every SCBA starts from its neighbour's self-energy
        workers = min(os.cpu_count() or 1, n)
        runs = np.array_split(np.arange(n), workers)

        def walk(run):
            # the run that starts next to E_F (node 0) starts from Sigma(E_F) when it is known
            out, sigma = [], self._initial if run[0] == 0 else None
            for k in run:
                corr, born, sigma = self.system(z[k], self.disorder, sigma if guesses[k] is None else guesses[k])
                out.append((corr, born, sigma))
            return out

        with ThreadPoolExecutor(max_workers=workers) as pool:
            built = [item for part in pool.map(walk, runs) for item in part]
        return (z, w, *(list(x) for x in zip(*built)))

    def _probed_build(self, n: int, previous, uniform, provisional: bool = False):
        """(the n-node rule, its bare probe: the charge response to the ``uniform`` potential).
        ``provisional`` (SCBA in the core, a grown rule): the rule's self-energies interpolated from
        ``previous`` (:meth:`_sigma_at`) instead of solved, and the probe swept from them (one
        sweep per node instead of an SCBA, 2-3 sweeps from the same start): a rule that only
        certifies the one below it needs no more.  Its probe's change includes the interpolation's
        error, which can cancel part of the change (3x low on weak-disorder strips), so it
        certifies only with ten times the usual margin; if it does not, or is summed on, its
        SCBA is solved then (``__init__``, :attr:`_rule`).  On bench_drives.py's 200 x 6 x 6 bar
        this saves the 30-node rule's 72 SCBA iterations (estimate 8e-10 against 1e-9).
        With the SCBA in the core each node's correlator is freed as soon as its product G U G is
        formed (:func:`spintex._core.scba_nodes` with a probe) and the rule's correlators stay None:
        a sum on the rule sweeps them from its self-energies (:meth:`core_nodes`), and only
        :attr:`correlators` builds them (:meth:`_materialized`).  The finest rule mostly only
        certifies the one below it: on bench_drives.py's 200 x 6 x 6 bar the field drive never sums
        on it, and its 30 correlators would hold 2 GB of fresh pages, which cost as much to fault in
        as the SCBA sweeps that fill them.  A clean sea's rules need no SCBA: their correlators are
        None from the start and the probe sweeps them inside the sum (a clean bar at a lead
        threshold grows to 71 nodes, and kept, the correlators of all its rules filled the memory).
        A custom system's are built."""
        if provisional and previous is not None:
            z, w = sea_contour(self.mu, self.bottom, n)
            rule = (z, w, [None] * n, [self._born] * n, list(self._sigma_at(previous, n)))
            blocks = self._density_matrix(rule, uniform, ladder=False, bonds=False)[0]  # (swept: see core_nodes)
            return rule, site_observables(self.model, blocks)["charge_density"]
        if self.core_scba:
            z, w = sea_contour(self.mu, self.bottom, n)
            guesses = None if previous is None else list(self._sigma_at(previous, n))
            correlators, sigmas, products = self.scba_at(z, guesses, self._initial, tolerance=self.scba_tolerance,
                                                         probe=uniform, path=sea_path(n))
            rule = (z, w, correlators, [self._born] * n, sigmas)
            blocks = density_blocks(np.tensordot(w, np.array(products), 1))
        else:
            rule = self._clean_rule(n) if self.disorder is None and self._custom_system is None else \
                self._build(n, previous)
            blocks = self._density_matrix(rule, uniform, ladder=False, bonds=False)[0]
        return rule, site_observables(self.model, blocks)["charge_density"]

    def _clean_rule(self, n: int):
        """The n-node rule of a clean sea without correlators (its sums sweep them from z)."""
        z, w = sea_contour(self.mu, self.bottom, n)
        return z, w, [None] * n, [None] * n, [None] * n

    def _materialized(self, rule):
        """``rule`` with a correlator at every node, for users that need the correlators themselves
        (:attr:`correlators`: pumping's mixed products): those freed after a probe or never built
        (None, see :meth:`_probed_build`) are swept from the rule's self-energies (one sweep per
        node, on threads; the same blocks, since the SCBA's correlator is the sweep of its last
        Sigma), once: the rule's list is filled in place.  Unless they would take more than half the
        available memory: then they stay None (and :attr:`correlators` raises MemoryError)."""
        z, correlators, sigmas = rule[0], rule[2], rule[4]
        missing = [k for k, c in enumerate(correlators) if c is None]
        available = available_memory()
        if missing and not self.swept and (available is None or len(missing) * correlator_bytes(self.model)
                                           <= 0.5 * available):
            with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(missing)))) as pool:
                built = list(pool.map(lambda k: self._correlator(z[k], sigmas[k]), missing))
            for k, c in zip(missing, built):
                correlators[k] = c
        return rule

    @property
    def correlators(self) -> list:
        """The correlator at every node of the sea's (finest) rule (MemoryError for a swept sea)."""
        if not self.swept:
            correlators = self._materialized(self._rule)[2]
            if all(c is not None for c in correlators):
                return correlators
        raise MemoryError(f"this Fermi sea sweeps its correlators again in every sum (keep_correlators=False "
                          f"or too little memory: {self._memory_message()}); its correlators cannot be held")

    def _memory_message(self) -> str:
        available = available_memory()
        free = "unknown" if available is None else f"{available / 1e9:.3g} GB"
        return f"{correlator_bytes(self.model) / 1e9:.3g} GB per node, {free} available"

    def _sweeps_again(self, nodes: int) -> bool:
        """Whether the correlators the sea keeps (the first rule's and the half rule's, 1.5 x
        ``nodes``, plus one per thread while sums run) would take more than half of the available
        memory: then every contour sum sweeps them again from (z, Sigma) (:class:`spintex._core.SweptNodes`,
        one correlator per thread), which costs one sweep per node and sum instead of an
        out-of-memory kill; a warning says so."""
        need = (nodes + nodes // 2 + (os.cpu_count() or 1)) * correlator_bytes(self.model)
        available = available_memory()
        if available is None or need <= 0.5 * available:
            return False
        warnings.warn(f"the Fermi sea's correlators would take {need / 1e9:.3g} GB ({self._memory_message()}): "
                      "they are swept again in every contour sum instead (slower; keep_correlators=True to force)",
                      RuntimeWarning, stacklevel=3)
        return True

    @property
    def system(self):
        """``system(z, disorder, initial) -> (correlator, Born map or None, Sigma or None)`` at one
        node: the custom one given, or :meth:`_system`.  (A property, not an attribute holding the
        bound method: that would be a reference cycle, and the sea's correlators, gigabytes on a
        bar, would outlive it until Python's cyclic garbage collector happened to run.)"""
        return self._system if self._custom_system is None else self._custom_system

    @property
    def core_scba(self) -> bool:
        """Whether the SCBA at complex energies runs in the core (:meth:`scba_at`): disordered,
        without a custom ``system``."""
        return self._custom_system is None and self.disorder is not None and not self._pairs

    def scba_at(self, z, guesses=None, first=None, tolerance: float | None = None, probe=None, path=None) -> tuple:
        """(correlators, self-energies, probes) of the local SCBA at the complex energies ``z``, in one core
        call (:func:`spintex._core.scba_nodes`: Anderson mixing in C++, undamped unless that diverges
        at a node, then with ``disorder.mixing``; fixed runs of nodes on the OpenMP threads, each
        node starting from ``guesses[k]`` or else warm-started from the nodes before it in its run;
        the first from ``first``), each to ``tolerance`` (default: the disorder's).  With ``probe`` U
        (N, 2, 2): the correlators are None, freed in the core, and ``probes`` holds each node's
        site blocks of G U G (otherwise None per node)."""
        d, born = self.disorder, self._born
        if d is None or born is None:
            raise ValueError("scba_at needs a disordered Fermi sea (disorder is None)")
        try:
            # undamped Anderson mixing first: off the real axis the Born map contracts strongly and
            # the damping only slows it (20-30 % fewer iterations); the user's mixing if it diverges
            nodes = _core.scba_nodes(self.model.device, z, born.superoperator, guesses, first, runs=SCBA_RUNS,
                                     tolerance=d.tolerance if tolerance is None else tolerance,
                                     mixing=CONTOUR_MIXING, max_iterations=d.max_iterations,
                                     fallback_mixing=d.mixing if d.mixing < CONTOUR_MIXING else 0.0, probe=probe,
                                     path=path)
        except _core.NotConvergedError as error:
            raise SCBAConvergenceError(f"{error} (complex energy of the Fermi sea; try more iterations, smaller "
                                       "mixing, or weaker disorder)") from error
        return [n[0] for n in nodes], [n[1] for n in nodes], [n[4] for n in nodes]

    def _sigma_at(self, rule, n: int) -> np.ndarray:
        """Sigma(z) at the nodes of the n-node rule, from ``rule``'s: on each panel of
        :func:`sea_contour`, the polynomial in the panel's Gauss-Legendre variable through the
        rule's self-energies there (Sigma is analytic along the contour), as one n x m matrix
        (:func:`spintex.keldysh.sea_interpolation`) on all entries at once."""
        sigmas = rule[4]
        values = np.array(sigmas).reshape(rule[0].size, -1)
        return (sea_interpolation(rule[0].size, n) @ values).reshape(n, *np.shape(sigmas[0]))

    def sigma_slope(self) -> np.ndarray:
        """dSigma/dz at the nodes of the sea's rule: the x-derivative of the polynomials of
        :meth:`_sigma_at` (x each panel's Gauss-Legendre variable) divided by dz/dx = -w_k / v_k
        (w_k the rule's weights, v_k the panel's Legendre weights: :func:`sea_contour` has
        w = -(dz/dx) v).  (The starting guesses Sigma(z) +- h dSigma/dz of pumping's SCBA solves
        at z +- h.)"""
        m = self.nodes.size
        values = np.array(self.self_energies).reshape(m, -1)
        slope_x = sea_interpolation(m, m, derivative=True) @ values
        dz_dx = -np.asarray(self.weights) / sea_legendre(m)[1]
        return (slope_x / dz_dx[:, None]).reshape(m, *np.shape(self.self_energies[0]))

    def _interpolated(self, rule):
        """The rule with half the nodes, with Sigma(z) interpolated from ``rule`` (:meth:`_sigma_at`):
        one sweep per node instead of an SCBA solve, nodes on threads (the sweeps release the GIL)."""
        n = rule[0].size // 2
        zc, wc = sea_contour(self.mu, self.bottom, n)
        sigma_c = [None] * n if self.disorder is None else list(self._sigma_at(rule, n))
        if self.swept:
            return zc, wc, [None] * n, [self._born] * n, sigma_c

        with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, n))) as pool:
            correlators = list(pool.map(lambda k: self._correlator(zc[k], sigma_c[k]), range(n)))
        return zc, wc, correlators, [self._born] * n, sigma_c

    def _correlator(self, z, sigma):
        """The correlator at node z with the self-energy ``sigma`` (one sweep)."""
        if self._pairs:
            return PairCorrelator(self.model, z, self._born, sigma)
        return _core.Correlator(self.model.device, z, sigma)

    def systems_at(self, z, guesses) -> list:
        """Correlators at the complex energies ``z``, each SCBA started from ``guesses[k]`` and
        solved to the disorder's own tolerance, not the contour's looser one (pumping's central
        differences at z +- h divide the self-energies' errors by h): in the core for the local
        self-energy (:meth:`scba_at`), on threads for spin-orbit impurities' pairs, one by one for
        a custom ``system``."""
        if self.core_scba:
            return self.scba_at(z, guesses)[0]
        if self._pairs:
            def one(k):
                return self._system(z[k], self.disorder, guesses[k], tolerance=self.disorder.tolerance)[0]

            with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(z)))) as pool:
                return list(pool.map(one, range(len(z))))
        return [self.system(zk, self.disorder, g)[0] for zk, g in zip(z, guesses)]

    def _system(self, z, disorder, initial=None, tolerance: float | None = None):
        """(correlator, Born map or None, Sigma or None) at node z: one RGF sweep, with the SCBA
        self-energy (started from ``initial``, a neighbouring node's); with spin-orbit impurities
        the SCBA on site pairs (to ``tolerance``, default the contour's ``scba_tolerance``) and its
        block sweep (:class:`spintex.disorder.PairCorrelator`)."""
        if disorder is None:
            return _core.Correlator(self.model.device, z), None, None
        last = {}
        if self._pairs:
            assert isinstance(self._born, PairBornMap)  # (a sea with spin-orbit impurities has its pair map)
            pairs = self._born.pairs

            def block_green(sigma):
                sigma = np.zeros((len(pairs), 2, 2), complex) if sigma is None else sigma
                last["core"] = _core.BlockCorrelator(self.model.device, z, GROUP, pairs, sigma)
                return last["core"].retarded_pairs

            contour = dataclasses.replace(  # (section 12's rule)
                disorder, tolerance=self.scba_tolerance if tolerance is None else tolerance)
            sol = scba(self.model, z, contour, green=block_green, initial=initial, born=self._born)
            corr = PairCorrelator(self.model, z, sol.born, sol.self_energy, core=last["core"])
            return corr, sol.born, sol.self_energy

        def green(sigma):  # the last iterate's correlator is the converged one: no extra sweep
            last["correlator"] = _core.Correlator(self.model.device, z, sigma)
            return last["correlator"].retarded_sites

        sol = scba(self.model, z, disorder, green=green, initial=initial, born=self._born)
        return last["correlator"], sol.born, sol.self_energy

    def __call__(self, U: np.ndarray, *, accuracy: float | None = None, ladder: bool = True, bonds: bool = True,
                 lead_shift: tuple[float, float] | None = None):
        """(site blocks (N, 2, 2), bond blocks (nb, 2, 2)) of rho[U] for U (N, 2, 2); with
        ``accuracy`` (relative), the coarsest rule whose error is below it; ``ladder=False``: the
        bare response G U G (no vertex correction); ``bonds=False``: the site blocks alone (the
        bond blocks may be left empty).  ``lead_shift`` (v_L, v_R): the leads' bands rigidly
        shifted by v_a as well (potential energies, at the fixed chemical potential): their
        self-energies change by Sigma_a(z - v_a) - Sigma_a(z) = -v_a dSigma_a/dz, a source on the end
        slices next to U (docs/physics.md, section 12; not for a custom ``system``)."""
        return self._density_matrix(self.rule(accuracy), U, ladder=ladder, ladder_tolerance=self._ladder_at(accuracy),
                                    bonds=bonds, lead_shift=lead_shift)

    def _ladder_at(self, accuracy: float | None) -> float:
        """The RR ladders' relative residual for a sum of ``accuracy``: they too need only that
        accuracy, their error in rho being about 1 % of their relative residual (see
        ``ladder_tolerance``), so a residual of 10 x the accuracy leaves about 0.1 of it (the
        100 x 6 x 6 bar's field drive: the torque moves by 2e-8 of its largest value against
        residuals equal to the accuracy, with 12 % less screening time)."""
        return self.ladder_tolerance if accuracy is None else max(self.ladder_tolerance, 10 * accuracy)

    def sites_and_vertices(self, U: np.ndarray, *, accuracy: float | None = None):
        """(site blocks of rho[U], a record for :meth:`bonds_of`): the site blocks of ``self(U,
        accuracy=accuracy)`` without its bond products.  In the core's local sums each node's
        site blocks come from its RR ladder's last residual, and the node keeps its dressed vertex
        V_k = U + S[Y_k] (N 2 x 2 blocks); the bond blocks of any linear combination of such
        responses are then one product per node and rule (:meth:`bonds_of`) instead of one per
        node and response (the screening's GMRES: 0.15 s of bond products per node and step on
        bench_drives.py's 200 x 6 x 6 bar, against 0.08 s for a product of site blocks).  Elsewhere
        (a custom system, spin-orbit pairs) the record holds the bond blocks themselves."""
        rule = self.rule(accuracy)
        nodes = self.core_nodes(rule)
        if nodes is None:
            sites, bonds = self(U, accuracy=accuracy)
            return sites, ("bonds", bonds)
        born = None if rule[3][0] is None else rule[3][0].superoperator
        ys, _, _, _, vertices = _core_sum(nodes, rule[1], born, U, tolerance=self._ladder_at(accuracy), bonds=False,
                                          vertices=True)
        return density_blocks(ys), ("vertices", (rule, vertices))

    def bonds_of(self, terms) -> np.ndarray:
        """The bond blocks of sum_j c_j rho[U_j] from [(c_j, record_j)] of :meth:`sites_and_vertices`:
        the vertices of the responses summed on one rule combine into one vertex per node
        (rho[U] is linear in U, and so is the dressed vertex), then one core sum per rule
        (:func:`spintex._core.sea_vertex_sum`)."""
        bonds = np.zeros((len(self.model.bonds), 2, 2), complex)
        combined: dict = {}  # id(rule) -> (rule, sum_j c_j V_j)
        for c, (kind, value) in terms:
            if kind == "bonds":
                bonds = bonds + c * value
                continue
            rule, vertices = value
            key = id(rule)
            previous = combined.get(key, (rule, 0.0))[1]
            combined[key] = (rule, previous + c * vertices)
        for rule, vertices in combined.values():
            _, yji, yij = _core.sea_vertex_sum(self.core_nodes(rule), rule[1], np.ascontiguousarray(vertices),
                                               bonds=True)
            bonds = bonds + bond_blocks(yji, yij)
        return bonds

    def rule(self, accuracy: float | None = None) -> tuple:
        """(nodes, weights, correlators, Born maps, self-energies) of the coarsest rule whose error is
        below ``accuracy`` (relative; None: the full rule), the rule that ``self(U, accuracy=...)`` sums.
        A grown rule's correlators are None: its sums sweep them (:meth:`core_nodes`), which costs
        what building them would and faults in no fresh memory (a clean 50 x 6 x 6 bar's field drive,
        whose screening sums on grown rules: 10.5-10.8 s and 0.74 GB peak, against 11.6 s and
        4.6 GB with every rule's correlators kept)."""
        usable = [rule for error, rule in self._coarser if accuracy is not None and error <= accuracy]
        return usable[0] if usable else self._rule

    def _density_matrix(self, rule, U, ladder: bool = True, ladder_tolerance: float | None = None,
                        bonds: bool = True, lead_shift: tuple[float, float] | None = None):
        """rho[U] = (i/2pi)(Y - Y^dag) with Y = sum_k w_k Y(z_k) on ``rule``; ``ladder=False``: G U G;
        ``bonds=False``: the core skips the bond products (bond blocks empty)."""
        ladder_tolerance = self.ladder_tolerance if ladder_tolerance is None else ladder_tolerance
        U = np.ascontiguousarray(U, dtype=complex)
        _, weights, correlators, borns, _ = rule
        nodes = self.core_nodes(rule)
        if nodes is not None:
            # one C++ call: the RR ladder at every node, nodes in parallel (OpenMP)
            born = None if borns[0] is None or not ladder else borns[0].superoperator
            shift = (0.0, 0.0) if lead_shift is None else (float(lead_shift[0]), float(lead_shift[1]))
            ys, yji, yij, _ = _core_sum(nodes, weights, born, U, tolerance=ladder_tolerance, bonds=bonds,
                                        lead_shift=shift)
        elif lead_shift is not None and any(lead_shift):
            raise NotImplementedError("lead_shift (the leads' band shifts) needs the sea's own local system, not a "
                                      "custom one (PeriodicWire's channel sums) or spin-orbit impurities' pairs")
        else:  # a custom system (PeriodicWire's channel sums): the ladders through the Python solver
            ys, yji, yij = self._python_sum(weights, correlators, borns if ladder else [None] * len(borns), U,
                                            ladder_tolerance)
        return density_blocks(ys), bond_blocks(yji, yij)

    def pair_terms(self, U: np.ndarray, *, accuracy: float | None = None) -> list:
        """The contour terms [(w_k, G(z_k), Y(z_k))] of rho[U] on the site pairs of the spin-orbit
        Born map (a sea with spin-orbit impurities only): G^R and the ladder-dressed Y = G (U + S[Y])
        G at each node, whose sum (i/2pi) sum_k [w_k Y_k - (w_k Y_k)^dag] is rho[U] on the pairs;
        the averaged spin-orbit terms of the spin balance need the nodes' G as well
        (:func:`spintex.disorder.spin_orbit_balance` with ``sea``).  One more contour sum."""
        if not self._pairs:
            raise ValueError("pair_terms needs a Fermi sea with spin-orbit impurities (disorder.soc > 0)")
        _, weights, correlators, borns, _ = self.rule(accuracy)
        tol = self._ladder_at(accuracy)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            ys = list(pool.map(lambda k: correlators[k].pair_response(U, "RR", borns[k], tol), range(len(weights))))
        return [(w, c.core.retarded_pairs, y) for w, c, y in zip(weights, correlators, ys)]

    def core_nodes(self, rule):
        """What the core's contour sums take for ``rule``: its correlators, or for a swept sea a
        :class:`spintex._core.SweptNodes` that sweeps them again from (z, Sigma); None for a custom
        system's correlators (summed in Python)."""
        z, _, correlators, _, sigmas = rule
        if self._pairs:
            return None
        if self._custom_system is not None:
            return list(correlators) if all(isinstance(c, _core.Correlator) for c in correlators) else None
        if self.swept or any(c is None for c in correlators):
            return _core.SweptNodes(self.model.device, z, None if self.disorder is None else list(sigmas))
        return list(correlators)

    def _python_sum(self, weights, correlators, borns, U, ladder_tolerance=None):
        """sum_k w_k Y(z_k) (sites, bonds_ji, bonds_ij) for correlators with the Correlator interface."""

        def node(k):
            corr, born = correlators[k], borns[k]
            if isinstance(corr, PairCorrelator):
                return corr.site_response(U, "RR", born, ladder_tolerance or self.ladder_tolerance)
            if born is None:
                return corr.apply_both(U, 0.0, 0.0, "RR")
            lad = solve_ladder(corr, born, source=U, pairing="RR", reverse_bonds=True,
                               tolerance=ladder_tolerance or self.ladder_tolerance, restart=20)
            return lad.sites, lad.bonds, lad.bonds_ij

        ys = yji = yij = 0.0
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # C++ applies release the GIL
            for w, (s, bji, bij) in zip(weights, pool.map(node, range(len(weights)))):
                ys, yji, yij = ys + w * s, yji + w * bji, yij + w * bij
        return ys, yji, yij


# ----------------------------------------------------------------------------- one drive, one method
