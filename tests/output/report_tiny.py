#!/usr/bin/env python3
"""`minrisk report` of a run whose sector losses span less than numpy's
histogram can bin (tests/output/report_tiny.yaml: a sector of output_gbp
1e-300, losses below 1e-301 GBP): the report is written, with its
histograms, where it stopped with an IndexError (report.py
fig_histograms). Also report.py's histogram50 against hand-worked counts:
one bar [least, largest] for such a span, numpy's 50 bins otherwise.

usage: report_tiny.py MINRISK SOURCE_ROOT
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

minrisk, src = sys.argv[1], sys.argv[2]

spec = importlib.util.spec_from_file_location("minrisk_report", os.path.join(src, "out", "report.py"))
rep = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rep)

# a span of 4.5e-308: 50 / span is inf; three values, one bar holding all three
x = np.array([0.0, 4.5e-308, 1e-308])
counts, edges = rep.histogram50(x)
check(list(counts) == [3] and list(edges) == [0.0, 4.5e-308],
      f"histogram50 of a 4.5e-308 span: {counts!r} {edges!r}, want [3] [0, 4.5e-308]")
counts, edges = rep.histogram50(x, np.array([0.5, 2.0, 0.25]))
check(list(counts) == [2.75], f"histogram50 weighted: {counts!r}, want [2.75]")
y = np.arange(100.0)
c, e = rep.histogram50(y)
check(len(c) == 50 and list(c) == [2] * 50 and e[0] == 0.0 and e[-1] == 99.0,
      f"histogram50 of 0..99: {c!r}, want 50 bins of 2")

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "tiny.h5")
    p = subprocess.run([minrisk, "run", os.path.join(src, "tests", "output", "report_tiny.yaml"),
                        "-o", out, "--threads", "2", "--quiet"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"minrisk run: exit {p.returncode}: {p.stderr.strip()}")
    with h5py.File(out, "r") as f:
        lost = f["trials/sector_output_loss"][:, 0]
    if not (lost.max() > 0 and lost.max() < 1e-300):
        sys.exit(f"the tiny sector's losses are not in (0, 1e-300): max {lost.max()!r}")
    d = os.path.join(tmp, "rep")
    p = subprocess.run([minrisk, "report", out, "-o", d, "--quiet"], capture_output=True, text=True)
    if check(p.returncode == 0, f"minrisk report: exit {p.returncode}: {p.stderr.strip()}"):
        check(os.path.getsize(os.path.join(d, "fig-histograms.png")),
              "minrisk report: no fig-histograms.png")

sys.exit(finish("report_tiny (histogram50 of tiny spans and the report of losses below "
                "1e-301 GBP)"))
