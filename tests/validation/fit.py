#!/usr/bin/python3
"""Fit the shared market parameters on the fit episodes only (issue 12,
docs/VALIDATION.md).

The parameters fitted, the same for every mineral (docs/MODEL.md §5m):
  EPS   price.elasticity             short-run elasticity of demand
  LR    market.elasticity_long_run   long-run elasticity
  TE    market.substitution_months   months from the short to the long run
  TAU   market.stock_adjust_months   months stockholders take to close a gap
  ETA   market.stock_price_response  desired stock ~ P^-ETA
and one stock figure with no source: antimony's market.stock_months (KSB).
The rare-earth stock (3 months) is sourced and not fitted.

Every combination of the grid below is written into copies of the 'fit'
episodes of episodes.py (nothing else is read: the hold-out episodes are
never run here), run with minrisk, and scored:
  - combinations that fail a check of a fit episode are out;
  - the rest are ranked by the sum over the range checks of
    ln(value / centre)^2, centre the geometric mean of a two-sided range
    (a one-sided check adds nothing while it passes).
The chosen combination is printed; the episode files, the reference
scenarios and docs/VALIDATION.md carry it.

Which passing combination is chosen (--rule, chosen on 2026-12-03 in
session 4, before the fifth fit was run): the fourth fit's best score
(0.049) and the third's (0.066) were two points far apart in the grid, and
a 0.6-month change of one input flipped between them, so the score's
minimum is not a stable choice on a flat fit. From the fifth fit on the
rule is 'medoid': the passing combination whose summed distance to every
other passing combination is least, distances taken in grid steps scaled
to [0, 1] per parameter (the centre of the passing region, the point least
moved by a small change of the data); ties go to the lower score. 'score'
(the lowest score) was the rule of the first four fits.

  tests/validation/fit.py --minrisk build/minrisk [--jobs 2] [--top 10] [--rule medoid]
"""
import argparse
import itertools
import math
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import episodes  # noqa: E402
import validate  # noqa: E402

# The grid of 2026-12-03 (third fit, 1,296 points): the first grid's best
# point had three values on its edge (EPS 0.08, LR 1.0, TE 24) and TAU and
# ETA at an end; the second extended past those and left antimony's stock
# (KSB) on its edge; this one extends that too (docs/VALIDATION.md, "The fit").
GRID = {
    "EPS": [0.04, 0.06, 0.08, 0.12],
    "LR": [0.6, 0.8, 1.0],
    "TE": [24, 36, 48],
    "TAU": [0.5, 1, 2],
    "ETA": [1.5, 2, 3],
    "KSB": [3, 4, 5, 6],
}

KEYS = {  # parameter -> (regular expression of its value in an episode file)
    "EPS": r"(price: \{ref: [0-9.e+]+, sigma: 0, elasticity: )[0-9.]+",
    "LR": r"(elasticity_long_run: )[0-9.]+",
    "TE": r"(substitution_months: )[0-9.]+",
    "TAU": r"(stock_adjust_months: )[0-9.]+",
    "ETA": r"(stock_price_response: )[0-9.]+",
}


def substitute(text, name, p):
    for k, rx in KEYS.items():
        text, n = re.subn(rx, lambda m: m.group(1) + str(p[k]), text)
        if n == 0:
            raise SystemExit(f"fit.py: {name}: no '{k}' value to set")
    if name == "antimony-2024":
        text, n = re.subn(r"(stock_months: )[0-9.]+", lambda m: m.group(1) + str(p["KSB"]), text)
        if n != 1:
            raise SystemExit("fit.py: antimony-2024: expected one stock_months")
    return text


def score(rows, checks):
    s = 0.0
    for r, c in zip(rows, checks):
        if r["result"] != "PASS":
            return None
        lo, hi = c["lo"], c["hi"]
        v = r["value"]
        if lo is not None and hi is not None and v > 0:
            s += math.log(v / math.sqrt(lo * hi)) ** 2
    return s


def medoid(ok, keys):
    """The passing combination with the least summed distance to the others
    (grid indices scaled to [0, 1] per parameter); ties to the lower score."""
    def pos(p):
        return [GRID[k].index(p[k]) / max(1, len(GRID[k]) - 1) for k in keys]
    xs = [pos(p) for _, p, _ in ok]
    def total(i):
        return sum(math.dist(xs[i], x) for x in xs)
    return min(range(len(ok)), key=lambda i: (total(i), ok[i][0]))


def run_point(args, tmp, i, p):
    rows_all, checks_all = [], []
    for ep in [e for e in episodes.EPISODES if e["role"] == "fit"]:
        name = episodes.name_of(ep)
        text = open(os.path.join(HERE, ep["file"])).read()
        d = os.path.join(tmp, f"p{i}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, ep["file"]), "w") as f:
            f.write(substitute(text, name, p))
        rows = validate.run_episode(ep, args.minrisk, d, d)
        rows_all += rows
        checks_all += ep["checks"]
    return p, rows_all, score(rows_all, checks_all)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--rule", choices=["medoid", "score"], default="medoid",
                    help="which passing combination is chosen (see above)")
    args = ap.parse_args()
    keys = list(GRID)
    points = [dict(zip(keys, v)) for v in itertools.product(*(GRID[k] for k in keys))]
    print(f"fit.py: {len(points)} combinations of {', '.join(keys)}", file=sys.stderr)
    res = []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as ex:
        for k, (p, rows, s) in enumerate(ex.map(lambda a: run_point(args, tmp, *a),
                                               enumerate(points))):
            res.append((s, p, rows))
            if (k + 1) % 100 == 0:
                print(f"fit.py: {k + 1} of {len(points)}", file=sys.stderr)
    ok = sorted([r for r in res if r[0] is not None], key=lambda r: r[0])
    print(f"{len(ok)} of {len(res)} combinations pass every fit check")
    for s, p, rows in ok[: args.top]:
        vals = "; ".join(f"{r['check']} {r['model']}" for r in rows)
        print(f"score {s:.4f}: " + " ".join(f"{k}={p[k]}" for k in keys) + f"  [{vals}]")
    if ok:
        s, p, rows = ok[0] if args.rule == "score" else ok[medoid(ok, keys)]
        print(f"chosen ({args.rule}): score {s:.4f}: " + " ".join(f"{k}={p[k]}" for k in keys))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
