"""Periodic cross-sections: the transverse-momentum decomposition is exact."""
import numpy as np
import pytest

import spintex as st
from spintex.periodic import PeriodicWire


@pytest.mark.parametrize("width, height, graded", [(4, 3, False), (5, 1, False), (1, 3, False), (3, 1, True)])
def test_channel_decomposition_equals_scba_on_the_periodic_bar(width, height, graded):
    """(1, 3): one site across has no transverse hopping (was: a -2t shift from cos k_y = 1).
    ``graded``: an on-site potential varying along x, whose leads sit at 0 as Model's do (were at
    its mean)."""
    L = 40
    texture = st.textures.neel_wall(20, 5.0)
    disorder = st.Disorder(onsite=0.05, magnetic=(0.02, 0.01))
    onsite = np.linspace(-0.2, 0.3, L) if graded else 0.0
    lat = st.lattice.bar(L, width, height, periodic=True) if height > 1 else st.lattice.strip(L, width, periodic=True)
    bar_onsite = np.repeat(onsite, width * height) if graded else 0.0
    full = st.linear_response(st.Model(lat, exchange=0.5, texture=texture, onsite=bar_onsite), -1.0, disorder=disorder)
    wire = PeriodicWire(L, width, height, exchange=0.5, texture=texture, onsite=onsite).linear_response(
        -1.0, disorder=disorder)
    per_slice = np.array([full.spin_density[s].mean(axis=0) for s in lat.slices])
    assert np.abs(per_slice - wire.spin_density).max() < 1e-10 * np.abs(wire.spin_density).max()
    assert np.allclose(full.current, wire.current, rtol=1e-10)
    assert wire.transmission == pytest.approx(full.transmission, rel=1e-10)


def test_channel_decomposition_of_the_field_drive():
    """The screening potential of a periodic bar depends on x only, so the channel sum gives the
    field drive of the bar exactly (Fermi-sea ladders on the contour included)."""
    L, texture = 16, st.textures.neel_wall(8, 3.0)
    disorder = st.Disorder(onsite=0.05, magnetic=(0.02, 0.01))
    lat = st.lattice.bar(L, 3, 3, periodic=True)
    full = st.linear_response(st.Model(lat, exchange=0.5, texture=texture), -1.0, disorder=disorder, drive="field")
    wire = PeriodicWire(L, 3, 3, exchange=0.5, texture=texture).linear_response(-1.0, disorder=disorder, drive="field")
    per_slice = np.array([full.spin_density[s].mean(axis=0) for s in lat.slices])
    # each side screens to the default neutrality, 1e-6, by its own GMRES (measured 8.8e-9)
    assert np.abs(per_slice - wire.spin_density).max() < 1e-7 * np.abs(wire.spin_density).max()
    u = wire.screening_potential
    assert np.abs(full.screening_potential.reshape(L, -1) - u[:, None]).max() < 1e-6 * np.abs(u).max()
    assert wire.neutrality < 1e-6


def test_periodic_field_drive_takes_the_screening_tolerance():
    """PeriodicWire.linear_response's screening_tolerance is linear_response's: the neutrality it
    stops at (with fewer GMRES steps than the default), recorded on the Response, for the field
    drive only."""
    L, texture = 16, st.textures.neel_wall(8, 3.0)
    disorder = st.Disorder(onsite=0.05, magnetic=(0.02, 0.01))
    wire = PeriodicWire(L, 3, 3, exchange=0.5, texture=texture)
    default = wire.linear_response(-1.0, disorder=disorder, drive="field")
    loose = wire.linear_response(-1.0, disorder=disorder, drive="field", screening_tolerance=1e-3)
    assert default.screening_tolerance == 1e-6 and loose.screening_tolerance == 1e-3
    assert loose.neutrality <= 1e-3 and loose.screening_iterations < default.screening_iterations
    screening_part = np.abs(default.torque - wire.linear_response(-1.0, disorder=disorder, drive="bias").torque).max()
    assert np.abs(loose.torque - default.torque).max() < 10 * 1e-3 * screening_part
    with pytest.raises(ValueError, match="screening_tolerance=0.001 applies to drive='field' only"):
        wire.linear_response(-1.0, disorder=disorder, drive="bias", screening_tolerance=1e-3)


def test_field_drive_of_many_levels_refuses_what_would_not_fit(monkeypatch):
    """The channel sums keep every node's correlators (one per channel: they cannot be swept
    again), so a wide wire's Fermi sea is refused with a MemoryError before the work, naming the
    levels, instead of being killed by the operating system (notebooks/beta_bulk.py at its former
    full size, 200-800 levels, took 21 GB and was killed on a 23 GB machine)."""
    from spintex.sea import correlator_bytes

    wire = PeriodicWire.bulk(40, dim=3, levels=8, exchange=0.5, texture=st.textures.neel_wall(20, 4.0))
    per_node = sum(correlator_bytes(m) for m in wire.channels)
    monkeypatch.setattr("spintex.sea.available_memory", lambda: 2 * 20 * per_node)  # room for 20 nodes
    with pytest.raises(MemoryError, match="36 more nodes.*fewer transverse levels"):  # the first and half rule
        wire.linear_response(-2.0, disorder=st.Disorder(magnetic=(0.02, 0.02)), drive="field")
    free = iter([2 * 40 * per_node, 2 * 10 * per_node])  # before the first rule, then before growing
    monkeypatch.setattr("spintex.sea.available_memory", lambda: next(free, 2 * 10 * per_node))
    with pytest.raises(MemoryError, match="30 more nodes"):
        wire.fermi_sea(-2.0, st.Disorder(magnetic=(0.02, 0.02)))


