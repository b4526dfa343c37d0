"""The `spintex` command line and its TOML configuration schema."""
import json
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import spintex as st
from spintex import config as cfg
from spintex.cli import main

SMALL = """\
title = "small chain"

[lattice]
kind = "chain"
length = 40

[model]
exchange = 0.5

[texture]
kind = "neel_wall"
center = 20.0
width = 4.0

[solve]
fermi_energy = -1.0
bias = 0.02
"""

RUN_VARIABLES = {
    "texture", "spin_density", "torque", "charge_density", "current", "spin_current",
    "equilibrium_charge_density", "equilibrium_spin_density", "equilibrium_torque",
    "transmission", "spin_transmission", "open_channels", "particle_current", "total_torque",
    "fit_adiabatic", "fit_nonadiabatic", "fit_beta", "fit_beta_stderr", "fit_residual", "fit_region", "fit_torque",
    "fermi_energy", "mu_left", "mu_right", "bias", "temperature",
}


def printed(name: str, text: str) -> float:
    match = re.search(rf"{re.escape(name)}\s*=\s*(\S+)", text)
    assert match, f"{name!r} not in the output:\n{text}"
    return float(match.group(1))


def write(tmp_path, text, name="case.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_demo_writes_plot_and_data(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    folder = Path("spintex-run-001")  # a new run folder by default
    png, nc, response_nc = folder / "demo.png", folder / "demo.nc", folder / "demo-response.nc"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for path in (png, nc, response_nc):
        assert str(path) in out
    data = xr.load_dataset(nc)
    assert RUN_VARIABLES <= set(data.data_vars)
    # the summary and the file say the same
    assert printed("transmission T(E_F)", out) == pytest.approx(float(data.transmission), rel=1e-5)
    assert printed("beta = B / A", out) == pytest.approx(float(data.fit_beta), rel=1e-5)
    assert printed("A (adiabatic)", out) == pytest.approx(float(data.fit_adiabatic), rel=1e-5)
    assert printed("particle current J", out) == pytest.approx(float(data.particle_current), rel=1e-5)
    field_line = next(line for line in out.splitlines() if "charge-neutral field drive" in line)
    for name, printed_name in (("beta", "beta"), ("adiabatic", "A"), ("nonadiabatic", "B")):
        assert printed(printed_name, field_line) == pytest.approx(float(data[f"field_fit_{name}"]), rel=1e-5)
    assert json.loads(data.attrs["config_json"]) == cfg.default().to_dict()
    assert data.attrs["config"] == cfg.DEFAULT_TOML and data.attrs["spintex_version"] == st.__version__
    assert "hbar = e = a = 1" in data.attrs["convention"]
    # labelled: dimensions, positions as coordinates, units
    n_sites = 120 * 4
    assert data.torque.dims == data.spin_density.dims == ("site", "component")
    assert data.torque.shape == (n_sites, 3) and list(data.component.values) == ["x", "y", "z"]
    np.testing.assert_array_equal(data.y.values, np.tile(np.arange(4.0), 120))
    np.testing.assert_array_equal(data.boundary.values, np.arange(119) + 0.5)
    units = {name: data[name].attrs["units"] for name in ("torque", "current", "fit_adiabatic", "bias", "x")}
    assert units == {"torque": "t", "current": "t/hbar", "fit_adiabatic": "t a", "bias": "t", "x": "a"}
    # ballistic wall: integer transmission, Landauer current through every slice boundary
    T = float(data.transmission)
    assert T == pytest.approx(round(T), abs=1e-6)
    np.testing.assert_allclose(data.current, T * float(data.bias) / (2 * np.pi), rtol=1e-6)
    assert float(data.fit_adiabatic) < 0
    assert "torque_stderr" not in data  # a clean run has no sample statistics
    response = xr.load_dataset(response_nc)  # the linear response at E_F, per unit rise of mu_L
    assert float(response.transmission) == float(data.transmission) and response.attrs["drive"] == "left"
    for word in ("residual", "total sum_i T_i", "hbar = e = a = 1", "units of t"):
        assert word in out


def test_default_config_is_the_documented_demo():
    c = cfg.default()
    assert c.lattice == {"kind": "strip", "length": 120, "width": 4}
    assert c.texture == {"kind": "neel_wall", "center": 60.0, "width": 8.0}
    assert (c.model["hopping"], c.model["exchange"]) == (1.0, 0.5)
    assert (c.mu_left, c.mu_right) == pytest.approx((-0.99, -1.01))


def test_print_config_is_a_valid_template(capsys):
    assert main(["demo", "--print-config"]) == 0
    assert cfg.parse(capsys.readouterr().out).to_dict() == cfg.default().to_dict()


def test_run_small_config(tmp_path, capsys):
    path = write(tmp_path, SMALL, "small.toml")
    out_dir = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "small chain" in out
    data = xr.load_dataset(out_dir / "small.nc")  # --out: exactly there
    assert (float(data.mu_left), float(data.mu_right)) == pytest.approx((-0.99, -1.01))
    assert data.attrs["config"] == SMALL
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 4.0))
    assert float(data.transmission) == pytest.approx(st.linear_response(model, -1.0).transmission)
    np.testing.assert_allclose(data.texture, model.texture_vectors)
    assert (out_dir / "small.png").stat().st_size > 0


