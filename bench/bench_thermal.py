"""Cost of the thermal drive: one screened thermal response against one field-drive response, and
the speed-up of running the window's SCBA energies on 2 threads instead of 1.

    python bench/bench_thermal.py [--quick] [--omp-threads 1]

Model (issue 10): SCBA chain of 2001 sites, M = 0.5, E_F = -0.8, Gamma_0 = 0.05,
Gamma_perp = Gamma_par = 0.005, Neel wall lambda = 100, k_B T = 0.01.  Figures printed (ratios
from one run, on a possibly shared machine), never part of the tests.
"""
from _timing import best_of, parse_and_set_threads

args = parse_and_set_threads(__doc__.splitlines()[0])

import spintex as st  # noqa: E402
from spintex.thermal import thermal_response, window_blocks  # noqa: E402

repeats = args.repeats or 1
L = 501 if args.quick else 2001
model = st.Model(st.lattice.chain(L), exchange=0.5, texture=st.textures.neel_wall(L // 2, L // 20))
disorder = st.Disorder(onsite=0.05, magnetic=(0.005, 0.005))
mu, T = -0.8, 0.01

print(f"chain {L}, T = {T}, OMP_NUM_THREADS={args.omp_threads}, BLAS threads={args.blas_threads}, best of {repeats}")
field = best_of(lambda: st.linear_response(model, mu, disorder=disorder, drive="field"), repeats)
thermal = best_of(lambda: thermal_response(model, mu, temperature=T, disorder=disorder), repeats)
r = thermal_response(model, mu, temperature=T, disorder=disorder)
print(f"field drive {field.seconds:.2f} s; thermal (closed, screened) {thermal.seconds:.2f} s = "
      f"{thermal.seconds / field.seconds:.1f} field drives ({r.parameters['window_nodes']} window energies, "
      f"last doubling change {r.parameters['window_error_estimate']:.1e}; other load {thermal.other:.1f} CPUs)")
one = best_of(lambda: window_blocks(model, mu, T, disorder, workers=1), repeats)
two = best_of(lambda: window_blocks(model, mu, T, disorder, workers=2), repeats)
print(f"window energies: 1 thread {one.seconds:.2f} s, 2 threads {two.seconds:.2f} s, "
      f"speed-up {one.seconds / two.seconds:.2f}x")
