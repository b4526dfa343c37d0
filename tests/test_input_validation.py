"""Bad input gets a ValueError naming the argument (the defects of an input-validation audit)."""
import numpy as np
import pytest

import spintex as st
import spintex.plot  # noqa: F401  (st.plot)


@pytest.fixture(scope="module")
def wall():
    return st.Model(st.lattice.chain(12), exchange=0.5, texture=st.textures.neel_wall(6, 2))


@pytest.fixture(scope="module")
def wall_response(wall):
    return st.linear_response(wall, -1.0)


# ----------------------------------------------------------------------------- fit_torque
def test_fit_torque_checks_extra_threshold_and_flags(wall, wall_response):
    bad = np.zeros((12, 3))
    bad[5, 0] = np.nan
    with pytest.raises(ValueError, match=r"extra\[0\] must be finite"):
        st.fit_torque(wall, wall_response, extra=[bad])
    with pytest.raises(ValueError, match="extra must be a sequence"):
        st.fit_torque(wall, wall_response, extra=np.ones((12, 3)))
    with pytest.raises(ValueError, match="threshold"):
        st.fit_torque(wall, wall_response, threshold="a")
    with pytest.raises(ValueError, match="threshold"):
        st.fit_torque(wall, wall_response, threshold=-1)
    with pytest.raises(ValueError, match="spin_orbit"):
        st.fit_torque(wall, wall_response, spin_orbit="no")
    with pytest.raises(ValueError, match="transverse"):
        st.fit_torque(wall, wall_response, transverse="no")
    fit = st.fit_torque(wall, wall_response, spin_orbit=np.bool_(False), extra=[np.ones((12, 3))])
    assert fit.spin_orbit == () and len(fit.extra) == 1


def test_gilbert_damping_flag_must_be_bool(wall):
    with pytest.raises(ValueError, match="vertex_corrections"):
        st.gilbert_damping(wall, -1.0, disorder=st.Disorder(onsite=0.05), vertex_corrections="no")


# ----------------------------------------------------------------------------- sweep, ensemble
def build(exchange):
    return st.Model(st.lattice.chain(6), exchange=exchange)


def test_sweep_drive_and_energies(tmp_path):
    run = {"scheduler": "synchronous", "progress": False, "run_dir": tmp_path / "run"}
    with pytest.raises(ValueError, match="drive='thermal' is not supported by st.sweep") as err:
        st.sweep(build, {"exchange": [0.3]}, -1.0, drive="thermal", **run)
    assert "'thermal'; got" not in str(err.value)
    with pytest.raises(ValueError, match="drive must be one of 'left', 'right', 'bias', 'field' in st.sweep"):
        st.sweep(build, {"drive": ["left", "x"]}, -1.0, **run)
    with pytest.raises(ValueError, match="energies must be real"):
        st.sweep(build, {"exchange": [0.3]}, energies=[-1 + 0.5j], **run)
    with pytest.raises(ValueError, match="energies"):
        st.sweep(build, {"exchange": [0.3]}, energies="a", **run)
    disorder = st.Disorder(onsite=0.01, method="samples", samples=2, seed=1)
    with pytest.raises(ValueError, match="drive='thermal' is not supported"):
        st.ensemble(build(0.3), -1.0, disorder, drive="thermal", **run)


# ----------------------------------------------------------------------------- kubo_bubble
def test_kubo_bubble_field_must_be_real_and_finite(wall):
    d = st.Disorder(onsite=0.05)
    with pytest.raises(ValueError, match="field must be real"):
        st.kubo_bubble(wall, -1.0, field=np.ones(12) * (1 + 1j), disorder=d)
    nan = np.ones(12)
    nan[3] = np.nan
    with pytest.raises(ValueError, match="field must be finite"):
        st.kubo_bubble(wall, -1.0, field=nan, disorder=d)
    with pytest.raises(ValueError, match="field must be finite"):
        st.kubo_bubble(wall, -1.0, field=lambda x: np.where(x > 3, np.inf, 1.0), disorder=d)
    with pytest.raises(ValueError, match="model must be a spintex Model"):
        st.kubo_bubble(None, -1.0, field=np.ones(12), disorder=d)


