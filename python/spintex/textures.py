"""Magnetization textures n(r): callables ``positions (N, d) -> unit vectors (N, 3)``.

Angles follow CONVENTIONS.md: theta is the polar angle from +z, phi the azimuth, and
``n = (sin theta cos phi, sin theta sin phi, cos theta)``.  Positions are in lattice constants;
missing coordinates (a chain has only x) count as 0.  Anywhere a texture is accepted, a plain
(N, 3) array of unit vectors is accepted too (see :func:`texture_vectors`).
"""
from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from ._validate import finite_float, real_array, vector3

Texture = Callable[[np.ndarray], np.ndarray]


def _xyz(positions) -> np.ndarray:
    p = np.asarray(positions, dtype=float)
    if p.ndim != 2 or not 1 <= p.shape[1] <= 3:
        raise ValueError(f"positions must have shape (N, d) with d in 1..3, got {p.shape}")
    out = np.zeros((p.shape[0], 3))
    out[:, : p.shape[1]] = p
    return out


def _center(center, name: str = "center") -> np.ndarray:
    """A planar texture's centre (x, y[, z]) as a 3-vector, z = 0 if missing; checked.  One number is
    refused: padded to (x, 0) it would put the core on the y = 0 edge of a strip without a word."""
    given = real_array(center, name)
    if given.ndim > 1 or not 2 <= given.size <= 3:
        raise ValueError(f"{name} must be 2 or 3 coordinates (x, y[, z]) of the texture's centre in the plane, "
                         f"got {center!r}")
    if not np.all(np.isfinite(given)):
        raise ValueError(f"{name} must be finite, got {center!r}")
    c = np.zeros(3)
    c[: given.size] = given.ravel()
    return c


