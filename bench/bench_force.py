"""Cost of the force on a skyrmion (issue 9): F_x and F_y at one energy against one linear_response.

    python bench/bench_force.py [--quick] [--omp-threads 1] [--repeats 3]

Model: clean 80 x 80 strip with leads, M = 0.5, E_F = -2.5, skyrmion (radius 16, wall 5) at the
centre, bias drive.  The force conjugate to a translation is -<dH/dX> = M sum_i v_i . s_i
(`st.texture_force`), linear in the response's spin density, so both components come from one
response; the extra cost is the two velocity fields (central differences of the texture callable)
and two dot products.  Timed (best of the repeats, on the finalized model):

* response: ``st.linear_response(model, E, drive="bias")``;
* force: the same response plus ``texture_velocity`` along x and y and two ``texture_force``;
* cold force: the force from a fresh ``Model`` (construction and the lead/slice set-up included).

Figures printed (from one run, on a possibly shared machine), never part of the tests.
"""
from _timing import best_of, parse_and_set_threads, provenance

args = parse_and_set_threads(__doc__.splitlines()[0])

import numpy as np  # noqa: E402

import spintex as st  # noqa: E402
from spintex import _core  # noqa: E402

repeats = args.repeats or (1 if args.quick else 3)
L = W = 40 if args.quick else 80
E, M = -2.5, 0.5
texture = st.textures.skyrmion((L / 2 - 0.5, W / 2 - 0.5), L / 5, 5)


def make():
    return st.Model(st.lattice.strip(L, W), exchange=M, texture=texture)


model = make()
model.device  # finalize: slice blocks and lead modes, as every timed call below reuses them


def forces(m):
    r = st.linear_response(m, E, drive="bias")
    return tuple(st.texture_force(m, r, st.texture_velocity(m, "translation", direction=d))
                 for d in ((1, 0, 0), (0, 1, 0)))


print(f"strip {L} x {W}, skyrmion Q = {st.textures.topological_charge(model):+.4f}, E = {E}, "
      f"OMP_NUM_THREADS={args.omp_threads}, BLAS threads={args.blas_threads}, best of {repeats}; "
      f"{provenance(_core.__file__)}")
response = best_of(lambda: st.linear_response(model, E, drive="bias"), repeats)
force = best_of(lambda: forces(model), repeats)
cold = best_of(lambda: forces(make()), repeats)
Fx, Fy = forces(model)
r = st.linear_response(model, E, drive="bias")
Js = r.spin_current[3, 2] * np.sign(model.texture_vectors[model.lattice.slices[3], 2].mean())
print(f"F_x = {Fx:.5f}, F_y = {Fy:.5f} (F_y / (-2 pi Q J_s / W) = "
      f"{Fy / (-2 * np.pi * st.textures.topological_charge(model) * Js / W):.4f})")
print(f"linear_response {response.seconds:.3f} s; force (F_x, F_y) {force.seconds:.3f} s = "
      f"{force.seconds / response.seconds:.2f} responses (target < 2); cold, with Model set-up, "
      f"{cold.seconds:.3f} s = {cold.seconds / response.seconds:.2f} responses; other load "
      f"{max(response.other, force.other, cold.other):.1f} CPUs")
