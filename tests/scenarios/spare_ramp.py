#!/usr/bin/env python3
"""spare_ramp.py - the spare capacity's ramp (docs/MODEL.md §4), through
the engine, worked by hand: usage: spare_ramp.py MINRISK

One trial, monthly steps over two years, no market, no price noise. A
sector needs x for all its output (a = 1, value added 1.2e9 GBP a year, no
buffer, recovery_rate 1, no A*), so its value added lost is 1e8 x the sum
of the monthly shortfalls u. x is refined by China (0.8, no spare) and the
rest of the world (0.2, spare 0.5); spare_ramp_months 6, so after k steps
of a disrupted stage rho = min(1, k/6).

1. China loses 0.5 of its output in months 6-8: lost 0.4, reroute
   0.1 k/6 (k = 1, 2, 3), and with recycling 0.1 (all refined in Korea,
   which refines none of the world's x: a supplier of share 0)
   u = 0.9 (0.4 - k/60): 0.9 x 1.1 = 0.99 (GBP 9.9e7).
2. The same with Korea losing all its output through year 1: the UK's
   recycled x is lost there (r = 0, u = 1 x (0.4 - k/60): GBP 1.1e8), and
   Korea's loss, of no share of the world's supply, is no disruption of
   the stage, so the ramp starts with China's loss as in 1 (until
   2026-12-05 Korea's zero-share slot counted as a disrupted stage from
   month 0, the ramp was full by month 6 and u = 0.3: GBP 9.0e7; found by
   a review of the supply code).
3. The physical availability P of the product stage (§4) takes the
   stage's ramp, which counts the export control's months too. Mining
   China 0.8, Australia 0.2, no spare. China's export control of severity
   0.5 on refining in months 3-8 (refining 0.6 + 0.1 k/6, k = 1, 2, 3),
   then China's production loss of 0.5 on both stages in months 6-8:
   mining 0.6; refining with both losses A_r = 0.4 + 0.1 rho, without
   the control P_r = 0.6 + 0.1 rho, rho = 4/6, 5/6, 1 (the ramp running
   since month 3), and A = 0.6 A_r / P_r (mining the shorter stage).
"""
import sys
import tempfile

from engine_run import run_trials

TEXT = """name: spare ramp check
simulation: {horizon_years: 2, steps_per_year: 12, trials: 1, seed: 4}
countries:
  CN: {name: China}
  KR: {name: Korea}
  AU: {name: Australia}
  ROW: {name: Rest, aggregate: true}
minerals:
  x:
    demand_t: 100
MINERAL    spare_ramp_months: 6
    refining:
      - {country: CN, share: 0.8}
      - {country: ROW, share: 0.2, spare: 0.5}
    price: {ref: 1000, sigma: 0, elasticity: 1, max_multiple: 10}
sectors:
  s:
    output_gbp: 1.2e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
EVENTS"""
RECYCLED = "    recycled_share: 0.1\n    recycled_refined_abroad: {KR: 1}\n"
MINING = "    mining:\n      - {country: CN, share: 0.8}\n      - {country: AU, share: 0.2}\n"
CN_HALF = """  cn:
    country: CN
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 0.5, severity: 0.5, duration_months: 3}]
"""
KR_ALL = """  kr:
    country: KR
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 0, severity: 1, duration_months: 12}]
"""
CN_CONTROL = """  cnx:
    country: CN
    minerals: [x]
    stages: [refining]
    scope: exports
    rate_per_year: 0
    occurrences: [{start_years: 0.25, severity: 0.5, duration_months: 6}]
"""


def loss(tmp, name, mineral, events):
    text = TEXT.replace("MINERAL", mineral).replace("EVENTS", events)
    return float(run_trials(sys.argv[1], tmp, name, text, ["total_gva_loss"])["total_gva_loss"][0])


def check(name, got, want):
    ok = abs(got - want) <= 1e-9 * abs(want)
    print(f"{'ok ' if ok else 'BAD'} {name}: {got:.6f}, expected {want:.6f}")
    return ok


def main():
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ramp = sum(0.4 - k / 60 for k in (1, 2, 3))  # 1.1
        ok &= check("1. ramp from China's loss", loss(tmp, "one", RECYCLED, CN_HALF), 1e8 * 0.9 * ramp)
        ok &= check("2. Korea (share 0) out too", loss(tmp, "two", RECYCLED, CN_HALF + KR_ALL),
                    1e8 * ramp)
        u = [1 - (0.6 + 0.1 * k / 6) for k in (1, 2, 3)]
        for rho in (4 / 6, 5 / 6, 1.0):
            u.append(1 - 0.6 * (0.4 + 0.1 * rho) / (0.6 + 0.1 * rho))
        cn_both = CN_HALF.replace("minerals: [x]", "minerals: [x]\n    stages: [mining, refining]")
        ok &= check("3. P on the stage's ramp", loss(tmp, "three", MINING, CN_CONTROL + cn_both),
                    1e8 * sum(u))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
