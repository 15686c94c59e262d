#!/usr/bin/python3
"""compare_file.py - a `minrisk compare` file against an independent
computation over its stored per-trial data (numpy, exact rational ranks).

usage: compare_file.py FILE.h5 same|changed [UNCHANGED_SECTOR ...]

same:    A and B are the same scenario: every estimate 0 and ci_lo == ci_hi
         == 0, a == b, VRF inf (B - A is 0 in every trial).
changed: each statistic's a, b and estimate, and the mean's interval and
         the VRF, recomputed from /runs/a/trials and /runs/b/trials; the
         named sectors must not change at all (zero-width intervals).
Exits 1 with a line per failure.
"""
import math
import sys
from fractions import Fraction

import h5py
import numpy as np

Z95 = 1.959963984540054
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def rank(n, p):
    """k = ceil(n p) with p the decimal it is written as, clamped to [1, n]."""
    return min(max(math.ceil(n * Fraction(p)), 1), n)


def quantile(v, p):
    s = np.sort(v)
    return s[rank(len(s), p) - 1]


def es(v, p):
    s = np.sort(v)
    n = len(s)
    k = rank(n, p)
    np_ = n * Fraction(p)
    return float(((k - np_) * Fraction(s[k - 1]) + sum(Fraction(x) for x in s[k:])) / (n - np_))


def close(got, want, rel=1e-9, scale=1.0):
    return abs(got - want) <= rel * max(abs(want), scale)


def stats(x, annual):
    return [x.mean(), quantile(x, "0.95"), quantile(x, "0.99"), es(x, "0.99"),
            quantile(annual.ravel(), "0.99") if annual is not None else math.nan]


def main():
    path, mode, unchanged = sys.argv[1], sys.argv[2], sys.argv[3:]
    f = h5py.File(path, "r")
    check(f.attrs["kind"] == "compare", "root attribute kind is not 'compare'")
    d = f["difference"]
    series = [s.decode() for s in d["series"][()]]
    stat = [s.decode() for s in d["statistic"][()]]
    check(stat == ["mean", "var95", "var99", "es99", "annual_1in100"], f"statistic = {stat}")
    ids_a = [s.decode() for s in f["runs/a/trials/sector"][()]]
    ids_b = [s.decode() for s in f["runs/b/trials/sector"][()]]
    check(series == ids_a + ["total"], f"series {series} is not A's sectors + total")
    for name in ("estimate", "ci_lo", "ci_hi", "a", "b"):
        check(d[name].attrs["units"] == "GBP" and d[name].shape == (len(series), 5),
              f"{name}: units or shape")
        check(len(d[name].attrs["description"]) > 10, f"{name}: no description")
    check(d["variance_reduction"].attrs["units"] == "1", "variance_reduction units")
    check([s.decode() for s in d["run_group"][()]] == ["runs/a", "runs/b"], "run_group")
    est, lo, hi = d["estimate"][()], d["ci_lo"][()], d["ci_hi"][()]
    va, vb, vrf = d["a"][()], d["b"][()], d["variance_reduction"][()]
    nboot = int(d["bootstrap_resamples"][()])
    check(f["runs/a"].attrs["seed"] == f["runs/b"].attrs["seed"], "the runs' seeds differ")
    check(f["runs/a"].attrs["trials"] == f["runs/b"].attrs["trials"], "the runs' trials differ")

    if mode == "same":
        check(np.all(est == 0) and np.all(lo == 0) and np.all(hi == 0),
              f"same scenario: estimate/ci not all 0: {est} {lo} {hi}")
        check(np.array_equal(va, vb), "same scenario: a != b")
        check(np.all(np.isinf(vrf)), f"same scenario: VRF {vrf}, expected inf")
    else:
        ta, tb = f["runs/a/trials"], f["runs/b/trials"]
        n = ta["total_loss"].shape[0]
        for s, name in enumerate(series):
            if name == "total":
                x, y = ta["total_loss"][()], tb["total_loss"][()]
                ax, ay = ta["annual_loss"][()], tb["annual_loss"][()]
            else:
                ja, jb = ids_a.index(name), ids_b.index(name)
                x = ta["sector_output_loss"][:, ja] + ta["sector_extra_cost"][:, ja]
                y = tb["sector_output_loss"][:, jb] + tb["sector_extra_cost"][:, jb]
                ax = ay = None  # per-sector annual losses are not stored
            sa, sb = stats(x, ax), stats(y, ay)
            scale = max(abs(x).max(), 1.0)
            for k in range(5 if ax is not None else 4):
                check(close(va[s, k], sa[k], scale=scale), f"{name} {stat[k]}: a {va[s, k]} != {sa[k]}")
                check(close(vb[s, k], sb[k], scale=scale), f"{name} {stat[k]}: b {vb[s, k]} != {sb[k]}")
                check(close(est[s, k], sb[k] - sa[k], scale=scale),
                      f"{name} {stat[k]}: estimate {est[s, k]} != {sb[k] - sa[k]}")
                if k > 0 and nboot > 0:
                    check(lo[s, k] <= hi[s, k], f"{name} {stat[k]}: ci_lo > ci_hi")
            dd = y - x
            half = Z95 * dd.std(ddof=1) / math.sqrt(n)
            m = y.mean() - x.mean()
            check(close(lo[s, 0], m - half, scale=scale), f"{name} mean: ci_lo {lo[s, 0]} != {m - half}")
            check(close(hi[s, 0], m + half, scale=scale), f"{name} mean: ci_hi {hi[s, 0]} != {m + half}")
            den = dd.var(ddof=1)
            want = (x.var(ddof=1) + y.var(ddof=1)) / den if den > 0 else math.inf
            check(close(vrf[s], want, rel=1e-8) if math.isfinite(want) else vrf[s] == want,
                  f"{name}: VRF {vrf[s]} != {want}")
            if name in unchanged:
                check(np.array_equal(x, y), f"{name}: per-trial losses changed")
                check(np.all(est[s] == 0) and np.all(lo[s] == 0) and np.all(hi[s] == 0),
                      f"{name}: unchanged sector has nonzero estimate or interval")
            # the run's own /summary agrees (block-ordered sums: last bits)
        check(close(va[-1, 0], f["runs/a/summary/total_loss_mean"][()], rel=1e-12),
              "a mean != runs/a/summary/total_loss_mean")
        check(any(np.any(est[s] != 0) for s in range(len(series))), "nothing changed")
    for line in fails:
        print(f"FAIL: {path}: {line}", file=sys.stderr)
    if not fails:
        print(f"{path}: {mode}: {len(series)} series x 5 statistics agree")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
