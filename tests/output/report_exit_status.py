#!/usr/bin/env python3
"""The exit status of `minrisk report` and report.py when what they would
say cannot be said, or when Python, not report.py, fails.

- stderr closed (`2>&-`) or a pipe whose reader is gone, while report.py
  reports bad input: still exit status 2, nothing at the output path.
  Until 2026-12-06 the write of the error line raised (sys.stderr is None
  when fd 2 is closed; BrokenPipeError) and the script ended with a
  traceback nobody saw and status 1, as if the report had failed; and a
  good report without --quiet failed, status 1 (its progress lines asked
  sys.stderr, None, whether it is a terminal).
- python3 itself exits 2 when it cannot open the script (a report.py that
  vanished between minrisk's check and python's start: a reinstall, a
  checkout): `minrisk report` said nothing of its own and exited 2, bad
  input, for a failure of the installation. report.py, started by minrisk,
  now reports bad input with status 4 (--from-minrisk), which minrisk
  passes on as 2; python's own 2 is a failure, 1.
- a file named -x.h5 (minrisk report -- -x.h5) is a file to report.py too.

usage: report_exit_status.py MINRISK SOURCE_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

minrisk, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
script = os.path.join(src, "out", "report.py")
python = "/usr/bin/python3"


def run(args, stderr_mode="pipe", env=None):
    """args with stderr a pipe read here ("pipe"), closed ("closed") or a
    pipe whose reader is gone ("gone"): (status, stderr text or "")."""
    if stderr_mode == "closed":
        p = subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh"] + args,
                           stdout=subprocess.DEVNULL, env=env)
        return p.returncode, ""
    if stderr_mode == "gone":
        r, w = os.pipe()
        os.close(r)
        p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=w, env=env)
        os.close(w)
        return p.returncode, ""
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    return p.returncode, p.stderr


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    subprocess.run([minrisk, "run", os.path.join(src, "scenarios", "demo.yaml"), "-o", "r.h5",
                    "--trials", "200", "--quiet"], check=True)
    shutil.copy("r.h5", "odd.h5")
    with h5py.File("odd.h5", "a") as f:
        f.attrs["kind"] = "mystery"  # read by report.py only: bad input found in Python

    # bad input, stderr readable: 2 and one line, through minrisk and directly
    for args in ([minrisk, "report", "odd.h5", "-o", "out"],
                 [python, script, "odd.h5", "-o", "out"],
                 [python, script, "missing.h5", "-o", "out"],
                 [python, script, "odd.h5", "--bogus"]):
        st, err = run(args)
        check(st == 2 and len(err.splitlines()) == 1, "%s: status %d, %r" % (args[1:], st, err))
        check(not os.path.exists("out") and not os.path.exists("out.lock"),
              "%s: left %s" % (args[1:], os.listdir(".")))
    # the same with stderr closed or a pipe whose reader is gone: still 2
    for mode in ("closed", "gone"):
        for args in ([minrisk, "report", "odd.h5", "-o", "out"],
                     [python, script, "odd.h5", "-o", "out"],
                     [python, script, "missing.h5", "-o", "out"],
                     [python, script, "odd.h5", "--bogus"]):
            st, _ = run(args, mode)
            check(st == 2, "%s, stderr %s: status %d, expected 2" % (args[1:], mode, st))
            check(not os.path.exists("out") and not os.path.exists("out.lock"),
                  "%s, stderr %s: left %s" % (args[1:], mode, os.listdir(".")))
    # a good report with stderr closed still ends 0, with --quiet or without
    # (the progress lines' test of a terminal met sys.stderr None)
    for i, extra in enumerate((["--quiet"], [])):
        good = "good%d" % i
        st, _ = run([minrisk, "report", "r.h5", "-o", good] + extra, "closed")
        check(st == 0 and os.path.isfile(os.path.join(good, "report.html")),
              "a report %s with stderr closed: status %d" % (extra, st))
        st, _ = run([python, script, "r.h5", "-o", good + "d"] + extra, "closed")
        check(st == 0 and os.path.isfile(os.path.join(good + "d", "report.html")),
              "report.py %s with stderr closed: status %d" % (extra, st))

    # an earlier report that holds a file of the user's is not replaced
    # (until 2026-12-07 the file was deleted with it): exit 2, one line
    # naming the file, the report and the file as they were
    with open(os.path.join("good0", "mynotes.txt"), "w") as g:
        g.write("mine\n")
    before = sorted(os.listdir("good0"))
    st, err = run([minrisk, "report", "r.h5", "-o", "good0", "--quiet"])
    check(st == 2 and len(err.splitlines()) == 1 and "good0/mynotes.txt is not one of its files" in err,
          "a report over a user's file: status %d, %r" % (st, err))
    check(sorted(os.listdir("good0")) == before, "a refused report changed good0: %s" % os.listdir("good0"))
    os.remove(os.path.join("good0", "mynotes.txt"))
    st, err = run([minrisk, "report", "r.h5", "-o", "good0", "--quiet"])
    check(st == 0 and err == "", "an earlier report replaced: status %d, %r" % (st, err))

    # report.py gone between minrisk's check and python's start: python3
    # says so in one line and exits 2; minrisk ends 1 (a failure), not 2
    os.mkdir("inst")
    shutil.copytree(os.path.join(src, "out", "report"), os.path.join("inst", "report"))
    shutil.copy(script, os.path.join("inst", "report.py"))
    with open("vanish.sh", "w") as g:  # removes the script, then starts python3 on it
        g.write('#!/bin/sh\nrm -f "$1"\nexec %s "$@"\n' % python)
    os.chmod("vanish.sh", 0o755)
    env = dict(os.environ, MINRISK_PYTHON=os.path.abspath("vanish.sh"),
               MINRISK_REPORT_SCRIPT=os.path.abspath(os.path.join("inst", "report.py")))
    st, err = run([minrisk, "report", "r.h5", "-o", "out"], env=env)
    check(st == 1 and len(err.splitlines()) == 1 and "can't open file" in err,
          "report.py vanished: status %d, %r (expected 1 and python's line)" % (st, err))
    check(not os.path.exists("out") and not os.path.exists("out.lock"),
          "report.py vanished: left %s" % os.listdir("."))
    # report.py's bad input under --from-minrisk (as minrisk starts it): 4
    st, err = run([python, script, "--from-minrisk", "odd.h5", "-o", "out"])
    check(st == 4 and len(err.splitlines()) == 1 and "mystery" in err,
          "report.py --from-minrisk, unknown kind: status %d, %r (expected 4)" % (st, err))
    st, _ = run([python, script, "--from-minrisk", "odd.h5", "-o", "out"], "closed")
    check(st == 4, "report.py --from-minrisk, stderr closed: status %d (expected 4)" % st)


    # a file whose name starts with '-', after --: minrisk read it as the
    # file, report.py as an unknown option ("minrisk report: unknown option
    # '-x.h5'", exit 2); minrisk now passes it after "--"
    shutil.copy("r.h5", "-x.h5")
    st, err = run([minrisk, "report", "-o", "dash", "--quiet", "--", "-x.h5"])
    check(st == 0 and err == "" and os.path.isfile(os.path.join("dash", "report.html")),
          "minrisk report -- -x.h5: status %d, %r" % (st, err))
    st, err = run([python, script, "--", "-x.h5", "extra"])
    check(st == 2 and err == "minrisk report: unexpected argument 'extra' (see 'minrisk report "
          "--help')\n", "report.py -- -x.h5 extra: status %d, %r" % (st, err))

sys.exit(finish("report_exit_status"))