# ----------------------------------------------------------------------------- textures
@pytest.mark.parametrize("bad", [True, [True, 0.5, 0.0], "0.5", ["0.5", "0", "0"], np.array([False, True, True])])
def test_real_arrays_refuse_booleans_and_strings(bad):
    """numpy would read True as 1.0 and parse "0.5": physical arrays refuse both, naming the argument."""
    with pytest.raises(ValueError, match="zeeman must be an array of real numbers"):
        st.Model(st.lattice.chain(4), zeeman=bad)
    with pytest.raises(ValueError, match="energies must be an array of real numbers"):
        st.transmission(st.Model(st.lattice.chain(4)), bad)


@pytest.mark.parametrize("bad", [True, np.True_, "0.5", b"0.5"])
def test_real_scalars_refuse_booleans_and_strings(bad):
    """float() reads True as 1.0 and parses "0.5": scalar arguments refuse both, as arrays do."""
    with pytest.raises(ValueError, match="energy must be a real number"):
        st.linear_response(st.Model(st.lattice.chain(4)), bad)
    with pytest.raises(ValueError, match="hopping must be a real number"):
        st.Model(st.lattice.chain(4), hopping=bad)


@pytest.mark.parametrize("factory", [lambda c: st.textures.vortex(c, 2),
                                     lambda c: st.textures.skyrmion(c, 1, 1),
                                     lambda c: st.textures.radial_bubble(c, 1, 1),
                                     lambda c: st.textures.ring_bubble(c, 1, 1)])
def test_texture_center_checked_by_the_factory(factory):
    for center in [(np.nan, 1), (1, 1, 1, 1), "ab", [[1, 2]], (1 + 1j, 0), 10.0, (10.0,)]:
        with pytest.raises(ValueError, match="center"):
            factory(center)


def test_texture_signs_and_extreme_sizes():
    with pytest.raises(ValueError, match="polarity"):
        st.textures.vortex((1, 1), 2, polarity=np.array([1, 1]))
    with pytest.raises(ValueError, match="circulation"):
        st.textures.vortex((1, 1), 2, circulation=0)
    with pytest.raises(ValueError, match="polarity"):
        st.textures.skyrmion((1, 1), 1, 1, polarity=True)
    p = st.lattice.strip(5, 5).positions
    r = np.hypot(p[:, 0] - 2, p[:, 1] - 2)
    for texture in (st.textures.skyrmion((2, 2), 1e300, 1e-300), st.textures.skyrmion((2, 2), 1.5, 1e-300),
                    st.textures.skyrmion((2, 2), 1e-300, 1e300), st.textures.vortex((2, 2), 1e-300),
                    st.textures.ring_bubble((2, 2), 1e-300, 1.0), st.textures.radial_bubble((2, 2), 1e-300, 1.0)):
        n = texture(p)
        assert np.all(np.isfinite(n)) and np.allclose(np.linalg.norm(n, axis=1), 1)
    n = st.textures.skyrmion((2, 2), 1e300, 1e-300)(p)
    assert np.allclose(n[:, 2], -1)  # a skyrmion larger than the sample: core everywhere
    n = st.textures.skyrmion((2, 2), 1.5, 1e-300)(p)  # a sharp wall at r = 1.5
    assert np.allclose(n[:, 2], np.where(r < 1.5, -1, 1))


# ----------------------------------------------------------------------------- Model
def test_model_rejects_overflowing_hamiltonian():
    with pytest.raises(ValueError, match="exchange, zeeman"):
        st.Model(st.lattice.chain(6), exchange=1e308, zeeman=(0, 0, 1e308))
    with pytest.raises(ValueError, match="onsite, exchange"):
        st.Model(st.lattice.chain(6), exchange=1e308, onsite=1e308)
    with pytest.raises(ValueError, match="lead_onsite, exchange"):
        st.Model(st.lattice.chain(6), exchange=1.0, onsite=np.zeros(6), lead_onsite=1e200)
    with pytest.raises(ValueError, match="exchange"):
        st.Model(st.lattice.chain(6), exchange=1e200)
    with pytest.raises(ValueError, match="hopping, rashba"):
        st.Model(st.lattice.chain(6), hopping=1e200)
    st.Model(st.lattice.chain(6), exchange=1e10)


