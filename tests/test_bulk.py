"""st.bulk: momentum-space SCBA and bubble relaxation torque of the infinite lattice, against the
real-space SCBA and st.kubo_bubble of a periodic bar with the same transverse k grid."""
import numpy as np
import pytest

import spintex as st
from spintex.disorder import scba


@pytest.mark.parametrize("n", [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)], ids=["n||x", "n||z"])
def test_bulk_bubble_torque_equals_the_real_space_bubble_of_a_periodic_bar(n):
    """A field cos(q x) on a long periodic 3 x 3 bar: far from the leads the relaxation torque is
    -a(q) q sin(q x), with a(q) from the k grid (64, 3, 3); and G_ii is the k average of G(k)."""
    L, W, steps, Nx = 100, 3, 4, 64
    q = 2 * np.pi * steps / Nx
    lat = st.lattice.bar(L, W, W, periodic=True)
    m = st.Model(lat, exchange=0.5, texture=n)
    d = st.Disorder(onsite=1.0, soc=0.05)
    r = st.kubo_bubble(m, -3.0, field=lambda x: np.cos(q * x), disorder=d)
    T = np.array([(r.relaxation_torque[s] @ np.asarray(n)).mean() for s in lat.slices])
    bulk = st.bulk.BulkSCBA(-3.0, 0.5, n, 1.0, 0.05, grid=(Nx, W, W))
    expected = -bulk.torque_coefficient(q) * q * np.sin(q * np.arange(L))
    middle = slice(30, 70)  # lead effects decay over a few mean free paths
    assert np.abs(T[middle] - expected[middle]).max() < 1e-4 * np.abs(expected).max()
    G = scba(m, -3.0, d).retarded_sites[lat.slices[L // 2]]
    assert np.abs(G - bulk.retarded.reshape(-1, 2, 2).mean(axis=0)).max() < 1e-5


def test_bulk_torque_is_local_and_linear_in_the_spin_orbit_variance():
    """a(q) = a(0) + c q^2 (a local torque: T = a dE/dx), no torque for a uniform field, and a
    proportional to Gamma_so at small Gamma_so (at fixed Gamma_0)."""
    a = {}
    for soc in (0.0025, 0.005):
        b = st.bulk.BulkSCBA(-3.0, 0.5, (0.0, 0.0, 1.0), 1.0, soc, grid=(48, 16, 16))
        a[soc] = [b.torque_coefficient(q) for q in (0.005, 0.01, 0.02)]
    a1, a2, a4 = a[0.005]
    assert (a4 - a2) / (a2 - a1) == pytest.approx(4.0, rel=0.02)  # q^4: 1 %
    assert a[0.005][0] / a[0.0025][0] == pytest.approx(2.0, rel=0.02)  # Gamma_so^2 in the lifetimes: 1.5 %
    assert abs(b.torque_component(0.0, 2)) < 1e-12 * abs(a1)


def test_bulk_rejects_bad_input():
    with pytest.raises(ValueError, match="grid must be three integers"):
        st.bulk.BulkSCBA(-3.0, 0.5, (0, 0, 1), 1.0, 0.0, grid=(64, 2, 8))
    with pytest.raises(ValueError, match="direction"):
        st.bulk.BulkSCBA(-3.0, 0.5, (0, 0, 0), 1.0, 0.0, grid=(16, 4, 4))
    with pytest.raises(ValueError, match="onsite"):
        st.bulk.BulkSCBA(-3.0, 0.5, (0, 0, 1), 0.0, 0.0, grid=(16, 4, 4))
    with pytest.raises(ValueError, match="q must be non-zero"):
        st.bulk.BulkSCBA(-3.0, 0.5, (0, 0, 1), 1.0, 0.01, grid=(16, 4, 4)).torque_coefficient(0.0)
    with pytest.raises(ValueError, match="cubic axis"):
        st.bulk.BulkSCBA(-3.0, 0.5, (1, 1, 0), 1.0, 0.01, grid=(16, 4, 4)).torque_coefficient()
