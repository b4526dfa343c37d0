"""Response.to_xarray / to_netcdf: labelled results that round-trip through NetCDF."""
import dataclasses

import numpy as np
import pytest

import spintex as st
from spintex.observables import ARRAY_FIELDS

xr = pytest.importorskip("xarray")


def wall(length=12, width=2):
    lat = st.lattice.strip(length, width) if width > 1 else st.lattice.chain(length)
    return st.Model(lat, exchange=0.5, texture=st.textures.neel_wall(length / 2, 2.0))


def test_dimensions_coordinates_and_units():
    model = wall()
    r = st.linear_response(model, 0.3, drive="bias")
    ds = r.to_xarray(model)
    N, L = model.lattice.num_sites, model.lattice.num_slices
    assert ds.torque.dims == ("site", "component") and ds.torque.shape == (N, 3)
    assert ds.current.dims == ("boundary",) and ds.sizes["boundary"] == L - 1
    assert ds.bond_spin_current.dims == ("bond", "component")
    assert list(ds.component.values) == ["x", "y", "z"]
    np.testing.assert_array_equal(ds.x.values, model.lattice.positions[:, 0])
    np.testing.assert_array_equal(ds.y.values, model.lattice.positions[:, 1])
    # a boundary lies between the x of two neighbouring slices
    x_slices = [model.lattice.positions[s, 0].mean() for s in model.lattice.slices]
    np.testing.assert_array_equal(ds.boundary.values, 0.5 * (np.array(x_slices[:-1]) + x_slices[1:]))
    assert ds.attrs["units"] == r.units and ds.attrs["drive"] == "bias"
    assert ds.attrs["spintex_version"] == st.__version__
    assert ds.torque.attrs["units"] and ds.current.attrs["units"]
    for name in ARRAY_FIELDS:
        np.testing.assert_array_equal(ds[name].values, getattr(r, name))
    assert float(ds.energy) == 0.3 and float(ds.transmission) == r.transmission
    assert "torque_stderr" not in ds  # a clean response has no sample statistics


def test_netcdf_round_trip_of_a_sampled_response(tmp_path):
    pytest.importorskip("h5netcdf")
    model = wall(8, 1)
    disorder = st.Disorder(onsite=0.2, method="samples", samples=4, seed=7, workers=1)
    r = st.linear_response(model, 0.4, disorder=disorder)
    path = tmp_path / "r.nc"
    r.to_netcdf(path, model, config="[model]\nlength = 8\n")
    with xr.open_dataset(path) as ds:
        ds.load()
    for name in ARRAY_FIELDS:
        np.testing.assert_array_equal(ds[name].values, getattr(r, name))
        np.testing.assert_array_equal(ds[f"{name}_stderr"].values, getattr(r, f"{name}_stderr"))
        assert ds[name].attrs["units"] == r.to_xarray().__getitem__(name).attrs["units"]
    assert float(ds.transmission_stderr) == r.transmission_stderr
    assert ds.attrs["units"] == r.units
    assert ds.attrs["seed"] == 7 and ds.attrs["samples"] == 4 and ds.attrs["energy"] == 0.4
    assert ds.attrs["config"] == "[model]\nlength = 8\n"
    assert ds.attrs["disorder"] == repr(disorder)
    for f in dataclasses.fields(disorder):
        if f.init:
            stored, value = ds.attrs[f"disorder_{f.name}"], getattr(disorder, f.name)
            if value is None:
                assert stored == "None"
            else:
                np.testing.assert_array_equal(stored, value)
    assert not list(tmp_path.glob("*.tmp"))


def test_batched_response_has_a_leading_energy_axis():
    model = wall(8, 1)
    energies = [0.2, 0.5]
    parts = [st.linear_response(model, e) for e in energies]
    stacked = {k: np.stack([getattr(p, k) for p in parts]) for k in (*ARRAY_FIELDS, "transmission")}
    r = st.Response(**{k: stacked[k] for k in ARRAY_FIELDS}, energy=np.array(energies),
                    transmission=stacked["transmission"])
    ds = r.to_xarray(model)
    assert ds.torque.dims == ("energy", "site", "component")
    np.testing.assert_array_equal(ds.energy.values, energies)
    for e, p in zip(energies, parts):
        np.testing.assert_array_equal(ds.torque.sel(energy=e).values, p.torque)
        assert float(ds.transmission.sel(energy=e)) == p.transmission


def test_big_seed_and_nested_parameters_are_netcdf_legal(tmp_path):
    pytest.importorskip("h5netcdf")
    model = wall(6, 1)
    r = st.linear_response(model, 0.3)
    r.parameters = {**r.parameters, "seed": 2**100 + 1, "fit": {"region": (2, 4), "ok": True}, "none": None}
    r.to_netcdf(tmp_path / "r.nc")
    with xr.open_dataset(tmp_path / "r.nc") as ds:
        assert int(ds.attrs["seed"]) == 2**100 + 1
        np.testing.assert_array_equal(ds.attrs["fit_region"], [2, 4])
        assert ds.attrs["fit_ok"] == "True" and ds.attrs["none"] == "None"