# ----------------------------------------------------------------------------- Disorder
def test_disorder_equality_with_onsite_arrays():
    a, b = st.Disorder(onsite=np.ones(3)), st.Disorder(onsite=np.ones(3))
    assert a == b and not a != b
    assert st.Disorder(onsite=np.ones(3)) != st.Disorder(onsite=np.ones(4))
    assert st.Disorder(onsite=np.ones(3)) != st.Disorder(onsite=1.0)
    assert st.Disorder(onsite=0.1) == st.Disorder(onsite=0.1) != st.Disorder(onsite=0.2)
    assert hash(st.Disorder(onsite=0.1, seed=3)) == hash(st.Disorder(onsite=0.1, seed=3))
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


# ----------------------------------------------------------------------------- a response and its model
def test_response_must_belong_to_the_model(wall, wall_response):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    other = st.Model(st.lattice.strip(4, 3))  # 12 sites too, in 4 slices
    with pytest.raises(ValueError, match="model must be a spintex Model"):
        st.plot.texture(None, ax=ax)
    with pytest.raises(ValueError, match="response does not belong to this model"):
        st.plot.profile(other, wall_response, "torque", ax=ax)
    with pytest.raises(ValueError, match="response does not belong to this model"):
        st.plot.map(other, wall_response, "torque", "z", ax=ax)
    with pytest.raises(ValueError, match="arrows"):
        st.plot.map(other, st.linear_response(other, -1.0), "torque", "z", ax=ax, arrows="no")
    with pytest.raises(ValueError, match="model does not match the response"):
        wall_response.to_xarray(st.Model(st.lattice.chain(13)))
    with pytest.raises(ValueError, match="model does not match the response"):
        wall_response.to_xarray(other)
    with pytest.raises(ValueError, match="response does not belong to this model"):
        st.current_polarization(st.Model(st.lattice.chain(20)), wall_response)
    st.plot.profile(wall, wall_response, "torque", ax=ax)
    assert wall_response.to_xarray(wall).sizes["site"] == 12


# ----------------------------------------------------------------------------- CLI
def test_cli_reports_an_unreachable_scheduler(tmp_path, monkeypatch, capsys):
    import distributed

    from spintex import cli

    def unreachable(address, *args, **kwargs):
        raise OSError(f"Timed out trying to connect to {address} after 30 s")

    monkeypatch.setattr(distributed, "Client", unreachable)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "dead.toml"
    config.write_text('[lattice]\nkind = "chain"\nlength = 6\n[model]\nexchange = 0.5\n[texture]\nkind = "uniform"\n'
                      '[solve]\nfermi_energy = -1.0\nbias = 0.02\ntemperature = 0.0\n'
                      '[sweep]\nscheduler = "tcp://127.0.0.1:1"\nobservables = ["transmission"]\n')
    assert cli.main(["run", str(config)]) == 1
    err = capsys.readouterr().err
    assert "sweep.scheduler = 'tcp://127.0.0.1:1'" in err and "cannot connect to the Dask scheduler" in err
    assert "cannot write the output" not in err


def test_model_parameters_are_fixed_once_built():
    """Setting m.exchange after a first solve was silently ignored (the blocks and the C++ device
    are cached): T stayed 1.99998883 where a new model gives 1.98952235.  Now an AttributeError;
    other attributes stay free, and copies (with_onsite), pickles and the device still work."""
    m = st.Model(st.lattice.chain(20), exchange=0.5, texture=st.textures.neel_wall(10, 2))
    st.transmission(m, [-1.0])
    for name, value in (("exchange", 0.9), ("texture_vectors", np.zeros((20, 3))), ("onsite", 0.1),
                        ("lead_onsite", 1.0), ("hopping", 2.0)):
        with pytest.raises(AttributeError, match=f"Model.{name} is fixed"):
            setattr(m, name, value)
    m.label = "wall"
    assert m.with_onsite(np.zeros((20, 2, 2))).device.num_sites == 20
