#!/usr/bin/env python3
"""readers_cases.py - issue 11 cases 14 and 15 for the readers of result
files (docs/SECURITY.md).

  escape  a sector name and the scenario name holding terminal escape codes
          (written into a copy of a run with h5py, since the loader may
          refuse them in a scenario) are printed as \\xNN by summary; the
          CSV of export keeps the bytes, quoted (docs/EXPORT.md).
  nan     a run whose losses are all NaN (rewritten with h5py) is refused
          by report and summary with one line that says so, status 2.

usage: readers_cases.py escape|nan --minrisk BIN --src SRC
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)


def run(args, *cmd):
    return subprocess.run([args.minrisk] + list(cmd), capture_output=True, text=True,
                          errors="replace", timeout=120)


def make_run(args, tmp):
    path = os.path.join(tmp, "run.h5")
    subprocess.run([args.minrisk, "run", os.path.join(args.src, "scenarios", "demo.yaml"), "-o",
                    path, "--trials", "200", "--seed", "1", "--quiet"], check=True)
    return path


def case_escape(args, tmp):
    path = make_run(args, tmp)
    with h5py.File(path, "r+") as f:
        names = f["summary/sector"].asstr()[()].tolist()
        names[0] = "auto\x1b[31mmotive"
        f["summary/sector"][...] = names
        f.attrs["scenario_name"] = "UK \x1b]0;owned\x07 reference\x9b"
    r = run(args, "summary", path)
    check(r.returncode == 0 and r.stderr == "", "summary: status %d, %r" % (r.returncode, r.stderr))
    check("\x1b" not in r.stdout and "\x07" not in r.stdout, "summary printed a raw control byte")
    check("\nauto\\x1b[31mmotive " in r.stdout, "summary: no escaped sector name in %r"
          % r.stdout[:900])
    check("Scenario   UK \\x1b]0;owned\\x07 reference\\xc2\\x9b\n" in r.stdout,
          "summary: no escaped scenario name in %r" % r.stdout[:200])
    out = os.path.join(tmp, "csv")
    r = run(args, "export", path, "--csv", out)
    check(r.returncode == 0, "export: status %d, %r" % (r.returncode, r.stderr))
    with open(os.path.join(out, "sectors.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    check(any(row and row[0] == "auto\x1b[31mmotive" for row in rows),
          "export: the CSV does not keep the name's bytes: %r" % rows[:3])


def case_nan(args, tmp):
    path = make_run(args, tmp)
    with h5py.File(path, "r+") as f:
        def to_nan(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and (
                    "loss" in name or "aal" in name or "cost" in name):
                obj[...] = np.nan
        f["summary"].visititems(to_nan)
        f["trials"].visititems(to_nan)
    out = os.path.join(tmp, "rep")
    r = run(args, "report", path, "-o", out, "--quiet")
    want = ("%s: damaged or incomplete minrisk file: /summary/total_loss_mean is nan, but a run "
            "writes finite losses only: nothing to report\n" % path)
    check(r.returncode == 2 and r.stderr == want, "report: status %d, %r" % (r.returncode, r.stderr))
    check(not os.path.exists(out), "report left %s" % out)
    r = run(args, "summary", path)
    want = ("%s: damaged or incomplete minrisk file: /summary/total_loss_mean is nan, but a run "
            "writes finite losses only\n" % path)
    check(r.returncode == 2 and r.stderr == want and r.stdout == "",
          "summary: status %d, %r" % (r.returncode, r.stderr))
    # the levels NaN too (every float of the file): the coordinate is named
    with h5py.File(path, "r+") as f:
        f["summary/quantile"][...] = np.nan
    r = run(args, "summary", path)
    want = "%s: damaged or incomplete minrisk file: /summary/quantile has no level 0.95\n" % path
    check(r.returncode == 2 and r.stderr == want, "summary: status %d, %r" % (r.returncode, r.stderr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["escape", "nan"])
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="readers_cases_")
    try:
        {"escape": case_escape, "nan": case_nan}[args.case](args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("readers_cases " + args.case)


if __name__ == "__main__":
    sys.exit(main())
