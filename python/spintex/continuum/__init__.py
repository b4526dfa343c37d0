"""The seed papers' formulas as functions of lattice parameters (reference values for spintex).

Units and signs follow CONVENTIONS.md: hbar = e = a = k_B = 1, energies in units of the hopping t,
Pauli spin densities, ``H = -t hop - M n.sigma``, so the spin-sigma band is ``eps(k) - sigma M``
(sigma = +1 majority, along n) and ``nu_sigma = rho(E_F + sigma M)``.  Densities of states are per
site and per spin; variances are the per-site Born variances of CONVENTIONS.md: ``onsite`` =
Gamma_0 and ``magnetic = (Gamma_perp, Gamma_par)``.  Seeds (``../shared/seeds/README.md``): 000 Shibata &
Kohno, 001 Tatara et al., 002 Nakabayashi et al., 003 Hitchon et al., 004 Kohno et al.

Band: ``eps(k) = -2t sum_i cos k_i`` on the chain (d = 1), square (2) and simple-cubic (3)
lattices, velocity ``v_i = 2t sin k_i``.  Weak-disorder transport of each spin channel (point
scatterers: the transport time is the Born lifetime) gives ``D_sigma = tau_sigma <v_x^2>_sigma``
and ``sigma_sigma = nu_sigma D_sigma``, ``<v_x^2>`` the Fermi-surface average
(:func:`mean_square_velocity`): v_F^2/d in the continuum, 4t^2 - E^2 on the chain.
Scalars in give floats out; arrays broadcast.
"""
from __future__ import annotations

from .bands import diffusion_constant, dos, mean_square_velocity, spin_dos, transport_dos
from .diffusion import (accumulation_spin_current, diffusion_tensor, kinetic_transverse_decay, transverse_decay,
                        transverse_diffusion_constant, transverse_relaxation_rate)
from .dynamics import (adiabatic_torque, mott_thermal_torque, sommerfeld_thermal_torque, spin_motive_current,
                       spin_motive_field, spin_seebeck, thermal_beta)
from . import kernels
from .kernels import (parabolic_fermi_wavevectors, stoner_step, chi1 as kernel_chi1, chi2 as kernel_chi2,
                      h1 as kernel_h1, h2 as kernel_h2)
from .rates import (TwoCurrentModel, thermal_coefficients, beta_spin_flip, beta_spin_flip_anisotropic, born_broadening,
                    current_polarization, gilbert_damping, mean_free_path, spin_diffusion_lengths, spin_flip_rates,
                    two_current_model)
from .hall import (band_density, eq77_hall_angle, hall_mobility, square_scba, square_spin_channels,
                   topological_hall_angle)
from .walls import (chain_fermi_wavevectors, reflection_force, wall_form_factor, wall_resistance,
                    wall_resistance_parabolic, wall_scattering_born)
from .spin_orbit import (SOC_BETA_ANISOTROPY, SocBornRates, anisotropic_beta, soc_born_rates,
                         soc_gilbert_damping, soc_relaxation_torque, spin_amr, spin_amr_lifetime,
                         spin_amr_ratio, SpinAmrLifetime)

__all__ = [
    "dos", "spin_dos", "transport_dos", "mean_square_velocity", "diffusion_constant",
    "diffusion_tensor", "transverse_diffusion_constant", "transverse_decay", "kinetic_transverse_decay",
    "transverse_relaxation_rate", "accumulation_spin_current",
    "born_broadening", "spin_flip_rates", "spin_diffusion_lengths", "current_polarization",
    "beta_spin_flip", "beta_spin_flip_anisotropic", "gilbert_damping", "mean_free_path",
    "SocBornRates", "soc_born_rates", "soc_relaxation_torque", "spin_amr", "spin_amr_ratio",
    "spin_amr_lifetime", "SpinAmrLifetime", "soc_gilbert_damping",
    "anisotropic_beta", "SOC_BETA_ANISOTROPY",
    "spin_motive_field", "spin_motive_current", "adiabatic_torque",
    "mott_thermal_torque", "sommerfeld_thermal_torque", "TwoCurrentModel", "two_current_model",
    "thermal_beta", "spin_seebeck", "thermal_coefficients",
    "kernels", "kernel_h1", "kernel_h2", "kernel_chi1", "kernel_chi2", "stoner_step", "parabolic_fermi_wavevectors",
    "chain_fermi_wavevectors", "wall_form_factor", "wall_scattering_born", "wall_resistance",
    "wall_resistance_parabolic", "reflection_force",
    "hall_mobility", "square_scba", "band_density", "eq77_hall_angle", "topological_hall_angle",
    "square_spin_channels",
]
