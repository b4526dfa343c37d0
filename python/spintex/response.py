"""The linear-response engine: a drive, a disorder method, and the observables of one Response.

Every solver result is a density-matrix response rho_ji = d<c_i^dag c_j> (2x2 site and bond
blocks, observables.py) to one drive, averaged over disorder in one way.

Drives (per unit strength, T = 0, leads at the Fermi energy E):

- ``"left"`` / ``"right"``: that lead's chemical potential raised by 1 (Fermi surface):
  ``rho = (1/2pi) X_a``, ``X_a = G (Gamma_a + S[X_a]) G^dag`` (S: the Born map, the ladder).
- ``"bias"``: leads at +1/2 and -1/2: ``rho = (1/4pi)(X_L - X_R)``.
- ``"field"``: the bias plus the on-site screening potential u_i (spin independent) that keeps
  every site charge neutral, the electric-field drive of a perfectly screening metal that the
  seeds' transport formulas describe:  ``rho = rho_bias + rho_sea[u]`` with ``n_i = 0``.
  rho_sea[U] is the Fermi-sea (static) response to dH = sum_i c_i^dag U_i c_i at fixed chemical
  potential (:class:`spintex.sea.FermiSea`); u solves the N x N linear system ``chi u = -n_bias`` by GMRES
  (chi u = n[rho_sea[u]], :func:`spintex.screening.screen`) preconditioned by chi's bulk kernel.
  Derivation and numerics: docs/physics.md, section 12.

Disorder methods: clean (one RGF sweep), SCBA (ladder vertex corrections: RA on the real axis
for the Fermi-surface part, RR at every contour node for the Fermi-sea part), and samples (the
clean engine on each realization; averages with standard errors).
"""
from __future__ import annotations

import os
import warnings

import numpy as np

from . import _core
from ._validate import check_disorder, check_model, energy_batch, finite_float
from .disorder import (Disorder, PairBornMap, PairCorrelator, RunningMean, lattice_arrays, random_site_blocks,
                       realization, sample_mean, sample_stream, scba, solve_ladder, spin_orbit_balance)
from .integration import Progress, _integrate, _threshold_hits, _threshold_name
from .model import IDENTITY2, Model
from .observables import ARRAY_FIELDS, Response, site_observables
from .screening import DEFAULT_FIELD, NO_CHANNEL_FOR_NEUTRAL_LEADS, FieldOptions, no_screening, with_screening
from .sea import FermiSea
from . import units

#: drive -> (weight of Gamma_L, weight of Gamma_R) of its Fermi-surface part
DRIVE_WEIGHTS = {"left": (1.0, 0.0), "right": (0.0, 1.0), "bias": (0.5, -0.5), "field": (0.5, -0.5)}


def check_drive(drive, lead=None) -> str:
    """The drive name, accepting the older ``lead=`` spelling."""
    if lead is not None:
        if lead not in ("left", "right"):
            raise ValueError(f"lead must be 'left' or 'right', got {lead!r}")
        if drive not in (None, lead):
            raise ValueError(f"give either drive= or lead=, not both (drive={drive!r}, lead={lead!r})")
        return lead
    drive = "left" if drive is None else drive
    if drive not in DRIVE_WEIGHTS:
        raise ValueError(f"drive must be one of {', '.join(map(repr, DRIVE_WEIGHTS))} or 'thermal'; got {drive!r}")
    return drive


def _lead_blocks(model: Model, energies: np.ndarray, drive: str, local=None):
    """Site and bond blocks (K, N, 2, 2), (K, nb, 2, 2) of the leads' part of ``drive`` at each of
    K energies, in one C++ call, with the per-energy transmission data of the lead-injected sweep."""
    wl, wr = DRIVE_WEIGHTS[drive]
    kw: dict[str, np.ndarray] = {}
    if wl:
        kw["left_weights"] = np.full(len(energies), wl / (2 * np.pi))
    if wr:
        kw["right_weights"] = np.full(len(energies), wr / (2 * np.pi))
    out = _integrate(model, energies, transmission=True, local_self_energy=local, per_energy=True, user_energies=True,
                     **kw)  # type: ignore[arg-type]
    sites = sum(out[f"{s}_sites"] for s in ("left", "right") if f"{s}_weights" in kw)
    bonds = sum(out[f"{s}_bonds"] for s in ("left", "right") if f"{s}_weights" in kw)
    info = {"transmission": out["transmission"], "spin_transmission": out["spin_transmission"],
            "open_channels": np.stack([out["open_channels_left"], out["open_channels_right"]], axis=-1)}
    return sites, bonds, info


