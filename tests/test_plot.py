"""st.plot: what each function draws is the data it is given (slice averages, maps, sweep lines)."""
import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver

import spintex as st


def new_axes():
    return Figure().subplots()  # no pyplot (the Agg backend is set in conftest.py)


@pytest.fixture(scope="module")
def chain():
    model = st.Model(st.lattice.chain(30), exchange=0.5, texture=st.textures.neel_wall(15.0, 3.0))
    return model, st.linear_response(model, -1.0)


@pytest.fixture(scope="module")
def strip():
    """A Bloch wall with Rashba: every component of the torque and the spin density is non-zero."""
    model = st.Model(st.lattice.strip(16, 5), exchange=0.5, rashba=0.1, texture=st.textures.bloch_wall(8.0, 2.0))
    return model, st.linear_response(model, -1.0, drive="bias")


@pytest.fixture(scope="module")
def sampled():
    model = st.Model(st.lattice.strip(12, 3), exchange=0.5, texture=st.textures.neel_wall(6.0, 2.0))
    disorder = st.Disorder(onsite=0.05, method="samples", samples=4, seed=3)
    return model, st.linear_response(model, -1.0, disorder=disorder)


def slice_mean(model, values):
    """Averages over each slice, from the lattice's slice lists (independent of st.plot)."""
    return np.array([values[s].mean(axis=0) for s in model.lattice.slices])


def site_grid(model, values, step=1):
    """values[site(x, y)] as an image [y, x] (site order: x-major, y fastest)."""
    L, W = model.lattice.length, model.lattice.width
    pos = model.lattice.positions
    grid = np.full((W, L), np.nan)
    grid[pos[:, 1].astype(int), pos[:, 0].astype(int)] = values
    return grid[::step, ::step]


def colorbar_label(image):
    return image.colorbar.ax.get_xlabel()  # the bar is below the map


def quivers(ax):
    return [c for c in ax.collections if isinstance(c, Quiver)]


# --------------------------------------------------------------------------- texture
@pytest.mark.parametrize("lattice", [st.lattice.chain(25), st.lattice.bar(9, 2, 3)])
def test_texture_of_a_wire_draws_the_slice_means_of_n(lattice):
    model = st.Model(lattice, texture=st.textures.neel_wall(4.0, 1.5))
    ax = st.plot.texture(model, ax=new_axes())
    mean = slice_mean(model, model.texture_vectors)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["$n_x$", "$n_y$", "$n_z$"]
    for a, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(lattice.length))
        np.testing.assert_allclose(line.get_ydata(), mean[:, a], rtol=0, atol=1e-15)
    (arrows,) = quivers(ax)
    np.testing.assert_allclose(arrows.U, mean[:, 0], atol=1e-15)  # x to the right, z up
    np.testing.assert_allclose(arrows.V, mean[:, 2], atol=1e-15)
    assert ax.get_xlabel() == "x [a]"


def test_texture_of_a_strip_is_a_map_of_nz_with_in_plane_arrows():
    model = st.Model(st.lattice.strip(11, 9), texture=st.textures.skyrmion((5.0, 4.0), 2.5, 1.0))
    ax = st.plot.texture(model, ax=new_axes())
    n = model.texture_vectors
    (image,) = ax.get_images()
    np.testing.assert_array_equal(image.get_array(), site_grid(model, n[:, 2]))
    (arrows,) = quivers(ax)
    np.testing.assert_array_equal(arrows.U.reshape(9, 11), site_grid(model, n[:, 0]))
    np.testing.assert_array_equal(arrows.V.reshape(9, 11), site_grid(model, n[:, 1]))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x [a]", "y [a]")
    assert colorbar_label(image) == "$n_z$"


