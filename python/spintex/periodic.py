"""Wide wires: a periodic cross-section decomposed into transverse momentum channels.

A bar of W x H sites with periodic boundary conditions across the wire, whose texture,
exchange and on-site energy depend on x only, is block diagonal in the transverse momentum
k = (2 pi j / W, 2 pi l / H): channel k is a chain with on-site energy
eps_k = -2t (cos k_y + cos k_z) and its own leads.  The disorder-averaged problem keeps this
symmetry, so the SCBA self-energy and the ladder are the same on every site of a slice and
couple the channels only through the channel average of the site blocks,

    Sigma_x = S[(1/N_perp) sum_k G_k,xx],   X_x = (1/N_perp) sum_k C_k[Y + S[X]].

This is exactly SCBA on the periodic W x H bar, at the cost of one chain per distinct eps_k; for
large W, H it is the bulk limit (3D cubic, or 2D square with H = 1) without subband structure.
Site arrays of the results are per site, the same on every site of a slice (length L); currents
are totals through the whole cross-section.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _core, lattice
from .disorder import BornMap, Disorder, scba, solve_ladder
from .model import Model
from .integration import channel_thresholds
from .keldysh import spectrum_bottom
from .observables import Response
from .response import DRIVE_WEIGHTS, accumulation_fields, balance_split, check_drive
from . import units
from .sea import FermiSea, correlator_bytes
from .screening import SCREENING_TOLERANCE, FieldOptions, with_screening


def check_scba(disorder) -> Disorder:
    """A PeriodicWire's disorder: an SCBA Disorder (the channel decomposition holds for the average)."""
    if not isinstance(disorder, Disorder) or disorder.method != "scba":
        raise ValueError("PeriodicWire needs disorder=st.Disorder(..., method='scba')")
    return disorder


class _ChannelSum:
    """Correlator-like average over transverse channels (weights sum to 1)."""

    def __init__(self, models, weights, energy, sigma):
        self.parts = [_core.Correlator(m.device, energy, sigma) for m in models]
        self.weights = weights

    def apply(self, source, left, right, pairing="RA"):
        sites = bonds = 0
        for w, c in zip(self.weights, self.parts):
            s, b = c.apply(source, left, right, pairing)
            sites, bonds = sites + w * s, bonds + w * b
        return sites, bonds

    def apply_both(self, source, left, right, pairing="RA"):
        sites = bonds = reverse = 0
        for w, c in zip(self.weights, self.parts):
            s, b, r = c.apply_both(source, left, right, pairing)
            sites, bonds, reverse = sites + w * s, bonds + w * b, reverse + w * r
        return sites, bonds, reverse


class RenormalizedChannels(NamedTuple):
    """:meth:`PeriodicWire.renormalized_channels`: open channels at E - Re Sigma, lifetime
    1 / (2 gamma_SCBA), the renormalized exchange M_eff and (Sigma_up, Sigma_down)."""

    speeds: np.ndarray
    weights: np.ndarray
    lifetime: float
    exchange: float
    self_energy: tuple


