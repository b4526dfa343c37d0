"""spintex: Keldysh Green's functions of conduction electrons in magnetic textures.

Units and signs: hbar = e = a = 1, energies in units of the hopping t, spin densities in Pauli
units, H = -t hop + onsite - M n . sigma (+ Rashba, Zeeman); see the README.
"""
import os as _os

from . import _core, continuum, lattice, plot, textures
from ._core import SingularBlockError

# One BLAS thread per sweep: block products of size 2 x cross-section gain nothing measurable
# from a second BLAS thread on an idle 2-core machine, and lose 20x when another process holds
# a core (spin-waiting BLAS threads; measured, see bench/).  Parallelism comes from OpenMP over
# energies and threads over disorder samples.  SPINTEX_BLAS_THREADS overrides.
_core.set_blas_threads(int(_os.environ.get("SPINTEX_BLAS_THREADS", "1")))
from .damping import gilbert_damping
from .bubble import kubo_bubble
from . import bulk, kernels, periodic
from .disorder import Disorder, SCBAConvergenceError
from .analysis import TorqueFit, current_polarization, fit_torque, texture_derivative, transverse_current
from .keldysh import equilibrium, ldos, nonequilibrium, transmission
from .response import linear_response
from .pumping import pumping, texture_force, texture_velocity
from .thermal import energy_resolved
from .model import Model
from .walls import chain_scattering, wall_force, wall_resistance
from .observables import Response, State
from .sweep import ensemble, sweep

__version__ = "0.1.0"

__all__ = [
    "Disorder", "Model", "Response", "SCBAConvergenceError", "SingularBlockError", "State", "TorqueFit", "bulk",
    "chain_scattering",
    "continuum", "current_polarization", "energy_resolved", "ensemble", "equilibrium", "fit_torque",
    "gilbert_damping", "kernels", "kubo_bubble", "lattice", "ldos", "linear_response", "nonequilibrium", "periodic",
    "plot", "pumping", "sweep", "texture_derivative", "texture_force", "texture_velocity", "textures", "transmission",
    "transverse_current", "wall_force", "wall_resistance",
]
