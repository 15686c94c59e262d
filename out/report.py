#!/usr/bin/python3
"""report.py - `minrisk report`: a one-page, self-contained HTML report of a
minrisk result file, with its figures also written as PNG and SVG files.

    report.py [--from-minrisk] [-o DIR] [--quiet] [--minrisk-version V] [--] FILE.h5

Normally started by `minrisk report` (sim/cmd/report.c), which checks the
arguments first. Reads run files, the comparison ("compare") and sweep
("sweep") files of docs/OUTPUT.md and the uncertainty studies
("uncertainty") of docs/STUDIES.md; what the page shows and how every Monte
Carlo error is computed is docs/REPORT.md. Only the standard library,
numpy, h5py and matplotlib (Agg backend), as Debian packages them.

The page embeds every figure as a PNG data URI and loads nothing else (its
Content-Security-Policy forbids it), so the single report.html works offline.
The same input gives the same files (no time stamp is written). Every
Monte Carlo error shown is read from the file: the C side computes and
stores every bootstrap interval (docs/OUTPUT.md); this script resamples
nothing.

Exit status: 0 done; 2 bad input (not a minrisk file, damaged, bad output
directory; 4 instead when the first argument is --from-minrisk, as
`minrisk report` starts it: python3 itself exits 2 when it cannot open
this script, a failure that must not pass for bad input); 1 any other
failure; 130 interrupted; 3 the report is written
and installed but its closing line was not: standard output is a pipe
whose reader is gone (`| head`; `minrisk report` then ends as `minrisk run`
does, by SIGPIPE after the write, or with one line and status 1 when
SIGPIPE is ignored). Every error is one line
on stderr naming the file (stderr closed or a pipe whose reader is gone:
the line is lost, not the status); nothing is left at the output path on failure
(the report is written to DIR.tmp.<pid> and renamed). `minrisk report`
holds the lock DIR.lock while this script runs (sim/cmd/report.c, as
`minrisk run` holds OUTPUT.lock): a second report into the same DIR is
refused there; under that lock this script removes the temporaries
DIR.tmp.<pid> and DIR.old.<pid> of a report killed outright (SIGKILL)
once their process is gone. Run directly, this script takes no lock.

The code is the package report/ beside this file (found through the file's
real path, so a link to it works): base.py (constants, estimators, the
readers), figures.py, page.py (the page and a run's sections), sweep.py,
multi.py (comparisons and sweeps), uncertainty.py and driver.py (main).
This file installs the early signal handlers, loads the package and runs
its main; imported (the tests), it holds the package's names.
"""

import importlib.util
import os
import shutil
import signal
import sys

PACKAGE = "_minrisk_report"  # the name report/ is loaded under


def _early_signal(signum, frame):
    """Ctrl-C, SIGTERM or SIGHUP before main() took over (while numpy, h5py
    and matplotlib load, a second or more): nothing is made yet but
    matplotlib's private configuration directory. One line, 130. (A
    KeyboardInterrupt here printed a traceback of the import, and SIGHUP
    killed the script.)"""
    mpl_tmp = getattr(sys.modules.get(PACKAGE + ".base"), "_MPL_TMP", None)
    if mpl_tmp is not None:
        shutil.rmtree(mpl_tmp, ignore_errors=True)
    try:
        os.write(2, b"minrisk report: interrupted; nothing written\n")
    except OSError:  # stderr closed or its reader gone: the status still says it
        pass
    os._exit(130)


if __name__ == "__main__":
    for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(_sig, _early_signal)
    sys.dont_write_bytecode = True  # no __pycache__ in report/ (the source tree, the installed copy)


def _load():
    """report/ (beside this file's real path) as the package PACKAGE; run as
    the script, it draws off screen (SCRIPT: matplotlib's Agg backend)."""
    where = os.path.join(os.path.dirname(os.path.realpath(__file__)), "report")
    spec = importlib.util.spec_from_file_location(PACKAGE, os.path.join(where, "__init__.py"),
                                                  submodule_search_locations=[where])
    pkg = importlib.util.module_from_spec(spec)
    pkg.SCRIPT = __name__ == "__main__"
    sys.modules[PACKAGE] = pkg
    spec.loader.exec_module(pkg)
    return pkg


_pkg = _load()
if __name__ != "__main__":  # imported: the package's names as this module's
    globals().update({k: v for k, v in vars(_pkg).items() if not k.startswith("__")})


if __name__ == "__main__":
    try:
        code = _pkg.main(sys.argv[1:])
    except (KeyboardInterrupt, _pkg.Interrupted):
        # a signal before main's try (the arguments) or a second one in its
        # except clauses: 130 all the same, not a traceback; main's finally
        # has removed its temporary
        _pkg._ignore_signals()
        _pkg.say("minrisk report: interrupted; nothing written\n")
        code = _pkg.EXIT_INTERRUPTED
    sys.exit(code)
