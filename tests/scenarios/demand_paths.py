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
The open market's demand D_open moves with shares on paths where a country
has a home use (docs/MODEL.md §3s, §4): China's refining share {2024: 0.5,
2026: 0.9} with a home use of 0.6 is 0.6 at 2024.5, D_open = 1 - 0.6 = 0.4
there (0.5 at the start): the path run equals the run with China at 0.6
and differs from the one at 0.5.
"""
import os
import sys
import tempfile

import numpy as np

from engine_run import run_trials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

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
OPEN = """name: open market along share paths
simulation: {horizon_years: 1, steps_per_year: 1, trials: 1, seed: 5, start_year: 2024}
countries:
  CN: {name: China}
  RW: {name: rest of world}
minerals:
  x:
    demand_t: 30000
    refining: [{country: CN, share: CNS}, {country: RW, share: RWS}]
    price: {ref: 1000, sigma: 0, elasticity: 0.3}
    market: {stock_months: 1, world_demand_t: 200000, domestic_use: {CN: 0.6}}
sectors:
  s:
    output_gbp: 1.0e9
    gva_gbp: 0.5e9
    needs: [{mineral: x, dependent_share: 1, substitutable: 0, demand_share: 1,
             spend_gbp: 1.0e8}]
events:
  rw:
    country: RW
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 0, severity: 0.5, duration_months: 12}]
"""


def run(minrisk, tmp, name, demand, world):
    text = TEXT.replace("DEMAND", demand).replace("WORLD", world)
    return run_trials(minrisk, tmp, name, text, KEYS)


def main():
    minrisk = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="demand-paths-") as tmp:
        uk_path = run(minrisk, tmp, "uk-path", "{2024: 30000, 2026: 90000}", "200000")
        uk_mid = run(minrisk, tmp, "uk-mid", "45000", "200000")
        uk_low = run(minrisk, tmp, "uk-low", "30000", "200000")
        w_path = run(minrisk, tmp, "world-path", "45000", "{2024: 200000, 2026: 600000}")
        w_mid = run(minrisk, tmp, "world-mid", "45000", "300000")
        opened = {name: run_trials(minrisk, tmp, "open-" + name,
                                   OPEN.replace("CNS", cn).replace("RWS", rw), KEYS)
                  for name, cn, rw in (("path", "{2024: 0.5, 2026: 0.9}", "{2024: 0.5, 2026: 0.1}"),
                                       ("mid", "0.6", "0.4"), ("start", "0.5", "0.5"))}
    for k in KEYS:
        check(np.array_equal(uk_path[k], uk_mid[k]),
              f"demand_t path: {k} {uk_path[k]} differs from demand_t 45000's {uk_mid[k]}")
        check(np.array_equal(w_path[k], w_mid[k]),
              f"world_demand_t path: {k} {w_path[k]} differs from 300000's {w_mid[k]}")
    check(np.array_equal(opened["path"]["total_loss"], opened["mid"]["total_loss"]),
          "shares on paths: D_open not taken at the step's middle: %r against %r"
          % (opened["path"]["total_loss"], opened["mid"]["total_loss"]))
    check(not np.array_equal(opened["start"]["total_loss"], opened["mid"]["total_loss"]),
          "D_open does not move the loss: the check is empty")
    check(not np.array_equal(uk_low["mineral_price_peak"], uk_mid["mineral_price_peak"]),
          "the UK's demand does not move the clearing price: the check is empty")
    print("demand_paths: price peak %.12g (path), %.12g (45000), %.12g at 30000"
          % (uk_path["mineral_price_peak"][0, 0], uk_mid["mineral_price_peak"][0, 0],
             uk_low["mineral_price_peak"][0, 0]))
    return finish("demand_paths (demand_t and world_demand_t paths = their values at the step's "
                  "middle, bit for bit; D_open on share paths likewise)")


if __name__ == "__main__":
    sys.exit(main())
