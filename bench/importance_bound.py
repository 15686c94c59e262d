#!/usr/bin/python3
"""importance_bound.py EVENTS.h5 [NONOISE.h5] - how much any importance
sampling that acts on a given part of the model could narrow the interval
of the 1-in-1,000 annual total loss (issue 16; bench/RESULTS.md, "Why the
UK annual tail does not narrow").

For an indicator h = [L >= VaR] of probability p and a partition of the
trial-years into cells c (P_c the cell's probability, T_c = P(h, c) its
tail mass), the best importance sampling whose likelihood ratio depends
on the cell alone (within a cell the law is kept) samples cell c with
probability proportional to sqrt(P_c T_c) and has second moment
(sum_c sqrt(P_c T_c))^2; against plain Monte Carlo (variance p (1 - p),
about p) its variance reduction factor is

    p / (sum_c sqrt(P_c T_c))^2.

A tilt of the disruption rates changes the law of the occurrence counts
only, so the partitions by the occurrences active in the year show about
what a rate tilt can gain (estimated from one run: sparse cells make the
figure optimistic). The partition by the year's loss without price
noise (NONOISE.h5: the same scenario, seed and trials with every price
sigma set to 0, so the disruptions are the same) is an oracle over every
mark of the disruptions at once, the most any tilt of the disruption
processes (rates, severities, durations, regimes) could gain.

    build/minrisk run scenarios/uk-2024.yaml -o ev.h5 --trials 20000 --events -q
    sed -E 's/^(      sigma: )[0-9.]+/\\10/' scenarios/uk-2024.yaml > /tmp/nonoise.yaml
    build/minrisk run /tmp/nonoise.yaml -o nn.h5 --trials 20000 -q
    bench/importance_bound.py ev.h5 nn.h5
"""
import collections
import sys

import h5py
import numpy as np

P = 0.999


def bound(cells, tail):
    """p / (sum_c sqrt(P_c T_c))^2 over the cells (integer labels)."""
    s = 0.0
    for c in np.unique(cells):
        in_c = cells == c
        s += np.sqrt(in_c.mean() * (tail & in_c).mean())
    return tail.mean() / s**2


def active_counts(f, T, H, names):
    """[T * H] occurrences of the processes named (prefix match) active in
    each trial-year."""
    e = f["events"]
    procs = [x.decode() if isinstance(x, bytes) else x for x in e["process"][:]]
    want = np.array([any(p.startswith(n) for n in names) for p in procs])
    pi, tr = e["process_index"][:].astype(np.int64), e["trial"][:].astype(np.int64)
    st, act = e["start_step"][:].astype(np.int64), e["active_steps"][:].astype(np.int64)
    steps = f["summary/inoperability_band"].shape[0] // H  # steps a year
    sel = want[pi] & (act > 0)
    out = np.zeros(T * H, dtype=np.int64)
    for t, s, a in zip(tr[sel], st[sel], act[sel]):
        y0, y1 = s // steps, (s + a - 1) // steps
        out[t * H + y0:t * H + min(y1, H - 1) + 1] += 1
    return out


def main():
    f = h5py.File(sys.argv[1])
    a = f["trials/annual_loss"][:]
    T, H = a.shape
    a = a.ravel()
    tail = a >= np.quantile(a, P)
    print(f"{sys.argv[1]}: {T} trials x {H} years, VaR {P:g} of the annual total loss "
          f"{np.quantile(a, P) / 1e6:.1f} GBP m, {tail.sum()} trial-years at or above it")
    if "events" in f:
        for label, names in (("China's REE controls", ["event/cn-controls-ree"]),
                             ("China's REE controls and quotas (pairs)", None),
                             ("every Chinese process", ["event/cn-", "country/CN"])):
            if names is None:
                c1 = np.minimum(active_counts(f, T, H, ["event/cn-controls-ree"]), 4)
                c2 = np.minimum(active_counts(f, T, H, ["event/cn-ree-quotas"]), 1)
                cells = c1 * 2 + c2
            else:
                cells = np.minimum(active_counts(f, T, H, names), 7)
            cnt = collections.Counter(cells[tail])
            print(f"  cells by active occurrences of {label}: best variance reduction "
                  f"{bound(cells, tail):.2f} (tail years by cell: {dict(sorted(cnt.items()))})")
    if len(sys.argv) > 2:
        b = h5py.File(sys.argv[2])["trials/annual_loss"][:].ravel()
        for nb in (10, 20, 50):
            edges = np.quantile(b, np.linspace(0, 1, nb + 1))[1:-1]
            cells = np.searchsorted(edges, b, side="right")
            print(f"  {nb} equal cells of the year's loss without price noise (an oracle over "
                  f"the disruptions): best variance reduction {bound(cells, tail):.2f}")
        d = a - b
        print(f"  price noise's part of the annual loss: sd {d.std() / 1e6:.1f} GBP m over all "
              f"years, mean {d[tail].mean() / 1e6:.1f} GBP m in the tail years "
              f"(their loss without noise: mean {b[tail].mean() / 1e6:.1f} GBP m)")


if __name__ == "__main__":
    main()
