#!/usr/bin/python3
"""uncertainty_readers.py MINRISK_BIN SRC - summary, export and report read
an uncertainty file (docs/STUDIES.md "Uncertainty", docs/EXPORT.md
"Uncertainty files", docs/REPORT.md).

A small study of scenarios/uk-2024-uncertain.yaml (4 keys; 4 rows of A and
B, 60 trials a row, 100 resamples: 24 rows, about two seconds; its value
added lost does not vary, so that statistic has NaN indices, and the keys'
ranking by ST is not their order) is read three ways, each against the
file read independently with h5py:
- the file itself: each A and B row's mean and ES 99 loss, and the
  predictive table (mean, q50, q90, q95, q99, ES 99) with parameter
  uncertainty (the A and B rows' trials pooled) and of the base, recomputed
  from /uncertainty/sample_total_loss and /base/trials (docs/OUTPUT.md
  estimators; 1e-12 relative; at 60 trials a row the ES 99 of a row is
  its largest value and an ES at 0.98 is not, while at 30 both were);
- `minrisk summary`: prints exactly what `minrisk uncertainty` printed (one
  printer), and every printed index, interval and predictive figure equals
  the file's value at the printed precision (%.3f, GBP m %.1f), the keys
  ranked by the file's ST (largest first, NaN last, ties in key order);
- `minrisk export --trials`: every number of uncertainty_indices.csv,
  _design.csv, _predictive.csv, _statistics.csv, _settings.csv,
  _keys.csv (each key's distribution and unit as the file gives them) and
  _sample.csv equals the file's double (float(cell) ==, NaN an empty cell),
  with the documented headers;
- `minrisk report`: the page's index tables hold each key's S1 and ST with
  their intervals (data attributes equal to the file's doubles, text at
  %.3f), ranked as above, and the predictive table's data-gbp values equal
  the file's;
- docs/OUTPUT.md "Uncertainty files": its tables of /uncertainty name
  every dataset of the group, no other, each with the file's type and
  units attribute, and its dims those of the dataset's dimension scales;
- `minrisk explain`: tells the base run's worst trial without --run (the
  file's one run; until 2026-12-05 it was refused as "a uncertainty file
  holds several runs ... (none found)"), exactly as with --run base, and
  names base among the runs when --run names none.
"""
import csv
import html
import math
import os
import re
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, k_rank, run, run_minrisk  # noqa: E402 (tests/python/checks.py)


def stdout_of(cmd, **kw):
    """The stdout of cmd, which must succeed (run_minrisk)."""
    return run_minrisk(cmd, **kw).stdout


def f3(x):
    return "n/a" if math.isnan(x) else "%.3f" % x


def ranked(st):
    """Keys by ST, largest first, NaN last, ties in key order."""
    return sorted(range(len(st)), key=lambda i: (math.isnan(st[i]), -st[i] if not math.isnan(st[i]) else 0, i))


def measures(x):
    """Mean, q50, q90, q95, q99 (X_(ceil(n p))) and ES 99 (docs/OUTPUT.md:
    (w_k X_(k) + sum_{i > k} X_(i)) / (n - n p), w_k = k - n p)."""
    x = np.sort(np.asarray(x, dtype=np.float64).ravel())
    n = x.size
    out = [x.mean()] + [x[k_rank(n, p) - 1] for p in (0.5, 0.9, 0.95, 0.99)]
    k = k_rank(n, 0.99)
    out.append(((k - n * 0.99) * x[k - 1] + x[k:].sum()) / (n - n * 0.99))
    return out


def close(a, b):
    return all(abs(u - v) <= 1e-12 * abs(v) for u, v in zip(a, b))


def check_statistics(f, u):
    """The rows' mean and ES 99 and the predictive table recomputed from
    the trials: /uncertainty/sample_total_loss holds each A and B row's L
    trials (row names as in /uncertainty/row), pooled they are the
    distribution with parameter uncertainty; /base/trials the base."""
    sample, srows = u["sample_total_loss"][()], list(u["sample_row"].asstr()[()])
    rows, rowst = list(u["row"].asstr()[()]), u["row_statistic"][()]
    check(len(srows) == 8 and all(r.startswith(("A/", "B/")) for r in srows),
          "sample rows %s: expected the 4 A and 4 B rows" % srows)
    for j, name in enumerate(srows):
        m = measures(sample[j])
        got = rowst[rows.index(name)]
        check(close([got[0], got[1]], [m[0], m[5]]),
              "row %s: mean, es99 %r, recomputed %r" % (name, list(got[:2]), [m[0], m[5]]))
    dists, pred = list(u["distribution"].asstr()[()]), u["predictive"][()]
    for d, x in (("with_parameter_uncertainty", sample), ("base", f["base/trials/total_loss"][()])):
        want = measures(x)
        check(close(pred[dists.index(d)], want),
              "predictive %s %r, recomputed %r" % (d, list(pred[dists.index(d)]), want))
    print("statistics: the rows' mean and ES 99 and the predictive table checked against the trials")


