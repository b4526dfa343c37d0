"""Shared helpers of the validation notebooks: the size switch and figure output.

SPINTEX_NOTEBOOK_SIZE=small (default; what the test suite runs) or full (the documented
validation run: `SPINTEX_NOTEBOOK_SIZE=full python notebooks/run_all.py`).
"""
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

SIZE = os.environ.get("SPINTEX_NOTEBOOK_SIZE", "small")
if SIZE not in ("small", "full"):
    raise ValueError("SPINTEX_NOTEBOOK_SIZE must be 'small' or 'full'")
FULL = SIZE == "full"
OUT = Path(os.environ.get("SPINTEX_NOTEBOOK_OUT", Path(__file__).parent / "figures"))


def pick(small, full):
    return full if FULL else small


def save(fig: Figure, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}_{SIZE}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print(f"figure: {path}")
    return path


def table(rows, header):
    widths = [max(len(str(h)), *(len(f"{r[i]:.5g}" if isinstance(r[i], float) else str(r[i])) for r in rows))
              for i, h in enumerate(header)]
    fmt = lambda v: f"{v:.5g}" if isinstance(v, float) else str(v)  # noqa: E731
    print("  ".join(str(h).rjust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(fmt(v).rjust(w) for v, w in zip(r, widths)))


def log_x(ax, ticks):
    """Logarithmic x axis labelled at the given values only."""
    ax.set_xscale("log")
    ax.set_xticks(list(ticks))
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()
