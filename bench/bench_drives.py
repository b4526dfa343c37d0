"""Cost of the drives: the charge-neutral field drive against the bias drive (with the split into
the Fermi-surface ladder, the Fermi-sea build and the screening solve), with neutral leads, the
local (gradient expansion) screening against the full one, and pumping against linear_response,
on SCBA systems.

    python bench/bench_drives.py [--quick] [--omp-threads 2] [--repeats 1] [--tolerances] [--spin-orbit]

Figures printed (ratios from one run, on a possibly shared machine: wall and CPU seconds, and the
CPUs other processes kept busy), never part of the tests.
"""
from _timing import best_of, parse_and_set_threads

def _options(p):
    p.add_argument("--tolerances", action="store_true",
                   help="the bar's field drive only, split at several Fermi-sea and screening tolerances "
                        "(what the accuracy costs)")
    p.add_argument("--spin-orbit", action="store_true",
                   help="only the field drive and pumping against the bias drive with spin-orbit impurities in "
                        "SCBA (their Fermi sea on site pairs), on a periodic 88 x 4 x 4 bar, with the split")


args = parse_and_set_threads(__doc__.splitlines()[0], _options)

import time  # noqa: E402

import numpy as np  # noqa: E402

import spintex as st  # noqa: E402
from spintex.model import IDENTITY2  # noqa: E402
from spintex.observables import State  # noqa: E402
from spintex.pumping import emission  # noqa: E402
from spintex.sea import FermiSea  # noqa: E402
from spintex.screening import screen  # noqa: E402

repeats = args.repeats or (1 if args.quick else 2)


