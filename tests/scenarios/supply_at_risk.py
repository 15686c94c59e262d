#!/usr/bin/env python3
"""supply_at_risk.py - domestic and recycled supply with their own risks,
through the engine (docs/MODEL.md §4, "Domestic and recycled supply at
risk"), worked by hand: usage: supply_at_risk.py MINRISK

Mineral x, three years of monthly steps, one trial, no price noise. A
sector needs x for all its output (dependent_share 1, value added 1e9 GBP
a year, no buffer, recovery_rate 1, no A*), so its value added lost is
1e9 x (the shortfall u) x (years it lasts).

(a) Domestic outage. domestic_share 0.5; China, the only refiner, loses
    0.5 of its output through the second year (a certain event).
    - v1 (no market): u = (1 - r - d)(1 - A) = 0.5 x 0.5 = 0.25: 2.5e8 GBP.
      With a certain domestic outage of severity 1 through the same year,
      d = 0 there: u = 1 x 0.5 = 0.5: 5e8 GBP. The outage alone (no world
      shortage) loses nothing: the UK buys the lost domestic supply on a
      market that has it.
    - market layer, China's export control denying licences (lambda 0.5,
      severity 0.5: 0.25 of the UK's purchases denied) through the second
      year: u = need x 0.25, 0.5 x 0.25 = 0.125 (1.25e8 GBP) without the
      outage and 1 x 0.25 (2.5e8 GBP) with it. With no commercial stock the
      price is up only that year, and the UK buys need x 0.75 then: twice
      as much with the outage, so its extra cost is exactly twice.
(b) Recycling refined abroad. recycled_share 0.4, half of it refined in
    Korea; refining 0.5 China, 0.5 Korea. Korea loses all its output for
    six months from the start of the second year (a certain event): A =
    0.5, and the recycled supply falls to 0.4 (1 - 0.5) = 0.2, so u = 0.8 x
    0.5 = 0.4 (2e8 GBP over half a year) against 0.6 x 0.5 = 0.3 (1.5e8)
    with all recycling at home. The same when Korea refines none of the
    world's x (it is added as a supplier with share 0) and China loses
    half its output instead; when Korea's loss is an export control; and
    when the policy form of recycled_share gives the share and the country.
(c) Keys that change nothing leave every trial as it was: recycling refined
    in a country no event touches, a domestic outage of severity 0, and
    random domestic outages of another mineral (their own random streams:
    the world's supply moves not at all), over 300 trials of random world
    events. And the policy's outage gives each mineral its own process: two
    minerals alike (y, z) are struck differently.
"""
import os
import sys
import tempfile

from engine_run import run_trials

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

V1 = """name: supply at risk check
simulation: {horizon_years: 3, steps_per_year: 12, trials: 1, seed: 3}
countries:
  CN: {name: China}
  KR: {name: Korea}
minerals:
  x:
    demand_t: 100
MINERAL    refining: REFINING
    price: {ref: 1000, sigma: 0}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
EVENTS"""
CN_HALF = """  cn:
    country: CN
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: 0.5, duration_months: DUR}]
"""
KR_ALL = """  kr:
    country: KR
    minerals: [x]
    SCOPE
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: 1, duration_months: 6}]
"""
DOM_OUT = "    domestic_outage: {occurrences: [{start_years: 1, severity: 1, duration_months: 12}]}\n"

MARKET = """name: supply at risk market check
simulation: {horizon_years: 3, steps_per_year: 12, trials: 1, seed: 11}
countries:
  CN: {name: China}
minerals:
  x:
    demand_t: 100
    domestic_share: 0.5
MINERAL    refining: [{country: CN, share: 1}]
    price: {ref: 1000, sigma: 0, elasticity: 1}
    market: {stock_months: 0, world_demand_t: 100000}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5, spend_gbp: 1.0e8}]
events:
  cn:
    country: CN
    minerals: [x]
    scope: exports
    licensing: 0.5
    rate_per_year: 0
    occurrences: [{start_years: 1, severity: 0.5, duration_months: 12}]
"""

