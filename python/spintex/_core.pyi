"""Type stubs of the compiled core (cpp/bindings)."""
from typing import Callable, Literal, Optional, Union, overload

import numpy as np
import numpy.typing as npt

_ComplexArray = npt.NDArray[np.complex128]

class SingularBlockError(RuntimeError):
    """A block to invert was singular (a real energy on a clean system's threshold or bound state)."""

class NotConvergedError(RuntimeError):
    """An SCBA or ladder iteration of the core did not reach its tolerance."""

class Lead:
    """Semi-infinite lead: identical cells h0 coupled by hopping * identity."""
    def __init__(self, cell_hamiltonian: npt.ArrayLike, hopping: float) -> None: ...
    def self_energy(self, energy: complex) -> _ComplexArray: ...
    def self_energy_derivative(self, energy: complex) -> _ComplexArray: ...
    def open_channels(self, energy: float) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def mode_levels(self) -> list[float]: ...

class Device:
    """Finalized block-tridiagonal device between two leads."""
    def __init__(self, diagonal: npt.ArrayLike, upper: npt.ArrayLike, left: Lead, right: Lead,
                 bonds: npt.ArrayLike) -> None: ...
    def with_onsite(self, extra: npt.ArrayLike) -> Device: ...
    @property
    def slices(self) -> int: ...
    @property
    def block_size(self) -> int: ...
    @property
    def num_sites(self) -> int: ...
    @property
    def num_bonds(self) -> int: ...

class Correlator:
    """C = G Y G^dag (pairing 'RA') or G Y G ('RR') at one energy."""
    def __init__(self, device: Device, energy: complex, local_self_energy: Optional[npt.ArrayLike] = None) -> None: ...
    @property
    def retarded_sites(self) -> _ComplexArray: ...
    def apply(self, source: Optional[npt.ArrayLike] = None, left: float = 0.0, right: float = 0.0,
              pairing: str = "RA") -> tuple[_ComplexArray, _ComplexArray]: ...
    def apply_sites(self, source: npt.ArrayLike, pairing: str = "RA") -> _ComplexArray:
        """The site blocks alone of G Y G^dag (RA) or G Y G (RR), Y = diag(source)."""
    def slice_column(self, slice: int, first: int, last: int) -> tuple[_ComplexArray, _ComplexArray]:
        """(below, above), each (last - first + 1, n, n): below[l - first] = G_{l, s}, above[l - first]
        = G_{s, l}, l = first..last (0 <= first <= s <= last < L)."""
    def apply_both(self, source: Optional[npt.ArrayLike] = None, left: float = 0.0, right: float = 0.0,
                   pairing: str = "RA") -> tuple[_ComplexArray, _ComplexArray, _ComplexArray]:
        """As apply, plus the reverse bond blocks C_ij: (sites, bonds_ji, bonds_ij)."""
    def apply_all(self, source: Optional[npt.ArrayLike] = None, left: float = 0.0, right: float = 0.0,
                  pairing: str = "RA") -> tuple[_ComplexArray, _ComplexArray, _ComplexArray, tuple[complex, complex]]:
        """As apply_both, plus (Tr[Gamma_L C_00], Tr[Gamma_R C_last]): (sites, bonds_ji, bonds_ij, traces)."""

class SweptNodes:
    """Contour nodes whose correlators a sum sweeps again from (z, Sigma), one per thread."""
    def __init__(self, device: Device, energies: npt.ArrayLike,
                 self_energies: Optional[list[Optional[npt.ArrayLike]]] = None) -> None: ...
    def __len__(self) -> int: ...
class BlockCorrelator:
    """G^R and C = G Y G^dag for a self-energy on site pairs of neighbouring slice groups."""
    def __init__(self, device: Device, energy: complex, group: int, pairs: npt.ArrayLike,
                 self_energy: npt.ArrayLike) -> None: ...
    @property
    def super_slices(self) -> int: ...
    @property
    def retarded_pairs(self) -> _ComplexArray: ...
    def apply(self, source: Optional[npt.ArrayLike] = None, left: float = 0.0,
              right: float = 0.0, pairing: str = "RA") -> _ComplexArray: ...
    def apply_mixed(self, right: BlockCorrelator,
                    source: Optional[npt.ArrayLike] = None) -> _ComplexArray: ...

def apply_mixed(a: Correlator, b: Correlator,
                source: Optional[npt.ArrayLike] = None) -> tuple[_ComplexArray, _ComplexArray, _ComplexArray]:
    """C = G(z_a) Y G(z_b) for two correlators of one device: (sites, bonds_ji, bonds_ij)."""
