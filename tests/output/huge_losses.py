#!/usr/bin/env python3
"""Finite losses whose squares pass DBL_MAX (tests/output/huge_losses.yaml:
extra costs of 1e98 to 1e237 GBP) must give a finite sd and se in
/summary, equal to an independent computation (numpy in long double from
/trials), the same when the trials are streamed (output.trials: totals) as
when they are held (all); and so must the half-widths of precision targets
on them (--target-precision es99_total, mean_total). Before the sums of
squares were rescaled where they overflow (out/stats/sumsq.c, used by
dstats.c and sim/precision.c), the sd, se and half-widths were inf. And an uncertainty study's Sobol indices on it
(out/stats/sobol.c, also through sumsq.c): finite, not NaN.

usage: huge_losses.py MINRISK SCENARIO.yaml
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

minrisk, scenario = sys.argv[1], sys.argv[2]


def run(tmp, mode):
    yaml, out = os.path.join(tmp, f"{mode}.yaml"), os.path.join(tmp, f"{mode}.h5")
    with open(scenario) as f, open(yaml, "w") as g:
        g.write(f.read() + f"\noutput:\n  trials: {mode}\n")
    p = subprocess.run([minrisk, "run", yaml, "-o", out, "--threads", "2", "--quiet"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"minrisk run ({mode}) failed: {p.stderr.strip()}")
    return h5py.File(out, "r")


def close(got, want, what, rel=1e-12):
    check(np.isfinite(got) and abs(got - want) <= rel * abs(want),
          f"{what}: got {got!r}, want {float(want)!r}")


with tempfile.TemporaryDirectory() as tmp:
    held, streamed = run(tmp, "all"), run(tmp, "totals")
    t = held["trials/total_loss"][()].astype(np.longdouble)
    if not np.all(np.isfinite(t)) or t.max() < 1e200:
        sys.exit(f"the scenario no longer gives losses above 1e200 (max {float(t.max())!r})")
    n = len(t)
    sd = np.std(t, ddof=1)
    m = held["trials/annual_loss"][()].astype(np.longdouble).mean(axis=1)
    for f, label in ((held, "all"), (streamed, "totals")):
        s = f["summary"]
        close(s["total_loss_sd"][()], sd, f"{label}: /summary/total_loss_sd")
        close(s["total_loss_se"][()], sd / np.sqrt(np.longdouble(n)), f"{label}: total_loss_se")
        close(s["sector_loss_sd"][0], sd, f"{label}: sector_loss_sd (the one sector)")
        close(s["sector_extra_cost_sd"][0], sd, f"{label}: sector_extra_cost_sd")
        close(s["aal_se"][()], np.std(m, ddof=1) / np.sqrt(np.longdouble(n)), f"{label}: aal_se")
        close(s["total_loss_mean"][()], t.mean(), f"{label}: total_loss_mean")
    # minrisk summary's table cells (out/tables/summary.c, 47 characters):
    # %.0f of a mean of about 1e60 GBP m was cut to its first 47 digits,
    # which read as 1e46; a figure from 1e15 up has 4 significant digits.
    q = subprocess.run([minrisk, "summary", os.path.join(tmp, "all.h5")], capture_output=True,
                       text=True)
    total = [ln.split() for ln in q.stdout.splitlines() if ln.startswith("Total ")]
    if check(q.returncode == 0 and bool(total),
             f"minrisk summary: status {q.returncode}, no Total row"):
        close(float(total[0][1]), t.mean() / 1e6, "minrisk summary: the Total row's mean", 5e-4)
        close(float(total[0][2]), sd / np.sqrt(np.longdouble(n)) / 1e6,
              "minrisk summary: the Total row's se", 5e-4)
    # the attribution's ES 99 (out/tables/attr_print.c, 63 characters)
    es99 = held["summary/total_loss_es"][list(held["summary/es_level"][()]).index(0.99)]
    got = re.findall(r"^total: ES 99 = (\S+) GBP m", q.stdout, re.M)
    if check(len(got) == 1,
             f"minrisk summary: {len(got)} lines 'total: ES 99 = ...', expected 1"):
        close(float(got[0]), es99 / 1e6, "minrisk summary: the attribution's total ES 99", 5e-4)
    for k in ("total_loss_sd", "total_loss_se", "sector_loss_sd", "aal_se", "sector_aal_se"):
        a, b = held["summary"][k][()], streamed["summary"][k][()]
        check(np.array_equal(a, b), f"/summary/{k}: streamed {b!r} is not the held {a!r}")

# a precision target on ES 99 (sim/precision.c): its half-width, 1.96 x the
# asymptotic SE (docs/STUDIES.md), squares the tail's deviations; it was inf
# and the target never met. Against the formula in long double from /trials.
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "prec.h5")
    p = subprocess.run([minrisk, "run", scenario, "-o", out, "--threads", "2", "--quiet",
                        "--target-precision", "es99_total=1,mean_total=1", "--max-trials", "2048"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"minrisk run --target-precision failed: {p.stderr.strip()}")
    with h5py.File(out, "r") as f:
        x = np.sort(f["trials/total_loss"][()].astype(np.longdouble))
        n, q = len(x), 0.99
        var = x[int(np.ceil(n * q)) - 1]
        es = f["summary/total_loss_es"][list(f["summary/es_level"][()]).index(q)]
        tail = x[x > var]
        s2 = np.mean((tail - np.longdouble(es)) ** 2)
        se = np.sqrt((s2 + q * (np.longdouble(es) - var) ** 2) / (n * (1 - q)))
        half = f["precision/half_width"][-1]
        close(half[0], 1.959963984540054 * se, "es99_total half-width")
        close(half[1], 1.959963984540054 * np.std(x, ddof=1) / np.sqrt(np.longdouble(n)),
              "mean_total half-width")

# an uncertainty study on it (out/stats/sobol.c): rows whose statistics
# are 1e180 to 1e220 apart, so the variance over the rows passes DBL_MAX
# (inf, as it is) and the indices, ratios of sums of squares, used to be
# NaN (inf / inf) with n/a intervals. Against Saltelli's and Jansen's
# formulas (docs/MODEL.md section 9) in long double from
# /uncertainty/row_statistic.
with tempfile.TemporaryDirectory() as tmp:
    yaml, out = os.path.join(tmp, "unc.yaml"), os.path.join(tmp, "unc.h5")
    with open(yaml, "w") as g:
        g.write(f"extends: {os.path.abspath(scenario)}\nuncertain:\n  rows: 8\n"
                "  block_trials: 50\n  keys:\n"
                "    minerals.lithium.price.jumps.mu: {uniform: [8, 10]}\n"
                "    sectors.automotive.needs[0].spend_gbp: {uniform: [1e8, 4e8]}\n")
    p = subprocess.run([minrisk, "uncertainty", yaml, "-o", out, "--threads", "2",
                        "--resamples", "100"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"minrisk uncertainty failed: {p.stderr.strip()}")
    with h5py.File(out, "r") as f:
        u = f["uncertainty"]
        r = u["row_statistic"][()].astype(np.longdouble)
        nk, N = u["first_order"].shape[0], int(u["settings"][0])
        sd = {}
        for s in (0, 1):  # mean_loss, es99_loss
            fa, fb = r[:N, s], r[N:2 * N, s]
            m = np.concatenate([fa, fb]).mean()
            v = np.mean(np.concatenate([fa - m, fb - m]) ** 2)
            if not v > np.finfo(np.float64).max:
                sys.exit(f"statistic {s}: the rows' variance {v!r} no longer passes DBL_MAX")
            check(np.isinf(u["variance"][s]),
                  f"/uncertainty/variance[{s}]: {u['variance'][s]!r}, not inf")
            for i in range(nk):
                fi = r[(2 + i) * N:(3 + i) * N, s]
                close(u["first_order"][i, s, 0], np.mean((fb - m) * (fi - fa)) / v,
                      f"first_order[{i}, {s}]")
                close(u["total_order"][i, s, 0], np.mean((fa - fi) ** 2) / 2 / v,
                      f"total_order[{i}, {s}]")
                for b in (1, 2):
                    for d in ("first_order", "total_order"):
                        check(np.isfinite(u[d][i, s, b]),
                              f"/uncertainty/{d}[{i}, {s}, {b}]: not finite")
            sd[s] = np.sqrt(v) / 1e6
        pred = u["predictive"][()].astype(np.longdouble) / 1e6
    # The tables (out/tables/unc_print.c), printed by the study and by
    # minrisk summary alike: the sd over the rows is sqrt(V), finite, not
    # "inf" (it was printed from V itself); the predictive cells are at
    # most 10 characters with 4 significant digits, not the 200 digits of
    # %10.1f of 1e208 (lines of 1,212 and 1,292 characters).
    q = subprocess.run([minrisk, "summary", out], capture_output=True, text=True)
    for name, text in (("uncertainty", p.stdout), ("summary", q.stdout)):
        got = re.findall(r"sd over rows GBP (\S+) m\)", text)
        if not check(len(got) == 3, f"{name}: {len(got)} 'sd over rows' figures, expected 3"):
            continue
        for s in (0, 1):
            close(float(got[s]), sd[s], f"{name}: the sd over rows of statistic {s}", 5e-4)
        rows = [ln for ln in text.splitlines()
                if ln.startswith(("  with parameter uncertainty", "  base (values as written)"))]
        if not check(len(rows) == 2,
                     f"{name}: {len(rows)} rows of the predictive distribution, expected 2"):
            continue
        for d, ln in enumerate(rows):
            cells = ln[36:].split()
            if not check(len(ln) <= 36 + 6 * 11 and len(cells) == 6,
                         f"{name}: predictive row {d} of {len(ln)} characters: {ln[:120]!r}"):
                continue
            for m, c in enumerate(cells):
                close(float(c), pred[d, m], f"{name}: predictive[{d}, {m}]", 5e-4)
    check(q.stdout.startswith(p.stdout), "minrisk summary's tables are not the study's")
    # the report's index tables say the same sd over the rows (it printed
    # "inf": out/report/uncertainty.py took math.sqrt of V)
    rep = os.path.join(os.path.dirname(out), "report")
    r = subprocess.run([minrisk, "report", out, "-o", rep, "--quiet"], capture_output=True, text=True)
    if check(r.returncode == 0,
             f"minrisk report: exit {r.returncode}: {r.stderr.strip()[:300]}"):
        with open(os.path.join(rep, "report.html")) as f:
            got = re.findall(r"sd over the A and B rows GBP (\S+) m\)", f.read())
        # one index table per statistic that varies: mean_loss and es99_loss
        # (mean_gva_loss does not, and the report says so instead)
        if check(len(got) == 2,
                 f"report: {len(got)} 'sd over the A and B rows' figures, expected 2: {got}"):
            for s in (0, 1):
                close(float(got[s]), sd[s], f"report: the sd over rows of statistic {s}", 5e-4)

sys.exit(finish("huge_losses (finite sd, se, half-widths and Sobol indices of losses whose "
                "squares pass DBL_MAX, held and streamed, and their printed tables)"))
