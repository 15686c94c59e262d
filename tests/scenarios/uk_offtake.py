#!/usr/bin/env python3
"""uk_offtake.py - the offtake of a cap on UK sourcing through the engine
(docs/MODEL.md §3u): the partner's outage, the ramp-up and the premium,
worked by hand. usage: uk_offtake.py MINRISK

The scenario of uk_sourcing.py: mineral x refined in China only, the UK
buying all of it from China (no UK data); a sector needs x for all its
output (value added 1e9 GBP a year, no buffer, no A*); simulation from
2024, monthly, 3 years. The cap 0.6 moves 0.4 of the UK's purchases to the
offtake partner YY, which supplies the world nothing.

1. Partner outage. China's certain export control (licensing 0.5,
   severity 0.5, 2025) denies lambda x = 0.25 of the UK's purchases from
   China: with the cap, 0.6 x 0.25 = 0.15 of the need for a year, 1.5e8 GBP
   of value added. A certain production outage of YY over the same year,
   severity s, leaves s of YY's 0.4 to be bought on the open market, of
   which Phi_open = s'_CN (1 - l_CN) = 0.25 is denied:
     s = 1:   0.15 + 0.4 x 1 x 0.25 = 0.25  -> 2.5e8 (as with no cap);
     s = 0.5: 0.15 + 0.4 x 0.5 x 0.25 = 0.2 -> 2.0e8.
   The outage on its own (no control) costs nothing: 0.
2. Ramp-up {2025: 0, 2026: 1}: at month k of 2025 (mid-step, r = (k + 0.5)
   / 12) the UK buys 1 - 0.4 r from China, 0.25 of it denied: sum over k of
   0.25 (1 - 0.4 (k + 0.5)/12) / 12 = 0.25 x (12 - 0.4 x 72/12) / 12 =
   0.25 x 9.6 / 12 = 0.2 of a year -> 2.0e8 GBP.
3. Premium, no disruption at all (price sigma 0: the only extra cost is the
   premium), spend 1e6 GBP a year: premium 0.1 on the 0.4 moved, 3 years:
   1e6 x 3 x 0.04 = 1.2e5 GBP; with the ramp {2024: 0, 2027: 1} the mean
   of r over the 36 months is 0.5: 6.0e4; with offtake {XX: 0.5, YY: 0.5}
   and a premium on YY only, 0.1 x 0.2: 6.0e4.
4. An export control by YY, which supplies the world nothing, withholds
   nothing from the open market: 0 control actions on x (China's: 1).
"""
import sys
import tempfile

from engine_run import run_trials

HEAD = """name: uk offtake check
simulation: {horizon_years: 3, steps_per_year: 12, trials: 1, seed: 11, start_year: 2024}
countries:
  CN: {name: China}
  XX: {name: partner 1}
  YY: {name: partner 2}
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
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5, spend_gbp: 1.0e6}]
"""
CN = """  cn:
    country: CN
    minerals: [x]
    scope: exports
    licensing: 0.5
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: 0.5, duration_months: 12}]
"""
YY_OUT = """  yy:
    country: YY
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: SEV, duration_months: 12}]
"""

YY_CONTROL = """  yy:
    country: YY
    minerals: [x]
    scope: exports
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: 0.5, duration_months: 12}]
"""


def scenario(events="", cap="{cap: 0.6, offtake: {YY: 1}}"):
    text = HEAD + ("events:\n" + events if events else "")
    return text + "policies:\n  diversification_cap: " + cap + "\n"


CASES = {
    # name: (scenario text, variable, expected GBP)
    "control": (scenario(CN), "sector_gva_loss", 1.5e8),
    "partner out": (scenario(CN + YY_OUT.replace("SEV", "1")), "sector_gva_loss", 2.5e8),
    "partner half out": (scenario(CN + YY_OUT.replace("SEV", "0.5")), "sector_gva_loss", 2.0e8),
    "partner out alone": (scenario(YY_OUT.replace("SEV", "1")), "sector_gva_loss", 0.0),
    "ramp": (scenario(CN, "{cap: 0.6, offtake: {YY: 1}, ramp: {2025: 0, 2026: 1}}"),
             "sector_gva_loss", 2.0e8),
    "premium": (scenario(cap="{cap: 0.6, offtake: {YY: 1}, premium: 0.1}"),
                "sector_extra_cost", 1.2e5),
    "premium ramp": (scenario(cap="{cap: 0.6, offtake: {YY: 1}, premium: 0.1, "
                              "ramp: {2024: 0, 2027: 1}}"), "sector_extra_cost", 6.0e4),
    "premium per country": (scenario(cap="{cap: 0.6, offtake: {XX: 0.5, YY: 0.5}, "
                                     "premium: {YY: 0.1}}"), "sector_extra_cost", 6.0e4),
    "no premium": (scenario(), "sector_extra_cost", 0.0),
    # an export control by the partner, which supplies the world nothing:
    # not a control action on the mineral (China's is one)
    "partner control actions": (scenario(YY_CONTROL), "mineral_control_actions", 0.0),
    "China control actions": (scenario(CN), "mineral_control_actions", 1.0),
}


def main():
    minrisk = sys.argv[1]
    failures, got = [], {}
    with tempfile.TemporaryDirectory(prefix="uk-offtake-") as tmp:
        for k, (name, (text, var, want)) in enumerate(CASES.items()):
            value = run_trials(minrisk, tmp, "case%d" % k, text, (var,))[var][0, 0]
            got[name] = value
            if abs(value - want) > 1e-9 * max(abs(want), 1.0):
                failures.append(f"{name}: {var} {value!r}, expected {want!r}")
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print("uk_offtake: " + "; ".join(f"{k} {v:.6g}" for k, v in got.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