RANDOM = """name: supply at risk inert keys
simulation: {horizon_years: 5, steps_per_year: 12, trials: 300, seed: 5}
countries:
  CN: {name: China, outage: {rate_per_year: 0.3, severity: {uniform: [0.1, 0.9]}, duration_months: 4}}
  KR: {name: Korea}
  AU: {name: Australia}
minerals:
  x:
    demand_t: 100
    recycled_share: 0.3
    domestic_share: 0.2
XKEYS    refining: [{country: CN, share: 0.7}, {country: KR, share: 0.3}]
    price: {ref: 1000, sigma: 0.2, elasticity: 1}
    market: {stock_months: 1, world_demand_t: 100000}
  y:
    demand_t: 100
    domestic_share: 0.3
YKEYS    mining: [{country: CN, share: 0.6}, {country: AU, share: 0.4}]
    price: {ref: 100, sigma: 0.2}
  z:
    demand_t: 100
    domestic_share: 0.3
    mining: [{country: CN, share: 0.6}, {country: AU, share: 0.4}]
    price: {ref: 100, sigma: 0.2}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs:
      - {mineral: x, dependent_share: 0.6, demand_share: 0.5, spend_gbp: 1.0e8}
      - {mineral: y, dependent_share: 0.4, demand_share: 0.5, spend_gbp: 1.0e7}
events:
  kr:
    country: KR
    minerals: [x]
    rate_per_year: 0.4
    severity: {uniform: [0.2, 1]}
    duration_months: 6
"""
KEYS = ("sector_gva_loss", "sector_extra_cost", "mineral_shortfall_mean",
        "mineral_shortfall_peak", "mineral_market_loss_peak", "mineral_price_peak")


def v1(mineral, refining, events, dur=12, scope=""):
    return (V1.replace("MINERAL", mineral).replace("REFINING", refining)
            .replace("EVENTS", events).replace("DUR", str(dur)).replace("SCOPE", scope))


