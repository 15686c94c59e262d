#!/usr/bin/python3
"""importance_tail.py FILE.h5 [FILE.h5 ...] - the 1-in-1,000 annual total loss
(VaR 99.9 of the N x H annual losses) and ES 99.9 of a run, and the same of
the total loss over the horizon (one value a trial), weighted by
/trials/weight when the file has it, with 95% percentile-bootstrap intervals
(400 resamples of the trials, a trial's years together), on the estimator
definitions of docs/OUTPUT.md "Weighted estimators" (bench/RESULTS.md,
"Importance sampling"). Prints one line a file, and the width ratios
against the first file.
"""
import sys

import h5py
import numpy as np

P, B = 0.999, 400


def var_es(xs, ws, tri, counts, n, p):
    w = ws * counts[tri] if counts is not None else ws
    limit = n - n * p
    above = np.concatenate([np.cumsum(w[::-1])[::-1][1:], [0.0]])  # weight strictly above k
    k = int(np.argmax(above <= limit))  # smallest k with weight above <= limit
    v = xs[k]
    sel = xs > v
    sw, swx = w[sel].sum(), (w[sel] * xs[sel]).sum()
    return v, (swx + (limit - sw) * v) / limit


def main():
    ref = {}
    for path in sys.argv[1:]:
        for var in ("annual_loss", "total_loss"):
            ref[var] = one(path, var, ref.get(var))


def one(path, var, ref):
    if True:
        with h5py.File(path, "r") as f:
            a = f["trials/" + var][()]
            if a.ndim == 1:
                a = a[:, None]
            N, H = a.shape
            w = f["trials/weight"][()] if "weight" in f["trials"] else np.ones(N)
            wall = float(f["run_info"].attrs.get("wall_seconds", np.nan)) if "run_info" in f else np.nan
        x = a.ravel()
        we = np.repeat(w, H)
        o = np.argsort(x, kind="stable")
        xs, ws, tri = x[o], we[o], (o // H)
        n = float(N * H)
        v, es = var_es(xs, ws, tri, None, n, P)
        rng = np.random.default_rng(16)
        reps = np.empty((B, 2))
        for b in range(B):
            c = np.bincount(rng.integers(0, N, N), minlength=N).astype(float)
            reps[b] = var_es(xs, ws, tri, c, n, P)
        lo, hi = np.quantile(reps, [0.025, 0.975], axis=0, method="inverted_cdf")
        ess = w.sum() ** 2 / (w ** 2).sum()
        widths = hi - lo
        line = ("%s %s: N %d, ESS %.0f, VaR99.9 %.4g GBP [%.4g, %.4g], ES99.9 %.4g "
                "[%.4g, %.4g], wall %.1f s" % (path, var, N, ess, v, lo[0], hi[0], es, lo[1], hi[1],
                                              wall))
        if ref is not None:
            line += "; interval width ratio vs first: VaR %.2f, ES %.2f" % tuple(widths / ref)
        print(line)
        return widths if ref is None else ref


if __name__ == "__main__":
    main()
