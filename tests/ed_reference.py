"""Exact diagonalization of the Gilbert damping of a disordered ring: the dense reference of the slow
test (tests/test_continuum.py) and of notebooks/ed_damping.py, which loads this file (it needs
numpy only, no pytest)."""
import numpy as np


def exact_chain_damping(size, exchange, energy, onsite, perp_x, par, eta, seed):
    """pi M^2 (1/N) Tr[sigma^x delta sigma^x delta] by exact diagonalization (Gaussian delta)."""
    rng = np.random.default_rng(seed)
    u0, ux, uz = rng.normal(size=(3, size)) * np.sqrt([onsite, perp_x, par])[:, None]
    i = np.arange(2 * size)
    h = np.zeros((2 * size, 2 * size))
    h[i, (i + 2) % (2 * size)] = h[(i + 2) % (2 * size), i] = -1.0
    h[i, i] = np.repeat(u0, 2) + np.tile([1.0, -1.0], size) * np.repeat(uz - exchange, 2)
    h[i[::2], i[::2] + 1] = h[i[::2] + 1, i[::2]] = ux  # real H: the y component does not enter X^xx
    w, v = np.linalg.eigh(h)
    keep = np.abs(w - energy) < 6 * eta
    w, v = w[keep], v[:, keep]
    sx = (v.T @ v.reshape(size, 2, -1)[:, ::-1].reshape(2 * size, -1)) ** 2
    delta = np.exp(-((energy - w) / eta) ** 2 / 2) / (np.sqrt(2 * np.pi) * eta)
    up = np.sum(v[0::2] ** 2, axis=0)
    return np.pi * exchange ** 2 * (delta @ sx @ delta) / size, (delta @ up / size, delta @ (1 - up) / size)