def test_long_strips_get_every_step_th_arrow():
    model = st.Model(st.lattice.strip(200, 3), texture=st.textures.neel_wall(100.0, 10.0))
    ax = st.plot.texture(model, ax=new_axes())
    (arrows,) = quivers(ax)
    np.testing.assert_array_equal(arrows.U.reshape(1, 40), site_grid(model, model.texture_vectors[:, 0], step=5))
    assert ax.get_images()[0].colorbar.orientation == "horizontal"  # below the map: no room beside a thin one


# --------------------------------------------------------------------------- profile
def test_profile_of_a_chain_draws_the_site_values(chain):
    model, r = chain
    ax = st.plot.profile(model, r, "torque", ax=new_axes())
    lines = ax.get_lines()[:3]
    for a, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(30))
        np.testing.assert_array_equal(line.get_ydata(), r.torque[:, a])
    assert "[t]" in ax.get_ylabel() and "per unit $d\\mu_L$" in ax.get_ylabel()
    assert ax.get_xlabel() == "x [a]"
    assert r.torque[:, 0].std() > 0 and r.torque[:, 2].std() > 0  # a wall's torque is not flat


@pytest.mark.parametrize("field, component", [("spin_density", None), ("torque", "y"), ("charge_density", None)])
def test_profile_of_a_strip_draws_slice_averages(strip, field, component):
    model, r = strip
    ax = st.plot.profile(model, r, field, component, ax=new_axes())
    mean = slice_mean(model, getattr(r, field))
    expected = mean.T if field == "spin_density" else [mean[:, 1]] if component else [mean]
    lines = ax.get_lines()[: len(expected)]
    for line, y in zip(lines, expected):
        np.testing.assert_allclose(line.get_ydata(), y, rtol=1e-13, atol=1e-15)
    assert "mean over each slice" in ax.get_ylabel() and "per unit bias" in ax.get_ylabel()
    # not the sums: a strip's slice mean is 1/width of them
    assert not np.allclose(lines[0].get_ydata(), (mean.T if mean.ndim > 1 else [mean])[0] * 5)


@pytest.mark.parametrize("field", ["current", "spin_current"])
def test_profile_of_a_boundary_field_is_drawn_between_slices(chain, field):
    model, r = chain
    ax = st.plot.profile(model, r, field, "z" if field == "spin_current" else None, ax=new_axes())
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(29) + 0.5)
    values = getattr(r, field)
    np.testing.assert_array_equal(line.get_ydata(), values[:, 2] if values.ndim == 2 else values)
    assert "slice boundaries" in ax.get_xlabel() and "per unit time" in ax.get_ylabel()


def test_profile_draws_standard_error_bands_of_samples(sampled):
    model, r = sampled
    ax = st.plot.profile(model, r, "spin_density", ax=new_axes())
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3
    mean, err = slice_mean(model, r.spin_density), slice_mean(model, r.spin_density_stderr)
    assert np.all(err > 0)
    for a, band in enumerate(bands):
        vertices = band.get_paths()[0].vertices
        for l in range(model.lattice.num_slices):
            at_x = vertices[vertices[:, 0] == l, 1]
            assert at_x.min() == pytest.approx(mean[l, a] - err[l, a], rel=1e-12, abs=1e-15)
            assert at_x.max() == pytest.approx(mean[l, a] + err[l, a], rel=1e-12, abs=1e-15)


def test_profile_of_a_clean_response_has_no_band(chain):
    model, r = chain
    ax = st.plot.profile(model, r, "spin_density", ax=new_axes())
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_profile_of_a_state_has_no_per_unit_label(chain):
    model, _ = chain
    state = st.nonequilibrium(model, mu_left=-0.99, mu_right=-1.01).transport
    ax = st.plot.profile(model, state, "torque", "x", ax=new_axes())
    assert ax.get_ylabel() == "torque $T_x$ [t]"


