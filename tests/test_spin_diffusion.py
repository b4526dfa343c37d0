"""Spin diffusion length from the decay of an injected spin accumulation (SCBA)."""
import numpy as np
import pytest

import spintex as st

E = -1.0
NU = 1 / (np.pi * np.sqrt(4 - E**2))  # chain DOS per spin
V = np.sqrt(4 - E**2)                 # Fermi velocity 2t sin k_F


def born_lengths(g0, gm):
    """Non-magnetic wire with isotropic magnetic impurities (seed 000 Eqs. 9, 110-112):
    gamma = pi (G0 + 3 Gm) nu, tau = 1/(2 gamma), D = v^2 tau (1D);
    1/tau_sf = 4 pi G_perp nu per spin, s_z relaxes at 1/tau_s = 2/tau_sf; l_sf = sqrt(D tau_s)."""
    tau = 1 / (2 * np.pi * (g0 + 3 * gm) * NU)
    tau_s = 1 / (8 * np.pi * gm * NU)
    return V * tau, np.sqrt(V**2 * tau * tau_s)


def fitted_decay_length(g0, gm, ferromagnet=100):
    _, lsf = born_lengths(g0, gm)
    L = ferromagnet + int(12 * lsf)
    exchange = np.where(np.arange(L) < ferromagnet, 0.5, 0.0)  # a ferromagnet injects spin
    m = st.Model(st.lattice.chain(L), exchange=exchange, texture=(0, 0, 1))
    r = st.linear_response(m, E, disorder=st.Disorder(onsite=g0, magnetic=(gm, gm)))
    x = np.arange(L)
    window = (x > ferromagnet + 2 * lsf) & (x < ferromagnet + 6 * lsf)
    slope = np.polyfit(x[window], np.log(np.abs(r.spin_density[window, 2])), 1)[0]
    return -1 / slope, lsf


@pytest.mark.parametrize("g0, gm", [(0.02, 0.002), (0.05, 0.0005)])
def test_spin_accumulation_decays_over_sqrt_D_tau_sf(g0, gm):
    """Measured 1.017 (l_sf/l = 1.8) and 1.0005 (l_sf/l = 5.1) of the Born-rate value (the
    issue asks for 10%)."""
    fitted, formula = fitted_decay_length(g0, gm)
    assert fitted == pytest.approx(formula, rel=0.03)