class PeriodicWire:
    """A wire of ``length`` slices with a periodic ``width`` x ``height`` cross-section.

    Parameters are those of :class:`spintex.Model` for a chain; ``texture`` is evaluated on the
    chain positions (x only).  ``lead_onsite`` as for :class:`spintex.Model` (default: ``onsite``
    if it is a number, else 0), the same for every transverse channel (each shifted by its eps_k).
    """

    def __init__(self, length: int, width: int, height: int = 1, *, hopping=1.0, exchange=0.0,
                 texture=(0.0, 0.0, 1.0), onsite=0.0, leads=True, lead_onsite=None, _levels=None):
        from ._validate import positive_int

        self.cross_section = (positive_int(width, "width"), positive_int(height, "height"))
        if 2 in self.cross_section:
            raise ValueError("a periodic cross-section needs 1 or at least 3 sites across")
        if _levels is None:
            ky = 2 * np.pi * np.arange(width) / width
            kz = 2 * np.pi * np.arange(height) / height
            # one site across (width or height 1) has no transverse hopping in that direction
            cy = np.cos(ky) if width > 1 else np.zeros(1)
            cz = np.cos(kz) if height > 1 else np.zeros(1)
            eps = -2 * hopping * (cy[:, None] + cz[None, :])
            levels, counts = np.unique(np.round(eps.ravel(), 12), return_counts=True)
            self.levels, self.weights = levels, counts / counts.sum()
        else:
            self.levels, self.weights = _levels
        chain = lattice.chain(length)
        base = np.asarray(onsite, dtype=float)
        if lead_onsite is None:  # Model's default
            lead_onsite = float(base) if base.ndim == 0 else 0.0
        self.channels = [Model(chain, hopping=hopping, exchange=exchange, texture=texture, onsite=base + e,
                               leads=leads, lead_onsite=float(lead_onsite) + e) for e in self.levels]
        self.model = self.channels[np.argmin(np.abs(self.levels))]  # texture, exchange, geometry of a slice

    @classmethod
    def bulk(cls, length: int, *, dim: int = 3, levels: int = 400, hopping=1.0, **model):
        """The infinite cross-section: transverse energies eps on ``levels`` equal bins of
        [-2(d-1)t, 2(d-1)t], weighted by the (d-1)-dimensional lattice DOS (square for d = 3,
        chain for d = 2), so the channel sum tends to the d-dimensional band as the bins shrink.
        Site arrays are per site, currents per site of the cross-section."""
        from . import continuum
        from ._validate import positive_int

        if dim not in (2, 3):
            raise ValueError("dim must be 2 or 3")
        n = positive_int(levels, "levels")
        half = 2 * (dim - 1) * hopping
        fine = np.linspace(-half, half, 64 * n + 1)[:-1] + half / (64 * n)  # bin-interior midpoints
        rho = continuum.dos(fine, dim - 1, hopping)
        weights = rho.reshape(n, 64).sum(axis=1)
        centers = (rho * fine).reshape(n, 64).sum(axis=1) / np.where(weights > 0, weights, 1)
        keep = weights > 0
        return cls(length, 1, 1, hopping=hopping, _levels=(centers[keep], weights[keep] / weights[keep].sum()),
                   **model)

    def _green(self, energy):
        z = np.array([energy], dtype=complex)

        def green(sigma):
            total = 0
            for w, m in zip(self.weights, self.channels):
                out = _core.integrate(m.device, z, retarded_weights=np.ones(1), local_self_energy=sigma)
                total = total + w * out["retarded_sites"]
            return total

        return green

    def linear_response(self, energy: float, *, disorder: Disorder, drive: str | None = None,
                        lead: str | None = None, screening_length: float | None = None,
                        screening_tolerance: float | None = None) -> Response:
        """SCBA linear response to ``drive`` (see :func:`spintex.linear_response`), per site of
        the cross-section.  ``screening_length`` (drive="field" only): Thomas-Fermi screening over
        that length, as in :func:`spintex.linear_response`; the potential depends on x only, so the
        periodic cross-section's Laplacian is the chain's (Dirichlet ends at the grounded leads).
        ``screening_tolerance`` (drive="field" only): the neutrality and the Fermi sea's tolerance,
        as in :func:`spintex.linear_response`."""
        field = FieldOptions.of(drive, screening_length, screening_tolerance=screening_tolerance)
        if drive == "thermal":
            raise ValueError("PeriodicWire.linear_response takes the lead drives ('left', 'right', 'bias', 'field'); "
                             "for the thermal drive call PeriodicWire.thermal_response(energy, temperature=...)")
        drive = check_drive(drive, lead)
        check_scba(disorder)
        if disorder.soc:
            raise NotImplementedError("PeriodicWire with spin-orbit impurities: their Born self-energy "
                                      "mixes transverse momenta; use a periodic bar lattice instead")
        sol = scba(self.model, energy, disorder, green=self._green(energy))
        corr = _ChannelSum(self.channels, self.weights, energy, sol.self_energy)
        born = BornMap(self.model, disorder)
        wl, wr = DRIVE_WEIGHTS[drive]
        lad = solve_ladder(corr, born, left=wl, right=wr)
        sites, bonds, info = lad.sites / (2 * np.pi), lad.bonds / (2 * np.pi), {}
        if drive == "field":
            sites, bonds, info = with_screening(lambda: self.fermi_sea(energy, disorder, field.tolerance), sites,
                                                bonds, self.model, field)
        r = Response.from_blocks(
            self.model, sites, bonds, energy=energy, drive=drive,
            spin_transmission=np.full((2, 2), np.nan),
            parameters={"energy": energy, "drive": drive, "disorder": disorder, "channels": len(self.channels),
                        "cross_section": self.cross_section, "scba_iterations": sol.iterations,
                        "ladder_iterations": lad.iterations},
            units=f"per site of the cross-section (currents: whole cross-section), {units.DRIVES[drive]}",
            **info, **accumulation_fields(self.model, sol.retarded_sites, sites),
        )
        # the balance on the representative slice (torque and currents per site of the cross-section),
        # then every current-like field scaled to the whole cross-section
        r.spin_current_divergence, r.relaxation_source = balance_split(self.model, r)
        self.whole_cross_section(r)
        r.transmission = float(abs(2 * np.pi * r.current.mean()))
        return r

    def fermi_sea(self, fermi_energy: float, disorder: Disorder, tolerance: float = SCREENING_TOLERANCE) -> FermiSea:
        """The static (Fermi-sea) response of this wire (SCBA over the channels at every node), to
        ``tolerance`` (:class:`spintex.sea.FermiSea`)."""
        return FermiSea(self.model, fermi_energy, disorder, tolerance=tolerance, system=self._system,
                        bottom=min(spectrum_bottom(m, disorder) for m in self.channels),
                        node_bytes=sum(correlator_bytes(m) for m in self.channels))

    def thermal_response(self, energy: float, *, temperature: float, disorder: Disorder, circuit: str = "closed",
                         screened: bool = True) -> Response:
        """The thermal drive (:func:`spintex.thermal.thermal_response`) of this wire, per site of the
        cross-section (currents: whole cross-section).  The window is cut at every channel's lead
        thresholds (square-root edges of its clean leads; with many levels they are dense)."""
        from .thermal import _thermal

        check_scba(disorder)
        r = _thermal(self.model, energy, temperature, disorder, circuit, screened, None, system=self._system,
                     sea=lambda mu: self.fermi_sea(mu, disorder),
                     breakpoints=np.unique(np.concatenate([channel_thresholds(m) for m in self.channels])))
        return self.whole_cross_section(r)

    def whole_cross_section(self, r):
        """Scale the currents of ``r``, computed on the representative slice (per site of the
        cross-section), to the whole cross-section, in place, and with them the slice balance
        (spin-current divergence and relaxation source, per slice of the whole cross-section:
        n_perp x the representative slice's torque = divergence + source); returns ``r``."""
        n_perp = self.cross_section[0] * self.cross_section[1]
        for name in ("current", "spin_current", "bond_current", "bond_spin_current", "spin_current_divergence",
                     "relaxation_source"):
            if getattr(r, name, None) is not None:
                setattr(r, name, getattr(r, name) * n_perp)
        return r

    def _system(self, z, disorder, initial=None):
        """(correlator, Born map, Sigma) at contour node z: SCBA over the channels (FermiSea's hook),
        started from ``initial``."""
        sol = scba(self.model, z, disorder, green=self._green(z), initial=initial)
        corr = _ChannelSum(self.channels, self.weights, z, sol.self_energy)
        return corr, BornMap(self.model, disorder), sol.self_energy

    def open_channels(self, energy: float):
        """(speeds, weights) of the clean channels open at ``energy`` (spin-degenerate band, M = 0).

        speeds: ``v_j = sqrt(4t^2 - (E - eps_j)^2)`` along x; weights: each level's density of
        states per site, ``w_j / (pi v_j)`` (they sum to the DOS per spin).  The inputs of
        :func:`spintex.continuum.kinetic_transverse_decay`.
        """
        from ._validate import finite_float

        t = self.model.hopping
        x = finite_float(energy, "energy") - self.levels
        inside = np.abs(x) < 2 * t
        if not inside.any():
            raise ValueError(f"no channel is open at energy {energy!r} (levels {self.levels.min():.3g} ... "
                             f"{self.levels.max():.3g}, hopping {t:g})")
        speeds = np.sqrt(4 * t**2 - x[inside] ** 2)
        return speeds, self.weights[inside] / (np.pi * speeds)

    def renormalized_channels(self, energy: float, exchange: float, onsite: float) -> "RenormalizedChannels":
        """The open channels of the uniform wire with its SCBA self-energy (on-site variance
        ``onsite``, exchange along the texture): the inputs of
        :func:`spintex.continuum.kinetic_transverse_decay` that the lattice's ladder follows to
        O(gamma^2) (docs/physics.md section 19).

        Sigma_s = onsite * sum_j w_j g(E + s M - eps_j - Sigma_s) for s = +1 (up along n) and -1, with
        the chain's local g(w) = 1 / (sqrt(w - 2t) sqrt(w + 2t)).  A closed channel makes Re Sigma
        non-zero and spin dependent (in a chain it vanishes inside the band).  That shifts the open
        channels to E - Re Sigma (the spin mean) and renormalizes the splitting to
        M_eff = M - (Re Sigma_up - Re Sigma_down) / 2, both O(gamma), which the bare channels of
        :meth:`open_channels` miss.  Returns speeds and weights at E - Re Sigma, the lifetime
        1 / (2 gamma) with gamma = -Im Sigma (spin mean), M_eff and (Sigma_up, Sigma_down)."""
        from ._validate import finite_float
        from .disorder import SCBAConvergenceError

        energy = finite_float(energy, "energy")
        exchange = finite_float(exchange, "exchange", nonnegative=True)
        onsite = finite_float(onsite, "onsite", positive=True)
        t = self.model.hopping

        def local(w):   # the infinite chain's local Green's function, Im w > 0
            return np.sum(self.weights / (np.sqrt(w - self.levels - 2 * t) * np.sqrt(w - self.levels + 2 * t)))

        sigma = []
        for spin in (1, -1):
            value = -0.5j * onsite
            for _ in range(100_000):
                new = onsite * local(energy + spin * exchange - value)
                if abs(new - value) < 1e-15 * max(1.0, abs(new)):
                    break
                value = 0.5 * (value + new)
            else:
                raise SCBAConvergenceError(f"the uniform wire's SCBA did not converge at energy {energy!r}")
            sigma.append(complex(new))
        shift = 0.5 * (sigma[0].real + sigma[1].real)
        gamma = -0.5 * (sigma[0].imag + sigma[1].imag)
        speeds, weights = self.open_channels(energy - shift)
        return RenormalizedChannels(speeds, weights, 1 / (2 * gamma), exchange - 0.5 * (sigma[0].real - sigma[1].real),
                                    (sigma[0], sigma[1]))

    def exact_transverse_decay(self, energy: float, exchange: float, onsite: float) -> complex:
        """kappa of the transverse spin m+ = s_x + i s_y ~ e^{-kappa x} far from its source in the
        uniform wire magnetized along z, exactly in the SCBA with the ladder: the zero of

            1 - onsite * Pi(i kappa),   Pi(q) = sum_j w_j <G^R_down(k + q/2) G^A_up(k - q/2)>_k

        (on-site, spin-independent disorder: the Born map of the transverse density is ``onsite``
        times its local average; G_s(k) = 1 / (E + s M - eps_j + 2t cos k - Sigma_s) with the SCBA
        Sigma_s of :meth:`renormalized_channels`).  The k sum is a periodic trapezoid rule on
        ``2^m >= 100 * 2t / gamma`` nodes (exponentially accurate for these analytic integrands), and
        the zero is found by complex secant steps from the renormalized channels' kinetic mode.  A
        lead-driven :meth:`linear_response` has this kappa between 6 and 10 decay lengths from the
        source to the fit's floor (tests/test_transverse_diffusion.py)."""
        from ._validate import finite_float
        from .continuum import kinetic_transverse_decay
        from .disorder import SCBAConvergenceError

        if finite_float(exchange, "exchange") == 0:   # (before the SCBA: nothing to solve then)
            raise ValueError("exchange must be > 0 (no precession: the transverse mode is the charge mode)")
        c = self.renormalized_channels(energy, exchange, onsite)
        energy, exchange, onsite = float(energy), float(exchange), float(onsite)
        up, down = c.self_energy
        t = self.model.hopping
        gamma = 1 / (2 * c.lifetime)
        n = 1 << max(12, int(np.ceil(np.log2(100 * 2 * t / gamma))))
        if n > 1 << 24:
            raise ValueError(f"onsite = {onsite!r} broadens too little (gamma = {gamma:.3g}): the k sum would need "
                             f"{n} nodes; use gamma >= {100 * 2 * t / (1 << 24):.2g}")
        k = 2 * np.pi * (np.arange(n) + 0.5) / n

        def mismatch(kappa):
            kp, km = k + 0.5j * kappa, k - 0.5j * kappa
            pi = sum(w * np.mean(1 / (energy - exchange - e + 2 * t * np.cos(kp) - down)
                                 / (energy + exchange - e + 2 * t * np.cos(km) - np.conj(up)))
                     for e, w in zip(self.levels, self.weights))
            return 1 - onsite * pi

        x0 = complex(kinetic_transverse_decay(c.speeds, c.weights, c.lifetime, c.exchange))
        x1 = x0 * (1 + 1e-3)
        f0 = mismatch(x0)
        for _ in range(60):
            f1 = mismatch(x1)
            x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
            if abs(x1 - x0) < 1e-13 * abs(x1):
                return complex(x1)
        raise SCBAConvergenceError(f"the transverse mode's secant iteration did not converge at energy {energy!r}")

    def spin_dos(self, energy: float, exchange: float):
        """(nu_up, nu_down): clean DOS per site per spin of this cross-section's band at E +- M."""
        def rho(e):
            x = e - self.levels
            inside = np.abs(x) < 2 * self.model.hopping
            return np.sum(self.weights[inside] / (np.pi * np.sqrt(4 * self.model.hopping**2 - x[inside] ** 2)))
        return rho(energy + exchange), rho(energy - exchange)
