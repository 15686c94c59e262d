#!/usr/bin/env python3
"""availability_floor.py - a stage's availability is at least 0 (docs/MODEL.md
§4), through the engine, worked by hand: usage: availability_floor.py MINRISK

The loader takes a stage's shares when they sum to 1 within 1e-9, and the
open market's shares after home uses (§3s, s'_c = e_c / D) sum to 1 only
within round-off. When every supplier of such a stage loses all its output,
`1 - lost` is then slightly below 0. One trial, monthly steps, one year,
no price noise; China and the rest of the world both lose all their
refining of v, w and x in months 0-1:

- v (no market), shares 0.6000000005 and 0.4: A = 0, the shortfall u is
  the whole need, 1, in months 0 and 1 (peak 1, mean 2/12), the open
  market's peak loss 1; the sector s needs v for all its output, so its
  direct inoperability is 1 (not above);
- w (a market, no stock), the same shares: peak loss 1, u = 1;
- x (a market) with China's home use 0.3 of world demand and refining
  China 0.9, rest 0.1: s'_CN = 0.6/0.7, s'_ROW = 0.1/0.7, whose sum is
  1 + 2.2e-16 in doubles: peak loss 1.

Until 2026-12-06 A was 1 - lost = -5e-10 for v and w (-2.2e-16 for x):
the peak loss and v's shortfall were 1.0000000005 (more than the whole
supply or need), and v's mean 0.16666666675 (found by the step-by-step
re-computation of tests/validation/recompute_market.py, which has x's
case).
"""
import sys
import tempfile

from engine_run import run_trials

TEXT = """name: availability floor check
simulation: {horizon_years: 1, steps_per_year: 12, trials: 1, seed: 1}
countries:
  CN: {name: China}
  ROW: {name: Rest of world, aggregate: true}
minerals:
  v:
    demand_t: 10
    refining:
      - {country: CN, share: 0.6000000005}
      - {country: ROW, share: 0.4}
    price: {ref: 100, sigma: 0, elasticity: 0.5, max_multiple: 8}
  w:
    demand_t: 10
    refining:
      - {country: CN, share: 0.6000000005}
      - {country: ROW, share: 0.4}
    price: {ref: 100, sigma: 0, elasticity: 0.5, max_multiple: 8}
    market: {stock_months: 0}
  x:
    demand_t: 10
    refining:
      - {country: CN, share: 0.9}
      - {country: ROW, share: 0.1}
    price: {ref: 100, sigma: 0, elasticity: 0.5, max_multiple: 8}
    market: {stock_months: 1, domestic_use: {CN: 0.3}}
sectors:
  s:
    output_gbp: 1.2e9
    needs:
      - {mineral: v, dependent_share: 1.0, demand_share: 0.5}
      - {mineral: w, dependent_share: 0.5, demand_share: 0.5}
      - {mineral: x, dependent_share: 0.5, demand_share: 0.5}
events:
""" + "".join(f"""  {c.lower()}:
    country: {c}
    minerals: [v, w, x]
    stages: [refining]
    rate_per_year: 0
    occurrences: [{{start_years: 0, severity: 1.0, duration_months: 2}}]
""" for c in ("CN", "ROW"))


def main():
    minrisk = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        r = run_trials(minrisk, tmp, "floor", TEXT,
                       ["mineral_market_loss_peak", "mineral_shortfall_peak",
                        "mineral_shortfall_mean", "sector_inoperability_peak",
                        "sector_gva_loss"])
    checks = [
        ("v: peak open-market loss", r["mineral_market_loss_peak"][0][0], 1.0),
        ("w: peak open-market loss", r["mineral_market_loss_peak"][0][1], 1.0),
        ("x: peak open-market loss", r["mineral_market_loss_peak"][0][2], 1.0),
        ("v: peak shortfall", r["mineral_shortfall_peak"][0][0], 1.0),
        ("w: peak shortfall", r["mineral_shortfall_peak"][0][1], 1.0),
        ("v: mean shortfall", r["mineral_shortfall_mean"][0][0], 2.0 / 12.0),
        ("s: peak inoperability", r["sector_inoperability_peak"][0][0], 1.0),
        # two months of the whole output: 2 x 1.2e9 / 12
        ("s: value added lost", r["sector_gva_loss"][0][0], 2.0e8),
    ]
    bad = 0
    for what, got, want in checks:
        ok = got == want if want != 2.0e8 else abs(got - want) <= 1e-6 * want
        print(f"{what}: {got!r} (hand-worked {want!r}){'' if ok else '  FAIL'}")
        bad += not ok
    print("FAILED" if bad else "OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