# --------------------------------------------------------------------------- map
@pytest.mark.parametrize("field, component", [("torque", "x"), ("torque", "z"), ("spin_density", "y")])
def test_map_draws_a_component_and_in_plane_arrows(strip, field, component):
    model, r = strip
    values = getattr(r, field)
    ax = st.plot.map(model, r, field, component, ax=new_axes())
    (image,) = ax.get_images()
    a = "xyz".index(component)
    np.testing.assert_array_equal(image.get_array(), site_grid(model, values[:, a]))
    low, high = image.get_clim()
    assert high == -low == pytest.approx(np.abs(values[:, a]).max())  # centred on 0
    (arrows,) = quivers(ax)
    np.testing.assert_array_equal(arrows.U.reshape(5, 16), site_grid(model, values[:, 0]))
    np.testing.assert_array_equal(arrows.V.reshape(5, 16), site_grid(model, values[:, 1]))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x [a]", "y [a]")
    # a power of ten outside [1e-2, 1e3) goes into the label's unit, not onto every tick
    power = 0 if 1e-2 <= high < 1e3 else int(np.floor(np.log10(high)))
    unit = ("t" if field == "torque" else "Pauli units per site")
    scaled = f"$10^{{{power}}}$ {unit}" if power else unit
    assert f"_{component}$ [{scaled}]" in colorbar_label(image)
    bar = image.colorbar.ax.xaxis
    ticks = [t for t in bar.get_majorticklocs() if low <= t <= high]
    assert [float(bar.get_major_formatter()(t)) for t in ticks] == pytest.approx([t / 10.0**power for t in ticks])


def test_map_of_the_norm_and_of_a_scalar(strip):
    model, r = strip
    ax = st.plot.map(model, r, "torque", "norm", ax=new_axes(), arrows=False)
    (image,) = ax.get_images()
    np.testing.assert_allclose(image.get_array(), site_grid(model, np.linalg.norm(r.torque, axis=1)), rtol=1e-15)
    assert image.get_clim()[0] == 0 and not quivers(ax)
    ax = st.plot.map(model, r, "charge_density", ax=new_axes())  # a scalar field has no component
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), site_grid(model, r.charge_density))
    assert not quivers(ax)


def test_functions_without_ax_draw_on_a_new_pyplot_figure(strip):
    import matplotlib.pyplot as plt

    model, r = strip
    try:
        axes = [st.plot.texture(model), st.plot.profile(model, r, "torque"), st.plot.map(model, r, "torque", "z")]
        assert len({id(ax.figure) for ax in axes}) == 3
        assert all(ax.figure in map(plt.figure, plt.get_fignums()) for ax in axes)
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call, word", [
    (lambda m, r: st.plot.profile(m, r, "torq"), "field"),
    (lambda m, r: st.plot.profile(m, r, "torque", "w"), "component"),
    (lambda m, r: st.plot.profile(m, r, "charge_density", "x"), "component"),
    (lambda m, r: st.plot.profile(m, r, "bond_current"), "field"),
    (lambda m, r: st.plot.map(m, r, "current", None), "field"),
    (lambda m, r: st.plot.map(m, r, "torque", "q"), "component"),
    (lambda m, r: st.plot.map(m, r, "torque", None), "component"),
])
def test_unknown_fields_and_components_are_value_errors(strip, call, word):
    model, r = strip
    with pytest.raises(ValueError, match=word):
        call(model, r)


def test_map_needs_a_strip(chain):
    model, r = chain
    with pytest.raises(ValueError, match="model must be on a strip.*1D"):
        st.plot.map(model, r, "torque", "z")


def test_a_response_of_another_model_is_refused(chain, strip):
    with pytest.raises(ValueError, match=r"response.torque has shape \(30, 3\).*another model"):
        st.plot.profile(strip[0], chain[1], "torque")
    model, r = chain
    several = st.linear_response(model, [-1.0, -0.9])
    with pytest.raises(ValueError, match="several energies"):
        st.plot.profile(model, several, "torque")


