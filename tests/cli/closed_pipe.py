#!/usr/bin/env python3
"""A command that writes a file, its stdout or stderr a pipe whose reader
has gone (`minrisk run ... 2>&1 | head -1`, `minrisk compare ... | head`):
the file is written whole (identical outside /run_info to the same command
with its output read), no OUTPUT.lock or temporary is left, and then the
process ends by SIGPIPE (status -13 here, 141 in a shell), as a filter
does. Until 2026-12-06 SIGPIPE killed it at its first message (run
--verbose, an importance-sampled run, a sweep's warning) or table
(compare), before the write: no file, OUTPUT.lock left.
A command whose output meets no closed pipe exits 0 as before, and one
started with SIGPIPE ignored says that stdout could not be written (exit 1).

usage: closed_pipe.py MINRISK SOURCE_ROOT H5DIFF
"""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, closed_pipe, finish, ignore_sigpipe  # noqa: E402 (tests/python/checks.py)

minrisk, src, h5diff = sys.argv[1], sys.argv[2], sys.argv[3]
scen = os.path.join(src, "scenarios")


with tempfile.TemporaryDirectory() as tmp:
    cases = [  # name, argv with OUT, which stream is closed
        ("run --verbose", ["run", scen + "/demo.yaml", "-o", "OUT", "--trials", "500", "--verbose"],
         "stderr"),
        ("sweep", ["run", scen + "/uk-sweep-stockpile-cap.yaml", "-o", "OUT", "--trials", "100"],
         "stderr"),
        ("compare", ["compare", scen + "/demo.yaml", scen + "/demo.yaml", "-o", "OUT", "--trials",
                     "300", "--bootstrap", "100", "--quiet"], "stdout"),
    ]
    for name, argv, which in cases:
        d = os.path.join(tmp, name.split()[0])
        os.mkdir(d)
        ref, out = os.path.join(d, "ref.h5"), os.path.join(d, "out.h5")
        r = subprocess.run([minrisk] + [ref if a == "OUT" else a for a in argv], capture_output=True)
        if r.returncode != 0:
            sys.exit("%s: reference: exit %d: %s" % (name, r.returncode, r.stderr.decode()))
        w = closed_pipe()
        streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, which: w}
        p = subprocess.run([minrisk] + [out if a == "OUT" else a for a in argv], **streams)
        os.close(w)
        left = sorted(os.listdir(d))
        check(p.returncode == -signal.SIGPIPE,
              "%s, %s closed: status %d, expected -13 (SIGPIPE after the write)"
              % (name, which, p.returncode))
        if check(left == ["out.h5", "ref.h5"],
                 "%s, %s closed: left %s, expected out.h5 beside ref.h5" % (name, which, left)):
            check(subprocess.run([h5diff, "--exclude-path", "/run_info", ref, out]).returncode == 0,
                  "%s, %s closed: the file differs from the reference" % (name, which))

    # stdout closed but never written (run writes to stderr only): 0, as before
    d = os.path.join(tmp, "quiet")
    os.mkdir(d)
    w = closed_pipe()
    p = subprocess.run([minrisk, "run", scen + "/demo.yaml", "-o", d + "/out.h5", "--trials", "200",
                        "--quiet"], stdout=w, stderr=subprocess.PIPE)
    os.close(w)
    check(p.returncode == 0 and sorted(os.listdir(d)) == ["out.h5"],
          "run --quiet, stdout closed: status %d, left %s; expected 0, out.h5"
          % (p.returncode, sorted(os.listdir(d))))

    # SIGPIPE ignored by the caller: the write fails with EPIPE, and main says so
    d = os.path.join(tmp, "ignored")
    os.mkdir(d)
    w = closed_pipe()
    p = subprocess.run([minrisk, "compare", scen + "/demo.yaml", scen + "/demo.yaml", "-o",
                        d + "/out.h5", "--trials", "200", "--bootstrap", "100", "--quiet"],
                       stdout=w, stderr=subprocess.PIPE, preexec_fn=ignore_sigpipe,
                       restore_signals=False)
    os.close(w)
    # (the reason reads "Input/output error": the table's own flush met the
    # EPIPE, and main sees only the stream's error flag)
    want = "minrisk compare: cannot write to standard output: "
    err = p.stderr.decode()
    check(p.returncode == 1 and err.startswith(want) and err.count("\n") == 1
          and sorted(os.listdir(d)) == ["out.h5"],
          "compare, SIGPIPE ignored: status %d, %r, left %s; expected 1, one line %r..., out.h5"
          % (p.returncode, err, sorted(os.listdir(d)), want))

sys.exit(finish("closed_pipe (run --verbose, sweep, compare write their file, then SIGPIPE)"))
