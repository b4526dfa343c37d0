"""The self-consistent Born approximation (retarded) and its ladder vertex corrections."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator, gmres

from .. import _core
from ..integration import Progress
from ..model import Model
from .born import BornMap, born_map
from .spec import Disorder, SCBAConvergenceError
from .spin_orbit import GROUP


@dataclass
class SCBASolution:
    """Converged SCBA at one energy: the retarded self-energy and its diagnostics."""

    energy: float
    self_energy: np.ndarray  # (N, 2, 2) Sigma^R_i, or (P, 2, 2) on born.pairs with spin-orbit impurities
    retarded_sites: np.ndarray  # (N, 2, 2) G^R_ii
    iterations: int
    residual: float
    residual_history: list = field(default_factory=list)
    retarded: np.ndarray | None = None  # G^R on born.pairs (spin-orbit impurities)
    born: Any = None  # BornMap, or PairBornMap with spin-orbit impurities


def scba(model: Model, energy: float, disorder: Disorder, *, green=None, initial=None, born=None) -> SCBASolution:
    """Solve Sigma^R = S[G^R(Sigma^R)] at ``energy`` by Anderson mixing (depth 6).

    ``green(sigma) -> G^R_ii`` defaults to one RGF sweep of ``model``; periodic.py passes the
    average over transverse momentum channels.  With spin-orbit impurities Sigma and G live on
    the site pairs of :class:`spintex.disorder.spin_orbit.PairBornMap` (block sweep over slice pairs).
    ``born``: the Born map of ``model`` and ``disorder`` when the caller has it (solves at many
    energies share one).

    The retarded solution is the limit eta -> 0+ of the SCBA at E + i eta.  Anderson mixing is not
    confined to it: it can settle on the advanced solution (Im Sigma > 0) or oscillate, as it did
    just above lead thresholds and in the gaps of a wire without open lead channels.  With
    site-local disorder a failed start is followed by the broadened start (Born of G = -i/t) and,
    with the model's own sweep, by that limit itself: the SCBA at E + i eta followed down from
    eta = 1 to 1e-8 in the core, then the real axis from there (docs/physics.md section 5).
    """
    born = born_map(model, disorder) if born is None else born
    z = np.array([energy], dtype=complex)
    own_sweep = green is None and not disorder.soc

    if green is None and disorder.soc:
        def green(sigma):
            sigma = np.zeros((len(born.pairs), 2, 2), complex) if sigma is None else sigma
            return _core.BlockCorrelator(model.device, energy, GROUP, born.pairs, sigma).retarded_pairs
    elif green is None:
        def green(sigma):
            out = _core.integrate(model.device, z, retarded_weights=np.ones(1), local_self_energy=sigma)
            return out["retarded_sites"]

    progress = Progress(f"SCBA at E = {energy:g}", unit="iterations", estimate=False)
    # start from ``initial`` (e.g. the solution at a neighbouring energy) or the Born self-energy of
    # G_0; a Hermitian ``initial`` (a neighbour outside the leads' continuum) is no start where G is
    # Hermitian too (it stays Hermitian: the thermal window's walk below the lead bands did not
    # converge from it): the broadened start instead
    def first():
        if initial is None:
            return _first_self_energy(green, born, model.hopping)
        if isinstance(born, BornMap) and _hermitian_blocks(np.asarray(initial)):
            return _broadened_start(born, model.hopping)
        return np.array(initial, dtype=complex)

    attempts = [("the start", first)]
    if isinstance(born, BornMap):
        attempts.append(("the broadened start G = -i/t", lambda: _broadened_start(born, model.hopping)))
        if own_sweep:
            attempts.append(("the continuation from E + i", lambda: _continued(model, complex(energy), born, disorder)))
    spent, failures = 0, []
    tried: list[np.ndarray] = []
    for label, start in attempts:
        try:
            sigma = start()
        except _core.NotConvergedError as error:  # the continuation's own SCBA
            failures.append(f"{label}: {error}")
            continue
        if any(np.array_equal(sigma, t) for t in tried):
            continue  # (the same iteration again would end where it did)
        tried.append(sigma)
        try:
            solution = _anderson(green, born, sigma, disorder, progress, model, energy)
        except SCBAConvergenceError as error:
            failures.append(f"from {label}: {error.args[0]}")
            spent += disorder.max_iterations
            continue
        solution.iterations += spent
        if not isinstance(born, BornMap) or _causal(solution.self_energy, disorder.tolerance):
            return solution
        failures.append(f"from {label}: converged to a non-causal self-energy (Im Sigma > 0, the advanced solution)")
        spent = solution.iterations
    raise SCBAConvergenceError(f"SCBA at E = {energy} failed " + "; ".join(failures) +
                               f"; {_convergence_hint(model, energy)}")


#: eta of the continuation E + i eta -> E (each solve warm-started from the one before)
CONTINUATION_ETAS = (1.0, 0.3, 0.1, 0.03, 0.01, 3e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8)


def _continued(model: Model, energy: complex, born: BornMap, disorder: Disorder) -> np.ndarray:
    """Sigma at E + i 1e-8 (above a complex ``energy``: Im E + 1e-8), followed down from eta = 1
    by the core's SCBA at complex energies, each step started from the one above: the start of
    the last attempt at the retarded solution, the limit eta -> 0+ (tested in test_disorder)."""
    K = np.ascontiguousarray(born.superoperator)
    sigma: np.ndarray | None = None
    for eta in CONTINUATION_ETAS:
        node = _core.scba_nodes(model.device, np.array([energy + 1j * eta]), K, guesses=[sigma], runs=1,
                                tolerance=disorder.tolerance, mixing=1.0, max_iterations=disorder.max_iterations,
                                fallback_mixing=disorder.mixing if disorder.mixing < 1.0 else 0.0)[0]
        sigma = node[1]
    assert sigma is not None
    return sigma


def _causal(sigma: np.ndarray, tolerance: float) -> bool:
    """Whether every site's Im Sigma = (Sigma - Sigma^dag)/2i is negative semidefinite (retarded)."""
    im = np.linalg.eigvalsh((sigma - np.conj(np.swapaxes(sigma, -1, -2))) / 2j)
    return bool(im.max(initial=0.0) <= 10 * tolerance)


