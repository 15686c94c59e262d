#!/usr/bin/python3
"""report_errors.py - `minrisk report` (out/report.py, sim/cmd/report.c) on
bad input.

usage: report_errors.py --minrisk BIN --src SOURCE_ROOT [--keep DIR]

Exit status 2, one line on stderr naming the file and nothing left at the
output path, for every bad input; usage errors; Ctrl-C while writing (130,
nothing left); --help and its example run as written. The driver and the
helpers it shares: report_common.py.
"""
import fcntl
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, run  # noqa: E402 (tests/python/checks.py)
from report_common import (  # noqa: E402
    demo_run, main)


def expect_error(args, cmd, status, needle, outputs, what, cwd=None):
    r = run([args.minrisk, "report"] + cmd, cwd=cwd)
    lines = r.stderr.splitlines()
    check(r.returncode == status, "%s: exit %d, expected %d (%s)" % (what, r.returncode, status, r.stderr))
    check(len(lines) == 1, "%s: %d lines on stderr, expected 1: %r" % (what, len(lines), r.stderr))
    check(needle in r.stderr, "%s: stderr %r does not name %r" % (what, r.stderr, needle))
    for o in outputs:
        left = [p for p in glob.glob(o + "*") if not p.endswith(".h5")]
        check(not left, "%s: left %s" % (what, left))


