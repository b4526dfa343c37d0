"""Lead channel thresholds (E = e_m +- 2t): every quantity is the limit from above along the real
axis, E -> threshold + 0, or a ValueError naming the threshold where that limit is infinite."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import spintex as st
from spintex import _core
from spintex.integration import _threshold_hits, channel_thresholds


def check_clean(model, energy, expected):
    """Integer transmission, open channels and J = T/2pi at ``energy``."""
    T = st.transmission(model, [energy])[0]
    assert abs(T - expected) < 1e-8
    r = st.linear_response(model, energy)
    assert abs(r.transmission - expected) < 1e-8
    assert r.open_channels == (expected, expected)
    assert np.abs(r.current - r.transmission / (2 * np.pi)).max(initial=0.0) < 1e-8


def test_strip_at_the_top_of_a_subband_is_the_limit_from_above():
    # levels -sqrt2, 0, sqrt2: at E = 2 the e = 0 subband closes, only e = sqrt2 stays open
    check_clean(st.Model(st.lattice.strip(10, 3)), 2.0, 2)  # was T = 1.3125, |J - T/2pi| ~ 1.7e14


def test_periodic_strip_at_the_top_of_a_degenerate_subband():
    check_clean(st.Model(st.lattice.strip(10, 4, periodic=True)), 2.0, 2)  # was T = 3.023


def test_chain_above_its_band_top():
    check_clean(st.Model(st.lattice.chain(10)), 2.0, 0)  # was "singular block"


@pytest.mark.parametrize("lattice, energy, channels", [
    (st.lattice.chain(10), -2.0, 2),                      # was "singular block"
    (st.lattice.bar(10, 2, 2), 0.0, 6),                   # was T = 5.15, density -9.5e11
    (st.lattice.bar(10, 3, 3), -2.0, 12),                 # was T = 9.11
    (st.lattice.strip(10, 4, periodic=True), -2.0, 6),   # was T = 3.26
])
def test_bottom_of_a_clean_subband_raises_but_the_transmission_is_the_limit(lattice, energy, channels):
    """A channel opening on a clean wire: the density of states (so the density response and
    the LDOS) diverges as 1/sqrt(E - threshold); the transmission has a finite limit."""
    model = st.Model(lattice)
    with pytest.raises(ValueError, match="threshold.*bottom of the lead subband"):
        st.linear_response(model, energy)
    with pytest.raises(ValueError, match="threshold"):
        st.ldos(model, [energy])
    assert abs(st.transmission(model, [energy])[0] - channels) < 1e-8
    lead = _core.Lead(model.lead_cell("left"), -model.hopping)
    assert lead.open_channels(energy) == channels


def test_open_channels_count_the_limit_from_above():
    lead = _core.Lead(np.zeros((2, 2)), -1.0)  # a spin-degenerate chain, band [-2, 2]
    energies = (-2.0 - 1e-9, -2.0, -2.0 + 1e-15, 0.0, 2.0 - 1e-9, 2.0)
    assert [lead.open_channels(e) for e in energies] == [0, 2, 2, 2, 2, 0]
    assert lead.open_channels(2.0 - 1e-16) == 0  # within rounding of the edge: on it


def test_ldos_above_the_band_top_of_a_chain_is_zero():
    assert np.abs(st.ldos(st.Model(st.lattice.chain(8)), [2.0])).max() < 1e-8


def _limit_from_above(f, edge, scale=1e-3):
    """Independent numerical limit: polynomial fit in s = sqrt(E - edge) on s in [scale/8, scale]."""
    s = scale * np.linspace(0.125, 1.0, 8)
    values = np.array([f(edge + x * x) for x in s])
    coef = np.polynomial.polynomial.polyfit(s, values.reshape(len(s), -1), 5)
    return coef[0].reshape(values.shape[1:])


def test_textured_wire_at_every_threshold_equals_the_limit_from_above():
    """A Neel wall (channels mix, no threshold resonance): transmission, current, spin density
    and open channels at each exact threshold equal the numerical limit from above to 1e-8."""
    model = st.Model(st.lattice.strip(16, 2), exchange=0.3, texture=st.textures.neel_wall(8, 2))
    for edge in st.keldysh.channel_thresholds(model):
        r = st.linear_response(model, edge)
        T = _limit_from_above(lambda e: st.linear_response(model, e).transmission, edge)
        s = _limit_from_above(lambda e: st.linear_response(model, e).spin_density, edge)
        assert abs(r.transmission - T) < 1e-8
        assert np.abs(r.spin_density - s).max() < 1e-8
        assert np.abs(r.current - r.transmission / (2 * np.pi)).max(initial=0.0) < 1e-8
        above = st.linear_response(model, edge + 1e-6)
        assert r.open_channels == above.open_channels


def _transverse_levels(width, periodic):
    k = np.arange(1, width + 1)
    if periodic and width >= 3:
        return -2 * np.cos(2 * np.pi * k / width)
    return -2 * np.cos(np.pi * k / (width + 1))


@hst.composite
def clean_wires(draw):
    kind = draw(hst.sampled_from(["chain", "strip", "bar"]))
    periodic = draw(hst.booleans()) and kind != "chain"
    sizes = [1, 3, 4] if periodic else [1, 2, 3, 4]
    length = draw(hst.integers(1, 6))
    if kind == "chain":
        lattice, levels = st.lattice.chain(length), np.zeros(1)
    elif kind == "strip":
        w = draw(hst.sampled_from(sizes))
        lattice, levels = st.lattice.strip(length, w, periodic=periodic), _transverse_levels(w, periodic)
    else:
        w, h = draw(hst.sampled_from(sizes[:3])), draw(hst.sampled_from(sizes[:3]))
        lattice = st.lattice.bar(length, w, h, periodic=periodic)
        levels = (_transverse_levels(w, periodic)[:, None] + _transverse_levels(h, periodic)[None, :]).ravel()
    M = draw(hst.sampled_from([0.0, 0.3]))
    levels = np.concatenate([levels - M, levels + M])  # majority, minority
    edges = np.concatenate([levels - 2, levels + 2])
    energy = draw(hst.one_of(hst.floats(-7.5, 7.5), hst.sampled_from(sorted(edges))))
    return lattice, M, levels, energy


@settings(max_examples=60, deadline=None, derandomize=True)  # the same examples in every run
@given(clean_wires())
def test_clean_wires_give_integer_transmissions_equal_to_the_open_channels(case):
    lattice, M, levels, energy = case
    model = st.Model(lattice, exchange=M)
    tol = 1e-12
    x = energy - levels
    channels = int(np.sum((x >= -2 - tol) & (x < 2 - tol)))  # open in the limit from above
    opening = bool(np.any(np.abs(x + 2) <= tol))
    T = st.transmission(model, [energy])[0]
    assert abs(T - channels) < 1e-8
    try:
        r = st.linear_response(model, energy)
    except ValueError as err:  # only where a channel opens: the density of states diverges
        assert opening and "threshold" in str(err)
        return
    assert abs(r.transmission - channels) < 1e-8
    assert r.open_channels == (channels, channels)
    # just beside an opening channel the density (~ 1/sqrt(E - threshold)) bounds the accuracy
    scale = max(1.0, np.abs(r.charge_density).max())
    assert np.abs(r.current - r.transmission / (2 * np.pi)).max(initial=0.0) < 1e-8 * scale


def test_core_and_python_agree_on_which_energies_are_on_a_threshold():
    """The core counted an energy as on a threshold E_c within 128 ulps of max(1, |E|, |e_m| + 2t),
    the Python layer within 128 ulps of max(1, |E|, |E_c|): at the top E_c = 0 of the lead subband
    e_m = -2, E = -300 ulps was 'on it' (channel closed) for the core and 'below it' (open, the
    limit from below fitted) for Python.  Both now use the Python width."""
    m = st.Model(st.lattice.chain(10), exchange=0.0, lead_onsite=-2.0)
    lead = _core.Lead(np.diag([-2.0, -2.0]).astype(complex), -1.0)
    eps = np.finfo(float).eps
    for ulps, channels, side in ((300, 2, -1), (100, 0, 1)):
        E = -ulps * eps
        assert lead.open_channels(E) == channels
        assert st.response.open_channels(m, E) == (channels, channels)
        hit = _threshold_hits(m, np.array([E], dtype=complex))[0]
        assert hit[0] == 0.0 and hit[1] == side  # below the edge (open) / on it (the limit from above)


def test_an_energy_within_the_recursions_rounding_of_a_threshold_is_warned_about():
    """Just off a lead channel threshold (beyond the snap onto it) the opening channel's velocity
    sqrt(d) is near the rounding, and through L slices the transmission and the slice currents of a
    uniform wire lose about L eps / sqrt(d) (L = 200: T - 2 = 7.7e-8 and the currents spread by 5.9e-7
    at d = 5e-14; session 29's hunt).  A warning says so; 1e-9 away the same wire is good to 1e-10."""
    m = st.Model(st.lattice.chain(200), exchange=0.5, texture=(0, 1, 0))
    edge = channel_thresholds(m)[1]
    with pytest.warns(RuntimeWarning, match="resolves the opening channel there only"):
        st.linear_response(m, edge + 5e-14)
    with pytest.warns(RuntimeWarning, match="1 such energies"):
        st.linear_response(m, np.array([edge + 1e-13, -1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = st.linear_response(m, edge + 1e-9)
    assert abs(r.transmission - 2) < 1e-10 and np.ptp(2 * np.pi * r.current) < 1e-8
