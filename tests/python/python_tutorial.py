#!/usr/bin/python3
"""python_tutorial.py SRC [BIN] - docs/tutorial.ipynb (tests/python/tests.cmake).

- the notebook in git has its outputs stripped (no outputs, no execution
  counts);
- it executes with nbconvert (`python3 -m nbconvert --execute`, Debian's
  python3-nbconvert and python3-ipykernel; exit status 77, skipped, when
  they are missing) in docs/, its files in a temporary directory
  (MINRISK_TUTORIAL_DIR), with no error output;
- its last line, the mean change of the total with its interval, equals
  /difference of the comparison file it wrote, read with h5py; the
  refused typo cell prints the binary's message; the sweep's grid table
  shows /variants/<name>/summary/total_loss_mean in GBP m at one decimal.
Exit status 0 when every check passes, 1 otherwise, 77 skipped.
"""

import importlib
import os
import subprocess
import sys
import tempfile

from checks import check, finish, setup


def main():
    src = setup()
    try:
        import nbformat
        for needed in ("nbconvert", "ipykernel"):  # run below as python3 -m nbconvert
            importlib.import_module(needed)
    except ImportError as e:
        print("python_tutorial: skipped, no %s (Debian: python3-nbconvert python3-ipykernel)" % e.name)
        return 77
    import h5py
    path = os.path.join(src, "docs", "tutorial.ipynb")
    nb = nbformat.read(path, as_version=4)
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code":
            check(not c.outputs and c.execution_count is None, "cell %d: outputs not stripped in git" % i)
    # every table of money the notebook shows says its unit: a cell that
    # divides by 1e6 says "GBP m"; one that shows a return-period loss (one
    # year's loss, beside losses over the horizon) says it is annual
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        if "/ 1e6" in c.source:
            check("GBP m" in c.source or "GBP %.1f m" in c.source, "cell %d: GBP m not stated" % i)
        if "return_period" in c.source:
            check("annual" in c.source, "cell %d: a return-period loss not marked annual" % i)
    with tempfile.TemporaryDirectory(prefix="python_tutorial-") as tmp:
        env = dict(os.environ, MINRISK_TUTORIAL_DIR=os.path.join(tmp, "work"), MPLBACKEND="Agg",
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        p = subprocess.run([sys.executable, "-Xfrozen_modules=off", "-m", "nbconvert", "--to", "notebook",
                            "--execute", path, "--output-dir", tmp, "--ExecutePreprocessor.timeout=600"],
                           env=env, capture_output=True, text=True)
        check(p.returncode == 0, "nbconvert --execute: exit %d\n%s" % (p.returncode, p.stderr[-3000:]))
        if p.returncode:
            return finish("python_tutorial")
        done = nbformat.read(os.path.join(tmp, "tutorial.ipynb"), as_version=4)
        stdout = []
        for i, c in enumerate(done.cells):
            if c.cell_type != "code":
                continue
            check(c.execution_count is not None, "cell %d not executed" % i)
            for o in c.outputs:
                check(o.output_type != "error", "cell %d: %s" % (i, o.get("ename")))
                if o.output_type == "stream" and o.name == "stdout":
                    stdout.append(o.text)
        text = "".join(stdout)
        with h5py.File(os.path.join(tmp, "work", "compare.h5"), "r") as f:
            series = list(f["difference/series"].asstr()[()])
            stats = list(f["difference/statistic"].asstr()[()])
            i, k = series.index("total"), stats.index("mean")
            vals = [f["difference/" + n][i, k] / 1e6 for n in ("estimate", "ci_lo", "ci_hi")]
        want = "mean change, Vision 2035 - baseline: GBP %.1f m [%.1f, %.1f]" % tuple(vals)
        check(want in text, "last line: expected %r in\n%s" % (want, text))
        check("refused: policies.stockpile.monts: unknown key 'monts' (did you mean 'months'?)" in text,
              "typo cell: the binary's message")
        grid_cell = [c for c in done.cells if c.cell_type == "code" and "grid.total_loss_mean" in c.source][0]
        shown = grid_cell.outputs[-1]["data"]["text/plain"]
        with h5py.File(os.path.join(tmp, "work", "sweep.h5"), "r") as f:
            v = f["variants/months_6__recycled_share_0.2/summary/total_loss_mean"][()] / 1e6
        check(("%.1f" % v) in shown.splitlines()[-1], "sweep grid: %.1f in the last row of\n%s" % (v, shown))
    return finish("python_tutorial")


if __name__ == "__main__":
    sys.exit(main())
