"""Run every validation notebook (jupytext percent scripts) in this folder.

    SPINTEX_NOTEBOOK_SIZE=full python notebooks/run_all.py     # the full validation (about 90 minutes on 2 cores)
    python notebooks/run_all.py                                 # reduced size (what CI runs)
"""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent
NOTEBOOKS = ["beta_magnetic_impurities", "gilbert_damping", "ed_damping", "spin_diffusion", "anisotropic_beta",
             "scba_vs_samples", "beta_bulk", "relaxation_torque", "pumping", "thermal_torque",
             "wall_resistance", "nonlocal_torque", "topological_force", "sweeps", "transverse_diffusion",
             "spin_amr", "topological_hall", "soc_beta"]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for name in sys.argv[1:] or NOTEBOOKS:
        print(f"==== {name}")
        runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
