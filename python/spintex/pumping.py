"""Moving textures: texture velocities, the force conjugate to a motion, and adiabatic pumping.

A texture moving as n_i(t) = n_i + v_i t (v_i = dn_i/dX per unit rate dX/dt, tangent to the
sphere) perturbs the electrons by  Lambda = dH/dX = -sum_i M_i v_i . sigma_i.  To first order in
the rate, at T = 0 (Kubo-Bastin; docs/physics.md section 13) an observable O responds as
dX/dt times

    K_O = (1/2pi) Tr[O G^R Lambda G^A] - (1/2pi) Re Tr[O G^R Lambda G^R]                (Fermi surface)
          - (1/2pi) int dE f(E) Re Tr[O (dG^R/dE Lambda G^R - G^R Lambda dG^R/dE)]      (Fermi sea)

i.e. a density-matrix response rho = (1/2pi)[X_RA - Herm X_RR] - (1/2pi) Herm Y_sea, with
X_RA = G Lambda G^dag, X_RR = G Lambda G and Y_sea = sum_k w_k (d1 - d2) X(z_k) on the contour of
:func:`spintex.keldysh.sea_contour`, X(z', z) = G(z') Lambda G(z) and d1, d2 its derivatives in
the two energies.  Since d1 + d2 is the total derivative of X(z, z), whose contour integral is
X_RR(E_F) - X(E_b), this is computed as rho = (1/2pi) X_RA - (1/2pi) Herm [2 sum_k w_k d1X(z_k) +
X(E_b)] (the RR term cancels; E_b is the contour's real bottom end, below the spectrum), with
d1X by central differences of the two-energy product ``_core.mixed_sea_response``.  In SCBA
every product carries its ladder (RA, and mixed-energy RR), the conserving response.

The particles emitted into lead a per unit dX (the emissivity; Brouwer's formula) are
E_a = (1/2pi) Tr[Gamma_a (G Lambda G^dag)_{aa}] (with the ladder in SCBA): only the Fermi-surface
RA product reaches the leads.  Inside the device the response obeys continuity: the slice
currents change by the density rate dn_i/dt = (static response to Lambda)_i.

``screened=True`` adds the potential that keeps every site neutral while the texture moves
(the counterpart of the field drive): Lambda -> Lambda + u with n[rho_sea[Lambda + u]] = 0.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _core
from ._validate import available_memory, boolean, check_disorder, check_model, energy_batch, finite_float, real_array
from .disorder import Disorder, PairCorrelator, born_map, lattice_arrays, sample_mean, sample_model, solve_ladder
from .analysis import texture_gradient
from .integration import Progress
from .model import IDENTITY2, PAULI, Model
from .observables import ARRAY_FIELDS, Response, site_observables
from .response import each_energy, fermi_level_system, open_channels
from .sea import FermiSea, correlator_bytes, pair_correlator_bytes
from .screening import check_screening_length, screening_potential
from . import units


# ----------------------------------------------------------------------------- velocities
def texture_velocity(model: Model, kind: str = "translation", *, direction=(1.0, 0.0, 0.0), axis=(0.0, 0.0, 1.0),
                     step: float = 1e-4) -> np.ndarray:
    """Velocity field v_i = dn_i/dX (N, 3) of a rigid motion of the texture at unit rate.

    ``"translation"``: the texture moves along ``direction`` at unit velocity,
    v = -(direction . grad) n; with a texture callable the derivative is a central difference of
    the callable (step ``step``, error O(step^2)), otherwise of the lattice values; either way the
    O(h^2) part along n is projected out (v . n = 0 exactly: a longitudinal part would pump
    spuriously through the large longitudinal response).
    ``"rotation"``: rotation about ``axis`` at unit angular velocity, v = axis x n.
    """
    check_model(model)
    n = model.texture_vectors
    if kind == "rotation":
        a = np.asarray(axis, dtype=float)
        if a.shape != (3,) or not np.all(np.isfinite(a)) or not np.linalg.norm(a) > 0:
            raise ValueError(f"axis must be a finite non-zero 3-vector, got {axis!r}")
        return np.cross(a / np.linalg.norm(a), n)
    if kind != "translation":
        raise ValueError(f"kind must be 'translation' or 'rotation', got {kind!r}")
    d = np.asarray(direction, dtype=float)
    if d.shape != (3,) or not np.all(np.isfinite(d)) or not np.linalg.norm(d) > 0:
        raise ValueError(f"direction must be a finite non-zero 3-vector, got {direction!r}")
    d = d / np.linalg.norm(d)
    dim = model.lattice.dim
    if np.any(np.abs(d[dim:]) > 1e-12):
        raise ValueError(f"direction {tuple(direction)} leaves the {dim}D lattice")
    positions = model.lattice.positions
    if model.texture_function is not None:
        h = finite_float(step, "step", positive=True)
        shift = h * d[:dim]
        f = model.texture_function
        grad = (np.asarray(f(positions + shift), float) - np.asarray(f(positions - shift), float)) / (2 * h)
    else:
        grad = _lattice_gradient(model, d)
    v = -grad
    return v - np.einsum("na,na->n", v, n)[:, None] * n


def _lattice_gradient(model: Model, d: np.ndarray) -> np.ndarray:
    """(d . grad) n by central differences on the lattice (one-sided at the edges)."""
    return sum(d[a] * texture_gradient(model, a) for a in range(model.lattice.dim) if d[a])


def check_velocity(model: Model, velocity) -> np.ndarray:
    """A real (N, 3) velocity field tangent to the texture (v_i . n_i = 0)."""
    check_model(model)
    v = np.asarray(velocity)
    N = model.lattice.num_sites
    if v.shape != (N, 3):
        raise ValueError(f"velocity must have shape ({N}, 3), got {v.shape}")
    if np.iscomplexobj(v) or not np.all(np.isfinite(v)):
        raise ValueError("velocity must be a finite real array")
    v = v.astype(float)
    along = np.abs(np.einsum("na,na->n", v, model.texture_vectors))
    if along.max(initial=0.0) > 1e-9 * max(np.abs(v).max(), 1e-300):
        raise ValueError(f"velocity must be tangent to the texture (v . n = 0; largest |v . n| = {along.max():.3g} "
                         f"at site {int(along.argmax())}); project it: v - (v . n) n")
    return v


def perturbation(model: Model, velocity) -> np.ndarray:
    """dH/dX = -M_i v_i . sigma as site blocks (N, 2, 2)."""
    v = check_velocity(model, velocity)
    return -np.einsum("n,na,aij->nij", model.exchange, v, PAULI)


def texture_force(model: Model, response, velocity) -> float:
    """The generalized force -<dH/dX> = M sum_i v_i . s_i conjugate to the motion ``velocity``
    (for a Response per unit drive: the force per unit drive)."""
    v = check_velocity(model, velocity)
    s = real_array(getattr(response, "spin_density", response), "response (a Response or its (N, 3) spin density)")
    if s.shape != v.shape:
        raise ValueError(f"response must be a Response or a spin density of shape {v.shape}, got shape {s.shape}")
    return float(np.einsum("n,na,na->", model.exchange, v, s))


# ----------------------------------------------------------------------------- pumping
def _dressed(corr, born, source, pairing, vertex_corrections=True, tolerance: float = 1e-12):
    """(sites, bonds_ji, bonds_ij) of the ladder-dressed product (bare without disorder).  A
    correlator on site pairs (spin-orbit impurities: ``num_sites`` set) takes and returns blocks on
    all pairs, the sites first; only those are kept."""
    if born is None or not vertex_corrections:
        out = corr.apply_both(source, 0.0, 0.0, pairing)
    else:
        lad = solve_ladder(corr, born, source=source, pairing=pairing, reverse_bonds=True, tolerance=tolerance,
                           restart=20 if pairing == "RR" else 200)
        out = lad.sites, lad.bonds, lad.bonds_ij
    n = getattr(corr, "num_sites", None)
    return (out[0] if n is None else out[0][:n]), out[1], out[2]


def _on_pairs(corr, U):
    """The site source U (N, 2, 2) as the correlator takes it: on all site pairs for a pair correlator."""
    return corr.pair_source(U) if isinstance(corr, PairCorrelator) else U


def _hermitian(sites, bji, bij):
    """Site and bond blocks (ji) of (Y + Y^dag)/2 from the blocks of Y."""
    dag = lambda x: np.conj(np.swapaxes(x, 1, 2))  # noqa: E731
    return 0.5 * (sites + dag(sites)), 0.5 * (bji + dag(bij))


def _fermi_level_system(model: Model, energy: float, disorder: Disorder | None):
    """(correlator, Born map or None) at the real Fermi energy, with the SCBA self-energy."""
    if disorder is None:
        return _core.Correlator(model.device, energy), None
    corr, born, _ = fermi_level_system(model, energy, disorder)  # (on site pairs with spin-orbit impurities)
    return corr, born


def _retarded_advanced(corr, born, source, vertex_corrections: bool = True):
    """Site and bond blocks of the (dressed) G source G^dag and the emission (1/2pi) Tr[Gamma_a C_aa]."""
    if born is not None and vertex_corrections:
        source = source + born(solve_ladder(corr, born, source=source, pairing="RA").sites)
    sites, bonds, _, traces = corr.apply_all(source, 0.0, 0.0, "RA")
    return sites, bonds, tuple(float(np.real(t)) / (2 * np.pi) for t in traces)


def fermi_surface_response(model: Model, energy: float, disorder: Disorder | None, source, *,
                           vertex_corrections: bool = True, retarded_retarded: bool = True):
    """The Fermi-surface part of the rate-linear response to dH/dX = ``source`` (N, 2, 2):
    site and bond blocks of (1/2pi)[X_RA - Herm X_RR] and the emission into the two leads
    (gilbert_damping and pumping share it).  ``retarded_retarded=False``: (1/2pi) X_RA alone
    (pumping's Fermi-sea sum in its total-derivative form cancels the RR term, :func:`_sea`)."""
    corr, born = _fermi_level_system(model, energy, disorder)
    source = _on_pairs(corr, source)
    ra_s, ra_b, emitted = _retarded_advanced(corr, born, source, vertex_corrections)
    if not retarded_retarded:
        return ra_s / (2 * np.pi), ra_b / (2 * np.pi), emitted
    rr_s, rr_b = _hermitian(*_dressed(corr, born, source, "RR", vertex_corrections))
    return (ra_s - rr_s) / (2 * np.pi), (ra_b - rr_b) / (2 * np.pi), emitted


def _screened(sea: FermiSea, Lam, density_rate, screening_length: float = 0.0):
    """Lambda + u with u the potential that cancels ``density_rate`` (n[rho_sea[Lambda]]), and the
    GMRES iteration count: the motion of a charge-neutral metal (``screening_length`` > 0: of a
    metal that screens over that length, :func:`spintex.screening.screen`)."""
    u, iterations = screening_potential(sea, density_rate, screening_length=screening_length)
    return Lam + u[:, None, None] * IDENTITY2, u, iterations


def check_memory(model: Model, nodes: int = 24, disorder: Disorder | None = None) -> None:
    """MemoryError before any work if the correlators pumping holds at once would not fit in the
    available memory: the sea's first and half rules (1.5 x ``nodes``, at least), the rule's nodes
    shifted to z +- h (2 x ``nodes``), the contour's bottom end and one per thread.  (The Fermi
    sea alone can sweep its correlators again instead of keeping them; pumping's mixed products
    pair correlators at two energies and cannot.)  With spin-orbit impurities (``disorder``) the
    block sweeps on site pairs."""
    if disorder is not None and disorder.soc:
        each = pair_correlator_bytes(model, len(born_map(model, disorder).pairs))
    else:
        each = correlator_bytes(model)
    need = (nodes + nodes // 2 + 2 * nodes + 1 + (os.cpu_count() or 1)) * each
    available = available_memory()
    if available is not None and need > available:
        raise MemoryError(f"pumping on this model holds at least {need / 1e9:.3g} GB of correlators "
                          f"({each / 1e9:.3g} GB each; {available / 1e9:.3g} GB available): "
                          "use a shorter or narrower system, or the emission alone (spintex.pumping.emission)")


def _sea(sea: FermiSea, Lam, relative_step: float = 1e-3):
    """Fermi-sea blocks of the pumping response in the total-derivative form (docs/physics.md,
    section 13):  -(1/2pi) Herm [2 sum_k w_k d1X(z_k) + X(E_b)],  with X(z', z) = G(z')
    (Lambda + S[X]) G(z) the (mixed-energy, ladder-dressed) RR product and d1 its derivative in
    the first energy, by central differences at z_k +- h, h = relative_step x Im z_k.

    Kubo-Bastin's sea term is -(1/2pi) Herm sum_k w_k (d1 - d2)X(z_k); d1 + d2 is the total
    derivative of Y(z) = X(z, z), whose contour integral is Y(E_F) - Y(E_b): the first cancels
    the Fermi-surface RR term (:func:`fermi_surface_response` with ``retarded_retarded=False``),
    the second is the Hermitian RR product at the contour's real bottom end E_b (below the
    spectrum).  Two mixed ladders per node instead of four, and no RR ladder at E_F."""
    steps = relative_step * np.minimum(sea.nodes.imag, 1.0)
    plus, minus = _shifted(sea, steps)
    bottom = _bottom_correlator(sea)
    here = list(sea.correlators)
    # 2 d1X = [X(z + h, z) - X(z - h, z)] / h, and X(E_b, E_b) with weight 1
    pairs = [*zip(plus, here), *zip(minus, here), (bottom, bottom)]
    w = np.asarray(sea.weights) / steps
    weights = np.concatenate([w, -w, [1.0]])
    if all(isinstance(c, _core.Correlator) for pair in pairs for c in pair):
        # every mixed ladder in one core call, pairs in parallel
        born = sea.borns[0]  # None without disorder
        K = None if born is None else np.ascontiguousarray(born.superoperator)
        # the central differences divide the ladders' errors by h / Im z = 1e-3: residuals 100x below
        # the sea's (measured on the chain: 1e-12 -> 1e-9 changes the response by 3e-9)
        total: list = list(_core.mixed_sea_response([a for a, _ in pairs], [b for _, b in pairs], weights, K,
                                                    np.ascontiguousarray(Lam, dtype=complex),
                                                    tolerance=0.01 * sea.ladder_tolerance, restart=20)[:3])
    else:  # site pairs (spin-orbit impurities): the ladders in Python over the pairs' block sweeps
        borns = [*sea.borns, *sea.borns, sea.borns[0]]
        tol = 0.01 * sea.ladder_tolerance  # (as in the core call above)

        def dressed(k):
            a, b = pairs[k]
            return _dressed(a.mixed(b), borns[k], a.pair_source(Lam), "RR", tolerance=tol)

        total = [0.0, 0.0, 0.0]  # sites, bonds_ji, bonds_ij
        with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(pairs)))) as pool:
            for wk, d in zip(weights, pool.map(dressed, range(len(pairs)))):  # (the sweeps release the GIL)
                for j in range(3):
                    total[j] = total[j] + wk * d[j]
    s, b = _hermitian(*total)
    return -s / (2 * np.pi), -b / (2 * np.pi)


