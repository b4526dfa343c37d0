"""spintex: Keldysh Green's functions of conduction electrons in magnetic textures."""
from . import _core

__version__ = "0.1.0"
