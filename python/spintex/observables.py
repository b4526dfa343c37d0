"""From density-matrix blocks to physical observables (densities, torques, currents).

Every solver produces 2x2 blocks of the one-body density matrix ``rho_ji = <c_i^dag c_j>``
(spin indices (s', s) as rows, columns), on sites (rho_ii) and on bonds (rho_ji for each bond
(i, j) of the lattice).  With hbar = 1:

- charge (particle) density  n_i = Tr rho_ii
- spin density (Pauli)       s_i^a = Tr[sigma^a rho_ii]
- torque on the magnetization T_i = M_i n_i x s_i   (CONVENTIONS.md)
- particle current i -> j    J_ij = -2 Im Tr[T_ij rho_ji]
  (from dN_left/dt = -i[N_left, H]; T_ij is the bond matrix, coefficient of c_i^dag c_j)
- spin current i -> j        J^a_ij = -Im Tr[(sigma^a T_ij + T_ij sigma^a) rho_ji]
  (the symmetrized Pauli-weighted current; equal to the particle current weighted by sigma^a
  when T_ij is spin independent).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .model import Model


def _product(A, B):
    """Stacks of 2x2 products A @ B, written out (numpy's stacked 2x2 matmul is slow)."""
    out = np.empty(np.broadcast_shapes(A.shape, B.shape), dtype=complex)
    for i in range(2):
        for j in range(2):
            out[..., i, j] = A[..., i, 0] * B[..., 0, j] + A[..., i, 1] * B[..., 1, j]
    return out


def pauli_traces(M) -> np.ndarray:
    """(..., 3) array of Tr[sigma^a M] for stacks of 2x2 matrices M."""
    return np.stack([M[..., 0, 1] + M[..., 1, 0], 1j * (M[..., 0, 1] - M[..., 1, 0]),
                     M[..., 0, 0] - M[..., 1, 1]], axis=-1)


def site_observables(model: Model, rho_sites: np.ndarray) -> dict:
    """charge_density (N,), spin_density (N, 3) and torque (N, 3) from site blocks (N, 2, 2);
    leading axes (e.g. energies) carry through."""
    charge = np.real(rho_sites[..., 0, 0] + rho_sites[..., 1, 1])
    spin = np.real(pauli_traces(rho_sites))
    torque = model.exchange[:, None] * np.cross(model.texture_vectors, spin)
    return {"charge_density": charge, "spin_density": spin, "torque": torque}


def _boundary_sums(boundary: np.ndarray, values: np.ndarray, nb: int) -> np.ndarray:
    """(..., nb) sums of ``values`` (..., n) over the n bonds by slice boundary (``boundary``, (n,)):
    one bincount for all leading indices, each boundary summed in bond order."""
    lead = values.shape[:-1]
    rows = values.reshape(int(np.prod(lead)), values.shape[-1])
    index = (nb * np.arange(rows.shape[0])[:, None] + boundary).ravel()
    sums = np.bincount(index, weights=rows.ravel(), minlength=rows.shape[0] * nb)
    return sums.reshape(*lead, nb)


def bond_observables(model: Model, rho_bonds: np.ndarray) -> dict:
    """Bond and slice-boundary particle and spin currents from bond blocks rho_ji (nb, 2, 2);
    leading axes (e.g. energies) carry through."""
    T = model.bond_blocks
    T_rho = _product(T, rho_bonds)
    bond_current = -2.0 * np.imag(T_rho[..., 0, 0] + T_rho[..., 1, 1])
    # Tr[(s T + T s) rho] = Tr[s (T rho + rho T)]
    bond_spin_current = -np.imag(pauli_traces(T_rho + _product(rho_bonds, T)))
    lat = model.lattice
    first = lat.slice_of_site[model.bonds[:, 0]]
    inter = lat.slice_of_site[model.bonds[:, 1]] != first
    nb = max(lat.num_slices - 1, 0)
    current = _boundary_sums(first[inter], bond_current[..., inter], nb)
    spin_current = np.stack([_boundary_sums(first[inter], bond_spin_current[..., inter, a], nb) for a in range(3)],
                            axis=-1)
    return {
        "current": current,
        "spin_current": spin_current,
        "bond_current": bond_current,
        "bond_spin_current": bond_spin_current,
    }


#: the per-site and per-bond arrays every State carries
ARRAY_FIELDS = ("charge_density", "spin_density", "torque", "current", "spin_current",
                "bond_current", "bond_spin_current")


@dataclass
class State:
    """Densities, torques and currents of one electronic state (or of a linear response).

    Arrays follow the lattice's site order; ``current`` and ``spin_current`` are the totals
    through each slice boundary (between slice l and l + 1), positive from left to right.
    ``units`` says what the numbers are per (e.g. per unit rise of a chemical potential).
    """

    charge_density: np.ndarray
    spin_density: np.ndarray
    torque: np.ndarray
    current: np.ndarray
    spin_current: np.ndarray
    bond_current: np.ndarray
    bond_spin_current: np.ndarray
    parameters: dict = field(default_factory=dict)
    units: str = ""

    @classmethod
    def from_blocks(cls, model: Model, rho_sites, rho_bonds, **extra):
        return cls(**site_observables(model, rho_sites), **bond_observables(model, rho_bonds), **extra)

    @property
    def total_torque(self) -> np.ndarray:
        return self.torque.sum(axis=-2)


@dataclass
class Response(State):
    """Linear response at temperature 0 to one drive (see :mod:`spintex.response`).

    Besides the :class:`State` arrays (per unit drive): ``transmission`` (Caroli, from the
    source lead to the other; with disorder the dimensionless conductance), ``spin_transmission``
    (2x2, T_{s s'} with s the spin along the left lead's magnetization and s' along the right
    one's), ``open_channels`` (left, right, counting both spins).  The particle current equals
    transmission / 2 pi.  Fields that a drive or disorder method does not produce are None;
    ``transmission`` and ``spin_transmission``, which every Response has, are NaN where the drive
    has no source lead (pumping, the thermal drive) and ``spin_transmission`` also with disorder.

    A batch of K energies (``energy`` a (K,) array, see :meth:`stack`) has a leading energy
    axis on every per-energy field: ``spin_density`` (K, N, 3), ``transmission`` (K,),
    ``open_channels`` (K, 2), ...
    """

    energy: float | np.ndarray = 0.0
    drive: str = "left"
    transmission: float | np.ndarray = 0.0
    spin_transmission: np.ndarray = field(default_factory=lambda: np.zeros((2, 2)))
    open_channels: tuple | np.ndarray = (0, 0)
    # SCBA: conservation check and the spin balance split (per slice, (num_slices, 3))
    lead_conductances: tuple | None = None  #: (g out of the source lead, g into the drain lead)
    spin_current_divergence: np.ndarray | None = None  #: (J_in - J_out)/2 per slice
    relaxation_source: np.ndarray | None = None  #: torque (exchange, Zeeman) - divergence: spin-flip source
    relaxation_torque: np.ndarray | None = None  #: spin-orbit impurities: seed 002 Eq. 18, per site
    anomalous_spin_source: np.ndarray | None = None  #: spin-orbit impurities: seed 002 Eq. 16, per site
    # SCBA: local chemical potentials (diagnostics, see response.accumulation_fields)
    local_chemical_potential: np.ndarray | None = None
    accumulation_torque: np.ndarray | None = None
    spin_accumulation: np.ndarray | None = None
    # field drive
    screening_potential: np.ndarray | None = None  #: u_i (N,), on-site, per unit bias
    unscreened_charge_density: np.ndarray | None = None  #: the bias drive's density (N,)
    neutrality: float | None = None  #: max |n_i| / max |n_i unscreened|
    screening_iterations: int | None = None
    contour_nodes: int | None = None
    contour_error_estimate: float | None = None
    screening_length: float | None = None  #: Thomas-Fermi length of the field drive (0: neutral)
    neutral_leads: bool | None = None  #: field drive: the leads' bands follow their chemical potentials
    screening_tolerance: float | None = None  #: field drive: the neutrality asked for (and the sea's tolerance)
    # thermal drive, open circuit: dmu / dT that cancels the current (k_B = 1)
    seebeck: float | None = None
    # pumping (drive="pumping", per unit rate)
    emission: tuple | None = None  #: particles emitted into the (left, right) lead
    density_rate: np.ndarray | None = None  #: dn_i/dt (N,), the static response to the motion
    # samples: standard errors of the averages
    charge_density_stderr: np.ndarray | None = None
    spin_density_stderr: np.ndarray | None = None
    torque_stderr: np.ndarray | None = None
    current_stderr: np.ndarray | None = None
    spin_current_stderr: np.ndarray | None = None
    bond_current_stderr: np.ndarray | None = None
    bond_spin_current_stderr: np.ndarray | None = None
    transmission_stderr: float | None = None
    emission_stderr: tuple | None = None

    @property
    def lead(self) -> str:
        """The older name of a single-lead drive ("left" or "right")."""
        return self.drive

    def to_xarray(self, model: Model | None = None, *, config: str | None = None):
        """The response as a labelled ``xarray.Dataset`` (:mod:`spintex.dataset`): dimensions
        site, bond, boundary (slice boundaries), slice, component (x, y, z) and energy when
        batched; ``*_stderr`` variables for sample averages; units, the parameters, the seed, the
        spintex version and ``config`` (e.g. the text of a run's TOML) as attributes.  ``model``
        adds the site positions as coordinates ``x``, ``y``, ``z`` on ``site``."""
        from .dataset import response_dataset

        return response_dataset(self, model, config)

    def to_netcdf(self, path, model: Model | None = None, *, config: str | None = None) -> None:
        """Write :meth:`to_xarray` to ``path`` (NetCDF4 through h5netcdf; written to a temporary
        file and renamed, so an interrupted write leaves no partial file).  Read it back with
        ``xarray.open_dataset(path)``."""
        from .dataset import write_netcdf

        write_netcdf(self.to_xarray(model, config=config), path)

    @classmethod
    def stack(cls, responses) -> Response:
        """The Responses of K energies as one, with a leading energy axis on every field that
        has a value (numbers, arrays and tuples are stacked; text fields, fields that are None
        everywhere and parameters equal at every energy are kept once; other parameters
        become (K,) arrays, e.g. ``parameters["energy"]``)."""
        out: dict = {}
        for f in fields(cls):
            values = [getattr(r, f.name) for r in responses]
            if f.name == "parameters":
                # every energy's keys, in first-seen order (an energy without an open channel has no
                # SCBA or ladder, and its parameters lack those keys: None there)
                keys = dict.fromkeys(key for p in values for key in p)
                out[f.name] = {key: _stacked_parameter([p.get(key) for p in values]) for key in keys}
            elif isinstance(values[0], str) or all(v is None for v in values):
                out[f.name] = values[0]
            else:
                out[f.name] = np.stack([np.asarray(v) for v in values])
        return cls(**out)


def _stacked_parameter(values: list):
    """The value of every energy if they agree, else their (K,) array."""

    def equal(a, b) -> bool:
        try:
            return bool(np.array_equal(a, b))
        except (TypeError, ValueError):  # objects whose == is not a truth value
            return a is b

    return values[0] if all(equal(v, values[0]) for v in values) else np.array(values)
