"""checks.py - what the python_*, output and study tests share: check(ok,
what) counts the check, records and prints a failure and gives ok back;
finish(name) prints the counts and gives the exit status (0 when checks
were made and none failed, 1 otherwise). run(cmd) runs a command and captures its output;
run_minrisk(cmd) the same for a command that must succeed (minrisk making a
test's input), which ends the test otherwise. stockpiled_minerals(yaml) the
minerals a scenario stockpiles. strs(ds) an HDF5 dataset of strings as
str; k_rank(n, p) the rank of the p-quantile of n values (out/stats/stats.c
mr_stats_rank). Also the closed pipe of the SIGPIPE
tests (tests/cli/closed_pipe.py, tests/output/report_closed_pipe.py)."""

import math
import os
import re
import signal
import subprocess
import sys

FAILS = []
CHECKED = [0]  # how many checks were made, for finish


def check(ok, what):
    CHECKED[0] += 1
    if not ok:
        FAILS.append(what)
        print("FAIL:", what)
    return ok


def finish(name):
    """The counts, and the exit status: 1 when a check failed or when none
    was made (a test whose checks were all skipped cannot fail: until
    2026-12-07 it passed, "0 checks, 0 failures"; checks_cases.py)."""
    print("%s: %d checks, %d failures" % (name, CHECKED[0], len(FAILS)))
    if CHECKED[0] == 0:
        print("FAIL: %s: no check was made" % name)
        return 1
    return 1 if FAILS else 0


def run(cmd, **kw):
    """cmd (a list) run to its end, its stdout and stderr captured as text
    (kw: subprocess.run's, env, cwd, timeout): the CompletedProcess, whatever
    its status, for the caller to check."""
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def run_minrisk(cmd, **kw):
    """run(cmd) for a command that must succeed (a run or compare making the
    test's input): any status but 0 ends the test, exit 1, with one line
    naming the command, its status and its stderr. The CompletedProcess."""
    r = run(cmd, **kw)
    if r.returncode != 0:
        sys.exit("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def setup():
    """SRC [BIN] from the command line: the source root; the binary, set as
    MINRISK_BIN for the package."""
    if len(sys.argv) > 2:
        os.environ["MINRISK_BIN"] = sys.argv[2]
    return sys.argv[1]


def stockpiled_minerals(path):
    """policies.stockpile.minerals of a scenario: the flow list under
    `stockpile:` read with a regular expression (PyYAML is not a CI
    dependency)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^  stockpile:\n(?:    .*\n|\s*\n)*?    minerals:\s*\[([^\]]*)\]", text, re.M)
    return {x.strip() for x in m.group(1).split(",")} if m else set()


def strs(ds):
    """An HDF5 dataset of strings (h5py's bytes or str) as a list of str."""
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[()]]


def k_rank(n, p):
    """mr_stats_rank (out/stats/stats.c; docs/OUTPUT.md): ceil(n p), n p
    taken as the integer it is within 1e-12 x max(1, n p), clamped to
    [1, n]."""
    x = n * p
    if n == 0 or not math.isfinite(x):  # as mr_stats_rank: 0 of none; NaN, -inf 1; +inf n
        return n if n == 0 or x == math.inf else 1
    r = round(x)
    if abs(x - r) <= 1e-12 * max(1.0, abs(x)):
        x = r
    return int(min(max(math.ceil(x), 1), n))


def closed_pipe():
    """The writing end of a pipe whose reading end is closed."""
    r, w = os.pipe()
    os.close(r)
    return w


def ignore_sigpipe():
    """preexec_fn: the child starts with SIGPIPE ignored."""
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
