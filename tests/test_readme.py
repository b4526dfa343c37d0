"""The README's API tour runs as written."""
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_tour_runs():
    block = re.search(r"## Tour\n[^`]*```python\n(.*?)```", README.read_text(), re.S)
    assert block, "the README has a ## Tour python block"
    namespace = {}
    exec(compile(block.group(1), "README tour", "exec"), namespace)
    assert 0 < namespace["alpha"] < 1 and namespace["samples"].spin_density_stderr.shape == (800, 3)


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    command = 'pip install ".[test]" && python -m pytest'
    assert command in README.read_text() and command in ci