def _sign(value, name: str) -> int:
    """+1 or -1 (an integer or a float equal to it), else a ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or value not in (1, -1):
        raise ValueError(f"{name} must be +1 or -1, got {value!r}")
    return 1 if value == 1 else -1


def _from_angles(theta, phi) -> np.ndarray:
    return np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], axis=1)


def wall_angle(x, center: float, width: float) -> np.ndarray:
    """theta(x) = 2 arctan(exp((x - center) / width)): from 0 (+z) on the left to pi on the right.

    Evaluated as pi/2 + 2 arctan(tanh(u/2)), the same function without overflow far from the wall.
    """
    u = (np.asarray(x, dtype=float) - center) / width
    return 0.5 * np.pi + 2.0 * np.arctan(np.tanh(0.5 * u))


def uniform(direction=(0.0, 0.0, 1.0)) -> Texture:
    """A uniform magnetization along ``direction`` (normalized)."""
    n = vector3(direction, "direction", unit=True)
    return lambda positions: np.tile(n, (_xyz(positions).shape[0], 1))


def neel_wall(center: float, width: float) -> Texture:
    """Neel wall along x: n = (sin theta, 0, cos theta), theta = 2 arctan(exp((x - center)/width))."""
    center = finite_float(center, "center")
    width = finite_float(width, "width", positive=True)
    return lambda positions: _from_angles(wall_angle(_xyz(positions)[:, 0], center, width), 0.0)


def bloch_wall(center: float, width: float) -> Texture:
    """Bloch wall along x: n = (0, sin theta, cos theta), theta as in :func:`neel_wall`."""
    center = finite_float(center, "center")
    width = finite_float(width, "width", positive=True)
    return lambda positions: _from_angles(wall_angle(_xyz(positions)[:, 0], center, width), np.pi / 2)


def spiral(wavevector, phase: float = 0.0, plane: str = "xz") -> Texture:
    """Flat spin spiral with angle q . r + phase in ``plane``.

    ``plane="xz"`` (cycloid along x for q along x): n = (sin a, 0, cos a); ``"yz"``: (0, sin a, cos a);
    ``"xy"``: (cos a, sin a, 0).  A scalar ``wavevector`` points along x.
    """
    q = np.atleast_1d(real_array(wavevector, "wavevector"))
    if q.size == 1:
        q = np.array([q[0], 0.0, 0.0])
    q = vector3(q, "wavevector")
    phase = finite_float(phase, "phase")
    if plane not in ("xz", "yz", "xy"):
        raise ValueError(f"plane must be 'xz', 'yz' or 'xy', got {plane!r}")

    def texture(positions):
        a = _xyz(positions) @ q + phase
        zero = np.zeros_like(a)
        if plane == "xz":
            return np.stack([np.sin(a), zero, np.cos(a)], axis=1)
        if plane == "yz":
            return np.stack([zero, np.sin(a), np.cos(a)], axis=1)
        return np.stack([np.cos(a), np.sin(a), zero], axis=1)

    return texture


def vortex(center, core_radius: float, polarity: int = 1, circulation: int = 1) -> Texture:
    """In-plane vortex around ``center`` (x, y) with an out-of-plane core.

    n_z = polarity * exp(-(r / core_radius)^2); the in-plane part points along
    phi = atan2(y - yc, x - xc) + circulation * pi/2 (curling counter-clockwise for circulation=+1).
    """
    c = _center(center)
    rc = finite_float(core_radius, "core_radius", positive=True)
    polarity = _sign(polarity, "polarity")
    circulation = _sign(circulation, "circulation")

    def texture(positions):
        d = _xyz(positions) - c
        r = np.hypot(d[:, 0], d[:, 1])
        with np.errstate(over="ignore"):  # (r / rc)^2 = inf far from a tiny core: n_z = 0 there
            theta = np.arccos(polarity * np.exp(-((r / rc) ** 2)))
        phi = np.arctan2(d[:, 1], d[:, 0]) + circulation * np.pi / 2
        return _from_angles(theta, phi)

    return texture


def skyrmion(center, radius: float, wall_width: float, helicity: float = 0.0, polarity: int = -1) -> Texture:
    """Isolated skyrmion in a +z background (core along polarity * z, polarity=-1: core down).

    theta(r) = 2 arctan(sinh(radius / wall_width) / sinh(r / wall_width)) is pi at the centre and
    0 far away (evaluated with both sinh scaled by exp(-max(radius, r) / wall_width), so any finite
    positive radius and wall_width work, even when their ratio overflows);
    phi = atan2(y - yc, x - xc) + helicity (0: Neel type, pi/2: Bloch type).  For polarity=+1
    the whole texture is reversed (core up in a -z background).
    """
    c = _center(center)
    R = finite_float(radius, "radius", positive=True)
    w = finite_float(wall_width, "wall_width", positive=True)
    helicity = finite_float(helicity, "helicity")
    polarity = _sign(polarity, "polarity")

    def texture(positions):
        d = _xyz(positions) - c
        r = np.hypot(d[:, 0], d[:, 1])
        with np.errstate(over="ignore"):  # R / w, r / w and (R - r) / w may be inf: the limits are right
            a, b, gap = R / w, r / w, (R - r) / w
        # sinh(a) / sinh(b) = e^(a - b) (1 - e^-2a) / (1 - e^-2b); the factor e^-|a - b| goes on the
        # smaller side, so nothing overflows and inf - inf never occurs
        scale = np.exp(-np.abs(gap))
        theta = 2.0 * np.arctan2(-np.expm1(-2.0 * a) * np.where(gap < 0, scale, 1.0),
                                 -np.expm1(-2.0 * b) * np.where(gap >= 0, scale, 1.0))
        phi = np.arctan2(d[:, 1], d[:, 0]) + helicity
        n = _from_angles(theta, phi)
        return n if polarity == -1 else -n

    return texture


def radial_bubble(center, width: float, theta_max: float) -> Texture:
    """A bubble tilted radially out of +z: theta = theta_max exp(-(r/width)^2), phi = atan2(y, x)
    about ``center``.  Its centre is singular on a lattice (the in-plane direction turns 90 degrees
    per site around it): the smooth part covers a cap of the sphere (charge ~ -(1 - cos theta_max)/2)
    and the plaquette around the centre carries the compensation, so the lattice charge is 0 for
    theta_max < pi/2 (a meron with a lattice-scale core; docs/physics.md section 18)."""
    c = _center(center)
    w = finite_float(width, "width", positive=True)
    tm = finite_float(theta_max, "theta_max")

    def texture(positions):
        d = _xyz(positions) - c
        with np.errstate(over="ignore"):  # (r / w)^2 = inf far from a tiny bubble: theta = 0 there
            theta = tm * np.exp(-(np.hypot(d[:, 0], d[:, 1]) / w) ** 2)
        return _from_angles(theta, np.arctan2(d[:, 1], d[:, 0]))

    return texture


def ring_bubble(center, radius: float, theta_max: float) -> Texture:
    """A smooth bubble with no winding: theta = theta_max s exp(1 - s), s = (r/radius)^2, phi =
    atan2(y, x) about ``center``; +z at the centre and far away, tilted most (theta_max) at
    r = radius.  Topological charge 0 for theta_max < pi."""
    c = _center(center)
    R = finite_float(radius, "radius", positive=True)
    tm = finite_float(theta_max, "theta_max")

    def texture(positions):
        d = _xyz(positions) - c
        with np.errstate(over="ignore"):  # s e^(1 - s) is 0 to double precision beyond s = 1e4 (no inf * 0)
            s = np.minimum((np.hypot(d[:, 0], d[:, 1]) / R) ** 2, 1e4)
        return _from_angles(tm * s * np.exp(1 - s), np.arctan2(d[:, 1], d[:, 0]))

    return texture


def texture_vectors(texture, positions, *, name: str = "texture") -> np.ndarray:
    """Evaluate a texture (callable, 3-vector or (N, 3) array) into validated unit vectors (N, 3)."""
    N = _xyz(positions).shape[0]
    if callable(texture):
        n = real_array(texture(positions), name)
    else:
        n = real_array(texture, name)
        if n.shape == (3,):
            n = np.tile(n, (N, 1))
    if n.shape != (N, 3):
        raise ValueError(f"{name} must give one 3-vector per site, shape ({N}, 3); got {n.shape}")
    if not np.all(np.isfinite(n)):
        raise ValueError(f"{name} contains NaN or infinite values")
    norms = np.linalg.norm(n, axis=1)
    bad = np.flatnonzero(np.abs(norms - 1.0) > 1e-6)
    if bad.size:
        raise ValueError(
            f"{name} vectors must have unit length; site {bad[0]} has |n| = {norms[bad[0]]:.6g}"
            f" ({bad.size} sites off by more than 1e-6)"
        )
    return n / norms[:, None]


def topological_charge(model_or_lattice, texture=None) -> float:
    """Skyrmion number Q = (1/4pi) int n . (d_x n x d_y n) dx dy of a texture on a 2D lattice.

    Lattice form (Berg and Luescher): every square plaquette of neighbouring sites (i, i+x,
    i+x+y, i+y) is split into two triangles, each contributing its signed solid angle
    Omega = 2 atan2(n1 . (n2 x n3), 1 + n1.n2 + n2.n3 + n3.n1); Q = sum Omega / 4pi is an integer
    for any texture whose neighbouring spins are never antiparallel, and the open edges of a
    strip add the boundary's winding (Q is an integer when n is uniform on the edges).  Takes a
    Model, or a Lattice and a texture.  Sign: a skyrmion with its core down in a +z background
    (polarity=-1) has Q = -1 with this orientation (x, then y).
    """
    from .lattice import Lattice

    if isinstance(model_or_lattice, Lattice):
        lat = model_or_lattice
        n = texture_vectors(texture, lat.positions)
    elif hasattr(model_or_lattice, "texture_vectors") and texture is None:
        lat, n = model_or_lattice.lattice, model_or_lattice.texture_vectors
    else:
        raise ValueError("topological_charge takes a Model, or a Lattice and a texture")
    if lat.dim != 2:
        raise ValueError(f"topological_charge needs a 2D lattice (a strip), got a {lat.dim}D one")
    grid = np.arange(lat.num_sites).reshape(lat.length, lat.width)  # sites ordered slice by slice
    i, ix, ixy, iy = grid[:-1, :-1], grid[1:, :-1], grid[1:, 1:], grid[:-1, 1:]

    def solid_angle(a, b, c):
        na, nb, nc = n[a.ravel()], n[b.ravel()], n[c.ravel()]
        triple = np.einsum("ka,ka->k", na, np.cross(nb, nc))
        dots = 1 + np.einsum("ka,ka->k", na, nb) + np.einsum("ka,ka->k", nb, nc) + np.einsum("ka,ka->k", nc, na)
        return 2 * np.arctan2(triple, dots)

    return float((solid_angle(i, ix, ixy).sum() + solid_angle(i, ixy, iy).sum()) / (4 * np.pi))