def _clean_blocks(model: Model, energy: float, drive: str, local=None, field: FieldOptions = DEFAULT_FIELD):
    """Site and bond blocks of a clean system (or one realization given by ``local`` on-site
    blocks), with the transmission data of the lead-injected sweep (``field``: the field drive's
    options)."""
    sites, bonds, batch = _lead_blocks(model, np.array([energy]), drive, local)
    sites, bonds = sites[0], bonds[0]
    info = {"transmission": float(batch["transmission"][0]), "spin_transmission": batch["spin_transmission"][0],
            "open_channels": tuple(int(n) for n in batch["open_channels"][0])}
    if drive == "field":
        m = model if local is None else model.with_onsite(local)
        sites, bonds, extra = with_screening(
            lambda: FermiSea(m, energy, tolerance=field.tolerance, lead_probe=field.neutral_leads), sites, bonds, m,
            field)
        info.update(extra)
    return sites, bonds, info


def clean_response(model: Model, energy: float, drive: str, field: FieldOptions = DEFAULT_FIELD) -> Response:
    sites, bonds, info = _clean_blocks(model, energy, drive, field=field)
    return Response.from_blocks(model, sites, bonds, energy=energy, drive=drive,
                                parameters={"energy": energy, "drive": drive}, units=units.of_drive(drive),
                                **info)


def fermi_level_system(model: Model, energy: float, disorder: Disorder, *, pairs: bool = False,
                       solution=None):
    """The SCBA at the Fermi energy and the correlator of its propagator: (correlator, Born map,
    SCBASolution).

    The correlator applies C[Y] = G Y G^dag (or G Y G) with G = (E - H - Sigma_L - Sigma_R - Sigma)^-1.
    With spin-orbit impurities, or ``pairs=True``, it is the block sweep over site pairs
    (:class:`spintex.disorder.PairCorrelator` with its :class:`~spintex.disorder.PairBornMap`),
    which also takes sources on bonds; without spin-orbit impurities the local self-energy then
    sits on the (i, i) pairs.  Otherwise the site sweep ``_core.Correlator``.  ``solution``: an
    SCBASolution at this energy to use instead of solving (batched energies pass warm-started ones).
    """
    sol = scba(model, energy, disorder) if solution is None else solution
    if disorder.soc:
        return PairCorrelator(model, energy, sol.born, sol.self_energy), sol.born, sol
    if not pairs:
        return _core.Correlator(model.device, energy, sol.self_energy), sol.born, sol
    born = PairBornMap(model, disorder, sol.born)
    sigma = np.zeros((len(born.pairs), 2, 2), complex)
    sigma[:model.lattice.num_sites] = sol.self_energy
    return PairCorrelator(model, energy, born, sigma), born, sol


def clean_batch(model: Model, energies: np.ndarray, drive: str) -> Response:
    """:func:`clean_response` at K energies at once (one C++ call; the lead drives, not "field"),
    with a leading energy axis."""
    sites, bonds, info = _lead_blocks(model, energies, drive)
    return Response.from_blocks(model, sites, bonds, energy=energies, drive=drive,
                                parameters={"energy": energies, "drive": drive},
                                units=units.of_drive(drive), **info)


