"""The infinite cubic lattice in momentum space: SCBA with on-site and spin-orbit impurities, and
what seed 002 asks of it without a finite cross-section: the bubble relaxation torque (Eqs. 18-23),
the spin currents of a uniform field with their spin AMR (Eqs. 35-40; :meth:`BulkSCBA.spin_current`,
:func:`spin_amr_coefficients`, the Boltzmann limit :func:`boltzmann_spin_conductivity`), the
Gilbert damping by spin-orbit impurities (:meth:`BulkSCBA.gilbert_damping`), and the relaxation
of a uniform spin accumulation, the exact SCBA reference for the Valet-Fert relaxation of a steady
state (:meth:`BulkSCBA.spin_accumulation_relaxation`); docs/physics.md sections 11, 20, 21 and 22.
A grid (N, W, W) describes a periodic W x W bar (tested against the real-space bar).

Model (CONVENTIONS.md): ``H(k) = eps(k) - M n.sigma``, ``eps(k) = -2t sum_i cos k_i``; on-site
disorder Gamma_0; spin-orbit impurities with ``<k'|V_R|k> = i sum_a v^a_R [s(k') x s(k)]_a sigma^a
e^{-i(k'-k).R} / N``, ``s(k) = sin k``, ``<v^a v^b> = Gamma_so delta_ab``
(:mod:`spintex.disorder.spin_orbit`; the same model as the real-space samples and Born map).

**SCBA.**  ``Sigma(k) = Gamma_0 <G> + Gamma_so sum_a sigma^a S^a(k) sigma^a`` with
``S^a(k) = <(s(k) x s(k'))_a^2 G(k')>_k' = s_b(k)^2 M_c + s_c(k)^2 M_b`` ((a, b, c) cyclic,
``M_c = <s_c^2 G>``; the cross terms vanish by k -> -k symmetry), ``<.>`` the mean over the grid.

**Bubble torque.**  A field ``E(x) = e^{iqx}`` along x gives ``rho(k+q, k) = G^R(k+q) J G^A(k) / 2pi``
with ``J = 2t sin(k_x + q/2)`` (the Peierls current vertex at the mean momentum; docs of
:mod:`spintex.bubble`).  The commutator part of ``<V rho>`` at site i
(:func:`spintex.disorder.spin_orbit.spin_orbit_balance`) has the Fourier component

    A_q = Gamma_so sum_a { <Tr[O^a S^a(k+q) sigma^a rho(k+q, k)]>_k
          - sum eps_abc eps_ade Tr[O^a R_cd sigma^a Q_be] },
    R_cd = <s_c(p+q) s_d(p) rho(p+q, p)>_p,   Q_be = <s_b(k+q) s_e(k) G^A(k)>_k,

``O^a = [sigma^alpha, sigma^a]/2``: the first term pairs the two impurity vertices around G^R
(it is Sigma^R rho with the outer vertex replaced), the second around rho (the crossing through
the field vertex, with momentum transfer q).  The torque per site (units of the spin sigma/2) is
Im A_i, whose e^{iqx} component is ``T_q = (A_q - conj(A_-q)) / 2i``; Eq. 22's form is
``T_q = a (i q)`` with a = gamma/2 (n _|_ x) or (gamma + dgamma)/2 (n || x).  With a grid of W
transverse points this equals the real-space :func:`spintex.kubo_bubble` of a periodic W x W bar
(tested).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validate import available_memory, boolean, finite_float, vector3
from .disorder import SCBAConvergenceError
from .integration import Progress
from .model import LEVI_CIVITA as _EPS, PAULI

_OTHER = {0: (1, 2), 1: (2, 0), 2: (0, 1)}
#: peak memory per k point of an SCBA plus its observables (measured 580-680 bytes on 64^3-128^3 grids)
BYTES_PER_POINT = 800


def _inv2(A):
    a, b, c, d = A[..., 0, 0], A[..., 0, 1], A[..., 1, 0], A[..., 1, 1]
    det = a * d - b * c
    out = np.empty_like(A)
    out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1] = d / det, -b / det, -c / det, a / det
    return out


def _mean(X):
    return X.reshape(-1, 2, 2).mean(axis=0)


def _grid(grid):
    g = tuple(int(v) for v in np.atleast_1d(grid))
    if len(g) != 3 or min(g) < 3 or any(v != w for v, w in zip(g, np.atleast_1d(grid))):
        raise ValueError(f"grid must be three integers >= 3 (k points along x, y, z), got {grid!r}")
    return g


@dataclass
class BulkSCBA:
    """Momentum-space SCBA of the infinite cubic lattice at one energy (module docstring).

    Parameters
    ----------
    energy : float
    exchange : float
        M (>= 0); the exchange is ``-M n.sigma``.
    direction : 3-vector
        n (normalized here).
    onsite, soc : float
        Gamma_0 > 0 and Gamma_so >= 0.
    grid : (int, int, int)
        k points along x, y, z.
    octant : bool
        Keep only k_i in [0, pi] with mirror weights (8x fewer points).  Exact for the SCBA and
        the q = 0 bond spin current (:meth:`normal_spin_current`), whose integrands are even in each
        k_i (G depends on cos k_i and sin^2 k_i); the q != 0 terms (torque, anomalous current)
        need the full grid and refuse.
    """

    energy: float
    exchange: float
    direction: tuple
    onsite: float
    soc: float
    grid: tuple = (256, 32, 32)
    hopping: float = 1.0
    tolerance: float = 1e-11
    max_iterations: int = 500
    octant: bool = False

    def __post_init__(self):
        self.energy = finite_float(self.energy, "energy")
        self.exchange = finite_float(self.exchange, "exchange", nonnegative=True)
        self.onsite = finite_float(self.onsite, "onsite", positive=True)
        self.soc = finite_float(self.soc, "soc", nonnegative=True)
        self.hopping = finite_float(self.hopping, "hopping", positive=True)
        n = np.asarray(self.direction, dtype=float)
        if n.shape != (3,) or not np.all(np.isfinite(n)) or not np.linalg.norm(n) > 0:
            raise ValueError(f"direction must be a finite non-zero 3-vector, got {self.direction!r}")
        self.n = n / np.linalg.norm(n)
        self.grid = _grid(self.grid)
        points = int(np.prod([m // 2 + 1 for m in self.grid] if self.octant else self.grid))
        free = available_memory()
        if free is not None and BYTES_PER_POINT * points > free:
            kind = " (octant)" if self.octant else ""
            raise MemoryError(f"a {'x'.join(map(str, self.grid))} k grid{kind} needs about "
                              f"{BYTES_PER_POINT * points / 1e9:.3g} GB ({free / 1e9:.3g} GB available): use a coarser "
                              "grid" + ("" if self.octant else ", or octant=True for the q = 0 quantities"))
        if self.octant:   # m = 0 .. N/2 on each axis; the mirror images m -> N - m as weights
            ms = [np.arange(m // 2 + 1) for m in self.grid]
            w1 = [np.where((m == 0) | (2 * m == g), 1.0, 2.0) / g for m, g in zip(ms, self.grid)]
            axes = [2 * np.pi * m / g for m, g in zip(ms, self.grid)]
            self.weights = np.einsum("i,j,k->ijk", *w1).ravel()
        else:
            axes = [2 * np.pi * np.arange(m) / m for m in self.grid]
            self.weights = None
        self.k = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
        if self.octant:
            self.k = self.k.reshape(-1, 3)
        self.s = np.sin(self.k)
        h = self._hamiltonian(self.k)
        z = self.energy * np.eye(2)
        sigma = np.zeros(self.k.shape[:-1] + (2, 2), complex) - 0.1j * np.eye(2)
        self.residual_history = []
        progress = Progress(f"bulk SCBA at E = {self.energy:g} on a {'x'.join(map(str, self.grid))} k grid",
                            unit="iterations", estimate=False)
        for it in range(1, self.max_iterations + 1):  # noqa: B007 (it is kept after the loop)
            new = self._born(_inv2(z - h - sigma))
            residual = float(np.abs(new - sigma).max())
            self.residual_history.append(residual)
            progress(it, self.max_iterations, f"(change {residual:.2g}, stops below {self.tolerance:g})")
            sigma = 0.5 * (sigma + new)
            if residual < self.tolerance:
                break
        else:
            raise SCBAConvergenceError(f"bulk SCBA did not converge at E = {self.energy}: residual {residual:.3g} "
                                       f"after {self.max_iterations} iterations")
        self.iterations = it
        self.self_energy = sigma
        self.retarded = _inv2(z - h - sigma)
        self._moments = (self._mean(self.retarded), self._M(self.retarded))  # Sigma(k) for any k from these

    def _mean(self, X):
        """Brillouin-zone mean of 2x2 blocks on the grid."""
        if self.weights is None:
            return _mean(X)
        return np.einsum("p,pij->ij", self.weights, X.reshape(-1, 2, 2))

    def renormalized_bands(self) -> tuple:
        """(E_eff, M_eff): the Fermi energy and exchange the SCBA's real self-energy leaves,
        ``E - (Re Sigma_up + Re Sigma_down)/2`` and ``M - (Re Sigma_up - Re Sigma_down)/2`` with
        Sigma_s = Tr[P_s <Sigma(k)>_k] for the spin along n.  Both shifts are O(Gamma); Fermi-surface
        (Boltzmann) quantities at (E_eff, M_eff) drop that part of their distance to the SCBA
        (docs/physics.md sections 19 and 24)."""
        up, down = self._per_spin(self._mean(self.self_energy))
        return self.energy - 0.5 * (up + down), self.exchange - 0.5 * (up - down)

    def _projectors(self) -> tuple:
        """(P_up, P_down) = (1 +- n . sigma) / 2, the spin projectors along n."""
        n_sigma = np.einsum("a,aij->ij", self.n, PAULI)
        return 0.5 * (np.eye(2) + n_sigma), 0.5 * (np.eye(2) - n_sigma)

    def _per_spin(self, X) -> tuple:
        """(Re Tr[P_up X], Re Tr[P_down X]) of a 2x2 block."""
        return tuple(float(np.trace(P @ X).real) for P in self._projectors())

    def local_green(self) -> np.ndarray:
        """G^R_ii, the Brillouin-zone mean of G^R(k)."""
        return self._moments[0]

    def _hamiltonian(self, k):
        eps = -2 * self.hopping * np.cos(k).sum(-1)
        return eps[..., None, None] * np.eye(2) - self.exchange * np.einsum("a,aij->ij", self.n, PAULI)

    def _sigma(self, s, local, Mc):
        out = self.onsite * local * np.ones(s.shape[:-1])[..., None, None]
        for a, (b, c) in _OTHER.items():
            S = s[..., b, None, None] ** 2 * Mc[c] + s[..., c, None, None] ** 2 * Mc[b]
            out = out + self.soc * PAULI[a] @ S @ PAULI[a]
        return out

    def green(self, k):
        """G^R(k) at any momenta k (..., 3) from the converged self-energy (its k dependence is
        through s(k) only)."""
        local, Mc = self._moments
        return _inv2(self.energy * np.eye(2) - self._hamiltonian(k) - self._sigma(np.sin(k), local, Mc))

    def _M(self, G):
        return [self._mean(self.s[..., c, None, None] ** 2 * G) for c in range(3)]

    def _born(self, G):
        return self._sigma(self.s, self._mean(G), self._M(G))

    def torque_component(self, q: float, alpha: int, parts=("adjacent", "across")) -> complex:
        """A_q of the module docstring for a field e^{iqx} (any real q: G^R(k + q) is evaluated
        off the grid from the converged self-energy).  ``parts``: the impurity pair around G^R
        next to the torque vertex ("adjacent", seed 002's first diagram) and/or around rho,
        across the field vertex ("across")."""
        return self._balance_component(q, alpha, parts, anticommutator=False)

    def anomalous_source_component(self, q: float, alpha: int, parts=("adjacent", "across")) -> complex:
        """B_q: as :meth:`torque_component` with the anticommutator {sigma^alpha, sigma^a}/2 =
        delta_alpha,a in place of O^a, i.e. the Fourier component of ``Im Tr[Y^alpha]``, the
        corner-hop (anomalous) spin source per site of
        :func:`spintex.disorder.spin_orbit.spin_orbit_balance` (sigma/2 units)."""
        return self._balance_component(q, alpha, parts, anticommutator=True)

    def _balance_component(self, q, alpha, parts, anticommutator):
        if self.octant:
            raise ValueError("the torque and the anomalous spin current (q != 0) need the full k grid: "
                             "BulkSCBA(..., octant=False)")
        GA = np.conj(np.swapaxes(self.retarded, -1, -2))
        kq = self.k.copy()
        kq[..., 0] += q
        GRq = self.green(kq)                                     # G^R(k + q)
        J = 2 * self.hopping * np.sin(self.k[..., 0] + q / 2)
        rho = GRq @ GA * (J / (2 * np.pi))[..., None, None]     # rho(k + q, k)
        return self._balance(np.sin(kq), rho, GA, alpha, parts, anticommutator, even=False)

    def _balance(self, sq, rho, GA, alpha, parts, anticommutator, even):
        """A_q of the module docstring for a response rho(k + q, k) given on the grid (sq = s(k + q),
        GA = G^A(k)).  ``even``: rho is even in each k_i and q = 0, so the cross moments
        <s_i s_j rho>, i != j, vanish and are not formed (this is what lets octant grids use it)."""
        Mc = self._moments[1]
        if "across" in parts:  # the same 3x3 moment tables serve every spin axis a
            pairs = [(i, i) for i in range(3)] if even else [(i, j) for i in range(3) for j in range(3)]
            R = {(i, j): self._mean(sq[..., i, None, None] * self.s[..., j, None, None] * rho) for i, j in pairs}
            Q = {(i, j): self._mean(sq[..., i, None, None] * self.s[..., j, None, None] * GA) for i, j in pairs}
        total = 0.0
        for a, (b, c) in _OTHER.items():
            if anticommutator:   # {sigma^alpha, sigma^a} / 2
                O = np.eye(2) * (a == alpha)
            else:                # [sigma^alpha, sigma^a] / 2
                O = sum(1j * _EPS[alpha, a, e] * PAULI[e] for e in range(3))
            if not np.any(O):
                continue
            S = sq[..., b, None, None] ** 2 * Mc[c] + sq[..., c, None, None] ** 2 * Mc[b]
            term = np.trace(O @ self._mean(S @ PAULI[a] @ rho)) if "adjacent" in parts else 0.0
            if "across" in parts:
                for (i1, i2) in ((b, c), (c, b)):          # eps_a i1 i2 != 0
                    for (j1, j2) in ((b, c), (c, b)):      # eps_a j1 j2 != 0
                        if (i2, j1) in R:
                            term -= (_EPS[a, i1, i2] * _EPS[a, j1, j2]
                                     * np.trace(O @ R[i2, j1] @ PAULI[a] @ Q[i1, j2]))
            total += self.soc * term
        return complex(total)

    def spin_accumulation_relaxation(self) -> "AccumulationRelaxation":
        """The relaxation torque per unit spin accumulation, b = T / mu_s, of a uniform spin
        accumulation along n: the coefficient of ``Response.relaxation_torque = b
        Response.spin_accumulation`` in a steady state that varies slowly on the mean free path
        (the Valet-Fert relaxation; docs/physics.md section 22).

        The Fermi-surface response to raising the chemical potential of the spin along n by mu_up
        is ``rho(k) = mu_up P_up A(k) P_up / 2pi`` (A = i(G^R - G^A), P_up = (1 + n.sigma)/2): to
        zeroth order in Gamma_so this is the slow spin mode of the q = 0 ladder, which conserves
        each spin (Ward identity), and its torque is first order in Gamma_so.  T is the
        commutator part of the averaged spin-orbit term (module docstring) of that rho, along n;
        mu_s = mu_up - mu_down with mu_sigma = dn_sigma / nu_sigma, nu_sigma = Tr[P_sigma <A>] / 2pi
        (the definitions of ``Response.spin_accumulation``).  The full A (the charge mode) has no
        torque (an equilibrium; tested), so raising mu_down instead gives the same b, exactly for n
        along a cubic axis and to O(Gamma_so) otherwise (1.2e-5 relative for n || (1, 1, 1) at
        Gamma_so = 0.01 Gamma_0: spin-orbit impurities mix the spins in A).  Detailed
        balance gives the SCBA spin-flip rates ``1/tau_sf,sigma = -b / nu_sigma``, whose Born
        limit (Gamma_0 -> 0) is :func:`spintex.continuum.soc_born_rates`.  Corrections: O(Gamma_so)
        in the mode, and O((l / l_s)^2), also O(Gamma_so / Gamma_0), from the gradients of a real
        steady state.  Works on octant grids (rho is even in each k_i)."""
        GR = self.retarded
        GA = np.conj(np.swapaxes(GR, -1, -2))
        A = 1j * (GR - GA) / (2 * np.pi)
        P_up = self._projectors()[0]
        rho = P_up @ A @ P_up
        nu_up, nu_down = self._per_spin(self._mean(A))
        mu_s = self._per_spin(self._mean(rho))[0] / nu_up   # mu_down = 0: Tr[P_down P_up A P_up] = 0
        torque = [self._balance(self.s, rho, GA, alpha, ("adjacent", "across"), False, even=True).imag
                  for alpha in range(3)]
        return AccumulationRelaxation(float(np.dot(torque, self.n) / mu_s), nu_up, nu_down)

    def normal_spin_current(self, alpha: int) -> float:
        """The ``normal`` part of :meth:`spin_current` alone (works on the octant grid)."""
        alpha = int(alpha)
        if alpha not in (0, 1, 2):
            raise ValueError(f"alpha must be a spin axis 0, 1 or 2, got {alpha!r}")
        GR = self.retarded
        GA = np.conj(np.swapaxes(GR, -1, -2))
        v = 2 * self.hopping * self.s[..., 0]
        rho = GR @ GA * (v / (2 * np.pi))[..., None, None]
        return float(np.real(np.trace(PAULI[alpha] @ self._mean(v[..., None, None] * rho))))

    def spin_conductivities(self, rr_terms: bool = True) -> tuple:
        """(sigma_up, sigma_down): the particle current along x per site of each spin along n per
        unit uniform field (charge +1), Kubo-Bastin's Fermi-surface term (Kubo-Greenwood)

            sigma_s = (1/2pi) Re <Tr[P_s v G^R v G^A]>_k - (1/4pi) Re <Tr[P_s v G^R v G^R + P_s v G^A v G^A]>_k

        (v = v_x; the current vertex has no ladder at q = 0: :meth:`spin_current`).  These are the
        conductivities of the diffusion pole: a lead-biased bar without spin flips carries
        j_s = -sigma_s d mu_s/dx in each spin exactly, and the field drive j = (sigma_up +
        sigma_down) E where the spins have relaxed (docs/physics.md section 24; tested).  With the
        densities of states and flip rates of :meth:`spin_accumulation_relaxation` they give
        Valet-Fert's spin diffusion length (:func:`spintex.continuum.spin_diffusion_lengths`,
        D_s = sigma_s / nu_s), exact to first order in the spin flip.  ``rr_terms=False`` drops the
        RR and AA products: the RA bubble (``st.kubo_bubble``, :meth:`normal_spin_current`), which is
        the weak-disorder limit (the RR part is O(1 / (E_F tau)) of it; on a 3 x 3 bar at Gamma_0 = 1,
        sigma / sigma_RA = 1.141 and 0.812 for the two spins).  Works on octant grids."""
        rr_terms = boolean(rr_terms, "rr_terms")
        GR = self.retarded
        GA = np.conj(np.swapaxes(GR, -1, -2))
        v = (2 * self.hopping * self.s[..., 0])[..., None, None]
        X = self._mean(v * (GR @ GA) * v) / (2 * np.pi)
        if rr_terms:
            X = X - self._mean(v * (GR @ GR + GA @ GA) * v) / (4 * np.pi)
        return self._per_spin(X)

    def gilbert_damping(self, vertex_corrections: bool = True, transverse=None) -> float:
        """alpha = M^2 K^{xx} of a uniformly rotating magnetization (:func:`spintex.gilbert_damping`'s
        definition: T = -alpha n x dn/dt per site), in the SCBA with the ladder on the k grid.

        ``K = (1/2pi) Re <Tr[sigma^t (X_RA - X_RR)]>_k`` with sigma^t = e_t . sigma for a direction
        e_t _|_ n and ``X = G^R (sigma^t + S[X]) G'`` (G' = G^A or G^R).  In the uniform bulk the
        site trace is the total trace over N, for which ``Tr[s G^R s G^A] = Tr[s G^A s G^R]``
        (cyclic), so the Fermi-surface form needs no antiunitary symmetry here.  The Born map of the
        module docstring, applied to an X(k) that is even in each k_i, only needs the moments
        ``Z = (<X>, <s_x^2 X>, <s_y^2 X>, <s_z^2 X>)`` (the cross moments vanish), so the ladder
        is a linear system for 16 numbers: ``Z = F + L Z``, L built column by column.  Works on
        octant grids.  ``transverse``: e_t (default: normal to n and to the cubic axis closest to
        normal to n; on an anisotropic grid, e.g. a bar's (N_x, W, W), K depends on it).  Without
        spin-orbit impurities the ladder makes alpha vanish (the uniform
        precession of a magnet with spin-independent disorder is exact: Larmor's theorem; tested)."""
        vertex_corrections = boolean(vertex_corrections, "vertex_corrections")
        n = self.n
        if transverse is None:   # on the cubic grid every e_t _|_ n gives the same alpha (tested)
            t = np.cross(n, np.eye(3)[int(np.argmin(np.abs(n)))])
        else:
            t = vector3(transverse, "transverse", unit=True)
            if abs(t @ n) > 1e-12:
                raise ValueError(f"transverse must be normal to n = {n.tolist()}, got {transverse!r}")
        sigma_t = np.einsum("a,aij->ij", t / np.linalg.norm(t), PAULI)
        GR = self.retarded
        GA = np.conj(np.swapaxes(GR, -1, -2))
        s2 = [self.s[..., c, None, None] ** 2 for c in range(3)]

        def moments(X):
            return np.stack([self._mean(X)] + [self._mean(w * X) for w in s2])

        def vertex(Z):   # the Born map of X(k) from its moments (no on-site sigma^t source)
            local = np.broadcast_to(Z[0], GR.shape)
            return self._sigma(self.s, local, list(Z[1:]))

        K = 0.0
        for right, sign in ((GA, 1.0), (GR, -1.0)):
            F = moments(GR @ sigma_t @ right)
            Z = F
            if vertex_corrections:
                L = np.empty((16, 16), complex)
                for j in range(16):
                    unit = np.zeros(16, complex)
                    unit[j] = 1.0
                    L[:, j] = moments(GR @ vertex(unit.reshape(4, 2, 2)) @ right).ravel()
                Z = np.linalg.solve(np.eye(16) - L, F.ravel()).reshape(4, 2, 2)
            X_local = self._mean(GR @ (sigma_t + vertex(Z)) @ right) if vertex_corrections else Z[0]
            K += sign * np.real(np.trace(sigma_t @ X_local)) / (2 * np.pi)
        return float(self.exchange ** 2 * K)

    def spin_current(self, alpha: int, q: float = 1e-3) -> "BulkSpinCurrent":
        """Spin current of component alpha along x per site (sigma units, like
        ``Response.spin_current``) driven by a uniform field E_x = 1 (charge +1), in two parts:

        * ``normal``: the lattice bonds, ``<Tr[sigma^alpha v_x rho(k, k)]>_k`` with
          ``v_x = 2t sin k_x`` and ``rho = G^R v_x G^A / 2pi`` (at q = 0 the ladder of the current
          vertex vanishes: every Born kernel is even in each k component and v_x is odd);
        * ``anomalous``: the averaged corner hops of the spin-orbit impurities (seed 002 Eq. 16).
          Their spin source B (sigma/2 units) obeys continuity, ``B_q = -i q j_q``, so
          ``j = 2 i B_q / q`` at a small q, whose O(q^2) error (1.7e-5 relative at q = 1e-3 on a
          3 x 3 grid) is removed by one Richardson step on q and 2q.
        """
        q = finite_float(q, "q")
        if q == 0:
            raise ValueError("q must be non-zero")
        normal = self.normal_spin_current(alpha)
        def slope(h):  # j(h) = 2 i B_h / h = j(0) + c h^2
            Bh = (self.anomalous_source_component(h, alpha) - np.conj(self.anomalous_source_component(-h, alpha))) / 2j
            return (2j * Bh / h).real
        anomalous = float((4 * slope(q) - slope(2 * q)) / 3)   # Richardson: O(q^4)
        return BulkSpinCurrent(normal, anomalous)

    def torque_coefficient(self, q: float = 1e-3, parts=("adjacent", "across")) -> float:
        """a(q) = T_q / (i q E_q) for the spin component along n (n along a cubic axis);
        ``parts`` as in :meth:`torque_component`."""
        alpha = int(np.argmax(np.abs(self.n)))
        if not np.isclose(abs(self.n[alpha]), 1.0):
            raise ValueError("torque_coefficient needs n along a cubic axis")
        q = finite_float(q, "q")
        if q == 0:
            raise ValueError("q must be non-zero")
        Tq = (self.torque_component(q, alpha, parts) - np.conj(self.torque_component(-q, alpha, parts))) / 2j
        return float((Tq / (1j * q)).real * np.sign(self.n[alpha]))


class BulkSpinCurrent(NamedTuple):
    """Spin current per site per unit field (sigma units): lattice bonds and spin-orbit corner hops."""

    normal: float
    anomalous: float

    @property
    def total(self) -> float:
        return self.normal + self.anomalous


class AccumulationRelaxation(NamedTuple):
    """Relaxation of a uniform spin accumulation (:meth:`BulkSCBA.spin_accumulation_relaxation`):
    ``coefficient`` b = T / mu_s per site (T in units of the spin, sigma/2; mu_s = mu_up - mu_down
    along n), and the SCBA densities of states per site and spin along n."""

    coefficient: float
    dos_up: float
    dos_down: float

    @property
    def flip_rate_up(self) -> float:
        """1/tau_sf,up = -b / nu_up (detailed balance; compare soc_born_rates(...).flip_rate_up)."""
        return -self.coefficient / self.dos_up

    @property
    def flip_rate_down(self) -> float:
        return -self.coefficient / self.dos_down


class RelaxationTorqueCoefficients(NamedTuple):
    """Bulk bubble relaxation torque T^z = gamma div E + dgamma d_z E_z (seed 002 Eq. 22), per
    site, charge +1, the spin in sigma units (the seed's); ``a_par``, ``a_perp``: the sigma/2
    coefficients of dE/dx for n || x and n _|_ x at a small q."""

    gamma: float
    dgamma: float
    a_par: float
    a_perp: float
    iterations: int


def relaxation_torque_coefficients(energy, *, exchange, onsite, soc, grid=(48, 48, 48), q=1e-3, hopping=1.0):
    """gamma and dgamma of seed 002 Eq. 22 from the bubble on the infinite lattice (module docstring).

    a = T_q / (i q) at a small q (a(q) = a(0) + O(q^2); q off the grid, the k grid only has to
    resolve the broadened Fermi surface); gamma = 2 a_perp and dgamma = 2 (a_par - a_perp).
    """
    a, its = {}, 0
    for name, n in (("par", (1.0, 0.0, 0.0)), ("perp", (0.0, 0.0, 1.0))):
        b = BulkSCBA(energy, exchange, n, onsite, soc, grid, hopping)
        a[name] = b.torque_coefficient(q)
        its = max(its, b.iterations)
    return RelaxationTorqueCoefficients(2 * a["perp"], 2 * (a["par"] - a["perp"]), a["par"], a["perp"], its)


class SpinAmrCoefficients(NamedTuple):
    """Local spin conductivity of the bulk for E || n and E _|_ n (seed 002 Eqs. 35-40; Pauli units,
    per site, charge +1): bonds and spin-orbit corner hops (:meth:`BulkSCBA.spin_current`)."""

    sigma_par: float          #: E || n: bonds only (the corner hops vanish identically)
    sigma_perp_bonds: float
    sigma_perp_corner: float  #: the seed's delta_sigma_s (Eq. 36)
    iterations: int

    @property
    def sigma_perp(self) -> float:
        return self.sigma_perp_bonds + self.sigma_perp_corner

    @property
    def amr(self) -> float:
        """sigma_perp / sigma_par - 1 (Eq. 40's (rho_par - rho_perp) / rho_perp)."""
        return self.sigma_perp / self.sigma_par - 1


def spin_amr_coefficients(energy, *, exchange, onsite, soc, grid=(48, 48, 48), q=1e-3, hopping=1.0):
    """:class:`SpinAmrCoefficients` of the infinite lattice: n = x (E || n, on the octant grid)
    and n = z (E _|_ n, full grid: the corner hops need q != 0).  Seed 002 has sigma_par = sigma_s0,
    sigma_perp_bonds = sigma_s0 (isotropic) and sigma_perp_corner = delta_sigma_s; on the lattice
    the bond part is anisotropic too (docs/physics.md section 20).  The grid must resolve the
    broadened Fermi surface: the corner hops for E || n, zero in the limit, measure its error
    (``BulkSCBA(..., (1, 0, 0), ...).spin_current(0).anomalous``: 1e-4 on 16^3 and 1e-9 on 48^3
    at E_F = -4, M = 1, Gamma_0 = 2, against 1e-4 for E _|_ n)."""
    par = BulkSCBA(energy, exchange, (1.0, 0.0, 0.0), onsite, soc, grid, hopping, octant=True)
    perp = BulkSCBA(energy, exchange, (0.0, 0.0, 1.0), onsite, soc, grid, hopping)
    j = perp.spin_current(2, q)
    return SpinAmrCoefficients(par.normal_spin_current(0), j.normal, j.anomalous, max(par.iterations, perp.iterations))


def _fermi_surface(energy: float, nodes: int, hopping: float):
    """Points k (P, 3) and weights w (P,) with ``sum w f(k) = <delta(E - eps_k) f(k)>_BZ`` for the
    closed Fermi surface of eps = -2t sum cos k_i below -2t (each ray from k = 0 crosses it once:
    eps grows along the ray until a component of k reaches pi, where eps >= -2t).  Gauss-Legendre in
    cos(theta) and the trapezoid in phi (``nodes`` and 2 ``nodes``): the integrand is smooth on the
    sphere, so the sums converge exponentially."""
    c, wc = np.polynomial.legendre.leggauss(nodes)
    phi = np.pi * np.arange(2 * nodes) / nodes
    C, P = np.meshgrid(c, phi, indexing="ij")
    S = np.sqrt(1 - C ** 2)
    u = np.stack([S * np.cos(P), S * np.sin(P), C], -1).reshape(-1, 3)
    lo, hi = np.zeros(len(u)), np.pi / np.abs(u).max(axis=1)
    for _ in range(60):   # bisection: eps(r u) is increasing on [0, hi]
        mid = 0.5 * (lo + hi)
        below = -2 * hopping * np.cos(mid[:, None] * u).sum(-1) < energy
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    r = 0.5 * (lo + hi)
    k = r[:, None] * u
    slope = 2 * hopping * np.sum(u * np.sin(k), axis=-1)           # d eps / dr
    w = (np.repeat(wc, 2 * nodes) * (np.pi / nodes)) * r ** 2 / slope / (2 * np.pi) ** 3
    return k, w


def boltzmann_spin_conductivity(energy, exchange, axis: int, onsite, soc, *, nodes: int = 48,
                                hopping: float = 1.0) -> float:
    """Weak-disorder (Boltzmann) limit of :meth:`BulkSCBA.spin_current`'s ``normal`` part: the bond
    spin current of the component along n = e_axis, flowing along x, per unit field (Pauli units).

    The Born rate of spin sigma at k on its Fermi surface, from the self-energy of the module
    docstring on shell (Im G_sigma -> -pi delta(E + sigma M - eps)):

        1/tau_sigma(k) = 2 pi [Gamma_0 nu_sigma + Gamma_so sum_a (s_b(k)^2 m_c + s_c(k)^2 m_b)],
        m_c = <s_c^2 delta(E + sigma_a M - eps)>,

    ((a, b, c) cyclic), sigma_a = sigma for a = axis (spin-conserving) and -sigma otherwise (the two
    spin-flip channels).  Every Born kernel is even in each k component, so the current-carrying
    distribution has no in-scattering (the q = 0 ladder vanishes) and
    ``sigma_s = sum_sigma sigma <v_x^2 tau_sigma(k) delta(E + sigma M - eps)>``, v_x = 2t sin k_x:
    the bubble ``<Tr[sigma^n v_x G^R v_x G^A]>/2pi`` with ``G^R G^A -> 2 pi tau delta``.  The angular
    dependence of tau is the lattice form of :func:`spintex.continuum.spin_amr_lifetime`.  Both
    spin Fermi surfaces must be closed (E +- M < -2t).
    """
    energy = finite_float(energy, "energy")
    M = finite_float(exchange, "exchange", nonnegative=True)
    g0 = finite_float(onsite, "onsite", positive=True)
    g = finite_float(soc, "soc", nonnegative=True)
    hopping = finite_float(hopping, "hopping", positive=True)
    if axis not in (0, 1, 2):
        raise ValueError(f"axis must be 0, 1 or 2 (n along x, y or z), got {axis!r}")
    if not energy + M < -2 * hopping:
        raise ValueError(f"energy + exchange must lie below -2t (closed Fermi surfaces), got {energy + M:g}")
    if energy - M <= -6 * hopping:
        raise ValueError(f"energy - exchange must lie above the band bottom -6t, got {energy - M:g}")
    surface = {s: _fermi_surface(energy + s * M, int(nodes), hopping) for s in (1, -1)}
    nu = {s: w.sum() for s, (k, w) in surface.items()}
    m = {s: [np.sum(w * np.sin(k[:, c]) ** 2) for c in range(3)] for s, (k, w) in surface.items()}
    total = 0.0
    for s, (k, w) in surface.items():
        s2 = np.sin(k) ** 2
        rate = g0 * nu[s]
        for a, (b, c) in _OTHER.items():
            spin = s if a == axis else -s
            rate = rate + g * (s2[:, b] * m[spin][c] + s2[:, c] * m[spin][b])
        tau = 1 / (2 * np.pi * rate)
        total += s * np.sum(w * (2 * hopping * np.sin(k[:, 0])) ** 2 * tau)
    return float(total)