@overload
def sea_response(correlators: Union[list[Correlator], SweptNodes], weights: npt.ArrayLike,
                 born: Optional[npt.ArrayLike], source: npt.ArrayLike, tolerance: float = 1e-11,
                 max_iterations: int = 5000, restart: int = 20, bonds: bool = True,
                 progress: Optional[Callable[[int, int], None]] = None,
                 lead_shift: tuple[float, float] = (0.0, 0.0), vertices: Literal[False] = False
                 ) -> tuple[_ComplexArray, _ComplexArray, _ComplexArray, np.ndarray]: ...
@overload
def sea_response(correlators: Union[list[Correlator], SweptNodes], weights: npt.ArrayLike,
                 born: Optional[npt.ArrayLike], source: npt.ArrayLike, tolerance: float = 1e-11,
                 max_iterations: int = 5000, restart: int = 20, bonds: bool = True,
                 progress: Optional[Callable[[int, int], None]] = None,
                 lead_shift: tuple[float, float] = (0.0, 0.0), *, vertices: Literal[True]
                 ) -> tuple[_ComplexArray, _ComplexArray, _ComplexArray, np.ndarray, _ComplexArray]:
    """sum_k w_k Y(z_k), Y = G (U + S[Y]) G, over contour nodes (RR ladder with the (N, 4, 4) Born
    superoperators, or None): (sites, bonds_ji, bonds_ij, GMRES iterations per node); bonds=False:
    site blocks only (from the ladders' residuals); lead_shift (v_L, v_R): the source
    -v_a dSigma_a/dz of the leads' band shifts on the end slices too; vertices=True: also each
    node's dressed vertex U + S[x_k] (K, N, 2, 2), for sea_vertex_sum."""
def sea_vertex_sum(correlators: Union[list[Correlator], SweptNodes], weights: npt.ArrayLike,
                   vertices: npt.ArrayLike, bonds: bool = True,
                   progress: Optional[Callable[[int, int], None]] = None
                   ) -> tuple[_ComplexArray, _ComplexArray, _ComplexArray]:
    """sum_k w_k G(z_k) V_k G(z_k) for one dressed vertex per node (vertices (K, N, 2, 2)):
    (sites, bonds_ji, bonds_ij); bonds=False: sites only.  No ladder, no lead shifts."""
def bare_kernel(correlators: Union[list[Correlator], SweptNodes], weights: npt.ArrayLike, slice: int,
                range: int) -> _ComplexArray:
    """sum_k w_k G_{(s+dx,p'),(s,p)}(z_k) G_{(s,p),(s+dx,p')}(z_k) as (2 range + 1, W, W, 2, 2), index
    [range + dx, p', p]: the bare contour sum G U G at (s + dx, p') for a unit potential on (s, p)."""
def mixed_sea_response(left: list[Correlator], right: list[Correlator], weights: npt.ArrayLike,
                       born: Optional[npt.ArrayLike], source: npt.ArrayLike, tolerance: float = 1e-11,
                       max_iterations: int = 5000, restart: int = 20, bonds: bool = True,
                       progress: Optional[Callable[[int, int], None]] = None
                       ) -> tuple[_ComplexArray, _ComplexArray, _ComplexArray, np.ndarray]:
    """sum_k w_k Y_k, Y_k = G(a_k) (U + S[Y_k]) G(b_k): the ladder at mixed energies over pairs of
    correlators: (sites, bonds_ji, bonds_ij, GMRES iterations per pair)."""
def scba_nodes(device: Device, energies: npt.ArrayLike, born: npt.ArrayLike,
               guesses: Optional[list[Optional[npt.ArrayLike]]] = None, first: Optional[npt.ArrayLike] = None,
               runs: int = 4, tolerance: float = 1e-10, mixing: float = 0.5, max_iterations: int = 200,
               fallback_mixing: float = 0.0, progress: Optional[Callable[[int, int], None]] = None,
               probe: Optional[npt.ArrayLike] = None, path: Optional[npt.ArrayLike] = None
               ) -> list[tuple[Optional[Correlator], _ComplexArray, int, float, Optional[_ComplexArray]]]:
    """The local SCBA at every (complex) energy by Anderson mixing, nodes in fixed contiguous
    runs on the OpenMP threads: [(Correlator, Sigma (N, 2, 2), iterations, residual, None)]; with
    ``probe`` U: [(None, Sigma, iterations, residual, site blocks of G U G)]."""
def integrate(device: Device, energies: npt.ArrayLike, retarded_weights: Optional[npt.ArrayLike] = None,
              left_weights: Optional[npt.ArrayLike] = None, right_weights: Optional[npt.ArrayLike] = None,
              transmission: bool = False, reverse_transmission: bool = False,
              left_axis: npt.ArrayLike = (0.0, 0.0, 1.0), right_axis: npt.ArrayLike = (0.0, 0.0, 1.0),
              local_self_energy: Optional[npt.ArrayLike] = None,
              progress: Optional[Callable[[int, int], None]] = None,
              per_energy: bool = False) -> dict[str, np.ndarray]: ...
def blas_backend() -> str: ...
def set_blas_threads(threads: int) -> int: ...