def scba_response(model: Model, energy: float, disorder: Disorder, drive: str, *, ladder: str = "gmres",
                  solution=None, field: FieldOptions = DEFAULT_FIELD) -> Response:
    """Linear response of ``drive`` in the SCBA with vertex corrections (``field``: the field
    drive's options).

    ``transmission`` is the dimensionless conductance g = 2 pi x the current into the drain lead
    (per unit bias for the bias and field drives), which includes the diffuse (vertex) part;
    ``lead_conductances`` = (g out of the source lead, g into the drain lead), equal by current
    conservation: evaluated separately at the two leads with spin-orbit impurities (a check), and
    without them both 2 pi x the mean slice current (whose constancy through the slices is the
    check there, tested).  With spin-orbit impurities part of the current flows through the averaged
    corner hops (the non-local self-energy), so the bond currents of the lattice bonds alone are
    not the same through every slice; the lead currents are.  ``solution``: the SCBA solution at
    ``energy`` if already solved (the batch starts each energy from its neighbour's).
    """
    if field.neutral_leads and disorder.soc:
        raise NotImplementedError("neutral_leads=True with spin-orbit impurities in SCBA (disorder.soc > 0): the "
                                  "leads' band-shift response is not implemented on the site pairs; use "
                                  "neutral_leads=False (grounded leads) or disorder method='samples'")
    if model.lattice.num_slices < 2 and not disorder.soc:
        raise ValueError("an SCBA response needs a device of at least 2 slices (its conductance is the current "
                         f"through a slice boundary); this lattice has {model.lattice.num_slices}")
    wl, wr = DRIVE_WEIGHTS[drive]
    channels = open_channels(model, energy)
    if not disorder.soc and not _drive_enters(drive, channels):
        return _no_channel_response(model, energy, disorder, drive, channels, field)
    _refuse_opening_threshold(model, energy, drive)
    corr, born, sol = fermi_level_system(model, energy, disorder, solution=solution)
    lad = solve_ladder(corr, born, left=wl, right=wr, method=ladder)
    sites, bonds = born.sites(lad.sites) / (2 * np.pi), lad.bonds / (2 * np.pi)
    info, seas, sea_terms = {}, [], None

    def make_sea():
        seas.append(FermiSea(model, energy, disorder, tolerance=field.tolerance, initial=sol.self_energy,
                             lead_probe=field.neutral_leads))
        return seas[-1]

    if drive == "field":
        sites, bonds, info = with_screening(make_sea, sites, bonds, model, field)
        if disorder.soc and seas:  # the screening's response on the pairs, for the spin-orbit balance
            sea_terms = seas[0].pair_terms(info["screening_potential"][:, None, None] * IDENTITY2)
    r = Response.from_blocks(
        model, sites, bonds, energy=energy, drive=drive,
        spin_transmission=np.full((2, 2), np.nan), open_channels=channels,
        parameters={"energy": energy, "drive": drive, "disorder": disorder,
                    "scba_iterations": sol.iterations, "scba_residual": sol.residual,
                    "ladder_iterations": lad.iterations},
        units=units.of_drive(drive, " (SCBA average)"), **info,
        **accumulation_fields(model, sol.retarded_sites, sites),
    )
    if disorder.soc:
        source = "left" if wl else "right"
        r.lead_conductances = pair_lead_conductances(corr, lad.sites, sol.retarded, source, (wl, wr))
        r.relaxation_torque, r.anomalous_spin_source = spin_orbit_balance(model, born, sol.retarded,
                                                                          lad.sites / (2 * np.pi), sea_terms)
    else:
        g = 2 * np.pi * (r.current.mean() if r.current.size else 0.0)
        r.lead_conductances = (abs(g), abs(g))
    r.transmission = float(r.lead_conductances[1])
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


def _drive_enters(drive: str, channels) -> bool:
    """Whether a lead that ``drive`` raises has an open channel (``channels``: left, right)."""
    return any(w and n for w, n in zip(DRIVE_WEIGHTS[drive], channels))


