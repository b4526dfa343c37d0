"""Responses as labelled xarray Datasets and NetCDF files (``Response.to_xarray``, ``to_netcdf``).

Dimensions: ``site``, ``bond``, ``boundary`` (slice boundaries, between slice l and l + 1),
``slice``, ``component`` (x, y, z), ``lead`` (left, right) and, for a batched response (an array of
energies), a leading ``energy`` axis.  Standard errors of sampled averages are variables of their
own (``torque_stderr`` ...).  Attributes: ``units`` (the drive normalization and unit system of the
response), per-variable ``units`` and ``long_name``, every entry of ``Response.parameters``
flattened to NetCDF-legal values (:func:`netcdf_attrs`), ``spintex_version``, ``seed`` and the
``config`` text when given.
"""
from __future__ import annotations

import dataclasses
import numbers
import os

import numpy as np

SITE, SITE3 = ("site",), ("site", "component")
#: field -> (dimensions of one energy, units, long name)
FIELDS = {
    "charge_density": (SITE, "1", "particle density per site"),
    "spin_density": (SITE3, "1", "spin density per site, Pauli units (s = <sigma>)"),
    "torque": (SITE3, "t", "torque on the magnetization T = M n x s (hbar = 1: angular momentum per time)"),
    "current": (("boundary",), "t/hbar", "particle current through the slice boundary, left to right"),
    "spin_current": (("boundary", "component"), "t/hbar", "Pauli-weighted particle current through the slice boundary"),
    "bond_current": (("bond",), "t/hbar", "particle current i -> j along the bond"),
    "bond_spin_current": (("bond", "component"), "t/hbar", "Pauli-weighted particle current i -> j along the bond"),
    "transmission": ((), "1", "Caroli transmission (with disorder: dimensionless conductance)"),
    "spin_transmission": (("left_spin", "right_spin"), "1",
                          "T_ss' with s along the left lead's magnetization, s' along the right one's"),
    "open_channels": (("lead",), "1", "propagating channels of the leads, both spins"),
    "lead_conductances": (("flow",), "1", "g out of the source lead, g into the drain lead"),
    "spin_current_divergence": (("slice", "component"), "t/hbar", "(J_in - J_out)/2 per slice"),
    "relaxation_source": (("slice", "component"), "t/hbar",
                          "exchange and Zeeman torque (/hbar) minus the spin-current divergence per slice"),
    "relaxation_torque": (SITE3, "t", "spin-orbit relaxation torque per site"),
    "anomalous_spin_source": (SITE3, "t", "spin-orbit anomalous spin source per site"),
    "local_chemical_potential": (SITE, "t", "local chemical potential dn_i / (dn/dmu)_i"),
    "accumulation_torque": (SITE3, "t", "local torque of the local chemical potential"),
    "spin_accumulation": (SITE, "t", "mu_up - mu_down along the local n"),
    "screening_potential": (SITE, "t", "on-site screening potential u_i of the field drive"),
    "unscreened_charge_density": (SITE, "1", "particle density of the bias drive before screening"),
    "neutrality": ((), "1", "max |n_i| / max |n_i unscreened|"),
    "screening_iterations": ((), "1", "GMRES iterations of the screening potential"),
    "contour_nodes": ((), "1", "nodes of the Fermi-sea contour"),
    "contour_error_estimate": ((), "1", "error estimate of the Fermi-sea contour integral"),
    "screening_length": ((), "a", "Thomas-Fermi screening length of the field drive (0: charge neutral)"),
    "neutral_leads": ((), "1", "field drive: leads' bands shifted with their chemical potentials (1) or grounded (0)"),
    "screening_tolerance": ((), "1", "field drive: the neutrality asked for, relative to the unscreened charge"),
    "seebeck": ((), "1/K_B", "open-circuit dmu/dT (k_B = 1)"),
    "emission": (("lead",), "1", "particles emitted into the (left, right) lead"),
    "density_rate": (SITE, "t/hbar", "dn_i/dt, the static response to the motion"),
}
#: (units, long name) of the torque fit's coefficients (spintex.fit_torque), per unit drive like the
#: torque they are fitted to; the CLI's run files and the sweeps' fit reductions use them
FIT_FIELDS = {"adiabatic": ("t a", "A in T_i = A d_x n + B n x d_x n"),
              "nonadiabatic": ("t a", "B in T_i = A d_x n + B n x d_x n"),
              "beta": ("1", "beta = B / A"),
              "residual": ("1", "|T - fit| / |T| over the fit region")}
