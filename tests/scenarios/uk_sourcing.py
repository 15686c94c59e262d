#!/usr/bin/env python3
"""uk_sourcing.py - UK sourcing and the diversification cap on it, through
the engine (docs/MODEL.md §3u), worked by hand: usage: uk_sourcing.py MINRISK

Mineral x is refined in China only; the UK buys it all from China (the
open market's shares: no UK data). A sector needs x for all its output
(dependent_share 1, value added 1e9 GBP a year, no buffer, recovery_rate 1,
no A*). China's export control denies licences (lambda 0.5).

1. One certain occurrence, severity 0.5 through the second year (12 monthly
   steps). Licences denied: lambda x = 0.25 of the UK's purchases from China.
   - no policy: u_CN = 1, the UK loses 0.25 of its need for a year:
     value added lost 0.25 x 1e9 = 2.5e8 GBP;
   - cap 0.6, offtake to YY (no risk): u_CN = 0.6, 0.6 x 0.25 = 0.15 lost:
     1.5e8 GBP;
   - cap 0.6, offtake to XX, which has the same control at the same time:
     0.6 x 0.25 + 0.4 x 0.25 = 0.25: 2.5e8 GBP, as with no policy. (The
     restrictions on disjoint parts of the purchases add up; a product over
     countries, 1 - 0.85 x 0.9 = 0.235, would give 2.35e8.)
   World supply is untouched by the policy: the open market's price peaks
   are identical in all three.
2. Random controls instead (0.3 a year each, severity U(0.2, 0.8), 6
   months), common random numbers, 4,000 trials: offtake to XX with the same
   risk as China changes the mean value added lost by less than 4 standard
   errors of the paired difference; offtake to YY lowers it to 0.6 of the
   base (exactly so in a trial where no two controls on China overlap),
   checked as the mean of the paired difference, within 4 standard errors.
"""
import math
import os
import sys
import tempfile

from engine_run import run_trials

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

BASE = """name: uk sourcing check
simulation: {horizon_years: 3, steps_per_year: 12, trials: TRIALS, seed: 11}
countries:
  CN: {name: China}
  XX: {name: same risk}
  YY: {name: no risk}
minerals:
  x:
    demand_t: 100
    refining: [{country: CN, share: 1}]
    price: {ref: 1000, sigma: 0, elasticity: 1}
    market: {stock_months: 1, world_demand_t: 100000}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
  cn:
    country: CN
    minerals: [x]
    scope: exports
    licensing: 0.5
PROCESS"""
CERTAIN = """    rate_per_year: 0
    occurrences:
      - {start_years: 1, severity: 0.5, duration_months: 12}
"""
RANDOM = """    rate_per_year: 0.3
    severity: {uniform: [0.2, 0.8]}
    duration_months: 6
"""
XX_EVENT = """  xx:
    country: XX
    minerals: [x]
    scope: exports
    licensing: 0.5
PROCESS"""


def variants(process, trials):
    base = BASE.replace("PROCESS", process).replace("TRIALS", str(trials))
    same = (base + XX_EVENT.replace("PROCESS", process) +
            "policies:\n  diversification_cap: {cap: 0.6, offtake: {XX: 1}}\n")
    free = base + "policies:\n  diversification_cap: {cap: 0.6, offtake: {YY: 1}}\n"
    return {"base": base, "same": same, "free": free}


def trials(minrisk, tmp, name, text):
    t = run_trials(minrisk, tmp, name, text, ("sector_gva_loss", "mineral_price_peak"))
    return {"gva": t["sector_gva_loss"][:, 0], "peak": t["mineral_price_peak"][:, 0]}


def main():
    minrisk = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="uk-sourcing-") as tmp:
        certain = {k: trials(minrisk, tmp, "certain-" + k, v)
                   for k, v in variants(CERTAIN, 1).items()}
        rand = {k: trials(minrisk, tmp, "random-" + k, v)
                for k, v in variants(RANDOM, 4000).items()}
    for name, want in (("base", 2.5e8), ("free", 1.5e8), ("same", 2.5e8)):
        got = certain[name]["gva"][0]
        check(abs(got - want) <= 1e-9 * want,
              f"certain {name}: value added lost {got!r}, expected {want!r}")
    for name in ("free", "same"):
        for r in (certain, rand):
            check(np.array_equal(r[name]["peak"], r["base"]["peak"]),
                  f"{name}: the open market's price peaks moved with UK sourcing")
    base = rand["base"]["gva"]
    check(base.mean() > 0, "random base: no loss at all, the check would be empty")
    n = len(base)
    d = rand["same"]["gva"] - base
    z = d.mean() / (d.std(ddof=1) / math.sqrt(n))
    # not >= 4: a z of NaN (d all 0, no trial changed) passes, as it did
    check(not abs(z) >= 4, f"same risk: mean changed by {d.mean():.4g} GBP, z = {z:.2f}")
    e = rand["free"]["gva"] - 0.6 * base
    ze = e.mean() / (e.std(ddof=1) / math.sqrt(n)) if e.std() > 0 else 0.0
    check(abs(ze) < 4, f"no risk: mean {rand['free']['gva'].mean():.4g}, 0.6 x base "
          f"{0.6 * base.mean():.4g}, z = {ze:.2f}")
    check(rand["free"]["gva"].mean() < base.mean(), "no risk: the loss did not fall")
    print(f"uk_sourcing: random: same risk z = {z:.2f}, no risk "
          f"{rand['free']['gva'].mean() / base.mean():.4f} of the base "
          f"(0.6 expected, z = {ze:.2f})")
    return finish("uk_sourcing (certain 2.5e8 / 1.5e8 / 2.5e8 as worked by hand; random: same "
                  "risk within 4 standard errors, no risk 0.6 of the base; world prices "
                  "untouched)")


if __name__ == "__main__":
    sys.exit(main())