def _refuse_opening_threshold(model: Model, energy: float, drive: str) -> None:
    """ValueError where every channel the drive enters through opens exactly at ``energy``.
    There the leads' coupling Gamma vanishes (a square-root edge) while the disordered wire's G
    stays finite: the lead drive's source is zero and the ladder's vertex, whose leak is that
    coupling, diverges.  The response is continuous from above, with a finite limit (the ratio of
    the couplings; the transmission alone goes to 0), but 0/0 at the edge itself, where a direct
    evaluation returned a silent zero."""
    hits = _threshold_hits(model, np.array([energy], dtype=complex))
    if not hits or hits[0][2] != 0.0:
        return
    below = open_channels(model, energy - 1e-9 * max(1.0, abs(energy)))
    if not _drive_enters(drive, below):
        raise ValueError(f"E = {energy:g} is a {_threshold_name(model, hits[0][0])}, where the only channels the "
                         f"{drive!r} drive enters through open: their coupling to the wire vanishes there and the "
                         "SCBA response is 0/0 (continuous from above, with a finite limit); use an energy slightly "
                         "above it (e.g. + 1e-6)")


def _no_channel_response(model: Model, energy: float, disorder: Disorder, drive: str, channels,
                         field: FieldOptions = DEFAULT_FIELD) -> Response:
    """The SCBA response where no lead the drive raises has an open channel: zero, as for a clean
    wire (nothing enters the wire), without an SCBA solve, which on the real axis outside the
    leads' continuum has nothing to converge on (the wire's bound states make it oscillate)."""
    if field.neutral_leads:
        raise ValueError(NO_CHANNEL_FOR_NEUTRAL_LEADS)
    N, nb = model.lattice.num_sites, len(model.bonds)
    zero_sites, zero_bonds = np.zeros((N, 2, 2), complex), np.zeros((nb, 2, 2), complex)
    info = {**no_screening(model), **field.fields()} if drive == "field" else {}
    r = Response.from_blocks(
        model, zero_sites, zero_bonds, energy=energy, drive=drive, spin_transmission=np.full((2, 2), np.nan),
        open_channels=channels, parameters={"energy": energy, "drive": drive, "disorder": disorder,
                                            "scba_iterations": 0, "no_open_channel": True},
        units=units.of_drive(drive, " (SCBA average)"), **info,
        **accumulation_fields(model, zero_sites, zero_sites))
    r.lead_conductances, r.transmission = (0.0, 0.0), 0.0
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


def sampled_response(model: Model, energy: float, disorder: Disorder, drive: str, *, progress=None,
                     field: FieldOptions = DEFAULT_FIELD) -> Response:
    """Average of the exact response over ``disorder.samples`` seeded realizations, with
    standard errors (``*_stderr`` fields).  Realizations run on threads (the C++ sweeps release
    the GIL), each with its own random stream, so the result does not depend on the number of
    workers.  The field drive screens each realization by its own potential."""
    stats = sample_mean(disorder, lambda k: sample_values(model, energy, disorder, drive, k, field),
                        workers=disorder.workers or os.cpu_count() or 1, progress=progress)
    return averaged_response(model, energy, disorder, drive, stats, field)


def sample_values(model: Model, energy: float, disorder: Disorder, drive: str, k: int,
                  field: FieldOptions = DEFAULT_FIELD) -> dict:
    """The arrays of realization k (drawn from ``SeedSequence(seed, spawn_key=(k,))``): the exact
    response of that realization, with its transmission."""
    rng = np.random.default_rng(sample_stream(disorder, k))
    if disorder.soc:  # spin-orbit hoppings change the device: one per realization
        m, local = realization(model, disorder, rng), None
    else:  # the random potential enters the sweep as a static local term: no device copy
        m, local = model, random_site_blocks(model, disorder, rng)
    sites, bonds, info = _clean_blocks(m, energy, drive, local, field)
    return {**lattice_arrays(model, Response.from_blocks(m, sites, bonds)), "transmission": info["transmission"]}