def timed(fn):
    """(result, wall seconds, CPU seconds of this process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def field_split(model, energy, disorder):
    """The parts of one field drive, each (wall, CPU) seconds: bias (SCBA + RA ladder), Fermi-sea
    build (SCBA at the contour nodes of two levels, bare probes), screening GMRES (one contour sum of
    RR ladders per step, the blocks kept: no final sum), and the screening potential."""
    bias, *t_bias = timed(lambda: st.linear_response(model, energy, disorder=disorder, drive="bias"))
    sea, *t_sea = timed(lambda: FermiSea(model, energy, disorder))
    (u, steps, _, _), *t_screen = timed(lambda: screen(sea, bias.charge_density))
    return bias, sea, (t_bias, t_sea, t_screen), steps, u


def local_screening(model, bias, sea):
    """The gradient expansion's leading term: u_i = dn_i / (dn/dmu)_i = the local chemical potential
    of the bias response (dn/dmu = A_ii/2pi, the SCBA local DOS), one contour sum.  Returns the
    torque and charge density of bias + rho_sea[u]."""
    u = bias.local_chemical_potential
    sea_part = State.from_blocks(model, *sea(u[:, None, None] * IDENTITY2))
    return bias.torque + sea_part.torque, bias.charge_density + sea_part.charge_density


cases = [("chain 2001, Neel wall 100", st.Model(st.lattice.chain(2001), exchange=0.5,
                                                texture=st.textures.neel_wall(1000, 100)),
          -0.8, st.Disorder(onsite=0.05, magnetic=(0.005, 0.005)))]
if not args.quick:
    cases.append(("bar 200x6x6, Neel wall 20", st.Model(st.lattice.bar(200, 6, 6), exchange=0.5,
                                                       texture=st.textures.neel_wall(100, 20)),
                  -2.5, st.Disorder(onsite=0.1, magnetic=(0.01, 0.01))))

print(f"OMP_NUM_THREADS={args.omp_threads}, BLAS threads={args.blas_threads}, best of {repeats}")


def tolerance_table(model, energy, disorder):
    """The field drive at (Fermi-sea tolerance, screening tolerance) pairs, one run each: nodes, steps,
    time over the bias part, the torque against the default (1e-6, 1e-6) relative to its largest value,
    and the charge left (the neutrality) relative to the unscreened charge."""
    b, tb, _ = timed(lambda: st.linear_response(model, energy, disorder=disorder, drive="bias"))
    print(f"    bias part {tb:.2f} s")
    reference = None
    for sea_tol, screen_tol in [(1e-6, 1e-6), (1e-6, 1e-4), (1e-5, 1e-5), (1e-4, 1e-4)]:
        sea, ts, _ = timed(lambda: FermiSea(model, energy, disorder, tolerance=sea_tol))
        (_, steps, sites, bonds), tg, _ = timed(lambda: screen(sea, b.charge_density, tolerance=screen_tol))
        part = State.from_blocks(model, sites, bonds)
        torque, charge = b.torque + part.torque, b.charge_density + part.charge_density
        reference = torque if reference is None else reference
        print(f"    sea {sea_tol:g}, screening {screen_tol:g}: {sea.nodes.size} nodes, {steps} steps, sea {ts:.1f} s, "
              f"screening {tg:.1f} s, total {(tb + ts + tg) / tb:.2f}x the bias part; torque moved by "
              f"{np.abs(torque - reference).max() / np.abs(reference).max():.1e}, charge left "
              f"{np.abs(charge).max() / np.abs(b.charge_density).max():.1e}")
        sea = None  # release its correlators before the next rule is built


def spin_orbit_split():
    """The field drive with spin-orbit impurities (notebook relaxation_torque, part B, w = 6): the
    bias drive, the Fermi sea on site pairs (SCBA at every node in Python), the screening and the
    sea's terms of the spin balance (one more contour sum), each wall / CPU seconds."""
    lat = st.lattice.bar(88, 4, 4, periodic=True)
    profile = np.exp(-0.5 * ((lat.positions[:, 0] - 43.5) / 6.0) ** 2)
    model = st.Model(lat, exchange=0.5, texture=(1.0, 0.0, 0.0))
    disorder = st.Disorder(onsite=1.0 + 0.5 * profile, soc=0.01)
    bias = best_of(lambda: st.linear_response(model, -3.0, disorder=disorder, drive="bias"), repeats)
    field = best_of(lambda: st.linear_response(model, -3.0, disorder=disorder, drive="field"), repeats)
    print(f"periodic bar 88x4x4, spin-orbit SCBA: bias {bias.seconds:.2f} s, field {field.seconds:.2f} s, ratio "
          f"{field.seconds / bias.seconds:.1f}x (wall; other load {bias.other:.1f} / {field.other:.1f} CPUs; this "
          f"process {bias.cpu:.1f} / {field.cpu:.1f} CPUs)")
    b, sea, (tb, ts, tg), steps, u = field_split(model, -3.0, disorder)
    _, *tp = timed(lambda: sea.pair_terms(u[:, None, None] * IDENTITY2))
    print(f"    split (wall / CPU s): bias part {tb[0]:.2f} / {tb[1]:.2f}, Fermi-sea build ({sea.nodes.size} nodes) "
          f"{ts[0]:.2f} / {ts[1]:.2f}, screening ({steps} steps) {tg[0]:.2f} / {tg[1]:.2f}, the sea's spin-balance "
          f"terms (pair_terms) {tp[0]:.2f} / {tp[1]:.2f}")
    v = st.texture_velocity(model, "rotation", axis=(0.0, 0.0, 1.0))  # (the texture is uniform: no translation)
    pump = best_of(lambda: st.pumping(model, -3.0, v, disorder=disorder), 1)
    em = best_of(lambda: emission(model, -3.0, v, disorder=disorder), repeats)
    print(f"    pumping (rotation about z, on the pairs): full Kubo-Bastin {pump.seconds:.2f} s "
          f"({pump.seconds / bias.seconds:.1f}x the bias drive), emission {em.seconds:.2f} s "
          f"({em.seconds / bias.seconds:.2f}x)")


if args.spin_orbit:
    spin_orbit_split()
    raise SystemExit
if args.tolerances:
    label, model, energy, disorder = cases[-1]
    print(f"{label}: what the accuracy costs")
    tolerance_table(model, energy, disorder)
    raise SystemExit