COORDS = {"component": ["x", "y", "z"], "lead": ["left", "right"], "flow": ["out_of_source", "into_drain"]}


def response_dataset(response, model=None, config: str | None = None):
    """The labelled Dataset of ``response`` (see the module docstring); ``model`` adds the site
    positions (coordinates ``x``, ``y``, ``z`` on ``site``) and the bond end sites."""
    import xarray as xr

    batched = np.ndim(response.energy) == 1
    data = {}
    for name in (*FIELDS, *(f"{k}_stderr" for k in FIELDS)):
        value = getattr(response, name, None)
        if value is None:
            continue
        dims, units, long_name = FIELDS[name.removesuffix("_stderr")]
        value = np.asarray(value)
        if batched and value.ndim == len(dims) + 1:
            dims = ("energy", *dims)
        if value.ndim != len(dims):
            raise ValueError(f"Response.{name} has shape {value.shape}, expected dimensions {dims}")
        kind = "standard error of the sample average of the " if name.endswith("_stderr") else ""
        data[name] = (dims, value, {"units": units, "long_name": kind + long_name})
    ds = xr.Dataset(data)
    ds = ds.assign_coords({k: v for k, v in COORDS.items() if k in ds.dims})
    ds = ds.assign_coords(energy=("energy", response.energy) if batched else response.energy)
    ds.energy.attrs.update(units="t", long_name="Fermi energy")
    if "boundary" in ds.dims:  # slices sit at x = 0, 1, ... (lattice.py)
        ds = ds.assign_coords(boundary=np.arange(ds.sizes["boundary"]) + 0.5)
        ds.boundary.attrs.update(units="a", long_name="x of the slice boundary")
    if "slice" in ds.dims:
        ds = ds.assign_coords(slice=np.arange(ds.sizes["slice"], dtype=float))
    if model is not None:
        check_sizes(model, ds.sizes)
        ds = ds.assign_coords(site_coordinates(model, ds.sizes))
        if "site" in ds.dims:
            ds = ds.assign(model_variables(model))
            if "component" not in ds.coords:
                ds = ds.assign_coords(component=COORDS["component"])
    ds.attrs.update(response_attrs(response, config))
    if model is not None:
        ds.attrs.update(model_attrs(model))
    return ds


def model_variables(model) -> dict:
    """The model's texture n_i and exchange M_i on the sites (what a file needs to be refitted)."""
    return {"texture": (("site", "component"), model.texture_vectors, {"units": "1", "long_name": "texture n_i"}),
            "exchange": (("site",), model.exchange, {"units": "t", "long_name": "exchange M_i in -M_i n_i . sigma"})}


def model_attrs(model) -> dict:
    """Dataset attributes of the model's scalar parameters (prefix ``model_``)."""
    lat = model.lattice
    return netcdf_attrs({"lattice": f"{lat.dim}D: {lat.num_slices} slices of {lat.sites_per_slice} sites",
                         "periodic": lat.periodic, "twist": lat.twist,
                         "hopping": model.hopping, "rashba": model.rashba, "zeeman": np.asarray(model.zeeman),
                         "leads": model.leads, "lead_onsite": model.lead_onsite}, prefix="model_")


def check_sizes(model, sizes) -> None:
    """ValueError unless the site, boundary, slice and bond dimensions fit ``model``'s lattice
    (the coordinates of another model would silently be left out)."""
    from ._validate import check_model

    check_model(model)
    lat = model.lattice
    expected = {"site": {lat.num_sites}, "boundary": {max(lat.num_slices - 1, 0)}, "slice": {lat.num_slices},
                "bond": {len(lat.bonds), len(model.bonds)}}
    for dim, allowed in expected.items():
        if dim in sizes and sizes[dim] not in allowed:
            raise ValueError(f"model does not match the response: the response has {sizes[dim]} {dim}s, the model "
                             f"{' or '.join(map(str, sorted(allowed)))} ({lat.num_sites} sites in {lat.num_slices} "
                             "slices); pass the model the response was computed for")


