import matplotlib
import numpy as np
import pytest

import spintex as st

matplotlib.use("Agg")  # st.plot without an ax opens pyplot figures: never a window in tests


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run long validations (marked slow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="long validation: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def random_unit_vectors(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


SEEDS = {"chain": 11, "strip": 12, "bar": 13}
LATTICES = {
    "chain": lambda: st.lattice.chain(7),
    "strip": lambda: st.lattice.strip(5, 3),
    "bar": lambda: st.lattice.bar(4, 2, 2),
}


@pytest.fixture(params=sorted(LATTICES))
def random_model(request):
    """A small random system: random texture, on-site disorder, Zeeman and (2D/3D) Rashba."""
    rng = np.random.default_rng(SEEDS[request.param])  # fixed per lattice: the same on every run
    lat = LATTICES[request.param]()
    N = lat.num_sites
    return st.Model(
        lat, hopping=1.0, exchange=0.7, texture=random_unit_vectors(rng, N),
        onsite=rng.uniform(-0.5, 0.5, N), rashba=0.0 if lat.dim == 1 else 0.3,
        zeeman=(0.05, -0.02, 0.1),
    )


def dense_green(model, energy):
    """G^R of the device by dense inversion, with the lead self-energies."""
    H = model.hamiltonian_dense()
    sl, sr = model.lead_self_energies_dense(energy)
    G = np.linalg.inv(energy * np.eye(H.shape[0]) - H - sl - sr)
    return G, 1j * (sl - sl.conj().T), 1j * (sr - sr.conj().T)


def site_blocks(M, N):
    """2x2 diagonal site blocks of a 2N x 2N matrix."""
    return M.reshape(N, 2, N, 2)[np.arange(N), :, np.arange(N), :]


def bond_blocks(M, bonds, N):
    """Blocks M_ji for each bond (i, j)."""
    R = M.reshape(N, 2, N, 2)
    return R[bonds[:, 1], :, bonds[:, 0], :]