def averaged_response(model: Model, energy: float, disorder: Disorder, drive: str, stats: RunningMean,
                      field: FieldOptions = DEFAULT_FIELD) -> Response:
    """The Response of the sample statistics ``stats`` (means, and ``*_stderr`` fields), with the
    field drive's options ``field`` (its ``screening_length``, ``neutral_leads`` and
    ``screening_tolerance`` fields; None for other drives)."""
    r = Response(**{k: stats.mean[k] for k in ARRAY_FIELDS}, energy=energy, drive=drive,
                 transmission=float(stats.mean["transmission"]),
                 spin_transmission=np.full((2, 2), np.nan), open_channels=open_channels(model, energy),
                 parameters={"energy": energy, "drive": drive, "disorder": disorder, "samples": stats.count,
                             "seed": disorder.resolved_seed},
                 units=units.of_drive(drive, " (sample average)"))
    for name in (*ARRAY_FIELDS, "transmission"):
        setattr(r, f"{name}_stderr", stats.stderr(name))
    if drive == "field":
        for name, value in field.fields().items():
            setattr(r, name, value)
    r.spin_current_divergence, r.relaxation_source = balance_split(model, r)
    return r


def linear_response(model: Model, energy: float | np.ndarray, *, disorder: Disorder | None = None,
                    drive: str | None = None, lead: str | None = None, temperature: float = 0.0,
                    circuit: str = "closed", screening_length: float | None = None,
                    neutral_leads: bool = False, screening_tolerance: float | None = None) -> Response:
    """Linear response at T = 0 to ``drive`` at the Fermi energy ``energy``.

    Parameters
    ----------
    energy : float or 1-d array
        The Fermi energy.  K energies give one Response with a leading energy axis on every
        per-energy field (``spin_density`` (K, N, 3), ``transmission`` (K,), ...; see
        :func:`batched_response` for what runs in one C++ call).
    drive : "left" (default), "right", "bias" or "field"
        "left"/"right": per unit rise of that lead's chemical potential; "bias": leads at
        +1/2 and -1/2; "field": the bias plus the on-site screening potential that keeps every
        site charge neutral (``Response.screening_potential``), the drive the seeds' formulas
        describe: use it for beta and A of disordered wires.  ``lead=`` is the older spelling
        of "left"/"right".  "thermal": per unit temperature difference of the leads at
        ``temperature`` (> 0), ``circuit`` "closed" or "open" (:mod:`spintex.thermal`).
    disorder : Disorder, optional
        SCBA with vertex corrections, or samples (see :class:`spintex.Disorder`).
    screening_length : float, optional
        drive="field" only: Thomas-Fermi screening over this length (lattice constants) instead of
        perfect neutrality: the potential obeys the lattice Poisson equation with the induced charge,
        permittivity eps/e^2 = nu l^2 (nu the wire's median dn/dmu per site), the leads held at zero
        potential (:func:`spintex.screening.screen`, docs/physics.md section 12).  None or 0:
        perfect screening; large l tends to the bias drive (grounded leads) or to a uniform field
        (``neutral_leads``).
    neutral_leads : bool
        drive="field" only: each lead's band rises with its chemical potential (a metallic
        reservoir stays neutral: potential +1/2 and -1/2), adding the device's static response to
        the leads' band shifts (:meth:`spintex.sea.FermiSea.__call__` with ``lead_shift``) and, with
        a screening length, Dirichlet values +-1/2 at the leads in the Poisson equation.  Default
        False: grounded leads (bands not shifted).  Not for ``PeriodicWire`` or spin-orbit SCBA.
    screening_tolerance : float, optional
        drive="field" only: the charge left (``Response.neutrality``, relative to the unscreened
        charge; with a screening length the Poisson residual) at which the screening stops, and the
        Fermi sea's tolerance (its contour error certified below 0.01 x it,
        ``contour_error_estimate``).  Default 1e-6; allowed 1e-10 ... 1e-2.  The screening's part
        of the torque moves by a few times the tolerance (docs/physics.md section 12); 1e-4 moves
        bench_drives.py's 200 x 6 x 6 bar's torque by 3.5e-6 of its largest value and runs it about
        1.5x faster (one GMRES step and the certifying contour rule fewer; docs/benchmarks.md).

    Without disorder ``ds_i = (1/2pi) Tr[sigma (G^R Gamma_lead G^A)_ii]`` and the particle current
    through every slice boundary equals T / 2pi (Landauer).  An energy with no propagating
    channel gives zero transmission and zero response.
    """
    check_model(model)
    energies = energy_batch(energy, "energy")
    field = FieldOptions.of(drive, screening_length, neutral_leads, screening_tolerance)
    if drive == "thermal":
        from .thermal import thermal_response  # thermal.py builds on this module

        if lead is not None:
            raise ValueError(f"lead={lead!r} applies to the lead drives; drive='thermal' heats both leads")

        def thermal(e):
            return thermal_response(model, e, temperature=temperature, disorder=disorder, circuit=circuit)

        return thermal(energy) if energies is None else each_energy(thermal, energies, "thermal drive")
    if finite_float(temperature, "temperature", nonnegative=True) != 0:
        raise ValueError(f"temperature={temperature!r} applies to drive='thermal' only: the other drives are T = 0")
    if circuit != "closed":
        raise ValueError(f"circuit={circuit!r} applies to drive='thermal' only: the other drives are closed circuits")
    drive = check_drive(drive, lead)
    if energies is not None:
        return batched_response(model, energies, disorder, drive, field)
    energy = finite_float(energy, "energy")
    if disorder is None:
        return clean_response(model, energy, drive, field)
    if check_disorder(disorder).method == "scba":
        return scba_response(model, energy, disorder, drive, field=field)
    return sampled_response(model, energy, disorder, drive, field=field)


