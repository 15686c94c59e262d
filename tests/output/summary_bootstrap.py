#!/usr/bin/env python3
"""summary_bootstrap.py - /summary's bootstrap intervals recomputed by brute
force from /trials; label `output`.

usage: summary_bootstrap.py MINRISK RESAMPLE_COUNTS SOURCE_ROOT

One run of scenarios/demo.yaml keeping its trials, N = 3001 (three blocks of
1024; 0.99 N = 2970.99 and 0.99 N H = 29709.9 are not integers, so ES 99
takes X_(k) with a fractional weight and the 1-in-100 rank is a ceiling),
fixed seed. docs/OUTPUT.md "Bootstrap intervals": 1,000 resamples of whole
trials, the counts of mr_paired_resample_counts on the stream
bootstrap/exceedance (label "exceedance", the file's seed), the 95%
percentile interval. Only the counts come from minrisk (RESAMPLE_COUNTS,
tests/output/resample_counts.c: they define which trials resample r draws);
everything else is written here from the definitions of docs/OUTPUT.md
"Estimators": each resample's values expanded by the counts (trial i
N_i times; for the annual losses all of trial i's H years N_i times) in
sorted order (the series sorted once, each value repeated its trial's
count: on 11 of the resamples checked equal to np.sort of the expanded
values), its ES 99 ((k - n p) X_(k) + sum_{i>k} X_(i)) / (n - n p)
and its 1-in-100 annual loss X_(k(N H, 0.99)), k(n, p) = ceil(n p) (within
1e-12 of an integer: that integer); the interval [X_(25), X_(975)] of the
1,000 resampled statistics (the quantile Q(0.025), Q(0.975) of the same
estimators, k(1000, 0.025) = 25). Checked against /summary:

- ES 99 of each sector's loss (sector_gva_loss + sector_extra_cost), of the
  total loss, of value added lost (total_gva_loss) and of the extra input
  cost (total_loss - total_gva_loss): sector_loss_es99_ci_*,
  total_loss_es99_ci_*, total_gva_loss_es99_ci_*, total_extra_cost_es99_ci_*,
  within 1e-12 relative (the tail sum here is numpy's pairwise sum of the
  expanded values, each repeat a term; minrisk's adds count x value from the
  top down: other roundings of the same sum, 7 of the 14 bounds of this run
  differ in the last bit or two, 3.5e-16 relative at most);
- the 1-in-100 annual loss of each sector (/trials/sector_annual_loss) and
  of the total (/trials/annual_loss): sector_return_period_loss_1in100_ci_*
  and return_period_loss_1in100_ci_*, exactly (order statistics);
- the same code on the trials themselves (every count 1) gives /summary's
  ES 99 (1e-12) and 1-in-100 losses (exactly), so the series and levels
  are the ones the intervals are of;
- the same intervals in a second run of the same seed and N with
  output.trials: none (streamed: no /trials, the tails kept as it goes),
  against the same recomputed figures.
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# check(ok, what) and finish(name): tests/python/checks.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402

N = 3001
SEED = 987654321
B = 1000            # MR_EXCEEDANCE_BOOT
LABEL = "exceedance"
P = 0.99            # ES 99; the 1-in-100 annual loss is Q(1 - 1/100)
RTOL_ES = 1e-12


def rank(n, p):
    """k(n, p) of docs/OUTPUT.md "Rank of a probability"."""
    x = n * p
    r = round(x)
    if abs(x - r) <= 1e-12 * abs(x):
        x = float(r)
    return min(max(math.ceil(x), 1), n)


def np_snapped(n, p):
    x = n * p
    r = round(x)
    return float(r) if abs(x - r) <= 1e-12 * abs(x) else x


def es(sorted_values, p):
    """ES_p of docs/OUTPUT.md "Expected shortfall", from all n values sorted."""
    n = sorted_values.size
    k = rank(n, p)
    npp = np_snapped(n, p)
    return ((k - npp) * sorted_values[k - 1] + np.sum(sorted_values[k:])) / (n - npp)


def quantile(sorted_values, p):
    return sorted_values[rank(sorted_values.size, p) - 1]


def interval(stats):
    s = np.sort(np.asarray(stats, dtype=np.float64))
    return s[rank(s.size, 0.025) - 1], s[rank(s.size, 0.975) - 1]


def close(got, want, rtol):
    return got == want or abs(got - want) <= rtol * abs(want)


def main():
    minrisk, counts_bin, src = sys.argv[1:4]
    demo = os.path.join(src, "scenarios", "demo.yaml")
    env = dict(os.environ, OMP_NUM_THREADS="2")
    with tempfile.TemporaryDirectory() as d:
        out, streamed = os.path.join(d, "demo.h5"), os.path.join(d, "none.h5")
        none_yaml = os.path.join(d, "none.yaml")
        with open(demo) as f, open(none_yaml, "w") as g:
            text = f.read()
            check("\noutput:" not in text, "demo.yaml has an output block already")
            g.write(text + "\noutput:\n  trials: none\n")
        for yaml, h5 in ((demo, out), (none_yaml, streamed)):
            r = subprocess.run([minrisk, "run", yaml, "--trials", str(N), "--seed", str(SEED),
                                "-q", "-o", h5], capture_output=True, text=True, env=env)
            if not check(r.returncode == 0, "minrisk run %s: status %d: %s"
                         % (os.path.basename(yaml), r.returncode, r.stderr)):
                return finish("summary_bootstrap")
        with h5py.File(streamed, "r") as f:
            check("trials" not in f, "output.trials: none kept /trials")
            summ_none = {k: f["summary"][k][()] for k in f["summary"]}
        with h5py.File(out, "r") as f:
            seed, H = int(f.attrs["seed"]), int(f.attrs["horizon_years"])
            t, s = f["trials"], f["summary"]
            tl, tg = t["total_loss"][()], t["total_gva_loss"][()]
            gl, xc = t["sector_gva_loss"][()], t["sector_extra_cost"][()]
            al, sal = t["annual_loss"][()], t["sector_annual_loss"][()]
            summ = {k: s[k][()] for k in s}
    check(seed == SEED and tl.size == N and al.shape == (N, H), "the run's seed, N or H")
    S = gl.shape[1]
    # the series of docs/OUTPUT.md "Bootstrap intervals", as /summary names them
    horizon = [("sector_loss_es99[%d]" % j, gl[:, j] + xc[:, j]) for j in range(S)]
    horizon += [("total_loss_es99", tl), ("total_gva_loss_es99", tg),
                ("total_extra_cost_es99", tl - tg)]
    annual = [("sector_return_period_loss_1in100[%d]" % j, sal[:, :, j]) for j in range(S)]
    annual += [("return_period_loss_1in100", al)]

    # the estimates themselves, from the same code with every count 1
    i99 = int(np.argmin(np.abs(summ["es_level"] - P)))
    r100 = int(np.argmin(np.abs(summ["return_period"] - 100)))
    want_es = list(summ["sector_loss_es"][:, i99]) + [summ["total_loss_es"][i99]]
    for (name, x), w in zip(horizon, want_es):
        got = es(np.sort(x), P)
        check(close(got, w, RTOL_ES), "%s estimate: %r here, %r in /summary" % (name, got, w))
    want_rp = list(summ["sector_return_period_loss"][:, r100]) + [summ["return_period_loss"][r100]]
    for (name, a), w in zip(annual, want_rp):
        got = quantile(np.sort(a.ravel()), P)
        check(got == w, "%s estimate: %r here, %r in /summary" % (name, got, w))

    # the resamples' counts: the only thing taken from minrisk
    r = subprocess.run([counts_bin, str(seed), LABEL, str(N), "0", str(B)], capture_output=True)
    if not check(r.returncode == 0, "resample_counts: status %d" % r.returncode):
        return finish("summary_bootstrap")
    counts = np.frombuffer(r.stdout, dtype=np.uint32).reshape(B, N)
    check((counts.sum(axis=1) == N).all(), "a resample's counts do not add up to N")

    # Each series sorted once, with the trial of every value; a resample's
    # values are then the sorted values each repeated its trial's count times,
    # already in order: the same as sorting the expanded values (np.sort of
    # np.repeat(x, c)), which took 11 of the test's 13 s.
    def presorted(values, trial):
        order = np.argsort(values, kind="stable")
        return values[order], trial[order]

    hs = [presorted(x, np.arange(N)) for _, x in horizon]
    ys = [presorted(a.ravel(), np.repeat(np.arange(N), H)) for _, a in annual]
    res_h = np.empty((len(horizon), B))
    res_a = np.empty((len(annual), B))
    for b in range(B):
        c = counts[b]
        for q, (v, tr) in enumerate(hs):
            res_h[q, b] = es(np.repeat(v, c[tr]), P)
        for q, (v, tr) in enumerate(ys):
            res_a[q, b] = quantile(np.repeat(v, c[tr]), P)
    # (the expansion by a full sort, for a few resamples: the same values)
    for b in range(0, B, 97):
        c = counts[b]
        check(all(es(np.sort(np.repeat(x, c)), P) == res_h[q, b]
                  for q, (_, x) in enumerate(horizon)) and
              all(quantile(np.sort(np.repeat(a, c, axis=0).ravel()), P) == res_a[q, b]
                  for q, (_, a) in enumerate(annual)),
              "resample %d: sorted once and sorted in full differ" % b)

    def stored(sm, name, bound):
        base, _, j = name.partition("[")
        v = sm[base + "_ci_" + bound]
        return float(v[int(j[:-1])]) if j else float(v)

    # the run that kept its trials, then the streamed one (output.trials:
    # none, the same trials: its tails kept as it went) against the same figures
    for kind, sm in (("kept trials", summ), ("output.trials: none", summ_none)):
        worst, exact = 0.0, 0
        for rows, series, rtol in ((res_h, horizon, RTOL_ES), (res_a, annual, 0.0)):
            for q, (name, _) in enumerate(series):
                lo, hi = interval(rows[q])
                for bound, want in (("low", lo), ("high", hi)):
                    got = stored(sm, name, bound)
                    check(math.isfinite(got), "%s: %s_ci_%s is %r" % (kind, name, bound, got))
                    check(close(got, want, rtol), "%s: %s_ci_%s: %r in /summary, %r recomputed "
                          "(%.3g relative)" % (kind, name, bound, got, want,
                                               abs(got - want) / abs(want)))
                    worst = max(worst, abs(got - want) / abs(want))
                    exact += got == want
        print("%s: %d intervals (ES 99 of %d series, 1-in-100 of %d) against %d brute-force "
              "resamples: %d of %d bounds bit for bit, largest relative difference %.3g"
              % (kind, len(horizon) + len(annual), len(horizon), len(annual), B, exact,
                 2 * (len(horizon) + len(annual)), worst))
    return finish("summary_bootstrap")


if __name__ == "__main__":
    sys.exit(main())
