#!/usr/bin/env python3
"""`minrisk report` interrupted at the moments a random sweep of signal
times found wrong (2026-12-06); each: exit status 130, one line on stderr,
nothing left at DIR or at DIR.tmp.<pid>.

1. Ctrl-C while report.py loads numpy (a fake numpy on PYTHONPATH sends it
   to `minrisk report`, which forwards it): a traceback of the import and
   "stopped by signal 2" were printed.
2. SIGHUP (a dropped ssh session) while the report is written (DIR.tmp.<pid>
   exists): report.py died of it and left DIR.tmp.<pid>. SIGTERM and SIGINT
   at the same moment, which already worked, alongside.
3. An interpreter that exits 1 on the forwarded Ctrl-C (as Python does
   when it comes during its own start-up, before report.py runs):
   `minrisk report` passed the 1 on, a failure, not an interrupt.
4. `minrisk report` itself killed (SIGKILL) while report.py writes: the
   orphaned report.py went on and installed the report at DIR after the
   command had ended. Now it sees its parent gone and installs nothing.

usage: report_signals.py MINRISK SOURCE_ROOT
"""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

minrisk, src = sys.argv[1], sys.argv[2]


def wait_for(pattern, p, limit=60):
    """The first path matching pattern, once it exists (None if p ended first)."""
    t0 = time.time()
    while time.time() - t0 < limit:
        hit = glob.glob(pattern)
        if hit:
            return hit[0]
        if p.poll() is not None:
            return None
        time.sleep(0.005)
    return None


def one_line(err, out):
    want = "minrisk report: interrupted; nothing written"
    lines = err.splitlines()
    return len(lines) == 1 and lines[0] in (want, want + " to " + out)


with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "demo.h5")
    r = subprocess.run([minrisk, "run", os.path.join(src, "scenarios", "demo.yaml"), "-o", h5,
                        "--trials", "500", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("minrisk run: exit %d: %s" % (r.returncode, r.stderr))

    # 1. Ctrl-C while report.py imports numpy
    fake = os.path.join(tmp, "fake", "numpy")
    os.makedirs(fake)
    with open(os.path.join(fake, "__init__.py"), "w") as f:
        f.write("import os, signal, time\n"
                "os.kill(os.getppid(), signal.SIGINT)  # to minrisk report, which forwards it\n"
                "time.sleep(20)\n")
    out = os.path.join(tmp, "imports")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(fake))
    r = subprocess.run([minrisk, "report", h5, "-o", out, "--quiet"], capture_output=True, text=True,
                       env=env, timeout=60)
    check(r.returncode == 130 and one_line(r.stderr, out),
          "Ctrl-C during the imports: exit %d, stderr %r; expected 130 and one line"
          % (r.returncode, r.stderr))
    check(not glob.glob(out + "*"), "Ctrl-C during the imports left %s" % glob.glob(out + "*"))

    # 2. SIGHUP, SIGTERM, SIGINT while the report is written
    for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        out = os.path.join(tmp, "writing-%s" % sig.name)
        p = subprocess.Popen([minrisk, "report", h5, "-o", out, "--quiet"], stderr=subprocess.PIPE,
                             text=True)
        made = wait_for(out + ".tmp.*", p)
        check(made is not None, "%s: the report ended before its temporary was seen" % sig.name)
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1]
        check(p.returncode == 130 and one_line(err, out),
              "%s while writing: exit %d, stderr %r; expected 130 and one line"
              % (sig.name, p.returncode, err))
        check(not glob.glob(out + "*"), "%s while writing left %s" % (sig.name, glob.glob(out + "*")))

    # 3. an interpreter that exits 1 on the forwarded Ctrl-C
    py = os.path.join(tmp, "python-exits-1")
    with open(py, "w") as f:
        f.write("#!/bin/sh\ntrap 'exit 1' INT\nkill -INT $PPID\nsleep 20 &\nwait\n")
    os.chmod(py, 0o755)
    out = os.path.join(tmp, "startup")
    r = subprocess.run([minrisk, "report", h5, "-o", out, "--quiet"], capture_output=True, text=True,
                       env=dict(os.environ, MINRISK_PYTHON=py), timeout=60)
    check(r.returncode == 130, "Ctrl-C in the interpreter's start-up: exit %d (%r), expected 130"
          % (r.returncode, r.stderr))
    check(not glob.glob(out + "*"), "Ctrl-C in the start-up left %s" % glob.glob(out + "*"))

    # 4. minrisk report killed outright while report.py writes
    out = os.path.join(tmp, "orphan")
    p = subprocess.Popen([minrisk, "report", h5, "-o", out, "--quiet"], stderr=subprocess.DEVNULL)
    made = wait_for(out + ".tmp.*", p)
    check(made is not None, "SIGKILL: the report ended before its temporary was seen")
    p.kill()
    p.wait()
    if made:
        child = int(made.rsplit(".", 1)[1])  # DIR.tmp.<pid of report.py>
        t0 = time.time()
        while os.path.exists("/proc/%d" % child) and time.time() - t0 < 60:
            time.sleep(0.05)
        check(not os.path.exists("/proc/%d" % child), "report.py still runs 60 s after its parent died")
    check(not os.path.exists(out), "report.py installed %s after minrisk report was killed" % out)
    check(not glob.glob(out + ".tmp.*"), "the orphaned report.py left %s" % glob.glob(out + ".tmp.*"))

sys.exit(finish("report_signals"))
