"""Cost of the drives: the charge-neutral field drive against the bias drive (with the split into
the Fermi-surface ladder, the Fermi-sea build and the screening solve), and pumping against
linear_response, on SCBA systems.

    python bench/bench_drives.py [--quick] [--omp-threads 2]

Figures printed (ratios from one run, on a possibly shared machine), never part of the tests.
"""
from _timing import best_of, parse_and_set_threads

args = parse_and_set_threads(__doc__.splitlines()[0])

import numpy as np  # noqa: E402

import spintex as st  # noqa: E402
from spintex.pumping import emission  # noqa: E402
from spintex.response import FermiSea, screening_potential  # noqa: E402

repeats = args.repeats or (1 if args.quick else 2)


def field_split(model, energy, disorder):
    """Seconds of the parts of one field drive: bias (SCBA + RA ladder), Fermi-sea build (SCBA at the
    contour nodes), the screening GMRES (RR ladders at every node per step)."""
    import time
    t0 = time.perf_counter()
    bias = st.linear_response(model, energy, disorder=disorder, drive="bias")
    t1 = time.perf_counter()
    sea = FermiSea(model, energy, disorder)
    t2 = time.perf_counter()
    u, steps = screening_potential(sea, bias.charge_density)
    t3 = time.perf_counter()
    sea(u[:, None, None] * np.eye(2))
    t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2 + t4 - t3, steps, sea.nodes.size


cases = [("chain 2001, Neel wall 100", st.Model(st.lattice.chain(2001), exchange=0.5,
                                                texture=st.textures.neel_wall(1000, 100)),
          -0.8, st.Disorder(onsite=0.05, magnetic=(0.005, 0.005)))]
if not args.quick:
    cases.append(("bar 200x6x6, Neel wall 20", st.Model(st.lattice.bar(200, 6, 6), exchange=0.5,
                                                       texture=st.textures.neel_wall(100, 20)),
                  -2.5, st.Disorder(onsite=0.1, magnetic=(0.01, 0.01))))

print(f"OMP_NUM_THREADS={args.omp_threads}, BLAS threads={args.blas_threads}, best of {repeats}")
for label, model, energy, disorder in cases:
    bias = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="bias"), repeats)
    field = best_of(lambda: st.linear_response(model, energy, disorder=disorder, drive="field"), repeats)
    parts = field_split(model, energy, disorder)
    print(f"{label}: bias {bias.seconds:.2f} s, field {field.seconds:.2f} s, ratio {field.seconds / bias.seconds:.1f}x "
          f"(other load {field.other:.1f} CPUs)")
    print(f"    split: bias part {parts[0]:.2f} s, Fermi-sea build ({parts[4]} nodes) {parts[1]:.2f} s, "
          f"screening ({parts[3]} GMRES steps + final) {parts[2]:.2f} s")
    v = st.texture_velocity(model, "translation")
    lr = best_of(lambda: st.linear_response(model, energy, disorder=disorder), repeats)
    em = best_of(lambda: emission(model, energy, v, disorder=disorder), repeats)
    print(f"    pumping: emission {em.seconds:.2f} s vs linear_response {lr.seconds:.2f} s "
          f"({em.seconds / lr.seconds:.2f}x)")
    if "chain" in label:
        pump = best_of(lambda: st.pumping(model, energy, v, disorder=disorder), 1)
        print(f"    full Kubo-Bastin pumping (Fermi surface + sea) {pump.seconds:.2f} s "
              f"({pump.seconds / lr.seconds:.1f}x linear_response)")
    clean = model
    lr_c = best_of(lambda: st.linear_response(clean, energy), repeats)
    em_c = best_of(lambda: emission(clean, energy, v), repeats)
    print(f"    clean: emission {em_c.seconds:.3f} s vs linear_response {lr_c.seconds:.3f} s "
          f"({em_c.seconds / lr_c.seconds:.2f}x)")
