"""The ``spintex`` command line: ``spintex demo``, ``spintex run CONFIG.toml`` and ``spintex schema``.

Parts: :mod:`.run` solves one configuration and prints its summary, :mod:`.output` writes its
files, :mod:`.sweep` runs a ``[sweep]`` table; this module parses the command and reports errors.

``demo`` and ``run`` solve one configuration (:mod:`spintex.config`): the transmission at the Fermi energy
(:func:`spintex.linear_response`), the finite-bias steady state (:func:`spintex.nonequilibrium`,
whose ``transport`` part is the current-induced one) and the fit of the current-induced torque to
``T_i = A d_x n + B n x d_x n`` (:func:`spintex.fit_torque`).  They print a summary and write

- ``NAME.png``: the texture, the torque and the spin density along x, and maps on strips (:mod:`spintex.plot`);
- ``NAME.nc``: the run as NetCDF (:func:`.output.run_dataset`: dimensions, coordinates, units, the standard
  errors of sample averages, the configuration), for ``xarray.open_dataset``;
- ``NAME-response.nc``: the linear response at E_F (:meth:`spintex.Response.to_netcdf`).

They go into a new run folder ``spintex-run-NNN`` (the next free number), or into ``--out DIR``;
nothing is overwritten without ``--force`` (a new run folder inside DIR instead).
NetCDF replaces the former ``.npz``: xarray opens it with its dimensions and units.

With a ``[sweep]`` table, ``spintex run`` solves the linear response over the grid through
:func:`spintex.sweep` (Dask; checkpointed, so the same command resumes) and writes ``NAME.nc``
(the sweep's Dataset, grid keys such as "texture.width" as dimensions) and ``NAME.png``
(:func:`spintex.plot.sweep` of the scalar observables).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from .. import config as cfg
from ..runner import SchedulerUnreachable
from .output import check_output, output_folder, write_results
from .run import solve, summary
from .. import units
from .sweep import sweep_main

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spintex",
        description="Keldysh Green's functions of conduction electrons in magnetic textures: "
                    "transmission, current-induced spin density and torque, beta.",
        epilog=f"Units: {units.SYSTEM}.")
    p.add_argument("--version", action="version", version=f"spintex {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    demo = sub.add_parser("demo", help="a Neel wall in a ferromagnetic wire at a small bias (a few seconds)",
                          description="Run the embedded default configuration (print it with --print-config).")
    demo.add_argument("--print-config", action="store_true",
                      help="print the demo's TOML configuration (a template for `spintex run`) and exit")
    run = sub.add_parser("run", help="solve a TOML configuration",
                         description="Solve a TOML configuration (every key: `spintex schema`; a template: "
                                     "`spintex demo --print-config`; examples in the examples/ directory).")
    sub.add_parser("schema", help="print every configuration key, its default and what it allows",
                   description="Print the configuration schema of `spintex run` (the spintex.config docstring).")
    run.add_argument("config", metavar="CONFIG.toml", type=Path)
    for command in (demo, run):
        command.add_argument("--out", metavar="DIR", type=Path, default=None,
                             help="folder for NAME.png, NAME.nc and NAME-response.nc (NAME: demo or the config's "
                                  "name); if it already holds them, a new run folder inside it (default: a new "
                                  "run folder spintex-run-NNN in the current directory)")
        command.add_argument("--force", action="store_true", help="overwrite the files in --out")
    return p


def _error(message: str, code: int = 2) -> int:
    print(f"spintex: error: {message}", file=sys.stderr)
    return code


def main(argv=None) -> int:
    """Entry point of the ``spintex`` command; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, usage errors
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        if args.command == "schema":
            print(cfg.__doc__, end="")
            return 0
        if args.command == "demo":
            if args.print_config:
                print(cfg.DEFAULT_TOML, end="")
                return 0
            config, name = cfg.default(), "demo"
        else:
            config, name = cfg.load(args.config), args.config.stem
        check_output(args.out)  # before the solve, not after it
        if config.sweep is not None:
            paths = sweep_main(config, name, args.out, args.force)
        else:
            result = solve(config)
            print(summary(result), flush=True)
            folder, note = output_folder(args.out, name, args.force)
            if note:
                print(f"\nspintex: {note}")
            paths = write_results(result, folder, name)
    except cfg.ConfigError as err:
        return _error(str(err))
    except SchedulerUnreachable as err:  # the sweep's scheduler, named by its configuration key
        if err.source == "scheduler":
            err.source = "sweep.scheduler"
        return _error(str(err), 1)
    except ValueError as err:  # a solver's input check (e.g. E_F on a lead channel threshold)
        return _error(f"cannot solve this configuration: {err}")
    except MemoryError as err:  # refused up front (the size estimate), or a failed allocation
        return _error(f"this configuration does not fit in memory: {err}")
    except OSError as err:
        return _error(f"cannot write the output: {err}")
    except RuntimeError as err:  # e.g. an energy integral that did not converge
        return _error(str(err), 1)
    except KeyboardInterrupt:
        print("\nspintex: interrupted", file=sys.stderr)
        return 130
    print("\nwritten:")
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