def site_coordinates(model, sizes) -> dict:
    """Coordinates x, y, z on ``site`` and the end sites of each ``bond`` (where the sizes match)."""
    coords = {}
    positions = model.lattice.positions
    if sizes.get("site") == len(positions):
        for axis, name in enumerate("xyz"[:positions.shape[1]]):
            coords[name] = ("site", positions[:, axis], {"units": "a"})
    if sizes.get("bond") == len(model.bonds):
        coords["bond_from"] = ("bond", model.bonds[:, 0], {"long_name": "site i of the bond (i, j)"})
        coords["bond_to"] = ("bond", model.bonds[:, 1], {"long_name": "site j of the bond (i, j)"})
    return coords


def response_attrs(response, config: str | None = None) -> dict:
    """Dataset attributes: units, drive, the flattened parameters, seed, version and config."""
    from . import __version__

    params = dict(response.parameters or {})
    attrs = {"units": response.units, "drive": str(response.drive), "spintex_version": __version__}
    attrs.update(netcdf_attrs(params))
    disorder = params.get("disorder")
    seed = params.get("seed")
    if seed is None and getattr(disorder, "method", None) == "samples":
        seed = disorder.resolved_seed  # type: ignore[union-attr]
    if seed is not None:
        attrs["seed"] = netcdf_value(seed)
    if config is not None:
        attrs["config"] = str(config)
    return attrs


def netcdf_attrs(parameters: dict, prefix: str = "") -> dict:
    """``parameters`` flattened to NetCDF attributes: numbers, strings and 1-d numeric arrays.

    Nested dicts and dataclasses (a :class:`spintex.Disorder`) become ``key_field`` entries, a
    dataclass also keeps its repr under ``key``; None, booleans and anything else are stored as
    text (``"None"``, ``"True"``), integers beyond 64 bits (a drawn seed) as decimal text.
    """
    attrs: dict = {}
    for key, value in parameters.items():
        name = f"{prefix}{key}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            attrs[name] = repr(value)
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
            attrs.update(netcdf_attrs(fields, prefix=f"{name}_"))
        elif isinstance(value, dict):
            attrs.update(netcdf_attrs(value, prefix=f"{name}_"))
        else:
            attrs[name] = netcdf_value(value)
    return attrs


def netcdf_value(value):
    """One attribute value in a NetCDF-legal form (see :func:`netcdf_attrs`)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return str(bool(value)) if value is not None else "None"
    if isinstance(value, numbers.Integral):
        return int(value) if -2**63 <= value < 2**63 else str(int(value))
    if isinstance(value, (numbers.Real, str)):
        return value
    array = np.asarray(value)
    if array.ndim == 1 and array.size and array.dtype.kind in "iuf":
        return array
    return repr(value)


def write_netcdf(dataset, path) -> None:
    """Write ``dataset`` to ``path`` with h5netcdf, atomically: a temporary file in the same folder,
    then a rename, so a reader (or a resumed run) never sees a partial file."""
    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        dataset.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_chunk(variables: dict, path) -> None:
    """A sweep's chunk file: ``variables`` {name: (dims, array)} written with h5netcdf directly
    (a quarter of the cost of going through xarray), atomically like :func:`write_netcdf`.  It is
    NetCDF4 (``xarray.open_dataset`` reads it); each variable also keeps its dimension names in
    the attribute ``dims``, so that :func:`read_chunk` can read it with plain h5py."""
    import h5netcdf

    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with h5netcdf.File(tmp, "w") as f:
            for name, (dims, values) in variables.items():
                values = np.asarray(values)
                for dim, n in zip(dims, values.shape):
                    if dim not in f.dimensions:
                        f.dimensions[dim] = n
                f.create_variable(name, tuple(dims), data=values).attrs["dims"] = " ".join(dims)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_chunk(path) -> dict:
    """{name: (dims, array)} of a file written by :func:`write_chunk` (h5py: ten times faster
    than opening it as a Dataset, which matters for the driver reading 10^4 chunks)."""
    import h5py

    with h5py.File(path, "r") as f:
        return {name: (tuple(str(v.attrs["dims"]).split()), v[...]) for name, v in f.items() if "dims" in v.attrs}
