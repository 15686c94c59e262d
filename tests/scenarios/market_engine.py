#!/usr/bin/env python3
"""market_engine.py - hand-worked checks of the market layer's supply side
in the engine (docs/MODEL.md §3s, §6m), on one-trial scenarios with no
noise: usage: market_engine.py MINRISK

1. An export control: CN refining 0.9 (spare 0.3), ROW 0.1 (spare 0.1),
   spare at once. Withholding half of CN's exports loses 0.45 of the open
   market; CN's own spare capacity does not replace it, ROW's does:
   0.1 x 0.1 = 0.01, so the peak loss is 0.44. The same occurrence as a
   production loss is met by both: min(0.45, 0.9 x 0.3 x 0.5 + 0.01 =
   0.145), so the peak loss is 0.305.
2. An export ban on the mining stage of a mineral that also has refining
   counts one control action.
3. Licensing 1 on the same export control denies UK buyers 1 x 0.5 x 0.9
   = 0.45 of their need, whatever the price: the UK's peak physical
   shortfall is 0.45 (no recycling, no stockpile).
4. A rush before the same export control (rush_months 2 on the
   occurrence): 2 x 0.9 = 1.8 months of the open market's demand join x's
   commercial stock on the control's first step. With no stock at rest
   (K-bar = 0) the stockholders release S = K / tau_s whatever the price
   (tau_s = 2 months, under the cap K / h), so consumption is 0.56 + 0.9
   on step 0 (stock 0.9 left), 0.56 + 0.45 on step 1 (0.45 left) and
   0.56 + 0.225 on step 2: only step 2 falls short of demand, by 0.215
   month-fractions (mineral_demand_destroyed, months). Without the rush
   every step of the control consumes 0.56: 3 x 0.44 = 1.32.
5. Two stages hit at once (docs/MODEL.md §4): y's mining loses the DRC's
   0.7 (the ban, no spare: A_mining = 0.3) while a production loss of 0.5
   hits China's refining (its only refiner: A_refining = 0.5). Refiners
   draw on the world's ore, so the shorter stage bounds supply: the peak
   open-market loss is 1 - min(0.3, 0.5) = 0.7 (the product of the two
   stages, which model v1 used, would give 1 - 0.15 = 0.85). Without the
   refining loss it is 0.7 too: 1 - 0.3. With a refining loss of 0.9
   instead, refining is the shorter stage: 1 - min(0.3, 0.1) = 0.9 (the
   product: 0.97). (The DRC's ban is an export control on ore, which
   withholds ore from the world's refiners: a loss of the mining stage
   like any other.) The 0.5 on China's refining as an export control
   instead withholds what its refineries still make: the two compound,
   1 - 0.3 x (1 - 0.5) = 0.85 (docs/MODEL.md §4).
6. The return to rest of a market with no stock at rest (K-bar = 0) after
   a rush (REST below; eps_SR 0.2, eps_LR 2, tau_e 6 months, no spare): a
   control of 0.1 at t = 0 with rush_months 2 puts 1.8 months into the
   stock, which the stockholders release at K / tau_s (tau_s = 2): it
   halves every step and never reaches 0 exactly. A second control of 0.5
   at month 18 leaves A = 1 - 0.9 x 0.5 = 0.55, and if the market is back
   at rest (age 0: eps = 0.2, no stock) the price is 0.55^(-1 / 0.2) =
   19.8695x, the peak of the two years (the first control with its stock
   stays below 1.2x). Until 2026-12-06 the rest test |K - K-bar| <= 1e-3
   K-bar needed K = 0 exactly, so the market never came back to rest: at
   month 18 its shortage was 18 months old, eps = 2 - 1.8 e^-3 = 1.91, and
   the peak was 1.37x.
"""
import os
import subprocess
import sys
import tempfile

import h5py

BASE = """name: market engine check
simulation: {horizon_years: 1, steps_per_year: 12, trials: 1, seed: 1}
countries:
  CN: {name: China}
  CD: {name: Congo}
  ROW: {name: Rest of world, aggregate: true}
minerals:
  x:
    demand_t: 100
    refining:
      - {country: CN, share: 0.9, spare: 0.3}
      - {country: ROW, share: 0.1, spare: 0.1}
    price: {ref: 1000, sigma: 0, elasticity: 0.5, max_multiple: 1000}
    market: {stock_months: 0, stock_adjust_months: 2}
  y:
    demand_t: 100
    mining:
      - {country: CD, share: 0.7}
      - {country: ROW, share: 0.3}
    refining:
      - {country: CN, share: 1.0}
    price: {ref: 1000, sigma: 0, elasticity: 0.5, max_multiple: 1000}
    market: {}
sectors:
  s:
    output_gbp: 1e9
    gva_gbp: 0.5e9
    needs:
      - {mineral: x, dependent_share: 0.1, demand_share: 0.5, spend_gbp: 1e6}
      - {mineral: y, dependent_share: 0.1, demand_share: 0.5, spend_gbp: 1e6}
events:
  cn-x:
    country: CN
    minerals: [x]
    stages: [refining]
    scope: SCOPE
    LICENSING
    rate_per_year: 0
    severity: 0.5
    duration_months: 3
    occurrences: [{start_years: 0, severity: 0.5, duration_months: 3RUSH}]
  cd-y:
    country: CD
    minerals: [y]
    stages: [mining]
    scope: exports
    rate_per_year: 0
    severity: 1
    duration_months: 2
    occurrences: [{start_years: 0, severity: 1, duration_months: 2}]
EXTRA"""