def batched_response(model: Model, energies: np.ndarray, disorder: Disorder | None, drive: str,
                     field: FieldOptions = DEFAULT_FIELD) -> Response:
    """:func:`linear_response` at each of K energies as one Response with a leading energy axis.

    Clean lead drives: all energies in one C++ call (OpenMP over energies, GIL released).  The
    field drive (a Fermi sea per energy) and samples: energy by energy.  SCBA: energy by energy,
    each self-consistency started from the previous energy's self-energy (so the batch agrees
    with single-energy calls to within the SCBA tolerance).
    """
    if disorder is None:
        if drive != "field":
            return clean_batch(model, energies, drive)
        return each_energy(lambda e: clean_response(model, e, drive, field), energies, "field drive")
    if check_disorder(disorder).method == "samples":
        return each_energy(lambda e: sampled_response(model, e, disorder, drive, field=field), energies,
                           "disorder samples")
    previous = None

    def solve(e):
        nonlocal previous
        if not disorder.soc and not _drive_enters(drive, open_channels(model, e)):
            return scba_response(model, e, disorder, drive, field=field)  # zero: no solve
        _refuse_opening_threshold(model, e, drive)  # before the solve it would waste
        sol = scba(model, e, disorder, initial=previous)
        previous = sol.self_energy
        return scba_response(model, e, disorder, drive, solution=sol, field=field)

    return each_energy(solve, energies, "SCBA")


def each_energy(solve, energies: np.ndarray, label: str) -> Response:
    """``solve(E)`` at each energy in order, with progress, stacked (:meth:`Response.stack`)."""
    progress = Progress(f"{label}, energy by energy")
    responses = []
    for k, e in enumerate(energies):
        responses.append(solve(float(e)))
        progress(k + 1, len(energies))
    return Response.stack(responses)


# ----------------------------------------------------------------------------- response fields
def open_channels(model: Model, energy: float) -> tuple:
    """Propagating channels (both spins) of the left and right leads at ``energy``."""
    return tuple(_core.Lead(model.lead_cell(side), -model.hopping).open_channels(energy) for side in ("left", "right"))


def pair_lead_conductances(corr: PairCorrelator, C, G, source: str, weights) -> tuple:
    """(g out of the source lead, g into the drain lead) per unit drive from pair blocks of
    C = G Y G^dag and G^R: out of lead a, w_a Tr[Gamma_a A] - Tr[Gamma_a C]; into lead b, Tr[Gamma_b C]
    - w_b Tr[Gamma_b A] (w: the drive's lead weights, A = i(G - G^dag) at the end slice)."""
    drain = "right" if source == "left" else "left"
    w = dict(zip(("left", "right"), weights))
    flows = {}
    for side in ("left", "right"):
        Gs = corr.born.end_slice(G, side)
        A = 1j * (Gs - Gs.conj().T)
        flows[side] = float(np.trace(corr.lead_broadening(side) @ (w[side] * A - corr.born.end_slice(C, side))).real)
    return flows[source], -flows[drain]


