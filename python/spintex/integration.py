"""Energy integration of recursive-Green's-function blocks, and progress reporting.

Every solver reduces to weighted energy sums of RGF blocks computed in C++ (``_core.integrate``,
OpenMP over energies, GIL released); this module is their one entry point and the one place that
reports progress of long loops.
"""
from __future__ import annotations

import sys
import time
import warnings

import numpy as np

from . import _core
from .model import Model


class Progress:
    """Progress of long loops on stderr, once they take more than ~2 s: done/total, the rate and
    an estimate of the time left (``estimate=False`` for iterations up to a bound).

    On a terminal the line is redrawn in place; elsewhere (Jupyter, logs, CI) a full line is
    printed at most every ``interval`` seconds.  Called as ``progress(done, total)``; ``unit``
    names what is counted, ``detail`` adds a string (e.g. a residual).  ``total=None``: a count
    without a bound (steps of an iteration, rules of a refinement); :meth:`close` then ends the
    terminal's line.
    """

    def __init__(self, label: str, unit: str = "energies", enabled: bool | None = None, interval: float = 10.0,
                 estimate: bool = True):
        self.label, self.unit, self.start, self.estimate = label, unit, time.monotonic(), estimate
        self.enabled = True if enabled is None else enabled
        self.tty = sys.stderr.isatty()
        self.interval, self.last = interval, self.start
        # a loop refined in rounds (doubling nodes) reports each round from 0 to its new total:
        # the time left is estimated from the round's own start, and a line already shown (callers
        # may report the last count again) is not repeated
        self.round_start, self.round_done = self.start, 0
        self.total: int | None = None
        self.shown: tuple[int, int | None] | None = None
        self.open_line = False  # a terminal line drawn and not yet ended

    def __call__(self, done: int, total: int | None, detail: str = ""):
        now = time.monotonic()
        if total != self.total and self.total is not None:  # a new round: time it from its first count
            self.round_start, self.round_done = now, done
        self.total = total
        elapsed = now - self.start
        finished = total is not None and done >= total
        if not self.enabled or elapsed < 2.0 or (not self.tty and not finished and now - self.last < self.interval):
            return
        if (done, total) == self.shown:
            return
        self.last, self.shown = now, (done, total)
        text = f"{self.label}: {done}{'' if total is None else f'/{total}'} {self.unit}, {elapsed:.0f} s"
        if self.estimate and total is not None and done > self.round_done:  # not for iterative solvers
            text += f", about {(now - self.round_start) / (done - self.round_done) * (total - done):.0f} s left"
        text += f" {detail}"
        if self.tty:
            # (redrawn in place, the rest of a longer previous line erased)
            print(f"\r{text}\x1b[K", end="\n" if finished else "", file=sys.stderr, flush=True)
            self.open_line = not finished
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        """End the terminal line of a count without a total (nothing if none is open)."""
        if self.open_line:
            print(file=sys.stderr, flush=True)
            self.open_line = False


def _integrate(model: Model, energies, *, progress=None, edges: bool = True, check=None, user_energies: bool = False,
               **kw) -> dict:
    """``_core.integrate`` on ``model``.  Real energies on a lead channel threshold (``edges``,
    see :func:`_threshold_limit`) give the limit from above, E -> threshold + 0; ``check(out)``
    selects what must stay finite there (default: every accumulated block).  ``per_energy=True``
    (passed on): the blocks of every energy apart, (K, count, 2, 2), for the batched solvers.
    ``user_energies``: the energies are the caller's own (not a quadrature's, whose nodes next to a
    threshold carry vanishing weights), warned about where a threshold is too close to resolve
    (:func:`_warn_near_threshold`)."""
    z = np.asarray(energies, dtype=complex)
    if edges and user_energies:
        _warn_near_threshold(model, z)
    hits = _threshold_hits(model, z) if edges else {}
    if not hits:
        return _core_integrate(model, z, progress=progress, **kw)
    return _threshold_limit(model, z, hits, progress, check, kw)


def _core_integrate(model: Model, z, *, progress=None, **kw) -> dict:
    return _core.integrate(model.device, z, left_axis=model.lead_axis("left"),
                           right_axis=model.lead_axis("right"), progress=progress, **kw)


