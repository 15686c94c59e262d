#!/usr/bin/env python3
"""summary_recompute.py - every /summary statistic that /trials determines,
recomputed here from the definitions of docs/OUTPUT.md ("Estimators",
"Weighted estimators"), written without the C code; label `output`.

Two runs of scenarios/demo.yaml at 1537 trials (two 1024-trial blocks, so
the pairwise tree of the block-ordered sums has a node; 0.99 N = 1521.63 is
not an integer, so ES takes X_(k) with a fractional weight):

- plain, with --events: for the total and the four sector variables (GL + XC,
  GL, OL, XC) the mean, sd (two passes, divisor N - 1) and se from
  block-ordered sums written out here, bit for bit; the quantiles X_(k(N, p))
  and their distribution-free intervals [X_(l), X_(u)], with l and u from
  binomial sums computed here with lgamma (not GSL), and asserted to be
  unambiguous (no sum within 1e-9 of 0.025); ES by its formula; the
  histogram's counts from its stored edges, its ends the minimum and the
  maximum; AAL, its se from the per-trial mean annual losses, the return
  period losses X_(k(NH, 1 - 1/R)) (NaN when N H < R), and the same per
  sector from /trials/sector_annual_loss; the probabilities and the _avg
  means; /loss_tables oep as X_(k) of annual_occurrence_max and aep equal to
  the summary's return periods; /attribution es99 equal to the summary's ES
  99 and tail_trials; the bootstrap intervals NaN where fewer than 10 values
  lie beyond the level (1-in-1000 and 1-in-500 at N H = 15,370: aep_lo);
- importance-sampled (--importance 'event/*=3'): the weighted forms, with
  n = N (n = N H for the annual losses): mean sum w x / n, sd with divisor n
  (within 1e-15: the order of the product is not documented), se the sample
  sd of w x over sqrt(n), the weighted quantile (smallest v with
  sum_{x > v} w <= n - n p), the weighted ES, weighted AAL and its se
  sd(w m) / sqrt(N), the weighted return periods, the weighted
  probabilities and _avg, for the total and every sector; the sectors'
  quantile intervals NaN; the histogram unweighted; /attribution es99 the
  summary's weighted ES 99 and tail_trials the trials of the weighted tail
  (docs/STUDIES.md, Attribution (a)); /loss_tables (--events) weighted too:
  aep equal to the summary's return periods, the total's interval the
  summary's weighted bootstrap, oep the weighted quantile of
  annual_occurrence_max, oep_lo NaN where fewer than 10 values lie above;
  in both runs each family's co-ES add up to es99.
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# check(ok, what) and its list of failures: tests/python/checks.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import FAILS, check  # noqa: E402

BLOCK = 1024
N = 1537


def block_sum(x):
    """OUTPUT.md "Block-ordered sums": each block of 1024 trials (all their
    elements in index order) summed from 0.0, then the pairwise tree."""
    x = np.asarray(x, dtype=np.float64).reshape(N, -1)
    level = [float(np.cumsum(x[b:b + BLOCK].ravel())[-1]) for b in range(0, N, BLOCK)]
    while len(level) > 1:
        level = [level[2 * i] + level[2 * i + 1] if 2 * i + 1 < len(level) else level[2 * i]
                 for i in range((len(level) + 1) // 2)]
    return level[0]


def snap(v):
    r = round(v)
    return float(r) if abs(v - r) <= 1e-12 * abs(v) else v


def krank(n, p):
    return min(max(math.ceil(snap(n * p)), 1), n)


def ordered(x):
    return np.sort(np.asarray(x, dtype=np.float64).ravel(), kind="stable")


def binom_pmf(n, p):
    k = np.arange(n + 1)
    lg = np.array([math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in k])
    return np.exp(lg + k * math.log(p) + (n - k) * math.log1p(-p))


def ci_ranks(n, p, a=0.025):
    """lower: the largest l with P(B <= l - 1) <= a; upper: the smallest u
    with P(B >= u) <= a (OUTPUT.md, Conover §3.2); None when there is none."""
    pmf = binom_pmf(n, p)
    cdf = np.cumsum(pmf)                      # P(B <= k)
    sf = np.cumsum(pmf[::-1])[::-1]           # P(B >= k)
    ls = [l for l in range(1, n + 1) if cdf[l - 1] <= a]
    us = [u for u in range(1, n + 1) if sf[u] <= a]
    near = np.min(np.abs(np.r_[cdf, sf] - a))
    check(near > 1e-9, "binomial sums at p = %g within %g of 0.025: ranks ambiguous" % (p, near))
    return (max(ls) if ls else None), (min(us) if us else None)


def es_plain(x, p):
    xs = ordered(x)
    n = xs.size
    k = krank(n, p)
    v = xs[k - 1]
    gt = x > v
    s_gt = block_sum(np.where(gt, x, 0.0))
    ties = n - k - int(gt.sum())
    npp = snap(n * p)
    return ((k - npp) * v + s_gt + ties * v) / (n - npp)


def wquantile(x, w, p, n):
    x = np.asarray(x, dtype=np.float64).ravel()
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], np.asarray(w, dtype=np.float64).ravel()[o]
    start = np.r_[0, np.nonzero(xs[1:] != xs[:-1])[0] + 1]
    vals, g = xs[start], np.add.reduceat(ws, start)
    limit = n - snap(n * p)
    above = 0.0                               # G(v) = sum_{x > v} w, from the top
    for j in range(len(vals) - 1, -1, -1):
        if above <= limit and (j == 0 or above + g[j] > limit):
            return vals[j]
        above += g[j]
    return vals[0]


def wes(x, w, p, n):
    v = wquantile(x, w, p, n)
    x = np.asarray(x, dtype=np.float64).reshape(N, -1)
    ww = np.broadcast_to(np.asarray(w, dtype=np.float64).reshape(N, 1), x.shape)
    gt = x > v
    sw, swx = block_sum(np.where(gt, ww, 0.0)), block_sum(np.where(gt, ww * x, 0.0))
    limit = n - snap(n * p)
    return (swx + (limit - sw) * v) / limit


def wtail(x, w, p):
    """docs/STUDIES.md (a), weighted: each trial's weight in the ES tail; above
    VaR its own weight, the ties at VaR filling the rest of the tail mass
    n - n p from the latest trial back (a rest below 1e-12 of the mass is
    nothing; ties holding no more than the rest share it in proportion)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    v = wquantile(x, w, p, N)
    om = np.where(x > v, w, 0.0)
    mass = N - snap(N * p)
    rest = mass - block_sum(om)
    rest = 0.0 if rest <= 1e-12 * mass else rest
    tied = w[x == v].sum()
    if 0 < tied <= rest:
        om[x == v] = w[x == v] * (rest / tied)
        return om
    for i in range(N - 1, -1, -1):
        if x[i] == v and rest > 0:
            om[i] = min(w[i], rest)
            rest -= om[i]
            rest = 0.0 if rest <= 1e-12 * mass else rest
    return om


