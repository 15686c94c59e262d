#!/usr/bin/env python3
"""demand_paths.py - the UK's and the world's demand as time paths, through
the engine (docs/MODEL.md §5m "Demand along time paths"): usage:
demand_paths.py MINRISK

The UK's and the world's demand in tonnes enter a trial only through the
UK needs' weights in the market's clearing, w_q(t) = D_UK(t) delta_q /
(D_world(t) open), which a path makes step by step. One yearly step from
1 January 2024, so the step takes the paths at 2024.5, and a certain
export control halves the only refiner's exports (the market clears away
from rest):
- demand_t {2024: 30000, 2026: 90000} is 45000 at 2024.5: every trial
  figure equals that of demand_t 45000 (bit for bit: the same clearing);
- world_demand_t {2024: 200000, 2026: 600000} is 300000 there: equal to
  world_demand_t 300000;
- and the weights matter: demand_t 30000 gives another price, so the check
  can fail.
"""
import sys
import tempfile

import numpy as np

from engine_run import run_trials

TEXT = """name: demand path check
simulation: {horizon_years: 1, steps_per_year: 1, trials: 1, seed: 5, start_year: 2024}
countries:
  CN: {name: China}
minerals:
  x:
    demand_t: DEMAND
    refining: [{country: CN, share: 1}]
    price: {ref: 1000, sigma: 0, elasticity: 0.3}
    market: {stock_months: 1, world_demand_t: WORLD}
sectors:
  s:
    output_gbp: 1.0e9
    gva_gbp: 0.5e9
    needs: [{mineral: x, dependent_share: 1, substitutable: 0, demand_share: 1,
             spend_gbp: 1.0e8}]
events:
  cn:
    country: CN
    minerals: [x]
    scope: exports
    rate_per_year: 0
    occurrences: [{start_years: 0, severity: 0.5, duration_months: 12}]
"""
KEYS = ("mineral_price_peak", "total_loss", "sector_extra_cost")


def run(minrisk, tmp, name, demand, world):
    text = TEXT.replace("DEMAND", demand).replace("WORLD", world)
    return run_trials(minrisk, tmp, name, text, KEYS)


def main():
    minrisk = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="demand-paths-") as tmp:
        uk_path = run(minrisk, tmp, "uk-path", "{2024: 30000, 2026: 90000}", "200000")
        uk_mid = run(minrisk, tmp, "uk-mid", "45000", "200000")
        uk_low = run(minrisk, tmp, "uk-low", "30000", "200000")
        w_path = run(minrisk, tmp, "world-path", "45000", "{2024: 200000, 2026: 600000}")
        w_mid = run(minrisk, tmp, "world-mid", "45000", "300000")
    for k in KEYS:
        if not np.array_equal(uk_path[k], uk_mid[k]):
            failures.append(f"demand_t path: {k} {uk_path[k]} differs from demand_t 45000's "
                            f"{uk_mid[k]}")
        if not np.array_equal(w_path[k], w_mid[k]):
            failures.append(f"world_demand_t path: {k} {w_path[k]} differs from 300000's "
                            f"{w_mid[k]}")
    if np.array_equal(uk_low["mineral_price_peak"], uk_mid["mineral_price_peak"]):
        failures.append("the UK's demand does not move the clearing price: the check is empty")
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print("demand_paths: price peak %.12g (path) = %.12g (45000), %.12g at 30000; world path "
          "= 300000" % (uk_path["mineral_price_peak"][0, 0], uk_mid["mineral_price_peak"][0, 0],
                        uk_low["mineral_price_peak"][0, 0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