def _bottom_correlator(sea: FermiSea):
    """The correlator at the contour's bottom end E_b (real, below the spectrum), with the SCBA
    self-energy there (started from the nearest node's)."""
    return sea.systems_at(np.array([complex(sea.bottom)]), [sea.self_energies[-1]])[0]


def _shifted(sea: FermiSea, steps):
    """Correlators at z_k + h_k and z_k - h_k, each SCBA started from Sigma(z_k) +- h_k dSigma/dz
    (the slope of the polynomial through the rule's self-energies, :meth:`FermiSea.sigma_slope`:
    close to the solution, so a node needs one or two iterations).  The guess only starts the
    iteration: every self-energy is solved to the SCBA tolerance (docs/physics.md, section 13)."""
    shifted = np.concatenate([sea.nodes + steps, sea.nodes - steps])
    n = sea.nodes.size
    if sea.disorder is None:
        guesses = [None] * (2 * n)
    else:
        sigma, slope = np.asarray(sea.self_energies), sea.sigma_slope()
        h = steps.reshape(-1, *[1] * (sigma.ndim - 1))
        guesses = [*(sigma + h * slope), *(sigma - h * slope)]
    out = sea.systems_at(shifted, guesses)  # (one core call, nodes in parallel, for the local self-energy)
    return out[:n], out[n:]