# --------------------------------------------------------------------------- sweep
@pytest.fixture
def beta_sweep():
    """A Dataset shaped like st.sweep's: beta over (wall width, disorder) with standard errors."""
    xr = pytest.importorskip("xarray")
    widths, gammas = np.array([2.0, 4.0, 8.0]), np.array([0.01, 0.02])
    beta = 0.1 / widths[:, None] + gammas[None, :]
    return xr.Dataset(
        {"beta": (("width", "onsite"), beta, {"long_name": "beta = B / A", "units": "1"}),
         "beta_stderr": (("width", "onsite"), 0.01 * beta),
         "torque": (("width", "onsite", "site"), np.zeros((3, 2, 4)), {"units": "t"})},
        coords={"width": ("width", widths, {"units": "a"}), "onsite": ("onsite", gammas, {"units": "t^2"})})


def test_sweep_draws_one_line_per_hue_value_with_error_bars(beta_sweep):
    ax = st.plot.sweep(beta_sweep, "beta", x="width", hue="onsite", ax=new_axes())
    lines = ax.get_lines()[:2]
    for k, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), [2.0, 4.0, 8.0])
        np.testing.assert_array_equal(line.get_ydata(), beta_sweep.beta.values[:, k])
    assert len(ax.containers) == 2  # one errorbar container per line
    for k, bars in enumerate(ax.containers):
        (segments,) = bars.lines[2]
        half_lengths = [np.ptp(s[:, 1]) / 2 for s in segments.get_segments()]
        np.testing.assert_allclose(half_lengths, beta_sweep.beta_stderr.values[:, k], rtol=1e-12)
        assert segments.get_color()[0][:3] == pytest.approx(matplotlib.colors.to_rgb(lines[k].get_color()))
    assert ax.get_xlabel() == "width [a]" and "[1]" in ax.get_ylabel()


def test_sweep_selects_length_one_dimensions(beta_sweep):
    one = beta_sweep.isel(onsite=[1])
    ax = st.plot.sweep(one, "beta", x="width", ax=new_axes())
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), beta_sweep.beta.values[:, 1])


@pytest.mark.parametrize("kw, word", [
    ({"variable": "gamma", "x": "width"}, "variable"),
    ({"variable": "beta", "x": "energy"}, "x must be"),
    ({"variable": "beta", "x": "width", "hue": "drive"}, "hue must be"),
    ({"variable": "beta", "x": "width"}, "onsite.*sel"),
    ({"variable": "torque", "x": "width", "hue": "onsite"}, "site.*sel"),
    ({"variable": "beta", "x": "width", "hue": "width"}, "hue must differ"),
])
def test_sweep_errors_name_the_argument(beta_sweep, kw, word):
    with pytest.raises(ValueError, match=word):
        st.plot.sweep(beta_sweep, ax=new_axes(), **kw)


def test_sweep_needs_a_dataset(chain):
    pytest.importorskip("xarray")
    with pytest.raises(ValueError, match="dataset must be an xarray.Dataset"):
        st.plot.sweep(chain[1], "torque", x="site")


def test_sweep_plots_a_dataset_of_st_sweep(tmp_path):
    def build(exchange):
        return st.Model(st.lattice.chain(20), exchange=exchange, texture=st.textures.neel_wall(10.0, 3.0))

    ds = st.sweep(build, {"exchange": [0.3, 0.6]}, energies=[-1.2, -0.8, -0.4], observables=("transmission",),
                  scheduler="synchronous", run_dir=tmp_path / "run", progress=False)
    ax = st.plot.sweep(ds, "transmission", x="energy", hue="exchange", ax=new_axes())
    for k, line in enumerate(ax.get_lines()[:2]):
        np.testing.assert_array_equal(line.get_xdata(), [-1.2, -0.8, -0.4])
        np.testing.assert_array_equal(line.get_ydata(), ds.transmission.values[k])
    assert ax.get_xlabel() == "energy [t]" and not ax.containers  # units from the Dataset; clean: no error bars
