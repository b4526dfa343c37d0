"""The same computation in Kwant 1.5, for bench_batch.py: a spintex Model rebuilt as a Kwant system
and the per-energy work of ``st.linear_response(model, E)`` (drive "left") done with Kwant's
documented API in a Python loop.

Only for benchmarks (Kwant is not a dependency: install it by hand, e.g. with Debian's
``libmumps-seq-dev`` and ``pip install kwant``; see docs/benchmarks.md).

What one energy costs in Kwant: ``kwant.wave_function(fsys, E)(0)`` (the scattering states from
the left lead, MUMPS sparse direct solver) and, from them, the left-injected spin and charge
densities and the particle and spin currents of every bond (``kwant.operator.Density`` and
``Current``, built and bound once outside the loop), i.e. the fields that linear_response returns per energy.
Kwant normalizes scattering states to unit current, so the left-injected density per unit
chemical potential is (1/2pi) sum_modes psi^dag sigma psi, spintex's ``spin_density`` (Pauli
matrices, no 1/2: CONVENTIONS.md); bench_batch.py compares the two.
"""
from __future__ import annotations

import numpy as np

import kwant

PAULI = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]), np.diag([1.0 + 0j, -1.0])]


def system(model):
    """The spintex model as a finalized Kwant system: same sites (tag (slice, position in slice)),
    on-site blocks, hoppings and clean leads that continue the end slices."""
    lat = model.lattice
    W = lat.sites_per_slice
    square = kwant.lattice.square(norbs=2)
    site = [square(i // W, i % W) for i in range(lat.num_sites)]
    syst = kwant.Builder()
    for i, block in enumerate(model.site_blocks):
        syst[site[i]] = block
    for (i, j), block in zip(model.bonds, model.bond_blocks):
        syst[site[i], site[j]] = block  # H_ij: the coefficient of c_i^dag c_j
    for side, step in (("left", -1), ("right", 1)):
        lead = kwant.Builder(kwant.TranslationalSymmetry((step, 0)))
        cell = model.lead_cell(side).reshape(W, 2, W, 2)
        for p in range(W):
            lead[square(0, p)] = cell[p, :, p, :]
        for p in range(W):
            lead[square(1, p), square(0, p)] = -model.hopping * np.eye(2)
            for q in range(p + 1, W):
                if np.any(cell[p, :, q, :]):
                    lead[square(0, p), square(0, q)] = cell[p, :, q, :]
        syst.attach_lead(lead)
    fsys = syst.finalized()
    # Kwant orders its sites by its own rules: the spintex index of each Kwant site
    order = np.array([tag[0] * W + tag[1] for tag in (s.tag for s in fsys.sites)])
    return fsys, order


class Loop:
    """The per-energy work in Kwant, operators built once: ``self(E)`` returns the spin density
    (N, 3) per unit left-lead chemical potential, in spintex's site order."""

    def __init__(self, model):
        self.fsys, self.order = system(model)
        self.inverse = np.argsort(self.order)
        # bound once: an unbound Current re-evaluates every hopping on each call (50x slower here)
        self.spin = [kwant.operator.Density(self.fsys, s).bind() for s in PAULI]
        self.charge = kwant.operator.Density(self.fsys).bind()
        self.currents = [kwant.operator.Current(self.fsys).bind()] + [kwant.operator.Current(self.fsys, s).bind()
                                                                      for s in PAULI]

    def __call__(self, energy: float) -> np.ndarray:
        psi = kwant.wave_function(self.fsys, energy)(0)  # (modes, 2N): left-lead scattering states
        spin = np.stack([op(psi[m]) for m in range(len(psi)) for op in self.spin]).reshape(len(psi), 3, -1)
        self.charge_density = (sum(self.charge(p) for p in psi) / (2 * np.pi))[self.inverse]
        self.bond_currents = [sum(op(p) for p in psi) / (2 * np.pi) for op in self.currents]
        return (spin.sum(axis=0) / (2 * np.pi)).T[self.inverse]