def pumping(model: Model, energy: float | np.ndarray, velocity, *, disorder: Disorder | None = None,
            screened: bool = False, screening_length: float | None = None) -> Response:
    """Adiabatic pumping response per unit rate of the motion ``velocity`` (dn/dX, (N, 3)).

    Both leads at ``energy``, T = 0 (an array of K energies: one Response with a leading energy
    axis, energy by energy).  Returns a :class:`Response` (``drive="pumping"``) whose
    arrays are the rate-linear densities, torques and currents (Kubo-Bastin, see the module
    docstring), with ``emission`` = particles emitted into the (left, right) lead per unit rate
    and ``density_rate`` = dn_i/dt.  ``current[0]`` is the current through the first slice
    boundary (left to right).  It equals the current leaving the left lead, -emission[0], (and
    ``current[-1]`` the current entering the right lead, emission[1]) only as far as the density
    of the end slices and of the leads does not change: a clean 1D wire's Friedel oscillations
    carry a moving texture's density change into the leads (a translating lambda = 3 wall 30
    sites from them, M = 0.6, E = -0.7: current[0] = -3.4e-6 against -emission[0] = 9.4e-8,
    the device's charge changing by 4.7e-6 per unit displacement, while density_rate
    agrees with finite differences of st.equilibrium to 5e-8); a rotating wall, whose density
    does not move, satisfies it to 3e-6.  In between they differ by the density rate.  ``screened=True``: a
    charge-neutral metal, with ``screening_potential`` u (per unit rate); with ``screening_length``
    l, a metal that screens over l (the Poisson equation of linear_response's field drive, grounded
    leads), the reciprocal of that field drive.  Disorder: clean, SCBA
    (vertex corrections in every product; with spin-orbit impurities on site pairs, where part of
    the current flows through the averaged corner hops, so ``current`` of the lattice bonds is not
    conserved through the wire and ``emission`` gives the lead currents; docs/physics.md section
    13), or samples (each realization exact, averaged with ``*_stderr`` fields and
    ``emission_stderr``).
    """
    check_model(model)
    energies = energy_batch(energy, "energy")
    screened, length = _screening(screened, screening_length)
    if energies is not None:  # energy by energy (a Fermi sea each)
        return each_energy(lambda e: pumping(model, e, velocity, disorder=disorder, screened=screened,
                                             screening_length=screening_length), energies, "pumping")
    energy = finite_float(energy, "energy")
    check_disorder(disorder)
    if disorder is not None and disorder.method == "samples":
        return _sampled_pumping(model, energy, velocity, disorder, screened, length)
    Lam = perturbation(model, velocity)
    check_memory(model, disorder=disorder)
    parts, progress = 5 if screened else 4, Progress("pumping", unit="parts", estimate=False)
    sea = FermiSea(model, energy, disorder, keep_correlators=True)
    progress(1, parts, "(the Fermi sea's contour)")
    check_memory(model, sea.nodes.size, disorder)  # (a clean sea at a threshold may have grown far beyond 24)
    density_rate = site_observables(model, sea(Lam, bonds=False)[0])["charge_density"]
    progress(2, parts, "(the density rate)")
    extra = {}
    if screened:
        Lam, u, iterations = _screened(sea, Lam, density_rate, length)
        extra = {"screening_potential": u, "screening_iterations": iterations, "screening_length": length}
        density_rate = site_observables(model, sea(Lam, bonds=False)[0])["charge_density"]
        progress(3, parts, "(the screening)")
    fs_sites, fs_bonds, emitted = fermi_surface_response(model, energy, disorder, Lam, retarded_retarded=False)
    progress(parts - 1, parts, "(the Fermi surface)")
    sea_sites, sea_bonds = _sea(sea, Lam)
    progress(parts, parts, "(the Fermi sea's Kubo-Bastin term)")
    params = {"energy": energy, "drive": "pumping", "disorder": disorder, "screened": screened,
              "contour_nodes": sea.nodes.size}
    return Response.from_blocks(
        model, fs_sites + sea_sites, fs_bonds + sea_bonds, energy=energy, drive="pumping",
        transmission=float("nan"), spin_transmission=np.full((2, 2), np.nan),
        open_channels=open_channels(model, energy), emission=emitted, density_rate=density_rate,
        parameters=params, units=units.PUMPING, **extra)


