"""st.sweep and st.ensemble: Dask runs bitwise equal to serial ones, resume after interruption,
survival of a killed worker, sample statistics merged exactly."""
import os
import signal
import sys
import time

import numpy as np
import pytest

import spintex as st
from spintex.observables import ARRAY_FIELDS

xr = pytest.importorskip("xarray")
distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")
# the workers cannot import this test module: ship its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def build(exchange, length=10):
    return st.Model(st.lattice.chain(length), exchange=exchange, texture=st.textures.neel_wall(length / 2, 2.0))


DISORDERS = {
    "clean": None,
    "scba": st.Disorder(onsite=0.1),
    "samples": st.Disorder(onsite=0.3, method="samples", samples=5, seed=11, workers=1),
}


@pytest.fixture(scope="module")
def client():
    from spintex.runner import local_cluster

    with local_cluster(2) as cluster, distributed.Client(cluster) as c:
        assert not any(c.run(lambda: __import__("dask").config.get("distributed.worker.profile.enabled")).values())
        yield c


def data(ds):
    """The Dataset without the attribute that names its run folder."""
    out = ds.copy()
    out.attrs.pop("run_dir")
    return out


@pytest.mark.parametrize("method", sorted(DISORDERS))
def test_two_workers_give_the_serial_sweep_bitwise(client, tmp_path, method):
    disorder = DISORDERS[method]
    kw = dict(energies=[0.4, 0.9], disorder=disorder, observables=("torque", "transmission", "current"),
              samples_per_task=2, progress=False)
    serial = st.sweep(build, {"exchange": [0.3, 0.6]}, scheduler="synchronous", run_dir=tmp_path / "serial", **kw)
    dask = st.sweep(build, {"exchange": [0.3, 0.6]}, client=client, run_dir=tmp_path / "dask",
                    energies_per_task=1, **kw)
    xr.testing.assert_identical(data(serial), data(dask))
    assert serial.torque.dims == ("exchange", "energy", "site", "component")
    np.testing.assert_array_equal(serial.exchange.values, [0.3, 0.6])
    # a point of the sweep is the response of its model
    direct = st.linear_response(build(0.6), 0.9, disorder=disorder)
    point = serial.sel(exchange=0.6, energy=0.9)
    if method == "samples":  # 3 chunks merged: the same average, to rounding
        np.testing.assert_allclose(point.torque.values, direct.torque, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(point.torque_stderr.values, direct.torque_stderr, rtol=1e-12, atol=1e-15)
    else:
        np.testing.assert_array_equal(point.torque.values, direct.torque)
        assert float(point.transmission) == direct.transmission


def test_ensemble_in_one_chunk_is_linear_response_bitwise(tmp_path):
    model, disorder = build(0.5), DISORDERS["samples"]
    direct = st.linear_response(model, 0.7, disorder=disorder)
    one = st.ensemble(model, 0.7, disorder, samples_per_task=disorder.samples, scheduler="synchronous",
                      run_dir=tmp_path, progress=False)
    for name in (*ARRAY_FIELDS, "transmission"):
        np.testing.assert_array_equal(getattr(one, name), getattr(direct, name))
        np.testing.assert_array_equal(getattr(one, f"{name}_stderr"), getattr(direct, f"{name}_stderr"))
    assert one.parameters["samples"] == disorder.samples and one.parameters["seed"] == 11


def test_chan_merge_equals_the_sequential_stream():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(9, 4)) * 10.0 + 3.0
    whole, parts = st.disorder.RunningMean(), [st.disorder.RunningMean() for _ in range(3)]
    for k, v in enumerate(values):
        whole.add({"a": v})
        parts[k * 3 // len(values)].add({"a": v})
    merged = st.disorder.RunningMean()
    for p in parts:
        merged.merge(p)
    assert merged.count == whole.count
    np.testing.assert_allclose(merged.mean["a"], values.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(merged.stderr("a"), values.std(axis=0, ddof=1) / 3.0, rtol=1e-13)


def test_interrupted_ensemble_resumes_to_the_uninterrupted_result(client, tmp_path):
    model = build(0.5)
    disorder = st.Disorder(onsite=0.3, method="samples", samples=12, seed=11, workers=1)
    kw = dict(samples_per_task=1, client=client)
    reference = st.ensemble(model, 0.7, disorder, run_dir=tmp_path / "whole", progress=False, **kw)

    def interrupt(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        st.ensemble(model, 0.7, disorder, run_dir=tmp_path / "cut", progress=interrupt, **kw)
    # chunks already running when interrupted still finish their file; a cancelled task that is still
    # running has left the scheduler's processing() but is counted by its worker's executing_count
    def busy():
        running = client.run(lambda dask_worker: dask_worker.state.executing_count)
        return any(client.processing().values()) or any(running.values())

    deadline = time.monotonic() + 60
    while busy() and time.monotonic() < deadline:
        time.sleep(0.05)
    finished = len(list((tmp_path / "cut").glob("p_*.nc")))
    assert 2 <= finished < disorder.samples
    reported = []
    resumed = st.ensemble(model, 0.7, disorder, run_dir=tmp_path / "cut", progress=lambda d, t: reported.append(d),
                          **kw)
    assert reported[0] == finished + 1  # the finished chunks were read, not recomputed
    for name in (*ARRAY_FIELDS, "transmission"):
        np.testing.assert_array_equal(getattr(resumed, name), getattr(reference, name))
        np.testing.assert_array_equal(getattr(resumed, f"{name}_stderr"), getattr(reference, f"{name}_stderr"))


def build_killing_its_worker_once(exchange, marker):
    """Build the model, but the first call anywhere kills its own (worker) process."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return build(exchange)
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_worker_loses_no_chunk_and_counts_none_twice(client, tmp_path):
    marker = str(tmp_path / "killed")
    grid = {"exchange": [0.3, 0.6], "marker": [marker]}
    kw = dict(energies=[0.4, 0.9], disorder=DISORDERS["samples"], samples_per_task=2, progress=False)
    survived = st.sweep(build_killing_its_worker_once, grid, client=client, run_dir=tmp_path / "dask", **kw)
    assert os.path.exists(marker)  # a worker did die
    serial = st.sweep(build_killing_its_worker_once, grid, scheduler="synchronous", run_dir=tmp_path / "serial", **kw)
    xr.testing.assert_identical(data(survived), data(serial))
    assert len(list((tmp_path / "dask").glob("*.nc"))) == 2 * 3  # 2 points x 3 sample blocks
    assert not list((tmp_path / "dask").glob("*.tmp"))


def test_fit_reductions_and_netcdf_round_trip(tmp_path):
    pytest.importorskip("h5netcdf")
    ds = st.sweep(build, {"exchange": [0.4, 0.6], "length": [16]}, energies=0.5, observables=("beta", "adiabatic"),
                  reductions={"total_torque_y": lambda model, r: r.torque[:, 1].sum()}, scheduler="synchronous",
                  run_dir=tmp_path / "run", progress=False)
    assert ds.beta.dims == ("exchange", "length") and float(ds.energy) == 0.5
    r = st.linear_response(build(0.6, 16), 0.5)
    fit = st.fit_torque(build(0.6, 16), r)
    assert float(ds.beta.sel(exchange=0.6, length=16)) == fit.beta
    assert float(ds.total_torque_y.sel(exchange=0.6, length=16)) == r.torque[:, 1].sum()
    ds.to_netcdf(tmp_path / "sweep.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "sweep.nc", engine="h5netcdf") as back:
        xr.testing.assert_identical(back.load(), ds)


def test_bad_input_names_the_argument(tmp_path):
    run = dict(scheduler="synchronous", progress=False)
    with pytest.raises(ValueError, match="grid parameter 'width'"):
        st.sweep(build, {"exchange": [0.3], "width": [2]}, run_dir=tmp_path / "a", **run)
    with pytest.raises(ValueError, match="seed"):
        st.sweep(build, {"exchange": [0.3]}, disorder=st.Disorder(onsite=0.1, method="samples"),
                 run_dir=tmp_path / "b", **run)
    with pytest.raises(ValueError, match="observables"):
        st.sweep(build, {"exchange": [0.3]}, observables=("torq",), run_dir=tmp_path / "c", **run)
    with pytest.raises(ValueError, match="energies"):
        st.sweep(build, {"exchange": [0.3]}, energies=[0.1, np.nan], run_dir=tmp_path / "d", **run)
    with pytest.raises(ValueError, match="grid"):
        st.sweep(build, {"exchange": []}, run_dir=tmp_path / "e", **run)
    with pytest.raises(ValueError, match="workers"):
        st.sweep(build, {"exchange": [0.3]}, workers=0, run_dir=tmp_path / "g", progress=False)
    with pytest.raises(ValueError, match="retries"):
        st.sweep(build, {"exchange": [0.3]}, retries=-1, run_dir=tmp_path / "h", **run)
    st.sweep(build, {"exchange": [0.3]}, run_dir=tmp_path / "f", **run)
    with pytest.raises(ValueError, match="run_dir .* holds another sweep"):
        st.sweep(build, {"exchange": [0.4]}, run_dir=tmp_path / "f", **run)


def test_scheduler_address_from_the_environment_and_a_drive_grid(client, tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", client.scheduler.address)
    kw = dict(energies=0.5, observables=("current",), progress=False)
    ds = st.sweep(build, {"drive": ["left", "bias"], "exchange": [0.4]}, run_dir=tmp_path / "env", **kw)
    assert ds.current.dims == ("drive", "exchange", "boundary")
    for drive in ("left", "bias"):
        direct = st.linear_response(build(0.4), 0.5, drive=drive)
        np.testing.assert_array_equal(ds.current.sel(drive=drive, exchange=0.4).values, direct.current)
    assert client.status == "running"  # the sweep closed its own connection, not the cluster


def test_own_local_cluster_of_one_worker(tmp_path):
    kw = dict(energies=[0.3, 0.6], observables=("torque",), progress=False)
    own = st.sweep(build, {"exchange": [0.4, 0.5]}, workers=1, run_dir=tmp_path / "own", **kw)
    serial = st.sweep(build, {"exchange": [0.4, 0.5]}, scheduler="synchronous", run_dir=tmp_path / "serial", **kw)
    xr.testing.assert_identical(data(own), data(serial))


def test_an_unguarded_script_is_told_how_to_start_the_workers(tmp_path):
    """A script that calls sweep at module level (no ``if __name__ == "__main__":``) made Dask
    report only "Nanny failed to start.": the error now says why and what to do."""
    import subprocess
    script = tmp_path / "unguarded.py"
    script.write_text("import spintex as st\n"
                      "m = st.Model(st.lattice.chain(10), exchange=0.5, texture=st.textures.neel_wall(5, 2))\n"
                      "st.sweep(lambda: m, energies=[-1.0], workers=1, progress=False, run_dir='run')\n")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert 'if __name__ == "__main__":' in done.stderr and "scheduler=\"synchronous\"" in done.stderr


def test_the_same_call_again_reads_its_chunks(tmp_path):
    kw = dict(energies=[0.4, 0.9], disorder=lambda onsite: st.Disorder(onsite=onsite), scheduler="synchronous",
              run_dir=tmp_path, observables=("torque",))
    first = st.sweep(build, {"exchange": [0.3], "onsite": [0.05, 0.1]}, progress=False, **kw)
    reported = []
    again = st.sweep(build, {"exchange": [0.3], "onsite": [0.05, 0.1]}, progress=lambda d, t: reported.append(d), **kw)
    assert reported == []  # nothing recomputed
    xr.testing.assert_identical(first, again)
    with xr.open_dataset(tmp_path / "p0-1_e0-2.nc", engine="h5netcdf") as chunk:  # chunks are NetCDF too
        np.testing.assert_array_equal(chunk.torque.values, first.torque.sel(exchange=0.3, onsite=0.1).values)


def test_a_changed_model_behind_the_same_build_source_is_a_new_sweep(tmp_path, monkeypatch):
    """build was identified by its source text: a value it reads from a closure (or a global)
    changed between two calls gave the same manifest and run folder, and the second sweep returned
    the first one's chunks (the torque of exchange 0.3 for 0.8).  Those values are in the manifest
    now: a new folder by default, and a given run_dir that holds the old sweep is refused."""
    monkeypatch.chdir(tmp_path)
    exchange = {"M": 0.3}

    def wall(width):
        return st.Model(st.lattice.strip(12, width), exchange=exchange["M"], texture=st.textures.neel_wall(6, 2))

    kw = dict(energies=[-1.0], scheduler="synchronous", progress=False, observables=("torque",))
    first = st.sweep(wall, {"width": [1, 2]}, **kw)
    exchange["M"] = 0.8
    second = st.sweep(wall, {"width": [1, 2]}, **kw)
    assert first.attrs["run_dir"] != second.attrs["run_dir"]
    direct = st.linear_response(wall(2), -1.0).torque
    np.testing.assert_allclose(second.torque.sel(width=2).values[0], direct, atol=1e-14)
    with pytest.raises(ValueError, match="holds another sweep .build differ"):
        st.sweep(wall, {"width": [1, 2]}, run_dir=first.attrs["run_dir"], **kw)


def test_a_model_read_by_build_is_fingerprinted_by_its_arrays():
    """A Model's repr leaves out its texture: a build returning a captured model, replaced by one
    with another wall, kept the manifest of the first.  Captured models are hashed by their arrays."""
    from spintex.sweep import fingerprint

    model = st.Model(st.lattice.chain(12), exchange=0.5, texture=st.textures.neel_wall(6, 2))

    def captured(width):
        return model

    before = fingerprint(captured)
    model = st.Model(st.lattice.chain(12), exchange=0.5, texture=st.textures.neel_wall(4, 2))
    assert repr(model) == repr(st.Model(st.lattice.chain(12), exchange=0.5))  # the repr cannot tell
    assert fingerprint(captured) != before


@pytest.mark.parametrize("method", ["scba", "samples"])
def test_screening_length_sweeps_as_a_grid_name_and_a_keyword(tmp_path, method):
    """The grid name "screening_length" (and the keyword) reach linear_response's Thomas-Fermi
    field drive: the same numbers as direct calls, different from the neutral drive; refused with
    another drive, naming it."""
    disorder = DISORDERS[method]
    run = dict(energies=-0.8, disorder=disorder, drive="field", observables=("torque", "charge_density"),
               scheduler="synchronous", progress=False)
    ds = st.sweep(build, {"screening_length": [0.0, 4.0], "exchange": [0.5]}, run_dir=tmp_path / "grid", **run)
    assert ds.torque.dims == ("screening_length", "exchange", "site", "component")
    for length in (0.0, 4.0):
        direct = st.linear_response(build(0.5), -0.8, disorder=disorder, drive="field", screening_length=length)
        np.testing.assert_allclose(ds.torque.sel(screening_length=length, exchange=0.5), direct.torque,
                                   rtol=1e-12, atol=1e-15)
    moved = np.abs(ds.torque.sel(screening_length=4.0) - ds.torque.sel(screening_length=0.0)).max()
    assert moved > 1e-3 * np.abs(ds.torque).max()
    fixed = st.sweep(build, {"exchange": [0.5]}, screening_length=4.0, run_dir=tmp_path / "fixed", **run)
    np.testing.assert_array_equal(fixed.torque.sel(exchange=0.5), ds.torque.sel(screening_length=4.0, exchange=0.5))
    assert fixed.attrs["screening_length"] == 4.0
    with pytest.raises(ValueError, match="run_dir .* holds another sweep .*screening_length"):
        st.sweep(build, {"exchange": [0.5]}, screening_length=5.0, run_dir=tmp_path / "fixed", **run)
    # a callable of the grid parameters, like disorder
    by_exchange = st.sweep(build, {"exchange": [0.4, 0.5]}, screening_length=lambda exchange: 8 * exchange,
                           run_dir=tmp_path / "callable", **run)
    for exchange in (0.4, 0.5):
        direct = st.linear_response(build(exchange), -0.8, disorder=disorder, drive="field",
                                    screening_length=8 * exchange)
        np.testing.assert_allclose(by_exchange.torque.sel(exchange=exchange), direct.torque, rtol=1e-12, atol=1e-15)
    bias = {**run, "drive": "bias"}
    with pytest.raises(ValueError, match="screening_length=4.0 applies to drive='field'"):
        st.sweep(build, {"exchange": [0.5]}, screening_length=4.0, run_dir=tmp_path / "b", **bias)
    with pytest.raises(ValueError, match="screening_length=0.0 applies to drive='field' only, got drive='bias'"):
        st.sweep(build, {"screening_length": [0.0, 4.0]}, run_dir=tmp_path / "b2", **bias)
    with pytest.raises(ValueError, match="screening_length=4.0 applies to drive='field' only, got drive='bias'"):
        st.sweep(build, {"drive": ["field", "bias"]}, screening_length=4.0, run_dir=tmp_path / "b3", **run)
    with pytest.raises(ValueError, match="screening_length"):
        st.sweep(build, {"screening_length": [-1.0]}, run_dir=tmp_path / "c", **run)


def test_neutral_leads_sweep_as_a_grid_name_and_a_keyword(tmp_path):
    disorder = DISORDERS["scba"]
    run = dict(energies=-0.8, disorder=disorder, drive="field", observables=("torque",), scheduler="synchronous",
               progress=False, screening_length=5.0)
    ds = st.sweep(build, {"neutral_leads": [False, True], "exchange": [0.5]}, run_dir=tmp_path / "grid", **run)
    for flag in (False, True):
        direct = st.linear_response(build(0.5), -0.8, disorder=disorder, drive="field", screening_length=5.0,
                                    neutral_leads=flag)
        np.testing.assert_allclose(ds.torque.sel(neutral_leads=flag, exchange=0.5), direct.torque, rtol=1e-12,
                                   atol=1e-15)
    fixed = st.sweep(build, {"exchange": [0.5]}, neutral_leads=True, run_dir=tmp_path / "fixed", **run)
    np.testing.assert_array_equal(fixed.torque.sel(exchange=0.5), ds.torque.sel(neutral_leads=True, exchange=0.5))
    assert fixed.attrs["neutral_leads"] == 1
    with pytest.raises(ValueError, match="neutral_leads=True applies to drive='field' only, got drive='bias'"):
        st.sweep(build, {"exchange": [0.5]}, neutral_leads=True, run_dir=tmp_path / "b",
                 **{**run, "drive": "bias", "screening_length": None})
    with pytest.raises(ValueError, match="neutral_leads must be True or False"):
        st.sweep(build, {"neutral_leads": ["yes"]}, run_dir=tmp_path / "c", **run)
    flagged = st.sweep(build, {"exchange": [0.5]}, neutral_leads=np.True_, run_dir=tmp_path / "np", **run)
    assert flagged.attrs["neutral_leads"] == 1


def test_default_screening_options_leave_the_manifest_of_earlier_sweeps(tmp_path):
    """A sweep recorded before screening_length and neutral_leads existed (no such keys in its
    sweep.json) still resumes: the manifest records the values the points resolve to, and only
    where one is not the default, so equivalent settings (None / 0.0, False / numpy False) match
    and a changed one is refused by name.  None is not a grid value (0.0 is perfect screening)."""
    import json

    run = dict(energies=-0.8, disorder=DISORDERS["scba"], drive="field", observables=("torque",),
               scheduler="synchronous", progress=False)
    first = st.sweep(build, {"exchange": [0.5]}, run_dir=tmp_path / "a", **run)
    manifest = json.loads((tmp_path / "a" / "sweep.json").read_text())
    assert "screening_length" not in manifest and "neutral_leads" not in manifest
    chunks = {p: p.stat().st_mtime_ns for p in (tmp_path / "a").glob("p*.nc")}
    again = st.sweep(build, {"exchange": [0.5]}, screening_length=0.0, neutral_leads=np.False_, run_dir=tmp_path / "a",
                     **run)
    assert chunks and chunks == {p: p.stat().st_mtime_ns for p in (tmp_path / "a").glob("p*.nc")}  # read, not redone
    np.testing.assert_array_equal(first.torque, again.torque)
    with pytest.raises(ValueError, match=r"holds another sweep \(neutral_leads, screening_length differ\)"):
        st.sweep(build, {"exchange": [0.5]}, screening_length=4.0, neutral_leads=True, run_dir=tmp_path / "a", **run)
    with pytest.raises(ValueError, match="not None"):
        st.sweep(build, {"screening_length": [None, 5.0]}, run_dir=tmp_path / "b", **run)


def test_ensemble_with_a_screening_length_is_linear_response_bitwise(tmp_path):
    model, disorder = build(0.5), DISORDERS["samples"]
    direct = st.linear_response(model, -0.8, disorder=disorder, drive="field", screening_length=4.0)
    one = st.ensemble(model, -0.8, disorder, drive="field", screening_length=4.0, samples_per_task=disorder.samples,
                      scheduler="synchronous", run_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(one.torque, direct.torque)
    assert one.screening_length == direct.screening_length == 4.0
    neutral = st.linear_response(model, -0.8, disorder=disorder, drive="field")
    assert np.abs(neutral.torque - one.torque).max() > 1e-3 * np.abs(one.torque).max()


def test_screening_tolerance_reaches_sweeps_and_ensembles(tmp_path):
    """screening_tolerance is linear_response's at every point (a number, or a callable of the
    grid parameters), recorded in the attributes and the manifest (only when not the default, so
    earlier sweeps resume), and refused with another drive."""
    import json

    disorder = DISORDERS["scba"]
    run = dict(energies=-0.8, disorder=disorder, drive="field", observables=("torque", "neutrality"),
               scheduler="synchronous", progress=False)
    ds = st.sweep(build, {"exchange": [0.5]}, screening_tolerance=1e-3, run_dir=tmp_path / "a", **run)
    direct = st.linear_response(build(0.5), -0.8, disorder=disorder, drive="field", screening_tolerance=1e-3)
    np.testing.assert_array_equal(ds.torque.sel(exchange=0.5), direct.torque)
    assert float(ds.neutrality.sel(exchange=0.5)) == direct.neutrality <= 1e-3
    assert ds.attrs["screening_tolerance"] == 1e-3
    assert json.loads((tmp_path / "a" / "sweep.json").read_text())["screening_tolerance"] == ["0.001"]
    with pytest.raises(ValueError, match=r"holds another sweep \(screening_tolerance differ\)"):
        st.sweep(build, {"exchange": [0.5]}, run_dir=tmp_path / "a", **run)
    default = st.sweep(build, {"exchange": [0.5]}, screening_tolerance=1e-6, run_dir=tmp_path / "b", **run)
    assert "screening_tolerance" not in json.loads((tmp_path / "b" / "sweep.json").read_text())
    assert np.abs(default.torque - ds.torque).max() > 0  # the tolerance reached the solver
    by_exchange = st.sweep(build, {"exchange": [0.4, 0.5]}, screening_tolerance=lambda exchange: 1e-3 * exchange,
                           run_dir=tmp_path / "c", **run)
    for exchange in (0.4, 0.5):
        direct = st.linear_response(build(exchange), -0.8, disorder=disorder, drive="field",
                                    screening_tolerance=1e-3 * exchange)
        np.testing.assert_array_equal(by_exchange.torque.sel(exchange=exchange), direct.torque)
    with pytest.raises(ValueError, match="screening_tolerance=0.001 applies to drive='field' only, got drive='bias'"):
        st.sweep(build, {"exchange": [0.5]}, screening_tolerance=1e-3, run_dir=tmp_path / "d",
                 **{**run, "drive": "bias", "observables": ("torque",)})
    with pytest.raises(ValueError, match="screening_tolerance must lie in"):
        st.sweep(build, {"exchange": [0.5]}, screening_tolerance=0.5, run_dir=tmp_path / "e", **run)
    model, samples = build(0.5), DISORDERS["samples"]
    direct = st.linear_response(model, -0.8, disorder=samples, drive="field", screening_tolerance=1e-3)
    one = st.ensemble(model, -0.8, samples, drive="field", screening_tolerance=1e-3, samples_per_task=samples.samples,
                      scheduler="synchronous", run_dir=tmp_path / "f", progress=False)
    np.testing.assert_array_equal(one.torque, direct.torque)
    assert one.screening_tolerance == direct.screening_tolerance == 1e-3