def _anderson(green, born, sigma, disorder: Disorder, progress, model: Model, energy) -> SCBASolution:
    """Sigma = S[G(Sigma)] by Anderson mixing (depth 6) from ``sigma``."""
    history, xs, fs = [], [], []
    for it in range(1, disorder.max_iterations + 1):
        G = green(sigma)
        f = born(G) - sigma
        residual = float(np.abs(f).max())
        history.append(residual)
        progress(it, disorder.max_iterations, f"(residual {residual:.2e}, tolerance {disorder.tolerance:g})")
        if residual < disorder.tolerance:
            return SCBASolution(energy, sigma, born.sites(G), it, residual, history,
                                G if disorder.soc else None, born)
        x_vec, f_vec = sigma.ravel().view(float), f.ravel().view(float)
        xs.append(x_vec.copy())
        fs.append(f_vec.copy())
        xs, fs = xs[-7:], fs[-7:]
        step = disorder.mixing * f_vec
        if len(xs) > 1:
            dX = np.diff(np.array(xs), axis=0).T
            dF = np.diff(np.array(fs), axis=0).T
            coef, *_ = np.linalg.lstsq(dF, f_vec, rcond=None)
            new = x_vec + step - (dX + disorder.mixing * dF) @ coef
        else:
            new = x_vec + step
        sigma = new.view(complex).reshape(sigma.shape)
    raise SCBAConvergenceError(
        f"SCBA did not converge at E = {energy}: residual {history[-1]:.3g} > tolerance "
        f"{disorder.tolerance:g} after {disorder.max_iterations} iterations (last residuals: "
        f"{', '.join(f'{r:.2g}' for r in history[-5:])})")


def _convergence_hint(model: Model, energy) -> str:
    """What to try when the real-axis SCBA does not converge at ``energy``."""
    from ..integration import _threshold_hits, _threshold_name

    hits = _threshold_hits(model, np.array([energy], dtype=complex)) if np.isreal(energy) else {}
    if hits and hits[0][2] == 0.0:
        return (f"E is a {_threshold_name(model, hits[0][0])}, where the leads' self-energy has a square-root "
                "edge and the real-axis SCBA does not settle; the response is continuous from above: use an "
                "energy slightly above it (e.g. + 1e-6)")
    return "try more iterations, smaller mixing, or weaker disorder"


def _first_self_energy(green, born, hopping: float) -> np.ndarray:
    """The SCBA's start: the Born self-energy of the clean G_0, or that of the broadened
    G = -i/t on every site where G_0 is no start:
    - on a lead channel threshold of a clean wire, whose threshold state makes a block singular;
    - where no lead channel is open (the wire's own states, outside the leads' continuum): G_0 is
      then Hermitian, and a Hermitian start stays Hermitian under the Born map, so the iteration
      either oscillated or settled on a real Sigma with a zero density of states, a fixed point
      that is not the retarded one.  A causal start (Im Sigma < 0, kept by the Born map) converges
      to the retarded SCBA, the limit of the SCBA at E + i eta for eta -> 0+ (tested).
    Site-local Born maps only (spin-orbit impurities keep the clean start)."""
    try:
        G0 = green(None)
    except _core.SingularBlockError:
        if not isinstance(born, BornMap):
            raise
        G0 = None
    if isinstance(born, BornMap) and (G0 is None or _hermitian_blocks(G0)):
        return _broadened_start(born, hopping)
    return born(G0)