def _sampled_pumping(model, energy, velocity, disorder, screened, length):
    """The exact pumping response of each seeded realization, averaged with standard errors."""
    def one(k):
        r = pumping(sample_model(model, disorder, k), energy, velocity, screened=screened,
                    screening_length=length if screened else None)
        return {**lattice_arrays(model, r), "emission": np.array(r.emission), "density_rate": r.density_rate}

    stats = sample_mean(disorder, one, label="pumping samples")
    out = Response(**{f: stats.mean[f] for f in ARRAY_FIELDS}, energy=energy, drive="pumping",
                   transmission=float("nan"), spin_transmission=np.full((2, 2), np.nan),
                   open_channels=open_channels(model, energy), emission=tuple(stats.mean["emission"]),
                   density_rate=stats.mean["density_rate"], units=units.PUMPING + " (sample average)",
                   parameters={"energy": energy, "drive": "pumping", "disorder": disorder, "screened": screened,
                               "samples": stats.count, "seed": disorder.resolved_seed})
    for f in ARRAY_FIELDS:
        setattr(out, f"{f}_stderr", stats.stderr(f))
    out.emission_stderr = tuple(stats.stderr("emission"))
    out.screening_length = length if screened else None
    return out


def _screening(screened, screening_length) -> tuple:
    """(screened, screening length) checked: a length applies to screened motion only."""
    screened = boolean(screened, "screened")
    if screening_length is not None and not screened:
        raise ValueError(f"screening_length={screening_length!r} applies to screened=True only")
    return screened, check_screening_length(screening_length)