for label, model, energy, disorder in cases:
    bias = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="bias"), repeats)
    field = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="field"), repeats)
    print(f"{label}: bias {bias.seconds:.2f} s, field {field.seconds:.2f} s, ratio {field.seconds / bias.seconds:.1f}x "
          f"(wall; other load {bias.other:.1f} / {field.other:.1f} CPUs; this process {bias.cpu:.1f} / "
          f"{field.cpu:.1f} CPUs)")
    loose = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="field",
                                               screening_tolerance=1e-4), repeats)
    moved = np.abs(loose.result.torque - field.result.torque).max() / np.abs(field.result.torque).max()
    print(f"    screening_tolerance=1e-4 (the issue's neutrality): field {loose.seconds:.2f} s, ratio "
          f"{loose.seconds / bias.seconds:.1f}x; neutrality {loose.result.neutrality:.1e}, torque moved by {moved:.1e} "
          f"of its largest value")
    neutral = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="field", neutral_leads=True),
                      repeats)
    print(f"    neutral leads: field drive {neutral.seconds:.2f} s, {neutral.seconds / field.seconds:.2f}x the "
          f"grounded one (the band-shift response: one more contour sum of RR ladders)")
    b, sea, (tb, ts, tg), steps, _ = field_split(model, energy, disorder)
    kernel = sea.cache.get("bulk_kernel")
    total = [tb[k] + ts[k] + tg[k] for k in range(2)]
    coarser = ", ".join(str(r[0].size) for _, r in sea._coarser)
    print(f"    split (wall / CPU s): bias part {tb[0]:.2f} / {tb[1]:.2f}, Fermi-sea build ({sea.nodes.size} nodes, "
          f"coarser rules {coarser}) {ts[0]:.2f} / {ts[1]:.2f}, screening ({steps} GMRES steps) "
          f"{tg[0]:.2f} / {tg[1]:.2f}; total {total[0]:.2f} / {total[1]:.2f} = {total[0] / tb[0]:.1f}x / "
          f"{total[1] / tb[1]:.1f}x the bias part")
    (_, local_steps, _, _), *tloc = timed(lambda: screen(sea, b.charge_density, preconditioner="local"))
    probes = "none" if kernel is None else (f"range {kernel.range} slices, " + (
        f"{kernel.probes} probes" if kernel.probes else "from the slice columns"))
    print(f"    screening preconditioner: bulk kernel ({probes}), {steps} steps incl. the kernel's cost "
          f"{tg[0]:.2f} / {tg[1]:.2f} s; local compressibility {local_steps} steps {tloc[0]:.2f} / {tloc[1]:.2f} s")
    if "chain" in label:
        full = st.linear_response(model, energy, disorder=disorder, drive="field")
        fit = st.fit_torque(model, full)
        (torque, charge), *tl = timed(lambda: local_screening(model, b, sea))
        loc = st.fit_torque(model, torque)
        inner = slice(model.lattice.num_sites // 10, -model.lattice.num_sites // 10)
        scale = np.abs(b.charge_density).max()
        print(f"    local screening u = dn/(dn/dmu): one contour sum {tl[0]:.2f} / {tl[1]:.2f} s against "
              f"{tg[0]:.2f} / {tg[1]:.2f} for the GMRES; beta {loc.beta:.6f} vs {fit.beta:.6f} "
              f"({loc.beta / fit.beta - 1:+.2e}), A {loc.adiabatic:.6f} vs {fit.adiabatic:.6f} "
              f"({loc.adiabatic / fit.adiabatic - 1:+.2e}); charge left max {np.abs(charge).max() / scale:.2e}, "
              f"inner 80 % {np.abs(charge[inner]).max() / scale:.2e} (full: {full.neutrality:.1e})")
        strict_sea = FermiSea(model, energy, disorder, tolerance=1e-10)
        strict = screen(strict_sea, b.charge_density, tolerance=1e-10)
        ref = st.fit_torque(model, b.torque + State.from_blocks(model, strict[2], strict[3]).torque)
        print(f"    default against a strict solve (contour and screening tolerance 1e-10, "
              f"{strict_sea.nodes.size} nodes): beta {fit.beta / ref.beta - 1:+.1e}, "
              f"A {fit.adiabatic / ref.adiabatic - 1:+.1e}")
    v = st.texture_velocity(model, "translation")
    lr = best_of(lambda: st.linear_response(model, energy, disorder=disorder), repeats)
    em = best_of(lambda: emission(model, energy, v, disorder=disorder), repeats)
    print(f"    pumping: emission {em.seconds:.2f} s vs linear_response {lr.seconds:.2f} s "
          f"({em.seconds / lr.seconds:.2f}x)")
    if "chain" in label:
        pump = best_of(lambda: st.pumping(model, energy, v, disorder=disorder), repeats)
        print(f"    full Kubo-Bastin pumping (Fermi surface + sea) {pump.seconds:.2f} s "
              f"({pump.seconds / lr.seconds:.1f}x linear_response)")
    clean = model
    lr_c = best_of(lambda: st.linear_response(clean, energy), repeats)
    em_c = best_of(lambda: emission(clean, energy, v), repeats)
    print(f"    clean: emission {em_c.seconds:.3f} s vs linear_response {lr_c.seconds:.3f} s "
          f"({em_c.seconds / lr_c.seconds:.2f}x)")
    if "chain" in label:
        pump_c = best_of(lambda: st.pumping(clean, energy, v), repeats)
        print(f"    clean full Kubo-Bastin pumping {pump_c.seconds:.3f} s ({pump_c.seconds / lr_c.seconds:.1f}x)")