CN_Y = """  cn-y:
    country: CN
    minerals: [y]
    stages: [refining]
    scope: CNSCOPE
    rate_per_year: 0
    severity: SEV
    duration_months: 2
    occurrences: [{start_years: 0, severity: SEV, duration_months: 2}]
"""

REST = """name: market return to rest
simulation: {horizon_years: 2, steps_per_year: 12, trials: 1, seed: 1}
countries:
  CN: {name: China}
  ROW: {name: Rest of world, aggregate: true}
minerals:
  x:
    demand_t: 100
    refining:
      - {country: CN, share: 0.9}
      - {country: ROW, share: 0.1}
    price: {ref: 1000, sigma: 0, elasticity: 0.2, max_multiple: 1000}
    market: {stock_months: 0, stock_adjust_months: 2, elasticity_long_run: 2,
             substitution_months: 6}
sectors:
  s:
    output_gbp: 1e9
    gva_gbp: 0.5e9
    needs:
      - {mineral: x, dependent_share: 0.1, demand_share: 0.5, spend_gbp: 1e6}
events:
  first:
    country: CN
    minerals: [x]
    stages: [refining]
    scope: exports
    rate_per_year: 0
    severity: 0.1
    duration_months: 1
    occurrences: [{start_years: 0, severity: 0.1, duration_months: 1, rush_months: 2}]
  second:
    country: CN
    minerals: [x]
    stages: [refining]
    scope: exports
    rate_per_year: 0
    severity: 0.5
    duration_months: 1
    occurrences: [{start_years: 1.5, severity: 0.5, duration_months: 1}]
"""


def run_text(minrisk, tmp, text, names):
    """Run the scenario text; trial 0's values of /trials/<name>."""
    y, h = os.path.join(tmp, "s.yaml"), os.path.join(tmp, "s.h5")
    with open(y, "w") as f:
        f.write(text)
    if os.path.exists(h):
        os.remove(h)
    subprocess.run([minrisk, "run", y, "-o", h, "-q"], check=True)
    with h5py.File(h, "r") as f:
        return {k: f["trials/" + k][0] for k in names}


def run(minrisk, tmp, scope, licensing, rush=None, extra=""):
    text = BASE.replace("EXTRA", extra).replace("SCOPE", scope).replace(
        "LICENSING", f"licensing: {licensing}" if licensing else "").replace(
        "RUSH", f", rush_months: {rush}" if rush else "")
    return run_text(minrisk, tmp, text,
                    ("mineral_market_loss_peak", "mineral_control_actions",
                     "mineral_shortfall_peak", "mineral_demand_destroyed"))


def main():
    minrisk = sys.argv[1]
    bad = []

    def near(what, got, want):
        if abs(got - want) > 1e-12:
            bad.append(f"{what}: {got!r}, expected {want!r}")

    with tempfile.TemporaryDirectory() as tmp:
        e = run(minrisk, tmp, "exports", None)
        near("exports: peak open-market loss of x", e["mineral_market_loss_peak"][0], 0.44)
        near("exports: control actions on x", e["mineral_control_actions"][0], 1)
        near("mining-stage export ban: control actions on y", e["mineral_control_actions"][1], 1)
        near("exports without licensing: UK physical shortfall of x",
             e["mineral_shortfall_peak"][0], 0.0)
        p = run(minrisk, tmp, "production", None)
        near("production: peak open-market loss of x", p["mineral_market_loss_peak"][0], 0.305)
        near("production: control actions on x", p["mineral_control_actions"][0], 0)
        lic = run(minrisk, tmp, "exports", 1)
        near("licensing 1: UK physical shortfall of x", lic["mineral_shortfall_peak"][0], 0.45)
        near("no rush: demand destroyed of x, months", e["mineral_demand_destroyed"][0], 1.32)
        r = run(minrisk, tmp, "exports", None, rush=2)
        near("rush 2 months: demand destroyed of x, months", r["mineral_demand_destroyed"][0],
             0.215)
        near("mining ban alone: peak open-market loss of y", e["mineral_market_loss_peak"][1], 0.7)
        cn_y = CN_Y.replace("CNSCOPE", "production")
        two = run(minrisk, tmp, "exports", None, extra=cn_y.replace("SEV", "0.5"))
        near("both stages: peak open-market loss of y", two["mineral_market_loss_peak"][1], 0.7)
        two = run(minrisk, tmp, "exports", None, extra=cn_y.replace("SEV", "0.9"))
        near("both stages, refining shorter: peak open-market loss of y",
             two["mineral_market_loss_peak"][1], 0.9)
        cn_y = CN_Y.replace("CNSCOPE", "exports")
        two = run(minrisk, tmp, "exports", None, extra=cn_y.replace("SEV", "0.5"))
        near("ore ban and an export control on the product: peak open-market loss of y",
             two["mineral_market_loss_peak"][1], 0.85)
        peak = run_text(minrisk, tmp, REST, ("mineral_price_peak_market",))[
            "mineral_price_peak_market"][0]
        if abs(peak / 0.55 ** -5.0 - 1.0) > 1e-12:
            bad.append(f"back at rest after a rush with no stock at rest: peak {peak!r}, "
                       f"expected {0.55 ** -5.0!r}")
    for b in bad:
        print("FAIL:", b)
    if not bad:
        print("market engine: 14 hand-worked values match")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
