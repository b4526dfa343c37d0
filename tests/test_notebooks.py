"""The validation notebooks run (at reduced size) and write their figures."""
import runpy
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["beta_magnetic_impurities", "gilbert_damping", "ed_damping", "spin_diffusion", "anisotropic_beta",
         "scba_vs_samples", "beta_bulk", "relaxation_torque", "pumping", "thermal_torque",
         "wall_resistance", "nonlocal_torque", "topological_force", "sweeps", "transverse_diffusion",
         "spin_amr", "topological_hall", "soc_beta"]


def run_notebook(name, size, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINTEX_NOTEBOOK_SIZE", size)
    monkeypatch.setenv("SPINTEX_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.syspath_prepend(str(NOTEBOOKS))
    sys.modules.pop("_common", None)  # re-read the size switch
    runpy.run_path(str(NOTEBOOKS / f"{name}.py"), run_name="__main__")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_at_full_size(name, tmp_path, monkeypatch, capsys):
    """The full validation: pytest --runslow (with the reduced sizes 25 min on an idle 2-core machine,
    2026-12-01, before ed_damping added about 26 CPU minutes)."""
    run_notebook(name, "full", tmp_path, monkeypatch)
    if name not in ("anisotropic_beta", "scba_vs_samples"):  # these two print tables only
        assert any(tmp_path.glob("*_full.png"))


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_at_reduced_size(name, tmp_path, monkeypatch, capsys):
    run_notebook(name, "small", tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert len(out.splitlines()) >= 3  # printed its table of lattice-versus-formula numbers
    if "figure:" in out:
        assert any(tmp_path.glob("*.png"))


def test_notebooks_are_listed_in_run_all():
    runner = runpy.run_path(str(NOTEBOOKS / "run_all.py"))
    assert sorted(runner["NOTEBOOKS"]) == sorted(NAMES)
    stems = [p.stem for p in NOTEBOOKS.glob("*.py") if not p.stem.startswith("_") and p.stem != "run_all"]
    assert sorted(stems) == sorted(NAMES)