# --------------------------------------------------------------------------- thresholds
# At a lead channel threshold E_c = e_m +- 2t the chain surface Green's function is finite
# (g = zeta / 2 tau^2), but the device Green's function of a clean wire diverges (the wire's
# threshold state): a direct evaluation multiplies an exactly-zero broadening by an infinite
# (rounded) G, and close to E_c rounding grows like eps / |E - E_c|.  On either side of E_c every
# real-axis quantity F is an analytic function of s = sqrt|E - E_c|, at most with a pole 1/s
# (G ~ 1/s).  So within (s_min)^2 of a threshold F is evaluated at E_c +- s_j^2 for s_j in
# [s_min, s_max] and the fit sum_{p=-1..3} a_p s^p is used instead: at E_c itself it gives the
# limit from above (real axis, E -> E_c + 0), a_0, or reports a divergence (a_-1 != 0: the van
# Hove singularity of a channel opening on a clean wire).
_EDGE_ULPS = 128  # |E - E_c| <= this * eps * max(1, |E|): on the threshold (as Lead::open_channels)
_EDGE_STEPS = 0.5 ** np.arange(5)  # s_j / s_max
_EDGE_POWERS = np.arange(-1, 4)
_EDGE_FIT = np.linalg.inv(_EDGE_STEPS[:, None] ** _EDGE_POWERS[None, :])  # rows: a_-1 .. a_3


def _lead_levels(model: Model) -> np.ndarray:
    return np.concatenate([_core.Lead(model.lead_cell(s), -model.hopping).mode_levels for s in ("left", "right")])


def _threshold_hits(model: Model, z) -> dict:
    """{index: (E_c, side, s, s_max)} for the real energies of ``z`` within s_min^2 of a lead
    channel threshold E_c (side +1 above, -1 below; s = 0 on it)."""
    real = np.flatnonzero(np.imag(z) == 0)
    if real.size == 0:
        return {}
    edges = channel_thresholds(model)
    # only energies this close to a threshold can be hits (s_max <= 1e-3 sqrt(t) below, and
    # scale <= max(1, |E| + distance)): the loop runs on those alone, not on every energy of a batch
    energies = np.real(z[real])
    distance = np.abs(energies[:, None] - edges[None, :]).min(axis=1)
    widest = (1e-3 * np.sqrt(model.hopping) * _EDGE_STEPS[-1]) ** 2
    ulps = _EDGE_ULPS * np.finfo(float).eps * np.maximum(1.0, np.abs(energies) + distance)
    near = (distance < widest) | (distance <= ulps)
    hits = {}
    for k in real[near]:
        e = float(np.real(z[k]))
        c = int(np.argmin(np.abs(edges - e)))
        edge, delta = float(edges[c]), e - float(edges[c])
        scale = max(1.0, abs(e), abs(edge))
        others = np.abs(edges - edge)
        others = others[others > 1e-9 * scale]  # distinct thresholds bound the radius in s
        s_max = min(1e-3, 0.02 / model.lattice.num_slices, 0.1 * np.sqrt(others.min()) if others.size else 1.0)
        s_max = max(s_max, 4e-6) * np.sqrt(model.hopping)
        if abs(delta) <= _EDGE_ULPS * np.finfo(float).eps * scale:
            hits[int(k)] = (edge, 1, 0.0, s_max)
        elif abs(delta) < (s_max * _EDGE_STEPS[-1]) ** 2:
            hits[int(k)] = (edge, 1 if delta > 0 else -1, np.sqrt(abs(delta)), s_max)
    return hits


#: the relative accuracy below which a real energy next to a lead channel threshold is warned about
NEAR_THRESHOLD_ACCURACY = 1e-8


def _warn_near_threshold(model: Model, z) -> None:
    """RuntimeWarning for real energies a distance d off a lead channel threshold (beyond the
    snap onto it) where the recursion resolves the opening channel poorly: its velocity is
    s = sqrt(d), and through L slices the rounding grows to about 3 L eps / s relative (measured
    on uniform chains of 40-1000 sites at d = 5e-14 ... 1e-8: transmissions and the spread of the
    slice currents within 0.6-2.5 L eps / s), above NEAR_THRESHOLD_ACCURACY for d below about
    (3 L eps / 1e-8)^2: 1.9e-11 at L = 200."""
    real = np.imag(z) == 0
    if not real.any():
        return
    energies = np.real(z[real])
    edges = channel_thresholds(model)
    if edges.size == 0:
        return
    distance = np.abs(energies[:, None] - edges[None, :]).min(axis=1)
    eps = np.finfo(float).eps
    on = distance <= _EDGE_ULPS * eps * np.maximum(1.0, np.abs(energies) + distance)
    error = 3 * model.lattice.num_slices * eps / np.sqrt(np.maximum(distance, eps)) * np.sqrt(model.hopping)
    bad = ~on & (error > NEAR_THRESHOLD_ACCURACY)
    if bad.any():
        k = int(np.argmax(np.where(bad, error, 0.0)))
        warnings.warn(f"energy {energies[k]!r} is {distance[k]:.2g} from a lead channel threshold ({int(bad.sum())} "
                      f"such energies): a wire of {model.lattice.num_slices} slices resolves the opening channel "
                      f"there only to about {error[k]:.1g} relative (its velocity sqrt(d) is near the rounding); "
                      f"move it at least {(3 * model.lattice.num_slices * eps / NEAR_THRESHOLD_ACCURACY) ** 2:.1g} "
                      "away, or onto the threshold", RuntimeWarning, stacklevel=3)