def accumulation_fields(model: Model, retarded_sites, rho_sites) -> dict:
    """The local chemical potential of a response and two diagnostics built on it.

    ``local_chemical_potential`` d mu_i = dn_i / (dn/dmu)_i: the shift of the local equilibrium
    that carries the response's density (A/2pi = dn_eq/dmu, A = i(G^R - G^A), exact in SCBA by
    the Ward identity).  ``accumulation_torque`` = d mu_i T[A]_i is its *local* torque.  This is
    a diagnostic, not a correction: the lead-biased wire's density gradient changes the torque
    through the whole (non-local) Fermi-sea response, which the field drive removes exactly;
    fitting ``accumulation_torque`` as a third basis field leaves a 19-22 % error in beta
    (docs/validation.md).  ``spin_accumulation`` is mu_up - mu_down per site along the local n
    (d mu_sigma = dn_sigma / nu_sigma): the spin chemical potential spin-flip scattering relaxes.
    """
    A = 1j * (retarded_sites - np.conj(np.swapaxes(retarded_sites, 1, 2))) / (2 * np.pi)
    spectral = site_observables(model, A)
    response = site_observables(model, rho_sites)
    dos = spectral["charge_density"]
    mu = np.divide(response["charge_density"], dos, out=np.zeros_like(dos), where=dos > 0)
    n = model.texture_vectors
    mu_spin = []
    for sign in (1, -1):
        nu_s = 0.5 * (dos + sign * np.einsum("na,na->n", spectral["spin_density"], n))
        dn_s = 0.5 * (response["charge_density"] + sign * np.einsum("na,na->n", response["spin_density"], n))
        mu_spin.append(np.divide(dn_s, nu_s, out=np.zeros_like(dos), where=nu_s > 1e-12 * dos.max()))
    return {"local_chemical_potential": mu, "accumulation_torque": mu[:, None] * spectral["torque"],
            "spin_accumulation": mu_spin[0] - mu_spin[1]}


def balance_split(model: Model, r):
    """Per slice: T_slice + Z_slice = (J_in - J_out)/2 + R (CONVENTIONS.md, spin current in units
    of sigma/2), with T = M n x s the exchange torque and Z = b x s that of the Zeeman field b
    (H = -(M n + b) . sigma rotates the spin about M n + b; CONVENTIONS.md's balance has b = 0).
    Returns (spin-current divergence (J_in - J_out)/2, relaxation source R), each (num_slices, 3);
    NaN on the two end slices, whose lead currents are not resolved.  R vanishes without spin
    relaxation (magnetic or spin-orbit impurities), with or without a Zeeman field."""
    L = model.lattice.num_slices
    zeeman = np.cross(model.zeeman, r.spin_density)
    per_slice = np.array([r.torque[s].sum(axis=0) + zeeman[s].sum(axis=0) for s in model.lattice.slices])
    div = np.full((L, 3), np.nan)
    div[1:-1] = 0.5 * (r.spin_current[:-1] - r.spin_current[1:])
    return div, per_slice - div


def warn_if_not_field_driven(response) -> None:
    """fit_torque's check: a disordered response driven by the leads alone carries the Fermi-sea
    torque of its density gradient, which is not current-induced."""
    params = getattr(response, "parameters", {}) or {}
    screened = getattr(response, "drive", "field") == "field" or params.get("screened", False)
    if params.get("disorder") is not None and not screened:
        warnings.warn(
            f"fitting the torque of a disordered response driven by {response.drive!r}: without "
            "screening the diffusive wire builds a density gradient whose Fermi-sea torque is not "
            "current-induced (it shifts beta by 10-20 %); use linear_response(..., drive='field')",
            UserWarning, stacklevel=3)