def eq(name, got, want, rtol=0.0):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        check(False, "%s: shape %s, want %s" % (name, got.shape, want.shape))
        return
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    if rtol:
        same |= np.abs(got - want) <= rtol * np.abs(want)
    if not same.all():
        i = np.unravel_index(np.argmin(same), same.shape)
        check(False, "%s at %s: %r, want %r" % (name, tuple(int(t) for t in i), float(got[i]),
                                               float(want[i])))


def check_file(path, weighted):
    with h5py.File(path, "r") as f:
        s, t = f["summary"], f["trials"]
        H = int(f.attrs["horizon_years"])
        check(int(f.attrs["trials"]) == N, "trials attribute")
        Q, E, R = s["quantile"][()], s["es_level"][()], s["return_period"][()]
        w = t["weight"][()] if weighted else np.ones(N)
        check(("weight" in t) == weighted, "/trials/weight present exactly in the weighted run")
        tl = t["total_loss"][()]
        gl, ol, xc = (t[k][()] for k in ("sector_gva_loss", "sector_output_loss", "sector_extra_cost"))
        S = gl.shape[1]
        series = {"total_loss": tl[:, None], "sector_loss": gl + xc, "sector_gva_loss": gl,
                  "sector_output_loss": ol, "sector_extra_cost": xc}
        tag = "weighted " if weighted else ""

        for var, X in series.items():
            shape = () if var == "total_loss" else (S,)
            mean, sd, se, qv, es, lo, hi = ([] for _ in range(7))
            for j in range(X.shape[1]):
                x = X[:, j]
                if weighted:
                    m = block_sum(w * x) / N
                    d = x - m
                    mean.append(m)
                    sd.append(math.sqrt(block_sum(w * (d * d)) / N))
                    e = w * x - m
                    se.append(math.sqrt(block_sum(e * e) / (N - 1)) / math.sqrt(N))
                    qv.append([wquantile(x, w, p, N) for p in Q])
                    es.append([wes(x, w, p, N) for p in E])
                else:
                    m = block_sum(x) / N
                    d = x - m
                    mean.append(m)
                    sd.append(math.sqrt(block_sum(d * d) / (N - 1)))
                    se.append(sd[-1] / math.sqrt(N))
                    xs = ordered(x)
                    qv.append([xs[krank(N, p) - 1] for p in Q])
                    es.append([es_plain(x, p) for p in E])
                    rk = [ci_ranks(N, p) for p in Q]
                    lo.append([xs[l - 1] if l else np.nan for l, _ in rk])
                    hi.append([xs[u - 1] if u else np.nan for _, u in rk])
            eq(tag + var + "_mean", s[var + "_mean"][()], np.reshape(mean, shape))
            eq(tag + var + "_sd", s[var + "_sd"][()], np.reshape(sd, shape), 1e-15 if weighted else 0)
            eq(tag + var + "_se", s[var + "_se"][()], np.reshape(se, shape), 1e-15 if weighted else 0)
            eq(tag + var + "_quantile", s[var + "_quantile"][()], np.reshape(qv, shape + (len(Q),)))
            eq(tag + var + "_es", s[var + "_es"][()], np.reshape(es, shape + (len(E),)), 1e-15)
            if not weighted:
                eq(var + "_quantile_ci_low", s[var + "_quantile_ci_low"][()],
                   np.reshape(lo, shape + (len(Q),)))
                eq(var + "_quantile_ci_high", s[var + "_quantile_ci_high"][()],
                   np.reshape(hi, shape + (len(Q),)))
            elif var != "total_loss":
                check(np.isnan(s[var + "_quantile_ci_low"][()]).all() and
                      np.isnan(s[var + "_quantile_ci_high"][()]).all(),
                      "weighted %s_quantile_ci_* are not NaN" % var)

        # the histogram: unweighted counts by the stored edges, ends min and max
        edges, cnt = s["total_loss_hist_edges"][()], s["total_loss_hist_count"][()]
        check(edges[0] == tl.min() and edges[-1] == tl.max(), "histogram ends are not min, max")
        check(np.allclose(np.diff(edges), (tl.max() - tl.min()) / 50, rtol=1e-9), "unequal bins")
        want = [int(np.sum((tl >= edges[b]) & (tl < edges[b + 1]))) for b in range(50)]
        want[-1] += int(np.sum(tl == edges[-1]))
        eq("total_loss_hist_count", cnt, want)

        # annual losses: AAL, its se, return periods; the total then each sector
        def annual(A):
            aal = block_sum(w[:, None] * A if weighted else A) / (N * H)
            mi = np.cumsum(A, axis=1)[:, -1] / H
            wm = w * mi if weighted else mi
            mm = block_sum(wm) / N
            se = math.sqrt(block_sum((wm - mm) * (wm - mm)) / (N - 1)) / math.sqrt(N)
            if weighted:
                rp = [wquantile(A, np.repeat(w, H), 1 - 1 / r, N * H) if N * H >= r else np.nan
                      for r in R]
            else:
                xs = ordered(A)
                rp = [xs[krank(N * H, 1 - 1 / r) - 1] if N * H >= r else np.nan for r in R]
            return aal, se, rp

        al, sal = t["annual_loss"][()], t["sector_annual_loss"][()]
        aal, se, rp = annual(al)
        eq(tag + "aal", s["aal"][()], aal)
        eq(tag + "aal_se", s["aal_se"][()], se, 1e-15 if weighted else 0)
        eq(tag + "return_period_loss", s["return_period_loss"][()], rp)
        per = [annual(sal[:, :, j]) for j in range(S)]
        eq(tag + "sector_aal", s["sector_aal"][()], [p[0] for p in per])
        eq(tag + "sector_aal_se", s["sector_aal_se"][()], [p[1] for p in per],
           1e-15 if weighted else 0)
        eq(tag + "sector_return_period_loss", s["sector_return_period_loss"][()], [p[2] for p in per])

        # probabilities and means over the trials
        def avg(x):
            return block_sum(w * x if weighted else x) / N
        peak = t["mineral_shortfall_peak"][()]
        M = peak.shape[1]
        eq(tag + "mineral_shortage_prob", s["mineral_shortage_prob"][()],
           [avg((peak[:, m] > 0.01).astype(float)) for m in range(M)])
        empty = t["mineral_stockpile_empty_month"][()]
        ep = s["mineral_stockpile_empty_prob"][()]
        check(np.isnan(ep).sum() == M - 1, "one mineral (gallium) of the demo has a stockpile")
        for m in range(M):
            if not np.isnan(ep[m]):
                eq(tag + "mineral_stockpile_empty_prob", ep[m], avg((~np.isnan(empty[:, m])).astype(float)))
            else:
                check(np.isnan(empty[:, m]).all(), "NaN stockpile probability, but a stockpile ran empty")
        for var, tv in (("mineral_shortfall_mean_avg", "mineral_shortfall_mean"),
                        ("mineral_shortfall_months_avg", "mineral_shortfall_months"),
                        ("mineral_price_peak_avg", "mineral_price_peak"),
                        ("sector_inoperability_peak_avg", "sector_inoperability_peak"),
                        ("sector_inoperability_months_avg", "sector_inoperability_months")):
            X = t[tv][()]
            eq(tag + var, s[var][()], [avg(X[:, j]) for j in range(X.shape[1])])

        # /attribution: the ES 99 of the tail it divides, the summary's (weighted
        # in a weighted run), over the tail trials of docs/STUDIES.md (a)
        a = f["attribution"]
        series = [gl[:, j] + xc[:, j] for j in range(S)] + [tl]
        i99 = int(np.argmin(abs(E - 0.99)))
        summ99 = np.r_[s["sector_loss_es"][:, i99], s["total_loss_es"][i99]]
        if weighted:
            eq("attribution es99 (weighted ES 99)", a["es99"][()], [wes(x, w, 0.99, N) for x in series])
            eq("attribution tail_trials (weighted tail)", a["tail_trials"][()],
               [int((wtail(x, w, 0.99) > 0).sum()) for x in series])
        else:
            eq("attribution es99", a["es99"][()], [es_plain(x, 0.99) for x in series])
            eq("attribution tail_trials", a["tail_trials"][()],
               [math.floor(N - snap(N * 0.99)) + 1] * (S + 1))
        check(np.array_equal(a["es99"][()], summ99), "attribution es99 differs from the summary's ES 99")
        kind = np.array([k.decode() if isinstance(k, bytes) else k for k in a["source_kind"][()]])
        co = a["tail_co_es"][()]
        for fam in ("mineral", "country"):
            tot = co[:, (kind == fam) | (kind == "none")].sum(axis=1)
            check(np.allclose(tot, a["es99"][()], rtol=1e-12, atol=0),
                  "attribution: the %s family's co-ES do not add up to ES 99" % fam)

        if weighted:
            # /loss_tables, weighted: each year with its trial's weight, n = N H
            lt = f["loss_tables"]
            am = lt["annual_occurrence_max"][()]
            wy = np.repeat(w, H)
            oep = [[wquantile(am[:, :, j].ravel(), wy, 1 - 1 / r, N * H) if N * H >= r else np.nan
                    for r in R] for j in range(S + 1)]
            eq("loss_tables oep (weighted)", lt["oep"][()], oep)
            eq("loss_tables aep (weighted)", lt["aep"][()],
               np.vstack([s["sector_return_period_loss"][()], s["return_period_loss"][()][None]]))
            eq("loss_tables total aep_lo (weighted bootstrap, /summary's)", lt["aep_lo"][()][S],
               s["return_period_loss_ci_low"][()])
            eq("loss_tables total aep_hi (weighted bootstrap, /summary's)", lt["aep_hi"][()][S],
               s["return_period_loss_ci_high"][()])
            for j in range(S + 1):
                x = ordered(am[:, :, j])
                few = [np.isnan(v) or (x > v).sum() < 10 for v in lt["oep"][()][j]]
                check(np.array_equal(np.isnan(lt["oep_lo"][()][j]), np.array(few)),
                      "oep_lo of series %d not NaN exactly where fewer than 10 values lie above" % j)
        if not weighted:
            lt = f["loss_tables"]
            am = lt["annual_occurrence_max"][()]
            oep = [[ordered(am[:, :, j])[krank(N * H, 1 - 1 / r) - 1] if N * H >= r else np.nan
                    for r in R] for j in range(S + 1)]
            eq("loss_tables oep", lt["oep"][()], oep)
            eq("loss_tables aep", lt["aep"][()],
               np.vstack([s["sector_return_period_loss"][()], s["return_period_loss"][()][None]]))
            few = N * H / R < 10
            check(np.array_equal(np.isnan(lt["aep_lo"][()]).all(axis=0), few) and
                  np.array_equal(np.isnan(lt["aep_lo"][()]).any(axis=0), few),
                  "aep_lo is not NaN exactly where N H / R < 10")
            for k in ("total_loss_es99", "total_gva_loss_es99", "total_extra_cost_es99",
                      "return_period_loss_1in100"):
                lo, hi = s[k + "_ci_low"][()], s[k + "_ci_high"][()]
                check(np.isfinite(lo) and np.isfinite(hi) and lo <= hi,
                      "%s interval [%r, %r] at N = %d" % (k, lo, hi, N))


def main():
    minrisk, src = sys.argv[1], sys.argv[2]
    demo = os.path.join(src, "scenarios", "demo.yaml")
    env = dict(os.environ, OMP_NUM_THREADS="2")
    with tempfile.TemporaryDirectory() as d:
        plain, weighted = os.path.join(d, "plain.h5"), os.path.join(d, "weighted.h5")
        for out, extra in ((plain, ["--events"]), (weighted, ["--events", "--importance", "event/*=3"])):
            r = subprocess.run([minrisk, "run", demo, "--trials", str(N), "-q", "-o", out] + extra,
                               capture_output=True, text=True, env=env)
            if r.returncode != 0:
                print("FAIL: minrisk run %s: %s" % (" ".join(extra), r.stderr))
                return 1
        check_file(plain, False)
        check_file(weighted, True)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("ok: /summary recomputed from /trials (plain and weighted, N = %d)" % N)
    return 0


if __name__ == "__main__":
    sys.exit(main())