def _threshold_name(model: Model, edge: float) -> str:
    levels, t = np.round(_lead_levels(model), 9) + 0.0, model.hopping
    kinds = [f"{'bottom' if abs(edge - (e - 2 * t)) < abs(edge - (e + 2 * t)) else 'top'} "
             f"of the lead subband e_m = {e:.9g}" for e in levels
             if min(abs(edge - (e - 2 * t)), abs(edge - (e + 2 * t))) <= 1e-9 * max(1.0, abs(edge))]
    return f"lead channel threshold ({', '.join(dict.fromkeys(kinds))})"


def _threshold_limit(model: Model, z, hits: dict, progress, check, kw) -> dict:
    """_core.integrate with the energies ``hits`` evaluated from the fit in s (see above)."""
    per_energy = [k for k in kw if k.endswith("_weights") and kw[k] is not None]
    keep = np.array([k for k in range(z.size) if k not in hits], dtype=int)
    regular = {k: (np.asarray(v)[keep] if k in per_energy else v) for k, v in kw.items()}
    out = _core_integrate(model, z[keep], progress=progress, **regular) if keep.size else {}
    K = z.size
    fits = {}
    for k, (edge, side, s, s_max) in hits.items():
        single = {key: (np.asarray(v)[[k]] if key in per_energy else v) for key, v in kw.items()}
        nodes = [_core_integrate(model, np.array([edge + side * (s_max * x) ** 2], dtype=complex), **single)
                 for x in _EDGE_STEPS]
        x = s / s_max
        weights = _EDGE_FIT[1] if x == 0 else (x ** _EDGE_POWERS) @ _EDGE_FIT
        fits[k] = (nodes, weights)
        if x == 0:
            _check_threshold_pole(model, float(np.real(z[k])), edge, nodes, check)
    merged = {}
    first = next(iter(fits.values()))[0][0]
    for key, value in first.items():
        summed = not (kw.get("per_energy") or key.startswith("open_channels") or key.endswith("transmission"))
        if summed:
            merged[key] = out[key].copy() if keep.size else np.zeros_like(value)
        else:
            merged[key] = np.zeros((K, *value.shape[1:]), dtype=value.dtype)
            if keep.size:
                merged[key][keep] = out[key]
        for k, (nodes, weights) in fits.items():
            if key.startswith("open_channels"):  # on the threshold: the count from above
                merged[key][k] = nodes[-1][key][0] if hits[k][2] == 0 else _core_integrate(
                    model, z[[k]])[key][0]
            elif summed:
                merged[key] += np.tensordot(weights, np.stack([n[key] for n in nodes]), axes=1)
            else:
                merged[key][k] = np.tensordot(weights, np.stack([n[key][0] for n in nodes]), axes=1)
    return merged


def _check_threshold_pole(model, energy, edge, nodes, check):
    """ValueError if a checked quantity has a 1/s term at the threshold (no finite limit)."""
    if check is None:
        parts = [[n[key] for key in n if key.split("_")[0] in ("retarded", "left", "right")] for n in nodes]
    else:
        parts = [[np.asarray(check(n))] for n in nodes]
    for j in range(len(parts[0])):
        f = np.stack([p[j] for p in parts])
        pole = np.abs(np.tensordot(_EDGE_FIT[0], f, axes=1)).max(initial=0.0) / _EDGE_STEPS[-1]
        if pole > 1e-6 * np.abs(f).max(initial=0.0):
            raise ValueError(
                f"energy {energy!r} is a {_threshold_name(model, edge)}: the density of states of the "
                "clean wire diverges there (van Hove singularity of the opening channel), so this "
                "quantity has no finite limit (the transmission has: st.transmission); shift the "
                "energy slightly")


def channel_thresholds(model: Model) -> np.ndarray:
    """Energies where a lead channel opens or closes (e_m +- 2t), where the integrands of
    real-axis energy integrals have square-root edges."""
    levels = _lead_levels(model)
    return np.unique(np.concatenate([levels - 2 * model.hopping, levels + 2 * model.hopping]))


