#!/usr/bin/python3
"""One-at-a-time sensitivity of the uk-2024 headline (issue 12, item 7).

Each parameter below is scaled by 0.8 and by 1.2 in a copy of
scenarios/uk-2024.yaml (every mineral, sector or event it applies to at
once), the copy is run with the same seed and trials (common random
numbers: the disruptions are the same trial by trial), and the elasticity
of the mean headline loss is

    e = (ln mean(1.2) - ln mean(0.8)) / (ln 1.2 - ln 0.8),

with its standard error from the paired per-trial differences (delta
method). The table is sorted by |e|.

    tests/validation/sensitivity.py --minrisk build/minrisk [--trials 20000]
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCEN = os.path.join(HERE, "..", "..", "scenarios", "uk-2024.yaml")

# name -> (regular expression whose group 2 is the number to scale, what)
PARAMS = {
    "price.elasticity (short run)": (r"(\n      elasticity: )([0-9.e+-]+)", "every mineral"),
    "market.elasticity_long_run": (r"(elasticity_long_run: )([0-9.e+-]+)", "every mineral"),
    "market.substitution_months": (r"(substitution_months: )([0-9.e+-]+)", "every mineral"),
    "market.stock_months": (r"(stock_months: )([0-9.e+-]+)", "every mineral"),
    "market.stock_adjust_months": (r"(stock_adjust_months: )([0-9.e+-]+)", "every mineral"),
    "market.stock_price_response": (r"(stock_price_response: )([0-9.e+-]+)", "every mineral"),
    "market.domestic_use": (r"(domestic_use: \{CN: )([0-9.e+-]+)",
                            "China's home use, 7 minerals (x0.9 and x1.1: 0.85 x 1.2 > 1)"),
    "needs spend_gbp": (r"(spend_gbp: )([0-9.e+-]+)", "every need"),
    "China export-control rate": (r"(rate_per_year: )(0\.1)(    # 1/year: historic 0\.07-0\.13 per mineral)",
                                  "the five cn-controls-* events"),
    "China regime tense_multiplier": (r"(tense_multiplier: )([0-9.e+-]+)", "CN"),
    "price.sigma (noise)": (r"(\n      sigma: )([0-9.e+-]+)", "every mineral"),
}


# parameters whose pattern must match an exact number of places
EXPECT = {"China export-control rate": 5}


def scaled(text, rx, f, name=None):
    def rep(m):
        v = float(m.group(2)) * f
        return m.group(1) + repr(v) + (m.group(3) if m.lastindex and m.lastindex >= 3 else "")
    out, n = re.subn(rx, rep, text)
    if n == 0 or (name in EXPECT and n != EXPECT[name]):
        raise SystemExit(f"sensitivity.py: {n} matches for {rx}"
                         + (f", expected {EXPECT[name]}" if name in EXPECT else ""))
    return out


def run(minrisk, text, tmp, tag, trials):
    y = os.path.join(tmp, tag + ".yaml")
    h = os.path.join(tmp, tag + ".h5")
    with open(y, "w") as f:
        f.write(text)
    subprocess.run([minrisk, "run", y, "-o", h, "-q", "--trials", str(trials)], check=True)
    with h5py.File(h, "r") as f:
        x = f["trials/total_loss"][()]
    os.remove(h)
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--trials", type=int, default=20000)
    a = ap.parse_args()
    base = open(SCEN).read()
    # the copy lives elsewhere: the scenario's own extends-free text is enough
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        x0 = run(a.minrisk, base, tmp, "base", a.trials)
        m0 = x0.mean()
        for name, (rx, what) in PARAMS.items():
            step = 0.1 if name == "market.domestic_use" else 0.2
            lo = run(a.minrisk, scaled(base, rx, 1 - step, name), tmp, "lo", a.trials)
            hi = run(a.minrisk, scaled(base, rx, 1 + step, name), tmp, "hi", a.trials)
            ml, mh = lo.mean(), hi.mean()
            d = math.log(1 + step) - math.log(1 - step)
            e = (math.log(mh) - math.log(ml)) / d
            # delta method on the paired trials: var(ln mh - ln ml)
            g = hi / mh - lo / ml
            se = float(np.std(g, ddof=1) / math.sqrt(len(g))) / d
            rows.append((name, what, ml, mh, e, se))
            print(f"{name}: {e:+.2f} +- {se:.2f}", file=sys.stderr)
    rows.sort(key=lambda r: -abs(r[4]))
    print(f"uk-2024, {a.trials} trials, seed of the file; mean headline loss over 10 years "
          f"GBP {m0 / 1e6:,.1f} m at the reference values.\n")
    print("| parameter (scaled x0.8 and x1.2) | applies to | mean low, GBP m | "
          "mean high, GBP m | elasticity of the mean | its SE |")
    print("|---|---|---:|---:|---:|---:|")
    for name, what, ml, mh, e, se in rows:
        print(f"| {name} | {what} | {ml / 1e6:,.1f} | {mh / 1e6:,.1f} | {e:+.2f} | {se:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
