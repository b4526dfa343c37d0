"""The hand-written stub python/spintex/_core.pyi against the compiled module (mypy.stubtest;
skipped where mypy is not installed: pip install ".[dev]")."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_core_stub_matches_the_compiled_module():
    pytest.importorskip("mypy.stubtest")
    env = {**os.environ, "MYPYPATH": str(ROOT / "python")}
    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "spintex._core",
                          "--allowlist", str(ROOT / ".ci" / "stubtest-allowlist.txt"),
                          "--mypy-config-file", str(ROOT / ".ci" / "stubtest.ini")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
