#!/usr/bin/env python3
"""buffer_refill.py - a sector's buffer refills step by step after a
shortage ends, until it is full (docs/MODEL.md §6), through the engine,
worked by hand: usage: buffer_refill.py MINRISK

One trial, monthly steps (h = 1 month) over one year, no market, no price
noise. A sector needs x for all its output (a = 1, sigma = 0, value added
1.2e9 GBP a year, recovery_rate 1, no A*), so q = c = 1 - f' and its value
added lost is 1e8 x the sum of the monthly q. x comes from China alone
(share 1, no spare), so a loss of severity s gives u = s and f = 1 - s
(proportional rationing). The need holds a buffer of 2 months, refilled at
buffer_refill_rate 0.5 months a month: f' = min(1, f + B / h),
B <- B - (f' - f) h, and B <- min(2, B + 0.5 h) on a step with f = 1.

1. One shortage, China loses 0.5 in months 0-1: the buffer covers it
   (B = 1.5, then 1.0) and nothing is lost: GBP 0.
2. One shortage, China loses all in months 6-8: B = 2 covers months 6 and
   7 (B = 1, then 0) and month 8 has f' = 0, q = 1: GBP 1e8.
3. Both: the buffer refills from 1.0 in months 2 and 3 (1.5, then 2.0),
   every step until full, even on a step where nothing else changes
   (month 3), so case 2 follows: GBP 1e8. A buffer that refilled only on
   the step the shortage ended (1.5) would cover month 6 (B = 0.5) and
   half of month 7 (f' = 0.5, q = 0.5), then q = 1: GBP 1.5e8.
"""
import sys
import tempfile

from engine_run import run_trials

TEXT = """name: buffer refill check
simulation: {horizon_years: 1, steps_per_year: 12, trials: 1, seed: 4}
defaults: {buffer_refill_rate: 0.5}
countries:
  CN: {name: China}
  ROW: {name: Rest, aggregate: true}
minerals:
  x:
    demand_t: 100
    refining:
      - {country: CN, share: 1.0}
    price: {ref: 1000, sigma: 0, elasticity: 1, max_multiple: 10}
sectors:
  s:
    output_gbp: 1.2e9
    recovery_rate: 1
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5, buffer_months: 2}]
events:
  cn:
    country: CN
    minerals: [x]
    rate_per_year: 0
    occurrences: [OCCURRENCES]
"""
FIRST = "{start_years: 0, severity: 0.5, duration_months: 2}"
SECOND = "{start_years: 0.5, severity: 1, duration_months: 3}"


def loss(tmp, name, occurrences):
    text = TEXT.replace("OCCURRENCES", ", ".join(occurrences))
    return float(run_trials(sys.argv[1], tmp, name, text, ["total_gva_loss"])["total_gva_loss"][0])


def check(name, got, want):
    ok = abs(got - want) <= 1e-9 * max(abs(want), 1.0)
    print(f"{'ok ' if ok else 'BAD'} {name}: {got:.6f}, expected {want:.6f}")
    return ok


def main():
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= check("1. the buffer covers a small shortage", loss(tmp, "one", [FIRST]), 0.0)
        ok &= check("2. a full buffer covers two months", loss(tmp, "two", [SECOND]), 1e8)
        ok &= check("3. refilled to full in between", loss(tmp, "three", [FIRST, SECOND]), 1e8)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
