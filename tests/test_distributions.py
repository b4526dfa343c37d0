"""Sampled disorder distributions: binary (+-u, the default), gaussian and box, all with the Born
variances; they differ in the fourth cumulant, which the Born approximation leaves out."""
import numpy as np
import pytest

import spintex as st
from spintex.disorder import random_site_blocks, spin_orbit_fields

# <x^4> / <x^2>^2 of the strength on an impurity site
KURTOSIS = {"binary": 1.0, "gaussian": 3.0, "box": 1.8}


def moments(x):
    return np.mean(x**2), np.mean(x**4)


@pytest.mark.parametrize("concentration", [1.0, 0.5])
@pytest.mark.parametrize("distribution", sorted(KURTOSIS))
def test_sampled_variances_are_the_born_variances(distribution, concentration):
    lat = st.lattice.strip(2000, 10)
    m = st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(1000, 300.0))
    g0, (g_perp, g_par) = 0.04, (0.01, 0.02)
    d = st.Disorder(onsite=g0, magnetic=(g_perp, g_par), soc=0.03, method="samples",
                    concentration=concentration, distribution=distribution)
    rng = np.random.default_rng(3)
    blocks = random_site_blocks(m, d, rng)
    eps = np.real(np.trace(blocks, axis1=1, axis2=2)) / 2
    field = np.real(np.einsum("aij,nji->na", st.model.PAULI, blocks)) / 2
    axes = st.disorder.magnetic_axes(m, "local")
    h = np.einsum("nab,nb->na", axes, field)  # components along e1, e2 (perp) and n (par)
    soc = spin_orbit_fields(lat.num_sites, d, rng)
    N = lat.num_sites
    for x, gamma in ((eps, g0), (h[:, 0], g_perp), (h[:, 1], g_perp), (h[:, 2], g_par),
                     (soc[:, 0], 0.03), (soc[:, 2], 0.03)):
        m2, m4 = moments(x)
        # site variance = Born variance; fourth moment c <x^4 | impurity> = k Gamma^2 / c
        k = KURTOSIS[distribution]
        sd2 = np.sqrt(max(k / concentration - 1, 0.1) / N)  # relative standard error of m2
        assert abs(m2 / gamma - 1) < 5 * sd2
        assert abs(m4 / (k * gamma**2 / concentration) - 1) < 0.2
        assert abs(np.mean(x)) < 5 * np.sqrt(gamma / N)
    if distribution == "binary":  # the default: +-u on impurity sites, exactly as before
        assert set(np.round(np.abs(eps) / np.sqrt(g0 / concentration), 12)) <= {0.0, 1.0}


def test_binary_is_the_default_and_bad_distributions_are_refused():
    assert st.Disorder().distribution == "binary"
    d = st.Disorder(onsite=0.1, method="samples")
    m = st.Model(st.lattice.chain(50), exchange=0.5)
    a = random_site_blocks(m, d, np.random.default_rng(5))
    b = random_site_blocks(m, st.Disorder(onsite=0.1, method="samples", distribution="binary"),
                           np.random.default_rng(5))
    assert np.array_equal(a, b)
    # the +-u stream of the signs is the one drawn before distributions existed
    rng = np.random.default_rng(5)
    impurity = rng.random(50) < 1.0
    eps = np.sqrt(0.1) * rng.choice([-1.0, 1.0], 50) * impurity
    assert np.array_equal(a[:, 0, 0].real, eps)
    with pytest.raises(ValueError, match="distribution"):
        st.Disorder(distribution="uniform")