def main():
    minrisk = sys.argv[1]

    def close(name, got, want):
        check(abs(got - want) <= 1e-9 * max(abs(want), 1.0), f"{name}: {got!r}, expected {want!r}")

    with tempfile.TemporaryDirectory(prefix="supply-at-risk-") as tmp:
        def one(name, text, keys=("sector_gva_loss", "mineral_shortfall_peak")):
            t = run_trials(minrisk, tmp, name, text, keys)
            return {k: v[0].ravel()[0] for k, v in t.items()}

        # (a) domestic outage, v1
        refine_cn = "[{country: CN, share: 1}]"
        dom = "    domestic_share: 0.5\n"
        base = one("a-base", v1(dom, refine_cn, CN_HALF))
        out = one("a-out", v1(dom + DOM_OUT, refine_cn, CN_HALF))
        alone = one("a-alone", v1(dom + DOM_OUT, refine_cn, CN_HALF.replace("0.5,", "0,")))
        close("(a) v1 without the outage: value added lost", base["sector_gva_loss"], 2.5e8)
        close("(a) v1 without the outage: shortfall peak", base["mineral_shortfall_peak"], 0.25)
        close("(a) v1 with the outage: value added lost", out["sector_gva_loss"], 5e8)
        close("(a) v1 with the outage: shortfall peak", out["mineral_shortfall_peak"], 0.5)
        close("(a) v1 the outage alone: value added lost", alone["sector_gva_loss"], 0.0)

        # (a) domestic outage, market layer with licences denied
        mk = ("sector_gva_loss", "sector_extra_cost")
        mbase = one("a-market-base", MARKET.replace("MINERAL", ""), mk)
        mout = one("a-market-out", MARKET.replace("MINERAL", DOM_OUT), mk)
        close("(a) market without the outage: value added lost", mbase["sector_gva_loss"], 1.25e8)
        close("(a) market with the outage: value added lost", mout["sector_gva_loss"], 2.5e8)
        check(mbase["sector_extra_cost"] > 0,
              "(a) market: no extra cost at all, the check would be empty")
        close("(a) market: extra cost with the outage / without", mout["sector_extra_cost"],
              2.0 * mbase["sector_extra_cost"])

        # (b) recycling refined abroad
        rec = "    recycled_share: 0.4\n"
        abroad = "    recycled_refined_abroad: {KR: 0.5}\n"
        half = "[{country: CN, share: 0.5}, {country: KR, share: 0.5}]"
        kr = KR_ALL.replace("    SCOPE\n", "")
        cases = {
            "kr refines half the world": (v1(rec, half, kr), v1(rec + abroad, half, kr)),
            "kr refines none of the world": (
                v1(rec, refine_cn, CN_HALF.replace("DUR", "6")),  # Korea: not a supplier
                v1(rec + abroad, refine_cn, CN_HALF.replace("DUR", "6") + kr)),
            "kr's export control": (v1(rec, half, KR_ALL.replace("SCOPE", "scope: exports")),
                                    v1(rec + abroad, half,
                                       KR_ALL.replace("SCOPE", "scope: exports"))),
            "the policy form": (v1(rec, half, kr),
                                v1("", half, kr) + "policies:\n  recycled_share: "
                                "{share: 0.4, refined_abroad: {KR: 0.5}}\n"),
        }
        for i, (name, (home, away)) in enumerate(cases.items()):
            h = one(f"b{i}-home", home)
            a = one(f"b{i}-abroad", away)
            close(f"(b) {name}, all at home: value added lost", h["sector_gva_loss"], 1.5e8)
            close(f"(b) {name}, all at home: shortfall peak", h["mineral_shortfall_peak"], 0.3)
            close(f"(b) {name}, half in Korea: value added lost", a["sector_gva_loss"], 2e8)
            close(f"(b) {name}, half in Korea: shortfall peak", a["mineral_shortfall_peak"], 0.4)

        # (c) keys that change nothing
        plain = run_trials(minrisk, tmp, "c-plain",
                           RANDOM.replace("XKEYS", "").replace("YKEYS", ""), KEYS)
        inert = run_trials(minrisk, tmp, "c-inert", RANDOM.replace(
            "XKEYS", "    recycled_refined_abroad: {AU: 0.6}\n"
            "    domestic_outage: {occurrences: [{start_years: 1, severity: 0,"
            " duration_months: 24}]}\n").replace("YKEYS", ""), KEYS)
        for k in KEYS:
            check(np.array_equal(plain[k], inert[k]), f"(c) inert keys: /trials/{k} moved")
        other = run_trials(minrisk, tmp, "c-other", RANDOM.replace("XKEYS", "").replace(
            "YKEYS", "    domestic_outage: {rate_per_year: 1, severity: 0.5,"
            " duration_months: 6}\n"), KEYS)
        for k in ("mineral_market_loss_peak",):
            check(np.array_equal(plain[k], other[k]),
                  f"(c) y's domestic outages moved the world's supply ({k})")
        for k in ("mineral_shortfall_mean",):
            check(np.array_equal(plain[k][:, 0], other[k][:, 0]),
                  f"(c) y's domestic outages moved x's {k}")
            check(not np.array_equal(plain[k][:, 1], other[k][:, 1]),
                  f"(c) y's domestic outages did not move y's {k}")
        # the policy's outage: one process per mineral, each its own stream
        both = run_trials(minrisk, tmp, "c-policy", RANDOM.replace("XKEYS", "").replace(
            "YKEYS", "") + "policies:\n  domestic_share: {outage: {rate_per_year: 1,"
            " severity: 1, duration_months: 6}}\n", ("mineral_shortfall_mean",))
        # (y and z alike, without a market: their shortfall shows the outage)
        dy = both["mineral_shortfall_mean"][:, 1] - plain["mineral_shortfall_mean"][:, 1]
        dz = both["mineral_shortfall_mean"][:, 2] - plain["mineral_shortfall_mean"][:, 2]
        check(np.any(dy > 0) and np.any(dz > 0),
              "(c) the policy's outage did not reach both minerals")
        check(not np.array_equal(dy, dz), "(c) the policy's outage struck both minerals alike")

    return finish("supply_at_risk ((a) 2.5e8 / 5e8 / 0 (v1) and 1.25e8 / 2.5e8, extra cost x2 "
                  "(market); (b) 1.5e8 / 2e8 in four settings; (c) inert keys leave 300 trials "
                  "unchanged, each mineral's domestic outages their own)")


if __name__ == "__main__":
    sys.exit(main())
