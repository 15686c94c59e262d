"""checks.py - what the python_* tests share: check(ok, what) records and
prints a failure; finish(name) prints the count and gives the exit status
(0 when none failed, 1 otherwise). Also the closed pipe of the SIGPIPE tests
(tests/cli/closed_pipe.py, tests/output/report_closed_pipe.py)."""

import os
import signal
import sys

FAILS = []


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print("FAIL:", what)


def finish(name):
    print("%s: %d failures" % (name, len(FAILS)))
    return 1 if FAILS else 0


def setup():
    """SRC [BIN] from the command line: the source root; the binary, set as
    MINRISK_BIN for the package."""
    if len(sys.argv) > 2:
        os.environ["MINRISK_BIN"] = sys.argv[2]
    return sys.argv[1]


def closed_pipe():
    """The writing end of a pipe whose reading end is closed."""
    r, w = os.pipe()
    os.close(r)
    return w


def ignore_sigpipe():
    """preexec_fn: the child starts with SIGPIPE ignored."""
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