def main():
    mr, src = sys.argv[1], sys.argv[2]
    scen = os.path.join(src, "scenarios/uk-2024-uncertain.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "u.h5")
        printed = stdout_of([mr, "uncertainty", scen, "-o", h5, "--rows", "4", "--block-trials", "60",
                       "--resamples", "100", "--threads", "2"])
        f = h5py.File(h5, "r")
        u = f["uncertainty"]
        keys = [k for k in u["key"].asstr()[()]]
        dist_of_key = list(u["distribution_of_key"].asstr()[()])
        key_unit = list(u["key_unit"].asstr()[()])
        stats = [s for s in u["statistic"].asstr()[()]]
        bounds = list(u["bound"].asstr()[()])
        ie, il, ih = (bounds.index(b) for b in ("estimate", "ci_lo", "ci_hi"))
        fo, to = u["first_order"][()], u["total_order"][()]
        var = u["variance"][()]
        measures = list(u["measure"].asstr()[()])
        dists = list(u["distribution"].asstr()[()])
        pred = u["predictive"][()]
        settings = dict(zip(u["setting"].asstr()[()], u["settings"][()]))
        check(settings["rows"] == 4 and settings["block_trials"] == 60 and settings["bootstrap_resamples"] == 100,
              "settings %s" % settings)
        check(stats == ["mean_loss", "es99_loss", "mean_gva_loss"], "statistics %s" % stats)
        check(var[0] > 0 and var[2] == 0 and ranked(to[:, 0, ie]) != list(range(len(keys))),
              "the test needs a mean loss that varies over the rows, ranked otherwise than the keys, "
              "and a value added lost that does not (variance %s)" % list(var))

        check_statistics(f, u)

        # ---- summary ------------------------------------------------------
        out = stdout_of([mr, "summary", h5])
        check(out.startswith(printed),
              "summary does not print what minrisk uncertainty printed:\n%s\n---\n%s" % (printed, out))
        blocks = out.split("Sobol indices of the ")[1:]
        if not check(len(blocks) == 3, "summary: %d index blocks, expected 3" % len(blocks)):
            blocks = []  # the blocks' checks need the three (a block's rows, its keys' rows)
        line = re.compile(r"^  (\S+)\s+(\S+) \[(\S+), (\S+)\]\s+(\S+) \[(\S+), (\S+)\]$")
        for s, block in enumerate(blocks):
            sd = re.search(r"sd over rows GBP (\S+) m", block).group(1)
            check(sd == "%.4g" % (math.sqrt(var[s]) / 1e6),
                  "summary: sd of %s printed %s, file %r" % (stats[s], sd, var[s]))
            rows = [m.groups() for m in map(line.match, block.splitlines()) if m]
            if not check(len(rows) == len(keys),
                         "summary: %d key rows for %s, expected %d" % (len(rows), stats[s], len(keys))):
                continue
            order = ranked(to[:, s, ie])
            for r, i in zip(rows, order):
                want = (keys[i], f3(fo[i, s, ie]), f3(fo[i, s, il]), f3(fo[i, s, ih]),
                        f3(to[i, s, ie]), f3(to[i, s, il]), f3(to[i, s, ih]))
                check(r == want, "summary: %s row %s, file %s" % (stats[s], r, want))
        pl = {m.group(1): m.group(2).split() for m in
              re.finditer(r"^  (with parameter uncertainty|base \(values as written\))\s+(.*)$", out, re.M)}
        for label, d in (("with parameter uncertainty", "with_parameter_uncertainty"),
                         ("base (values as written)", "base")):
            want = ["%.1f" % (pred[dists.index(d), m] / 1e6) for m in range(len(measures))]
            check(pl.get(label) == want, "summary: predictive %s %s, file %s" % (label, pl.get(label), want))
        print("summary: %d keys x 3 statistics and the predictive table checked against the file" % len(keys))

        # ---- export -------------------------------------------------------
        csvdir = os.path.join(tmp, "csv")
        stdout_of([mr, "export", h5, "--csv", csvdir, "--trials", "--quiet"])

        def table(name):
            with open(os.path.join(csvdir, name), newline="") as fh:
                return list(csv.reader(fh))

        def same(cell, v):
            return cell == "" if math.isnan(v) else float(cell) == v

        t = table("uncertainty_indices.csv")
        check(t[0] == ["statistic", "key", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi"],
              "uncertainty_indices.csv header %s" % t[0])
        n = 0
        # the rows' checks need every row (each at its statistic's and key's place)
        if check(len(t) == 1 + len(stats) * len(keys), "uncertainty_indices.csv: %d rows" % (len(t) - 1)):
            for s in range(len(stats)):
                for i in range(len(keys)):
                    row = t[1 + s * len(keys) + i]
                    want = [fo[i, s, ie], fo[i, s, il], fo[i, s, ih], to[i, s, ie], to[i, s, il], to[i, s, ih]]
                    check(row[:2] == [stats[s], keys[i]] and all(same(c, v) for c, v in zip(row[2:], want)),
                          "uncertainty_indices.csv row %s, file %s %s %s" % (row, stats[s], keys[i], want))
                    n += 6
        design, rowst, rows = u["design"][()], u["row_statistic"][()], list(u["row"].asstr()[()])
        t = table("uncertainty_design.csv")
        # the rows' checks need a row for each of the file's
        if check(t[0] == ["row"] + keys + [s + "_gbp_m" for s in stats] and len(t) == 1 + len(rows),
                 "uncertainty_design.csv header %s, %d rows" % (t[0], len(t) - 1)):
            for j, row in enumerate(t[1:]):
                want = list(design[j]) + [v / 1e6 for v in rowst[j]]  # GBP m
                check(row[0] == rows[j] and all(same(c, v) for c, v in zip(row[1:], want)),
                      "uncertainty_design.csv row %d: %s, file %s" % (j, row, want))
                n += len(want)
        t = table("uncertainty_predictive.csv")
        check(t[0] == ["distribution"] + [m + "_gbp_m" for m in measures],
              "uncertainty_predictive.csv header %s" % t[0])
        for d, row in enumerate(t[1:]):
            check(row[0] == dists[d] and all(same(c, v) for c, v in zip(row[1:], pred[d] / 1e6)),
                  "uncertainty_predictive.csv row %s, file %s" % (row, list(pred[d])))
        t = table("uncertainty_statistics.csv")
        check(t[0] == ["statistic", "variance_gbp_m2"] and [r[0] for r in t[1:]] == stats and
              all(same(r[1], v / 1e12) for r, v in zip(t[1:], var)),
              "uncertainty_statistics.csv %s, file %s" % (t, list(var)))
        t = table("uncertainty_keys.csv")  # the unit column: format 1.9
        check(t == [["key", "distribution", "unit"]] + [list(r) for r in zip(keys, dist_of_key, key_unit)],
              "uncertainty_keys.csv %s, file %s %s %s" % (t, keys, dist_of_key, key_unit))
        t = table("uncertainty_settings.csv")
        check({r[0]: int(r[1]) for r in t[1:]} == {k: int(v) for k, v in settings.items()},
              "uncertainty_settings.csv %s" % t)
        sample, srows = u["sample_total_loss"][()], list(u["sample_row"].asstr()[()])
        t = table("uncertainty_sample.csv")
        # the rows' checks need a row for each of the file's trials
        if check(t[0] == ["sample_row", "trial", "total_loss_gbp_m"] and len(t) == 1 + sample.size,
                 "uncertainty_sample.csv header %s, %d rows" % (t[0], len(t) - 1)):
            for e, row in enumerate(t[1:]):
                j, k = divmod(e, sample.shape[1])
                check(row[0] == srows[j] and int(row[1]) == k and float(row[2]) == sample[j, k] / 1e6,
                      "uncertainty_sample.csv row %d %s, file %r" % (e, row, sample[j, k]))
        check(os.path.isfile(os.path.join(csvdir, "base", "summary_loss.csv")),
              "export: no base/summary_loss.csv")
        print("export: %d numbers of the indices and design tables, the predictive table and %d "
              "sample trials checked against the file's" % (n, sample.size))

        # ---- report -------------------------------------------------------
        rep = os.path.join(tmp, "rep")
        stdout_of([mr, "report", h5, "-o", rep, "--quiet"])
        page = open(os.path.join(rep, "report.html"), encoding="utf-8").read()
        cell = re.compile(r'<td data-value="([^"]+)" data-ci-low="([^"]+)" data-ci-high="([^"]+)">'
                          r'<span class="v">([^<]+)</span><span class="e">\[([^,]+), ([^\]]+)\]</span></td>')
        for s in range(len(stats)):
            tid = "uncertainty-indices-" + stats[s]
            m = re.search(r'<table id="%s">.*?</table>' % tid, page, re.S)
            if not var[s] > 0:
                check(m is None, "report: a table of indices for %s, which does not vary" % stats[s])
                continue
            if not check(m is not None, "report: no table %s" % tid):
                continue
            trs = re.findall(r'<tr id="%s-(\d+)">(.*?)</tr>' % tid, m.group(0), re.S)
            check([int(i) for i, _ in trs] == ranked(to[:, s, ie]),
                  "report: %s ranked %s, file by ST %s" % (tid, [i for i, _ in trs], ranked(to[:, s, ie])))
            for i, tr in trs:
                i = int(i)
                # the key's distribution as given, with the key's unit (format 1.9)
                want_dist = "%s %s" % (dist_of_key[i], key_unit[i]) if key_unit[i] else dist_of_key[i]
                check('<td class="l small">%s</td>' % html.escape(want_dist) in tr,
                      "report: %s key %s: no cell %r" % (tid, keys[i], want_dist))
                cells = cell.findall(tr)
                check(len(cells) == 2, "report: %s row %d has %d index cells" % (tid, i, len(cells)))
                for c, arr in zip(cells, (fo, to)):
                    want = (arr[i, s, ie], arr[i, s, il], arr[i, s, ih])
                    check([float(v) for v in c[:3]] == [float(v) for v in want] and
                          list(c[3:]) == [f3(v) for v in want],
                          "report: %s key %s cell %s, file %s" % (tid, keys[i], c, want))
        for d in ("with_parameter_uncertainty", "base"):
            for m, name in enumerate(measures):
                mm = re.search(r'id="uncertainty-predictive-%s-%s" data-gbp="([^"]+)"' % (d, name), page)
                check(mm is not None and float(mm.group(1)) == pred[dists.index(d), m],
                      "report: predictive %s %s %s, file %r" % (d, name, mm and mm.group(1),
                                                                pred[dists.index(d), m]))
        check('id="fig-uncertainty-indices"' in page and os.path.isfile(
                os.path.join(rep, "fig-uncertainty-indices.svg")),
              "report: no figure of the indices")
        print("report: the ranked index tables and the predictive table checked against the file")

        # ---- docs/OUTPUT.md "Uncertainty files" ---------------------------
        doc = open(os.path.join(src, "docs", "OUTPUT.md"), encoding="utf-8").read()
        sec = doc.split("\n## Uncertainty files\n", 1)[1].split("\n## ", 1)[0]
        documented = {}
        for m in re.finditer(r"^\| `(\w+)` \| \[([^\]]*)\](?: ([\w, ]+))? \| (\w+) \| ?`?([^|`]*?)`? ?\|", sec, re.M):
            documented[m.group(1)] = (m.group(3), m.group(4), m.group(5).strip())
        # each documented dataset's checks need it in the file
        if check(set(documented) == set(u.keys()),
                 "docs/OUTPUT.md documents %s, the file's /uncertainty holds %s"
                 % (sorted(documented), sorted(u.keys()))):
            for name, (dims, typ, units) in documented.items():
                d = u[name]
                ftype = "string" if d.dtype.kind == "O" else str(d.dtype)
                funits = d.attrs.get("units", "")
                check(ftype == typ and funits == units,
                      "docs/OUTPUT.md: %s %s, units %r; the file: %s, units %r" % (name, typ, units, ftype, funits))
                if dims is not None:
                    fdims = [f[ref[0]].name.rsplit("/", 1)[1] for ref in d.attrs["DIMENSION_LIST"]]
                    check([x.strip() for x in dims.split(",")] == fdims,
                          "docs/OUTPUT.md: %s dims %s, the file's %s" % (name, dims, fdims))
        print("docs/OUTPUT.md: the %d datasets of /uncertainty with their types, units and dims checked"
              % len(documented))

        # ---- explain ------------------------------------------------------
        told = stdout_of([mr, "explain", h5])
        worst = int(np.argmax(f["base/trials/total_loss"][()]))
        check(told.startswith("Trial %d of 60, the worst" % worst) and ", run base," in told,
              "explain: not the base run's worst trial %d:\n%s" % (worst, told[:400]))
        check(told == stdout_of([mr, "explain", h5, "--run", "base"]),
              "explain without --run differs from --run base")
        p = run([mr, "explain", h5, "--run", "runs/a"])
        check(p.returncode == 2 and p.stderr == "%s: --run runs/a: no such run (runs: base)\n" % h5,
              "explain --run runs/a: exit %d, %r" % (p.returncode, p.stderr))
        print("explain: the base run's worst trial (trial %d), as with --run base, checked" % worst)
    return finish("uncertainty_readers (summary, export, report and explain of an uncertainty "
                  "file, and docs/OUTPUT.md's tables of it, against the file)")


if __name__ == "__main__":
    sys.exit(main())