def emission(model: Model, energy: float, velocity, *, disorder: Disorder | None = None,
             screened: bool = False, screening_length: float | None = None) -> tuple:
    """Particles emitted into the (left, right) lead per unit rate of ``velocity``: the Fermi-
    surface part of :func:`pumping` alone (cheap: one correlation, plus the screening potential
    when ``screened``).  With ``Disorder(method="samples")`` the mean over the seeded
    realizations (the emission of :func:`pumping`'s sample average).  ``screening_length``: as in
    :func:`pumping`."""
    energy = finite_float(energy, "energy")
    screened, length = _screening(screened, screening_length)
    check_disorder(disorder)
    if disorder is not None and disorder.method == "samples":
        check_velocity(model, velocity)
        stats = sample_mean(disorder, lambda k: {"emission": np.array(
            emission(sample_model(model, disorder, k), energy, velocity, screened=screened,
                     screening_length=length if screened else None))}, label="emission samples")
        return tuple(float(e) for e in stats.mean["emission"])
    Lam = perturbation(model, velocity)
    if disorder is not None and not any(open_channels(model, energy)):
        return (0.0, 0.0)  # no lead takes particles, and no real-axis SCBA there (clean: zero anyway, Gamma = 0)
    if screened:
        sea = FermiSea(model, energy, disorder)
        Lam = _screened(sea, Lam, site_observables(model, sea(Lam, bonds=False)[0])["charge_density"], length)[0]
    corr, born = _fermi_level_system(model, energy, disorder)
    return _retarded_advanced(corr, born, _on_pairs(corr, Lam))[2]