def test_runs_never_overwrite_without_force(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, SMALL, "small.toml")
    (tmp_path / "spintex-run-007").mkdir()  # the next free number comes after the highest
    for folder in ("spintex-run-008", "spintex-run-009"):
        assert main(["run", str(path)]) == 0
        assert f"{folder}/small.nc" in capsys.readouterr().out
        assert xr.load_dataset(Path(folder) / "small.nc").transmission.size == 1
    out_dir = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out_dir)]) == 0
    (out_dir / "small.nc").write_bytes(b"earlier results")
    assert main(["run", str(path), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "--force" in out and f"{out_dir / 'spintex-run-001' / 'small.nc'}" in out
    assert (out_dir / "small.nc").read_bytes() == b"earlier results"
    assert xr.load_dataset(out_dir / "spintex-run-001" / "small.nc").attrs["config"] == SMALL
    assert main(["run", str(path), "--out", str(out_dir), "--force"]) == 0
    assert xr.load_dataset(out_dir / "small.nc").attrs["config"] == SMALL
    assert not (out_dir / "spintex-run-002").exists()


def test_sampled_runs_keep_their_standard_errors(tmp_path, capsys):
    path = write(tmp_path, SMALL + '\n[disorder]\nonsite = 0.05\nmethod = "samples"\nsamples = 4\nseed = 5\n'
                 'drive = "bias"\n')
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    data = xr.load_dataset(tmp_path / "out" / "case.nc")
    response = xr.load_dataset(tmp_path / "out" / "case-response.nc")  # per unit bias
    assert response.attrs["seed"] == 5 and response.attrs["samples"] == 4
    for name in ("torque", "spin_density", "charge_density", "current", "spin_current"):
        assert data[f"{name}_stderr"].dims == data[name].dims
        np.testing.assert_array_equal(data[name], 0.02 * response[name])  # the response times the bias
        np.testing.assert_array_equal(data[f"{name}_stderr"], 0.02 * response[f"{name}_stderr"])
    assert float(data.torque_stderr.max()) > 0
    assert float(data.transmission_stderr) == float(response.transmission_stderr) > 0
    match = re.search(r"conductance .* = (\S+) \+- (\S+) \(standard error of 4 samples\)", out)
    assert match, out
    assert float(match.group(1)) == pytest.approx(float(data.transmission), rel=1e-5)
    assert float(match.group(2)) == pytest.approx(float(data.transmission_stderr), rel=0.05)


def test_uniform_texture_runs_without_a_fit(tmp_path, capsys):
    text = SMALL.replace('kind = "neel_wall"\ncenter = 20.0\nwidth = 4.0', 'kind = "uniform"')
    assert main(["run", str(write(tmp_path, text)), "--out", str(tmp_path)]) == 0
    assert "not available" in capsys.readouterr().out
    assert np.isnan(xr.load_dataset(tmp_path / "case.nc").fit_beta)


def test_version(capsys):
    assert main(["--version"]) == 0
    assert st.__version__ in capsys.readouterr().out


@pytest.mark.parametrize("edit, words", [
    (("[model]", "[model]\nexchnage = 0.3"), ["model.exchnage", "exchange", "hopping"]),
    (("[solve]", "[solver]"), ["[solver]", "[solve]"]),
    (("width = 4.0", "width = 4.0\nradius = 2.0"), ["texture.radius", "center, width"]),
    (("length = 40", "length = 40\nwidth = 3"), ["lattice.width", "chain"]),
    (("length = 40", "length = -5"), ["lattice.length", "positive integer", "-5"]),
    (("length = 40", 'length = "forty"'), ["lattice.length", "positive integer"]),
    (("length = 40", "length = 40.0"), ["lattice.length", "positive integer"]),
    (('kind = "neel_wall"', 'kind = "bubble"'), ["texture.kind", "skyrmion"]),
    (("width = 4.0", "width = 0.0"), ["texture.width", "> 0"]),
    (("bias = 0.02", "bias = 0.0"), ["solve.bias", "non-zero"]),
    (("bias = 0.02", "temperature = -0.1"), ["solve.temperature", ">= 0"]),
    (("fermi_energy = -1.0", ""), ["solve.fermi_energy", "missing"]),
    (("exchange = 0.5", "exchange = 0.5\nrashba = 0.1"), ["model.rashba", "chain"]),
    (("exchange = 0.5", 'exchange = 0.5\nleads = "yes"'), ["model.leads", "nonmagnetic"]),
    (("exchange = 0.5", "exchange = 0.5\nzeeman = [0.0, 1.0]"), ["model.zeeman", "3"]),
    (("[lattice]", "[lattice"), ["invalid TOML", "line"]),
    (('kind = "neel_wall"\ncenter = 20.0\nwidth = 4.0',
      'kind = "skyrmion"\ncenter = 20.0\nradius = 3.0\nwall_width = 1.0'),
     ["texture.center", "[x, y]"]),  # one number would be padded to (x, 0): the edge of a strip
])
def test_bad_config_exits_2_naming_the_key(tmp_path, capsys, edit, words):
    old, new = edit
    assert old in SMALL
    path = write(tmp_path, SMALL.replace(old, new, 1))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spintex: error: ") and "Traceback" not in err
    for word in words:
        assert word in err
    assert not (tmp_path / "out").exists()


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nowhere.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spintex: error: ") and "nowhere.toml" in err


def test_config_error_is_a_value_error():
    assert issubclass(cfg.ConfigError, ValueError)
    with pytest.raises(ValueError, match="lattice.height"):
        cfg.from_dict({"lattice": {"kind": "bar", "length": 3, "width": 2},
                       "texture": {"kind": "uniform"}, "solve": {"fermi_energy": 0.0}})


def test_texture_center_defaults_to_the_middle():
    c = cfg.parse(SMALL.replace("center = 20.0\n", "")
                  .replace('kind = "chain"\nlength = 40', 'kind = "strip"\nlength = 40\nwidth = 9'))
    assert c.texture["center"] == pytest.approx(19.5)
    c = cfg.from_dict({"lattice": {"kind": "strip", "length": 11, "width": 5},
                       "texture": {"kind": "skyrmion", "radius": 2.0, "wall_width": 1.0},
                       "solve": {"fermi_energy": -1.0}})
    assert c.texture["center"] == pytest.approx([5.0, 2.0])


@pytest.mark.parametrize("name", ["neel_wall_strip.toml", "skyrmion_strip.toml"])
def test_examples_are_valid(name):
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "examples" / name
    c = cfg.load(path)
    assert c.title
    model = cfg.build_model(c)
    assert model.lattice.num_sites > 480  # bigger than the demo


def test_run_with_a_disorder_section(tmp_path, capsys):
    """[disorder] solves the SCBA linear response under the charge-neutral field drive."""
    example = Path(__file__).resolve().parent.parent / "examples" / "disordered_wire.toml"
    assert main(["run", str(example), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SCBA with ladder vertex corrections" in out and "drive: field" in out
    beta = float(xr.load_dataset(tmp_path / "disordered_wire.nc").fit_beta)
    eq94 = st.continuum.beta_spin_flip(*st.continuum.spin_dos(-1.0, 0.25, 1), 0.25, magnetic=(0.01, 0.01))
    assert beta == pytest.approx(eq94, rel=2e-3)  # seed 000 Eq. 94; measured 5e-4


@pytest.mark.parametrize("section, message", [
    ("[disorder]\nmagnetic = [0.01]\n", "disorder.magnetic"),
    ("[disorder]\nmethod = \"cpa\"\n", "disorder.method"),
    ("[disorder]\nonsite = -0.1\n", "disorder.onsite"),
    ("[disorder]\nstrength = 0.1\n", "strength"),
    ("[disorder]\nscreening_length = -1.0\n", "disorder.screening_length"),
    ("[disorder]\nneutral_leads = 1\n", "disorder.neutral_leads"),
    ("[disorder]\nneutral_leads = true\ndrive = \"bias\"\n", "disorder.neutral_leads applies to drive"),
    ("[disorder]\nsoc = 0.05\nneutral_leads = true\n", "neutral_leads = true with spin-orbit impurities"),
    ("[disorder]\nscreening_length = 2.0\ndrive = \"bias\"\n", "disorder.screening_length applies to drive"),
    ("[disorder]\nscreening_length = 2.0\n[sweep]\ndrive = \"bias\"\n",
     "disorder.screening_length applies to drive = 'field', not 'bias'"),
    ("[disorder]\n[sweep]\ndrive = \"bias\"\ngrid = { \"disorder.screening_length\" = [0.0, 2.0] }\n",
     "disorder.screening_length applies to drive = 'field', not 'bias'"),
    ("[disorder]\n[sweep]\ngrid = { \"disorder.screening_length\" = [1.0, -2.0] }\n", "disorder.screening_length"),
    ("[disorder]\nscreening_tolerance = 0.5\n", "disorder.screening_tolerance must lie in [1e-10, 0.01]"),
    ("[disorder]\nscreening_tolerance = 0.0\n", "disorder.screening_tolerance"),
    ("[disorder]\nscreening_tolerance = 1e-4\ndrive = \"bias\"\n",
     "disorder.screening_tolerance applies to drive = 'field', not 'bias'"),
    ("[disorder]\n[sweep]\ngrid = { \"disorder.screening_tolerance\" = [1e-4, 1.0] }\n",
     "disorder.screening_tolerance"),
])
def test_bad_disorder_sections_are_rejected(tmp_path, capsys, section, message):
    """(A single number for disorder.magnetic is both variances, as in spintex.Disorder: see
    test_scalar_magnetic_variance_is_both.)"""
    path = tmp_path / "c.toml"
    path.write_text('[lattice]\nkind = "chain"\nlength = 20\n[texture]\nkind = "neel_wall"\nwidth = 3\n'
                    "[solve]\nfermi_energy = -1.0\n" + section)
    assert main(["run", str(path), "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_screening_length_in_a_config(tmp_path, capsys):
    """disorder.screening_length reaches the field drive (the same numbers as the library call) and
    the summary says so."""
    path = tmp_path / "tf.toml"
    path.write_text('[lattice]\nkind = "chain"\nlength = 60\n[model]\nexchange = 0.5\n[texture]\nkind = '
                    '"neel_wall"\nwidth = 4\n[solve]\nfermi_energy = -0.8\n[disorder]\nonsite = 0.05\n'
                    'screening_length = 3.0\n')
    assert main(["run", str(path), "--out", str(tmp_path)]) == 0
    assert "Thomas-Fermi length 3 a" in capsys.readouterr().out
    c = cfg.load(path)
    r = st.linear_response(cfg.build_model(c), -0.8, disorder=st.Disorder(onsite=0.05), drive="field",
                           screening_length=3.0)
    assert xr.load_dataset(tmp_path / "tf.nc").attrs["disorder_screening_length"] == 3.0
    saved = xr.load_dataset(tmp_path / "tf-response.nc")
    assert float(saved.screening_length) == 3.0 and np.array_equal(saved.torque.values, r.torque)


def test_screening_tolerance_in_a_config(tmp_path, capsys):
    """disorder.screening_tolerance reaches the field drive of a run and of a sweep's points (the
    same numbers as the library call), and the summary says so."""
    path = tmp_path / "tol.toml"
    base = ('[lattice]\nkind = "chain"\nlength = 60\n[model]\nexchange = 0.5\n[texture]\nkind = '
            '"neel_wall"\nwidth = 4\n[solve]\nfermi_energy = -0.8\n[disorder]\nonsite = 0.05\n'
            'screening_tolerance = 1e-3\n')
    path.write_text(base)
    assert main(["run", str(path), "--out", str(tmp_path / "run")]) == 0
    assert "screening tolerance 0.001" in capsys.readouterr().out
    r = st.linear_response(cfg.build_model(cfg.load(path)), -0.8, disorder=st.Disorder(onsite=0.05), drive="field",
                           screening_tolerance=1e-3)
    saved = xr.load_dataset(tmp_path / "run" / "tol-response.nc")
    assert float(saved.screening_tolerance) == 1e-3 and np.array_equal(saved.torque.values, r.torque)
    chunks = (tmp_path / "chunks").as_posix()
    path.write_text(base + '[sweep]\nscheduler = "synchronous"\nobservables = ["torque"]\ngrid = { '
                    f'"disorder.screening_tolerance" = [1e-3, 1e-6] }}\ncheckpoint = "{chunks}"\n')
    assert main(["run", str(path), "--out", str(tmp_path / "sweep")]) == 0
    ds = xr.load_dataset(next((tmp_path / "sweep").glob("*.nc")))
    np.testing.assert_array_equal(ds.torque.sel({"disorder.screening_tolerance": 1e-3}).values, r.torque)
    default = st.linear_response(cfg.build_model(cfg.load(path)), -0.8, disorder=st.Disorder(onsite=0.05),
                                 drive="field")
    np.testing.assert_array_equal(ds.torque.sel({"disorder.screening_tolerance": 1e-6}).values, default.torque)


def test_spin_orbit_disorder_in_a_config(tmp_path, capsys):
    path = tmp_path / "soc.toml"
    base = ('[lattice]\nkind = "bar"\nlength = 12\nwidth = 3\nheight = 3\n[model]\nexchange = 0.5\n'
            '[texture]\nkind = "neel_wall"\nwidth = 2\n[solve]\nfermi_energy = -1.4\n')  # off the thresholds
    path.write_text(base + "[disorder]\nsoc = 0.05\n")  # the field drive: the Fermi-sea ladders on the pairs
    assert main(["run", str(path), "--out", str(tmp_path / "field")]) == 0
    assert "Gamma_so = 0.05" in capsys.readouterr().out
    model = cfg.build_model(cfg.load(path))
    r = st.linear_response(model, -1.4, disorder=st.Disorder(soc=0.05), drive="field")
    saved = xr.load_dataset(tmp_path / "field" / "soc-response.nc")
    assert saved.attrs["drive"] == "field" and np.array_equal(saved.torque.values, r.torque)
    path.write_text(base + '[disorder]\nsoc = 0.05\ndrive = "bias"\n')  # SCBA with the non-local Born self-energy
    assert main(["run", str(path), "--out", str(tmp_path)]) == 0
    assert "Gamma_so = 0.05" in capsys.readouterr().out
    path.write_text(base + '[disorder]\nsoc = 0.05\nmethod = "samples"\nsamples = 3\nseed = 1\n')
    assert main(["run", str(path), "--out", str(tmp_path)]) == 0
    assert "Gamma_so = 0.05" in capsys.readouterr().out


def test_config_with_a_byte_order_mark_runs(tmp_path, capsys):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    assert cfg.parse("\ufeff" + SMALL).solve["bias"] == 0.02


def test_large_bias_runs_the_whole_band(tmp_path, capsys):
    """bias = 100 puts mu_right below the spectrum (this was a raw traceback): the steady state
    is the left-injected band, its current (1/2pi) int T(E) dE over the band."""
    path = write(tmp_path, SMALL.replace("bias = 0.02", "bias = 100"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 4.0))
    e, w = st.keldysh.real_axis_nodes(-2.5, 2.5, st.keldysh.channel_thresholds(model), 64)
    expected = w @ st.transmission(model, e) / (2 * np.pi)
    data = xr.load_dataset(tmp_path / "out" / f"{path.stem}.nc")
    assert float(data.particle_current) == pytest.approx(expected, rel=1e-8)


def test_solver_value_errors_exit_2_without_a_traceback(tmp_path, capsys):
    """E_F on the bottom of a clean wire's subband: the response diverges (van Hove)."""
    text = SMALL.replace('kind = "neel_wall"\ncenter = 20.0\nwidth = 4.0', 'kind = "uniform"')
    path = write(tmp_path, text.replace("fermi_energy = -1.0", "fermi_energy = -2.5"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spintex: error: ") and "threshold" in err and "Traceback" not in err


def test_a_lattice_too_large_for_memory_is_refused_with_a_clear_error(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    path.write_text('[lattice]\nkind = "strip"\nlength = 100000\nwidth = 100000\n[texture]\nkind = "uniform"\n'
                    "[solve]\nfermi_energy = -1.0\n")
    assert main(["run", str(path), "--out", str(tmp_path)]) == 2
    assert "does not fit in memory" in capsys.readouterr().err


# --------------------------------------------------------------------------- [sweep]
SWEEP = SMALL.replace("[solve]", "[disorder]\nonsite = 0.05\nmagnetic = [0.005, 0.005]\n\n[solve]") + """
[sweep]
grid = { "texture.width" = [3.0, 5.0], "disorder.magnetic" = [[0.0025, 0.0025], [0.005, 0.005]] }
observables = ["beta", "adiabatic", "transmission"]
scheduler = "synchronous"
checkpoint = "chunks"
"""


def test_sweep_table_writes_the_dataset_and_a_plot(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, SWEEP, "sweep.toml")
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    folder = Path("spintex-run-001")
    assert "4 points" in out and str(folder / "sweep.nc") in out and (folder / "sweep.png").stat().st_size > 0
    ds = xr.load_dataset(folder / "sweep.nc")
    assert ds.beta.dims == ("texture.width", "disorder.magnetic")  # a scalar E_F: no energy dimension
    assert list(ds["texture.width"].values) == [3.0, 5.0]
    assert ds.attrs["config"] == SWEEP and float(ds.energy) == -1.0
    # a point of the grid is the config with the keys replaced: the same numbers as a direct call
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 5.0))
    r = st.linear_response(model, -1.0, disorder=st.Disorder(onsite=0.05, magnetic=(0.0025, 0.0025)), drive="field")
    point = ds.sel({"texture.width": 5.0, "disorder.magnetic": "[0.0025, 0.0025]"})
    assert float(point.beta) == pytest.approx(st.fit_torque(model, r).beta, rel=1e-12)
    assert float(point.transmission) == pytest.approx(r.transmission, rel=1e-12)
    assert np.all(ds.beta.sel({"disorder.magnetic": "[0.005, 0.005]"}) > ds.beta.sel({"disorder.magnetic":
                                                                                       "[0.0025, 0.0025]"}))
    chunks = {p: p.stat().st_mtime_ns for p in Path("chunks").glob("p*.nc")}
    assert len(chunks) == 4  # the checkpoint
    # the same command again: a new run folder, the chunks read back (not recomputed), the same numbers
    assert main(["run", str(path)]) == 0
    assert chunks == {p: p.stat().st_mtime_ns for p in Path("chunks").glob("p*.nc")}
    xr.testing.assert_identical(xr.load_dataset("spintex-run-002/sweep.nc"), ds)


def test_sweep_over_energies_and_the_lattice(tmp_path, capsys):
    text = SMALL.replace("center = 20.0\n", "") + """
[sweep]
grid = { "lattice.length" = [30, 40] }
energies = [-1.2, -1.0]
observables = ["transmission", "torque"]
scheduler = "synchronous"
checkpoint = "%s"
""" % (tmp_path / "chunks").as_posix()
    assert main(["run", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 0
    ds = xr.load_dataset(tmp_path / "out" / "case.nc")
    assert ds.transmission.dims == ("lattice.length", "energy")
    assert ds.torque.dims == ("lattice.length", "energy", "site", "component")
    model = st.Model(st.lattice.chain(30), exchange=0.5, texture=st.textures.neel_wall(14.5, 4.0))  # centred
    expected = st.linear_response(model, -1.2, drive="field")
    np.testing.assert_allclose(ds.torque.sel({"lattice.length": 30}).isel(energy=0)[:30], expected.torque,
                               rtol=1e-12, atol=1e-15)
    assert np.isnan(ds.torque.sel({"lattice.length": 30})[:, 30:]).all()  # padded to the longest chain


@pytest.mark.parametrize("sweep, words", [
    ('grid = { "texture.widht" = [3.0] }', ["sweep.grid", "texture.widht", "texture.width"]),
    ('grid = { "textur.width" = [3.0] }', ["sweep.grid", "textur.width", "lattice, model, texture, disorder"]),
    ('grid = { "solve.fermi_energy" = [-1.0] }', ["solve.fermi_energy", "sweep.energies"]),
    ('grid = { "texture.kind" = ["bloch_wall"] }', ["texture.kind", "fixed"]),
    ('grid = { "texture.width" = 3.0 }', ["sweep.grid", "texture.width", "list"]),
    ('grid = { "texture.width" = [3.0, -1.0] }', ["texture.width = -1.0", "texture.width must be > 0"]),
    ('grid = { "disorder.magnetic" = [[0.01]] }', ["disorder.magnetic"]),
    ('scheduler = "threads"', ["sweep.scheduler", "synchronous", "tcp://"]),
    ("workers = 0", ["sweep.workers", "positive integer"]),
    ('observables = ["beta", "betta"]', ["sweep.observables", "betta"]),
    ("energies = []", ["sweep.energies"]),
    ("gird = {}", ["sweep.gird", "grid"]),
    ('drive = "bias"', ["sweep.drive", "disorder.drive"]),
])
def test_bad_sweep_tables_exit_2_naming_the_key(tmp_path, capsys, sweep, words):
    text = SMALL + '[disorder]\nonsite = 0.05\ndrive = "field"\n[sweep]\n' + sweep + "\n"
    assert main(["run", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spintex: error: ") and "Traceback" not in err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "out").exists()


def test_sweep_over_the_screening_length(tmp_path, capsys):
    """disorder.screening_length is a grid key, and a fixed one reaches every point: the same
    numbers as linear_response's Thomas-Fermi field drive."""
    base = (SMALL + '[disorder]\nonsite = 0.05\n%s[sweep]\n%sobservables = ["torque"]\nscheduler = "synchronous"\n'
            'checkpoint = "%s"\n')
    grid = base % ("", 'grid = { "disorder.screening_length" = [0.0, 3.0] }\n', (tmp_path / "a").as_posix())
    assert main(["run", str(write(tmp_path, grid, "grid.toml")), "--out", str(tmp_path / "out")]) == 0
    assert "screening     swept (see the grid)" in capsys.readouterr().out
    fixed = base % ("screening_length = 3.0\n", 'grid = { "texture.width" = [4.0] }\n', (tmp_path / "b").as_posix())
    assert main(["run", str(write(tmp_path, fixed, "fixed.toml")), "--out", str(tmp_path / "out")]) == 0
    assert "Thomas-Fermi length 3 a" in capsys.readouterr().out
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 4.0))
    ds = xr.load_dataset(tmp_path / "out" / "grid.nc")
    for length in (0.0, 3.0):
        r = st.linear_response(model, -1.0, disorder=st.Disorder(onsite=0.05), drive="field", screening_length=length)
        np.testing.assert_allclose(ds.torque.sel({"disorder.screening_length": length}), r.torque, rtol=1e-12,
                                   atol=1e-15)
    one = xr.load_dataset(tmp_path / "out" / "fixed.nc").torque.sel({"texture.width": 4.0})
    np.testing.assert_array_equal(one, ds.torque.sel({"disorder.screening_length": 3.0}))


def test_neutral_leads_in_a_config_run_and_sweep(tmp_path, capsys):
    """disorder.neutral_leads reaches the field drive of spintex run and of [sweep] points (a grid
    key too): the same numbers as linear_response(..., neutral_leads=True)."""
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 4.0))
    d = st.Disorder(onsite=0.05)
    expected = {flag: st.linear_response(model, -1.0, disorder=d, drive="field", screening_length=20.0,
                                         neutral_leads=flag) for flag in (False, True)}
    assert np.abs(expected[True].torque - expected[False].torque).max() > 1e-3 * np.abs(expected[False].torque).max()
    run = SMALL + "[disorder]\nonsite = 0.05\nscreening_length = 20.0\nneutral_leads = true\n"
    assert main(["run", str(write(tmp_path, run, "run.toml")), "--out", str(tmp_path / "out")]) == 0
    assert "Thomas-Fermi length 20 a, neutral leads" in capsys.readouterr().out
    saved = xr.load_dataset(tmp_path / "out" / "run-response.nc")
    np.testing.assert_array_equal(saved.torque.values, expected[True].torque)
    sweep = (SMALL + '[disorder]\nonsite = 0.05\nscreening_length = 20.0\n[sweep]\n'
             'grid = { "disorder.neutral_leads" = [false, true] }\nobservables = ["torque"]\n'
             'scheduler = "synchronous"\ncheckpoint = "%s"\n' % (tmp_path / "chunks").as_posix())
    assert main(["run", str(write(tmp_path, sweep, "sweep.toml")), "--out", str(tmp_path / "out")]) == 0
    ds = xr.load_dataset(tmp_path / "out" / "sweep.nc")
    for flag in (False, True):
        np.testing.assert_allclose(ds.torque.sel({"disorder.neutral_leads": flag}), expected[flag].torque,
                                   rtol=1e-12, atol=1e-15)


def test_a_config_sweep_without_screening_keys_writes_the_earlier_manifest(tmp_path):
    """A config sweep that does not screen records no screening keys in sweep.json, so checkpoints
    written before they existed resume (the manifest records non-default values only)."""
    import json

    chunks = (tmp_path / "chunks").as_posix()
    text = (SMALL + '[disorder]\nonsite = 0.05\n[sweep]\ngrid = { "texture.width" = [4.0] }\n'
            f'observables = ["torque"]\nscheduler = "synchronous"\ncheckpoint = "{chunks}"\n')
    assert main(["run", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "chunks" / "sweep.json").read_text())
    assert "screening_length" not in manifest and "neutral_leads" not in manifest


def test_sweep_needs_zero_temperature():
    with pytest.raises(cfg.ConfigError, match="temperature"):
        cfg.parse(SMALL.replace("bias = 0.02", "bias = 0.02\ntemperature = 0.01") + "[sweep]\n")


def test_sweep_example_is_valid():
    c = cfg.load(Path(__file__).resolve().parents[1] / "examples" / "beta_sweep.toml")
    assert c.sweep is not None and c.sweep["drive"] == "field" and c.sweep["scheduler"] is None
    assert cfg.sweep_grid(c) == {"texture.width": [12.5, 25.0, 50.0, 100.0],
                                 "disorder.magnetic": ["[0.0025, 0.0025]", "[0.005, 0.005]"]}
    point = cfg.point_config(c, {"texture.width": 50.0, "disorder.magnetic": "[0.0025, 0.0025]"})
    assert point.texture["width"] == 50.0 and point.disorder["magnetic"] == [0.0025, 0.0025]
    assert point.texture["center"] == pytest.approx(800.0)


def test_sampled_sweep_keeps_standard_errors(tmp_path, capsys):
    text = SMALL + """
[disorder]
onsite = 0.2
method = "samples"
samples = 8
seed = 3

[sweep]
grid = { "disorder.onsite" = [0.1, 0.2] }
observables = ["transmission", "torque"]
scheduler = "synchronous"
samples_per_task = 4
checkpoint = "%s"
""" % (tmp_path / "chunks").as_posix()
    assert main(["run", str(write(tmp_path, text)), "--out", str(tmp_path / "out")]) == 0
    assert "transmission_stderr" in capsys.readouterr().out
    ds = xr.load_dataset(tmp_path / "out" / "case.nc")
    assert ds.transmission_stderr.dims == ("disorder.onsite",) and np.all(ds.transmission_stderr > 0)
    assert ds.torque_stderr.dims == ("disorder.onsite", "site", "component")
    assert len(list((tmp_path / "chunks").glob("p*_s*.nc"))) == 4  # 2 points x 2 sample blocks


def test_sweep_on_a_local_cluster_gives_the_synchronous_numbers(tmp_path, capsys):
    text = SMALL + '[sweep]\ngrid = { "texture.width" = [3.0, 5.0] }\nobservables = ["beta", "torque"]\nworkers = 1\n'
    here = write(tmp_path, text + f'checkpoint = "{(tmp_path / "a").as_posix()}"\n', "a.toml")
    serial = write(tmp_path, text + f'checkpoint = "{(tmp_path / "b").as_posix()}"\nscheduler = "synchronous"\n',
                   "b.toml")
    for path in (here, serial):
        assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    a, b = (xr.load_dataset(tmp_path / "out" / f"{n}.nc") for n in "ab")
    for name in ("beta", "torque"):
        np.testing.assert_array_equal(a[name], b[name])  # bitwise


def test_schema_lists_every_key(capsys):
    """`spintex schema` prints the config docstring, which must name every key the validation
    accepts (the README points newcomers there instead of the examples)."""
    assert main(["schema"]) == 0
    text = capsys.readouterr().out
    keys = {k for table in (cfg.MODEL, cfg.SOLVE, cfg.DISORDER, cfg.SWEEP, cfg.LATTICE_CHECKS) for k in table}
    keys |= {k for kind in cfg.TEXTURES.values() for k in kind} | set(cfg.TEXTURES) | set(cfg.SECTIONS)
    missing = sorted(k for k in keys if k not in text)
    assert not missing, f"keys missing from the schema: {missing}"


def test_scalar_magnetic_variance_is_both():
    """disorder.magnetic = 0.01 means [0.01, 0.01], as st.Disorder(magnetic=0.01) does; a sweep
    over scalars gets a numeric coordinate."""
    base = SMALL + "[disorder]\nonsite = 0.05\n"
    scalar = cfg.parse(base + "magnetic = 0.01\n")
    pair = cfg.parse(base + "magnetic = [0.01, 0.01]\n")
    assert scalar.disorder == pair.disorder
    assert cfg.build_disorder(scalar) == st.Disorder(onsite=0.05, magnetic=0.01, seed=0)  # the config default seed
    with pytest.raises(cfg.ConfigError, match="disorder.magnetic"):
        cfg.parse(base + "magnetic = -0.01\n")


@pytest.mark.parametrize("drive, shifts", [("left", (0.02, 0.0)), ("bias", (0.01, -0.01))])
def test_a_disorder_drive_records_its_chemical_potentials(tmp_path, capsys, drive, shifts):
    """The stored and printed mu_L, mu_R are those the response was driven with: drive = "left" puts the
    whole bias on the left lead, "bias" splits it."""
    path = write(tmp_path, SMALL + f'[disorder]\nonsite = 0.05\ndrive = "{drive}"\n')
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    data = xr.load_dataset(tmp_path / "out" / "case.nc")
    mu = (-1.0 + shifts[0], -1.0 + shifts[1])
    assert (float(data.mu_left), float(data.mu_right)) == pytest.approx(mu, abs=1e-15)
    assert (printed("mu_L", out), printed("mu_R", out)) == pytest.approx(mu, abs=1e-15)
    model = st.Model(st.lattice.chain(40), exchange=0.5, texture=st.textures.neel_wall(20.0, 4.0))
    r = st.linear_response(model, -1.0, disorder=st.Disorder(onsite=0.05), drive=drive)
    assert np.allclose(data.torque.values, 0.02 * r.torque, rtol=1e-9, atol=1e-15)


def test_an_unusable_out_is_refused_before_the_solve(tmp_path, capsys, monkeypatch):
    """--out that is a file (or lies under one) exits 2 at once; it used to run the whole solve (or
    sweep) first and fail on the write."""
    import spintex.cli as cli

    def no_solve(*args, **kwargs):
        raise AssertionError("solved before checking --out")

    monkeypatch.setattr(cli, "solve", no_solve)
    monkeypatch.setattr(cli, "sweep_main", no_solve)
    path = write(tmp_path, SMALL)
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    for out in (a_file, a_file / "sub"):
        assert main(["run", str(path), "--out", str(out)]) == 2
        assert f"--out {out}" in capsys.readouterr().err