# --------------------------------------------------------------------------- thermal windows
def fermi_window_rule(mu: float, temperature: float, breakpoints, n: int, *, span: float = 40.0,
                      scaled: bool = False):
    """Gauss rule for int dE (-df/dE) g(E): energies E_k and weights W_k with sum W_k g(E_k)
    (``scaled``: and x_k = (E_k - mu)/T, exact, as a third array: the energies are rounded to mu's
    precision, so (E_k - mu)/T formed from them errs by about 1e-16 |mu| / T, which the thermal
    window's vanishing first moment sum W_k x_k g(mu) turns into an error of that size in a
    response of size T: 3x at T = 1e-9).

    In x = (E - mu)/T the weight is -f'(x) = 1/(4 cosh^2(x/2)); it is integrated over
    [-span, span] (the rest weighs 2/(1 + e^span) ~ 8e-18), cut at ``breakpoints`` (lead channel
    thresholds, where g has square-root edges).  On each piece the nodes are those of the n-point
    Gauss rule for the positive weight -f'(x) dx: exact for polynomials of degree 2n - 1 *times the
    Fermi weight*, so its error is set by how smooth g is on the scale of T (broadening, band
    structure), not by the sharp window.  At an end that is a threshold the variable is s with
    x = edge +- (piece length) s^2, so that the square-root edge is smooth in s.  Plain
    Gauss-Legendre must resolve the window (width ~ T in 2 span T): for g = x/(1 + (x/5)^2) it
    leaves 2e-3 with 128 nodes, this rule 1e-8 with 64 and 4e-16 with 128.  The Gauss rule comes
    from the discretized Stieltjes procedure (Gautschi): Lanczos on a fine Gauss-Legendre
    discretization of the weight (:func:`gauss_rule`).
    """
    T = temperature
    inner = [(b - mu) / T for b in breakpoints if -span < (b - mu) / T < span]
    cuts = np.unique(np.concatenate([[-span, span], inner]))
    t, v = np.polynomial.legendre.leggauss(max(2048, 8 * n))
    s, ds = 0.5 * (t + 1), 0.5 * v  # Gauss-Legendre on [0, 1]
    energies, weights, scaled_nodes = [], [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        edge_a, edge_b = a > -span, b < span
        if edge_a and edge_b:  # x = a + (b - a) sin^2(pi s / 2)
            x_of = lambda s, a=a, b=b: a + (b - a) * np.sin(0.5 * np.pi * s) ** 2  # noqa: E731
            dx = (b - a) * 0.5 * np.pi * np.sin(np.pi * s)
        elif edge_a:
            x_of = lambda s, a=a, b=b: a + (b - a) * s**2  # noqa: E731
            dx = 2 * (b - a) * s
        elif edge_b:
            x_of = lambda s, a=a, b=b: b - (b - a) * s**2  # noqa: E731
            dx = 2 * (b - a) * s
        else:
            x_of = lambda s, a=a, b=b: a + (b - a) * s  # noqa: E731
            dx = np.full_like(s, b - a)
        measure = ds * dx * 0.25 / np.cosh(0.5 * x_of(s)) ** 2
        nodes, w = gauss_rule(s, measure, n)
        scaled_nodes.append(x_of(nodes))
        energies.append(mu + T * scaled_nodes[-1])
        weights.append(w)
    if scaled:
        return np.concatenate(energies), np.concatenate(weights), np.concatenate(scaled_nodes)
    return np.concatenate(energies), np.concatenate(weights)


def gauss_rule(points, weights, n: int):
    """Nodes and weights of the n-point Gauss rule of the discrete measure sum_j w_j delta(t - t_j)
    (w_j >= 0): Lanczos with full reorthogonalization builds its Jacobi matrix, whose eigenvalues
    are the nodes and the squared first components of its eigenvectors (times the total mass) the
    weights (Golub-Welsch)."""
    from scipy.linalg import eigh_tridiagonal

    mass = weights.sum()
    n = min(n, points.size)
    Q = np.zeros((n, points.size))
    alpha, beta = np.zeros(n), np.zeros(max(n - 1, 0))
    q = np.sqrt(weights / mass)
    for k in range(n):
        Q[k] = q
        r = points * q
        alpha[k] = q @ r
        r -= Q[: k + 1].T @ (Q[: k + 1] @ r)  # = r - alpha q - beta q_prev, reorthogonalized
        r -= Q[: k + 1].T @ (Q[: k + 1] @ r)
        if k < n - 1:
            beta[k] = np.linalg.norm(r)
            q = r / beta[k]
    nodes, vectors = eigh_tridiagonal(alpha, beta)
    return nodes, mass * vectors[0] ** 2