def _broadened_start(born: BornMap, hopping: float) -> np.ndarray:
    """The Born self-energy of G = -i/t on every site: a start deep inside the causal cone."""
    sites = born.superoperator.shape[0]
    return born(np.ascontiguousarray(np.broadcast_to(-1j / hopping * np.eye(2), (sites, 2, 2))))


def _hermitian_blocks(G: np.ndarray) -> bool:
    """Whether the site blocks G_ii are Hermitian to rounding (no broadening reaches the wire).
    Outside the leads' continuum their self-energies carry rounding of ~1e-11 (measured 4e-12 of
    max |G|); with an open channel the sites next to the lead have A_ii of order 1/t, so 1e-8 of
    the largest block separates the two."""
    anti = np.abs(G - np.conj(np.swapaxes(G, -1, -2))).max(initial=0.0)
    return bool(anti <= 1e-8 * max(1.0, np.abs(G).max(initial=0.0)))


@dataclass
class LadderSolution:
    """Vertex-corrected correlation X = G (source + S[X]) G^dag: site and bond blocks."""

    sites: np.ndarray
    bonds: np.ndarray
    iterations: int
    bonds_ij: np.ndarray | None = None  # the reverse bond blocks C_ij (``reverse_bonds=True``)


def solve_ladder(correlator, born: BornMap, *, left=0.0, right=0.0, source=None,
                 method: str = "gmres", tolerance: float = 1e-12, max_iterations: int = 5000,
                 pairing: str = "RA", reverse_bonds: bool = False, restart: int = 200) -> LadderSolution:
    """X = C[Y + S[X]] with C[Y] = G Y G^dag and Y = source + left Gamma_L + right Gamma_R.

    ``method="gmres"`` solves (1 - C S) x = C[Y] for the site blocks; ``"fixed_point"`` iterates
    x <- C[Y + S[x]] (for comparison: it converges slowly in long diffusive wires).
    ``pairing="RR"`` dresses G Y G instead (the retarded-retarded Kubo-Bastin terms, and the
    Fermi-sea static response on the contour).  ``reverse_bonds`` also returns the bond blocks
    C_ij (needed when C is not Hermitian, i.e. for RR).  ``restart``: the GMRES Krylov basis size
    (its allocation dominates short solves: the RR ladders off the real axis need 3-10 steps).
    """
    b, _ = correlator.apply(source, left, right, pairing)
    shape = b.shape
    count = [0]
    if method == "fixed_point":
        x = b
        for count[0] in range(1, max_iterations + 1):
            new, _ = correlator.apply(born(x) + (0 if source is None else source), left, right, pairing)
            change = np.abs(new - x).max()
            x = new
            if change <= tolerance * max(np.abs(x).max(), 1e-300):
                break
        else:
            raise SCBAConvergenceError(f"ladder fixed-point iteration did not converge in {max_iterations} steps")
    elif method == "gmres":
        # the site blocks alone where the correlator can skip the bond products (the core's Correlator)
        sites_only = getattr(correlator, "apply_sites", None)

        def matvec(v):
            X = v.reshape(shape)
            S = born(X)
            return (X - (sites_only(S, pairing) if sites_only else correlator.apply(S, 0.0, 0.0, pairing)[0])).ravel()

        op = LinearOperator((b.size, b.size), matvec=matvec, dtype=complex)

        progress = Progress("ladder (GMRES)", unit="iterations", estimate=False)

        def callback(residual):
            count[0] += 1
            progress(count[0], max_iterations, f"(residual {residual:.2e})")

        # scipy's maxiter counts restart cycles: max_iterations products in all, not x restart
        x, info = gmres(op, b.ravel(), rtol=tolerance, atol=0.0, restart=restart,
                        maxiter=max(1, -(-max_iterations // restart)), callback=callback, callback_type="pr_norm")
        if info != 0:
            raise SCBAConvergenceError(
                f"GMRES for the ladder equation did not converge in {count[0]} iterations: the ladder is nearly "
                "singular where the leads carry almost no current out of the wire (no lead channel open, or an "
                "energy a tiny distance above a lead channel threshold: spintex.integration.channel_thresholds). "
                "Without an open channel the retarded-advanced ladder has the exact zero mode of particle "
                "conservation (Sigma^R - Sigma^A; its left partner G^R - G^A), which a source with a non-zero "
                "Fermi-surface average sum_i Tr[A_ii Y_i] drives without bound: the response of an isolated wire "
                "at fixed particle number is not implemented")
        x = x.reshape(shape)
    else:
        raise ValueError(f"method must be 'gmres' or 'fixed_point', got {method!r}")
    final = born(x) + (0 if source is None else source)
    if reverse_bonds:
        sites, bonds, bonds_ij = correlator.apply_both(final, left, right, pairing)
        return LadderSolution(sites, bonds, count[0], bonds_ij)
    sites, bonds = correlator.apply(final, left, right, pairing)
    return LadderSolution(sites, bonds, count[0])

