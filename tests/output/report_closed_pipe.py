#!/usr/bin/env python3
"""`minrisk report F.h5 -o DIR` whose standard output is a pipe whose reader
has gone (`minrisk report F.h5 -o DIR | head -c1`, the reader gone before
the closing line): the report is installed whole (every file identical to
a report whose output was read), no DIR.lock or DIR.tmp.<pid> is left, and
the command ends by SIGPIPE (status -13 here, 141 in a shell) as `run`,
`compare` and `export` do (docs/minrisk.1 EXIT STATUS). Started with
SIGPIPE ignored, it says in one line that stdout could not be written
(exit 1), the report installed; with --quiet it writes nothing to stdout
and exits 0. Until 2026-12-06 report.py's closing line raised
BrokenPipeError: "DIR: Broken pipe", exit 1, whatever SIGPIPE's
disposition.

usage: report_closed_pipe.py MINRISK SOURCE_ROOT
"""
import filecmp
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, closed_pipe, finish, ignore_sigpipe  # noqa: E402 (tests/python/checks.py)

minrisk, src = sys.argv[1], sys.argv[2]


def same_tree(a, b):
    """Every file of a is in b with the same bytes, and no other."""
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)  # relative paths: the page names the file as given, the same in every report
    r = subprocess.run([minrisk, "run", os.path.join(src, "scenarios", "demo.yaml"), "-o", "in.h5",
                        "--trials", "200", "--threads", "2", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("minrisk run: exit %d: %s" % (r.returncode, r.stderr))
    r = subprocess.run([minrisk, "report", "in.h5", "-o", "ref"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.startswith("wrote ref/report.html ("):
        sys.exit("reference report: exit %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))

    cases = [  # name, extra arguments, preexec, expected status, expected stderr
        ("SIGPIPE at its default", [], None, -signal.SIGPIPE, ""),
        ("SIGPIPE ignored", [], ignore_sigpipe, 1,
         "minrisk report: cannot write to standard output: Broken pipe\n"),
        ("--quiet", ["--quiet"], None, 0, ""),
    ]
    for i, (name, extra, pre, want_status, want_err) in enumerate(cases):
        out = "out%d" % i
        w = closed_pipe()
        p = subprocess.run([minrisk, "report", "in.h5", "-o", out] + extra, stdout=w,
                           stderr=subprocess.PIPE, preexec_fn=pre)
        os.close(w)
        err = p.stderr.decode()
        check(p.returncode == want_status and err == want_err, "%s: status %d, stderr %r; expected %d, %r"
              % (name, p.returncode, err, want_status, want_err))
        left = sorted(n for n in os.listdir(".") if n.startswith(out))
        check(left == [out], "%s: left %s, expected %s alone (no lock, no temporary)" % (name, left, out))
        check(os.path.isdir(out) and same_tree("ref", out),
              "%s: %s is not the reference report, file for file" % (name, out))

    # report.py run directly: exit 3 (done, the closing line lost), the report installed
    w = closed_pipe()
    p = subprocess.run([os.environ.get("MINRISK_PYTHON", "/usr/bin/python3"),
                        os.path.join(src, "out", "report.py"), "in.h5", "-o", "direct",
                        "--minrisk-version", "0.1.0"], stdout=w, stderr=subprocess.PIPE)
    os.close(w)
    same = os.path.isdir("direct") and same_tree("ref", "direct")
    check(p.returncode == 3 and not p.stderr and same,
          "report.py run directly: status %d, stderr %r, report %s; expected 3, '', the reference"
          % (p.returncode, p.stderr.decode(), "the same" if same else "not the reference"))
    os.chdir("/")

sys.exit(finish("report_closed_pipe"))