@pytest.mark.parametrize("length", [1.5, 6.0])
def test_channel_decomposition_of_thomas_fermi_screening(length):
    """With a screening length the potential still depends on x only, and the periodic bar's
    Laplacian acts on it as the chain's (transverse bonds cancel; one lead neighbour per end
    site): the channel sum gives the bar's screened field drive, which differs from the
    neutral one."""
    L, texture = 16, st.textures.neel_wall(8, 3.0)
    disorder = st.Disorder(onsite=0.05, magnetic=(0.02, 0.01))
    lat = st.lattice.bar(L, 3, 3, periodic=True)
    model = st.Model(lat, exchange=0.5, texture=texture)
    full = st.linear_response(model, -1.0, disorder=disorder, drive="field", screening_length=length)
    wire = PeriodicWire(L, 3, 3, exchange=0.5, texture=texture)
    screened = wire.linear_response(-1.0, disorder=disorder, drive="field", screening_length=length)
    per_slice = np.array([full.spin_density[s].mean(axis=0) for s in lat.slices])
    scale, u = np.abs(screened.spin_density).max(), screened.screening_potential
    # each side's GMRES stops at the default tolerance, 1e-6 (measured 5.6e-9, 1.0e-9; potential 4e-10)
    assert np.abs(per_slice - screened.spin_density).max() < 1e-7 * scale
    assert np.abs(full.screening_potential.reshape(L, -1) - u[:, None]).max() < 1e-6 * np.abs(u).max()
    assert screened.screening_length == length
    neutral = wire.linear_response(-1.0, disorder=disorder, drive="field")
    assert np.abs(neutral.spin_density - screened.spin_density).max() > 1e-4 * scale
    with pytest.raises(ValueError, match="screening_length"):
        wire.linear_response(-1.0, disorder=disorder, drive="bias", screening_length=length)
    with pytest.raises(ValueError, match="screening_length"):
        wire.linear_response(-1.0, disorder=disorder, drive="field", screening_length=-1.0)


def test_periodic_bar_has_the_bulk_channel_count():
    """Clean periodic 4x4 bar: open channels = number of transverse momenta with |E - eps_k| < 2t."""
    lat = st.lattice.bar(6, 4, 4, periodic=True)
    r = st.linear_response(st.Model(lat, exchange=0.0), -2.5)
    k = 2 * np.pi * np.arange(4) / 4
    eps = -2 * (np.cos(k)[:, None] + np.cos(k)[None, :])
    assert r.transmission == pytest.approx(2 * np.sum(np.abs(-2.5 - eps) < 2), abs=1e-10)


@pytest.mark.slow
def test_bulk_3d_beta_from_magnetic_impurities_matches_seed_000():
    """Infinite cross-section (cubic lattice), smooth wall, gamma/M ~ 0.045, field drive: beta
    within 1 % of (pi/M)(G_perp + G_par)(nu_up + nu_down) with the cubic DOS (the earlier 3-5 %
    deficit of the bias drive with the accumulation fit was not a band correction: it was the
    unscreened wire's Fermi-sea torque).  Slow: the Fermi sea over 150 transverse levels (the level
    sum is within 0.6 % from 150 on, notebook beta_bulk; 400 levels keep more correlators than a
    23 GB machine holds)."""
    M, E, gm, width = 0.25, -2.0, 0.01, 100
    L = 12 * width
    wire = PeriodicWire.bulk(L, dim=3, levels=150, exchange=M, texture=st.textures.neel_wall(L / 2, width))
    r = wire.linear_response(E, disorder=st.Disorder(magnetic=(gm, gm)), drive="field")
    fit = st.fit_torque(wire.model, r)
    formula = st.continuum.beta_spin_flip(*st.continuum.spin_dos(E, M, 3), M, magnetic=(gm, gm))
    assert fit.beta == pytest.approx(formula, rel=0.01)
    assert fit.residual < 1e-3


def test_periodic_cross_sections_of_two_sites_are_rejected():
    with pytest.raises(ValueError, match="at least 3"):
        st.lattice.strip(5, 2, periodic=True)
    with pytest.raises(ValueError, match="at least 3"):
        PeriodicWire(5, 4, 2)


def test_slice_balance_of_a_wide_cross_section():
    """Without spin relaxation (on-site disorder only) the relaxation source R vanishes: the
    torque on a slice is the spin-current divergence.  PeriodicWire scaled the currents to the
    whole cross-section before the balance, which then mixed per-site torques with whole-cross-
    section currents: R was 8 x the torque on a 3 x 3 cross-section.  The balance holds in the
    whole cross-section's units: n_perp x the representative slice's torque = divergence + R."""
    for W in (1, 3):
        wire = st.periodic.PeriodicWire(30, W, W, exchange=0.4, texture=st.textures.neel_wall(15, 4))
        r = wire.linear_response(-1.0, disorder=st.Disorder(onsite=0.05), drive="left")
        torque = W * W * np.array([r.torque[s].sum(axis=0) for s in wire.model.lattice.slices])[1:-1]
        # (measured 6e-9 of the torque: the ladder's tolerance)
        assert np.abs(r.relaxation_source[1:-1]).max() < 1e-7 * np.abs(torque).max()
        assert np.abs(r.spin_current_divergence[1:-1] - torque).max() < 1e-7 * np.abs(torque).max()