def mode_errors(args, tmp):
    h5 = os.path.join(tmp, "demo.h5")
    demo_run(args, h5, trials=300)
    out = os.path.join(tmp, "out")
    missing = os.path.join(tmp, "missing.h5")
    expect_error(args, [missing, "-o", out], 2, missing, [out], "missing file")
    yaml = os.path.join(args.src, "scenarios", "demo.yaml")
    expect_error(args, [yaml, "-o", out], 2, yaml, [out], "a scenario file")
    expect_error(args, [tmp, "-o", out], 2, tmp, [out], "a directory")
    plain = os.path.join(tmp, "plain.h5")
    with h5py.File(plain, "w") as f:
        f["x"] = np.arange(3)
    expect_error(args, [plain, "-o", out], 2, plain, [out], "an HDF5 file that is not minrisk's")
    cut = os.path.join(tmp, "cut.h5")
    with open(h5, "rb") as a, open(cut, "wb") as b:
        b.write(a.read()[:3000])
    expect_error(args, [cut, "-o", out], 2, cut, [out], "a truncated file")
    future = os.path.join(tmp, "future.h5")
    shutil.copy(h5, future)
    with h5py.File(future, "a") as f:
        f.attrs["format_version"] = np.array([2, 0], dtype=np.int32)
    expect_error(args, [future, "-o", out], 2, future, [out], "format_version 2.0")
    # A minrisk file the C side accepts but without /summary: the script's error.
    hollow = os.path.join(tmp, "hollow.h5")
    shutil.copy(h5, hollow)
    with h5py.File(hollow, "a") as f:
        del f["summary"]
    expect_error(args, [hollow, "-o", out], 2, hollow, [out], "a file without /summary")
    # /summary datasets of the wrong type or shape: a damaged file, status 2
    # and a line saying so, as from the C readers (until 2026-12-05 status 1,
    # "report failed: IndexError: ... (report.py line N)")
    for name, data, why in (("total_loss_mean", "abc", "holds strings, not numbers"),
                            ("total_loss_quantile", np.zeros(3), "has shape [3], expected [6]"),
                            ("sector_loss_mean", np.zeros(2), "has shape [2], expected [4]"),
                            ("price_ratio_band", np.zeros((120, 6, 2)),
                             "has shape [120, 6, 2], expected [120, 6, 3]")):
        bad = os.path.join(tmp, "bad-%s.h5" % name)
        shutil.copy(h5, bad)
        with h5py.File(bad, "a") as f:
            del f["summary"][name]
            f["summary"][name] = data
        expect_error(args, [bad, "-o", out], 2,
                     "%s: damaged or incomplete minrisk file: /summary/%s %s" % (bad, name, why),
                     [out], "/summary/%s damaged" % name)
    # a string of /indicators/stage whose global heap address lies past the
    # end of the file (its descriptor: 4 bytes of length, the collection's
    # 8-byte address, a 4-byte index): the binary's check passes it, HDF5
    # fails the read in the script, an h5py OSError without errno. Until
    # 2026-12-08 status 1 and a line naming the output directory ("out:
    # Can't read data (address of object past end of allocation)").
    past = os.path.join(tmp, "past.h5")
    shutil.copy(h5, past)
    with h5py.File(past, "r") as f:
        at = f["indicators/stage"].id.get_offset()  # contiguous, 16 bytes a string
    with open(past, "r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(at + 4)
        fh.write((size + (1 << 20)).to_bytes(8, "little"))
    expect_error(args, [past, "-o", out], 2, "%s: damaged or incomplete minrisk file: " % past, [out],
                 "a string's global heap address past the end of the file")
    expect_error(args, [h5, "-o", os.path.join(tmp, "no", "such", "dir")], 2, "no/such", [out],
                 "output in a missing directory")
    keep = os.path.join(tmp, "precious")
    os.mkdir(keep)
    with open(os.path.join(keep, "notes.txt"), "w") as f:
        f.write("mine")
    expect_error(args, [h5, "-o", keep], 2, keep, [], "a directory that is not a report")
    check(os.listdir(keep) == ["notes.txt"], "a foreign directory was touched: %s" % os.listdir(keep))
    expect_error(args, [], 2, "missing FILE.h5", [], "no argument")
    expect_error(args, [h5, "--bogus"], 2, "--bogus", [], "unknown option")
    expect_error(args, [h5, "-o"], 2, "-o", [], "-o without a value")
    expect_error(args, [h5, h5], 2, "unexpected argument", [], "two files")
    env = dict(os.environ, MINRISK_PYTHON=os.path.join(tmp, "no-python"))
    r = run([args.minrisk, "report", h5, "-o", out], env=env)
    check(r.returncode == 1 and len(r.stderr.splitlines()) == 1 and "no-python" in r.stderr,
          "a missing interpreter: exit %d, %r" % (r.returncode, r.stderr))

    # A second report into the same directory while one holds DIR.lock:
    # refused at once, exit status 1, one line naming the holder, nothing
    # written (the lock here is held by this script, as a report holds it).
    out = os.path.join(tmp, "locked")
    fd = os.open(out + ".lock", os.O_RDWR | os.O_CREAT, 0o666)
    os.write(fd, ("%d somehost\n" % os.getpid()).encode())
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    r = run([args.minrisk, "report", h5, "-o", out, "--quiet"])
    want = ("%s: in use by another minrisk report (pid %d on somehost, lock %s.lock); wait for it "
            "or choose another -o\n" % (out, os.getpid(), out))
    check(r.returncode == 1 and r.stderr == want,
          "a held lock: exit %d, %r, expected 1, %r" % (r.returncode, r.stderr, want))
    check(sorted(glob.glob(out + "*")) == [out + ".lock"],
          "a refused report left %s" % glob.glob(out + "*"))
    os.close(fd)
    os.unlink(out + ".lock")
    # The temporaries of a report killed by SIGKILL (DIR.tmp.<pid>, and
    # DIR.old.<pid> of one killed while installing) are removed by the next
    # report into DIR once their process is gone; a live process's stay.
    dead = subprocess.Popen(["true"])
    dead.wait()
    for kind in ("tmp", "old"):
        os.makedirs("%s.%s.%d/sub" % (out, kind, dead.pid))
    live = "%s.tmp.%d" % (out, os.getpid())
    os.mkdir(live)
    r = run([args.minrisk, "report", h5, "-o", out, "--quiet"])
    want = "".join("minrisk report: removed stale temporary %s.%s.%d (process %d is gone)\n"
                   % (out, kind, dead.pid, dead.pid) for kind in ("old", "tmp"))
    check(r.returncode == 0 and r.stderr == want,
          "stale temporaries: exit %d, %r, expected 0, %r" % (r.returncode, r.stderr, want))
    check(sorted(glob.glob(out + "*")) == sorted([out, live]),
          "after the stale temporaries: %s" % glob.glob(out + "*"))
    os.rmdir(live)

    # Ctrl-C while the report is being written: 130, nothing left.
    out = os.path.join(tmp, "interrupted")
    p = subprocess.Popen([args.minrisk, "report", h5, "-o", out, "--quiet"], stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not glob.glob(out + ".tmp.*") and p.poll() is None and time.time() - t0 < 60:
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=120)[1]
    check(p.returncode == 130, "interrupted report: exit %d, expected 130 (%s)" % (p.returncode, err))
    check(not glob.glob(out + "*"), "interrupted report left %s" % glob.glob(out + "*"))
    # ... and a signal whose exception a library swallowed (h5py's Cython
    # logging callback prints "Exception ignored" and goes on): recorded by
    # the handler, it still stops the report, 130 and nothing left
    out = os.path.join(tmp, "swallowed")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import report; "
            "report._SIGNALLED.append(2); sys.exit(report.main(sys.argv[2:]))")
    r = run([sys.executable, "-c", code, os.path.join(args.src, "out"), h5, "-o", out, "--quiet"])
    check(r.returncode == 130, "swallowed interrupt: exit %d, expected 130 (%s)" % (r.returncode, r.stderr))
    check(not glob.glob(out + "*"), "swallowed interrupt left %s" % glob.glob(out + "*"))

    # --help, and its example exactly as written (minrisk on the PATH, run
    # from a directory with the scenarios).
    r = run([args.minrisk, "report", "--help"])
    check(r.returncode == 0 and "usage: minrisk report" in r.stdout, "report --help failed")
    m = re.search(r"example:\n\s+(.+)\n", r.stdout)
    if check(m is not None, "report --help has no example"):
        ex = os.path.join(tmp, "example")
        os.makedirs(os.path.join(ex, "bin"))
        os.symlink(os.path.abspath(args.minrisk), os.path.join(ex, "bin", "minrisk"))
        os.symlink(os.path.join(args.src, "scenarios"), os.path.join(ex, "scenarios"))
        env = dict(os.environ, PATH=os.path.join(ex, "bin") + os.pathsep + os.environ.get("PATH", ""))
        r = run(["/bin/sh", "-c", m.group(1)], cwd=ex, env=env)
        check(r.returncode == 0 and os.path.isfile(os.path.join(ex, "demo-report", "report.html")),
              "the --help example failed (%d): %s" % (r.returncode, r.stderr))
    r = run([args.minrisk, "--help"])
    check("report FILE.h5" in r.stdout, "minrisk --help does not list report")


if __name__ == "__main__":
    sys.exit(main(mode_errors, "errors"))
