"""Progress lines of long computations on stderr: counts with and without a total, the terminal's
in-place redraw, and the stages of the screening and of pumping (a fake clock makes every call
'long')."""
import itertools

import spintex as st
from spintex import integration
from spintex.integration import Progress


class FakeClock:
    """time.monotonic advancing ``step`` s per call."""

    def __init__(self, step=5.0):
        self.t = itertools.count(0.0, step)

    def __call__(self):
        return next(self.t)


def test_a_count_without_a_total_and_the_terminal_redraw(monkeypatch, capsys):
    monkeypatch.setattr(integration.time, "monotonic", FakeClock())
    p = Progress("screening", unit="GMRES steps", estimate=False, interval=0.0)
    p(1, None, "(charge left 1e-2)")
    p(2, None, "(charge left 1e-4)")
    p.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["screening: 1 GMRES steps, 5 s (charge left 1e-2)",
                     "screening: 2 GMRES steps, 10 s (charge left 1e-4)"]
    p = Progress("Fermi sea", unit="contour nodes", estimate=False)
    p.tty = True
    p(24, None, "(a)")
    p(30, None, "(b)")
    assert p.open_line
    p.close()
    assert capsys.readouterr().err == ("\rFermi sea: 24 contour nodes, 5 s (a)\x1b[K"
                                       "\rFermi sea: 30 contour nodes, 10 s (b)\x1b[K\n")
    p.close()  # nothing more to end
    assert capsys.readouterr().err == ""


def test_the_field_drive_and_pumping_report_their_stages(monkeypatch, capsys):
    """(Off a terminal a line is printed at most every 10 s: the clock advances 15 s per call.)"""
    monkeypatch.setattr(integration.time, "monotonic", FakeClock(15.0))
    m = st.Model(st.lattice.chain(30), exchange=0.6, texture=st.textures.neel_wall(15, 3))
    d = st.Disorder(onsite=0.05, magnetic=(0.01, 0.01))
    r = st.linear_response(m, -0.8, disorder=d, drive="field")
    err = capsys.readouterr().err
    assert "Fermi sea: 24 contour nodes" in err and f"screening: {r.screening_iterations} GMRES steps" in err
    st.pumping(m, -0.8, st.texture_velocity(m, "translation"), disorder=d)
    err = capsys.readouterr().err
    assert "pumping: 4/4 parts" in err and "(the Fermi sea's Kubo-Bastin term)" in err
