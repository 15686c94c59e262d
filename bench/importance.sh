#!/bin/sh
# importance.sh BUILD_DIR [N] - importance sampling, issue 16 (bench/RESULTS.md,
# "Importance sampling"): the exact binomial case over 100 seeds
# (unit_sim_importance_exact 100: coverage of the 95% interval, 90-99 of 100
# expected; ctest runs 10 seeds), then scenarios/uk-2024.yaml: the 1-in-1,000
# annual total loss and ES 99.9 with --importance auto at N trials, plain at
# N and plain at 20 N, each with its 95% bootstrap interval
# (bench/importance_tail.py) and wall time. Run it once, with nice, on a
# quiet machine: 20 N trials take minutes. The _annual targets use the
# year-focused mixture tilt (their default, docs/MODEL.md §12i); the last
# auto run widens its window to 2 years (focus_years=2). SKIP_EXACT=1 skips
# the 100-seed binomial case (3 minutes; ctest runs 10 seeds).
set -eu
build=$1
N=${2:-20000}
src=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$(mktemp -d)}
if [ "${SKIP_EXACT:-0}" != 1 ]; then
    echo "== exact binomial case, 100 seeds x 100,000 trials"
    /usr/bin/time -f "%e s" "$build/tests/unit_sim_importance_exact" 100 2>&1 |
        grep -E "covered|MISSED|PASSED|FAILED| s$"
fi
uk=$src/scenarios/uk-2024.yaml
echo "== uk-2024: auto var99.9_annual at N=$N"
/usr/bin/time -f "%e s total" "$build/minrisk" run "$uk" -o "$out/auto_var.h5" --trials "$N" --threads 2 \
    --importance auto --target var99.9_annual 2>&1 | grep -v verification
echo "== uk-2024: auto es99.9_annual at N=$N"
/usr/bin/time -f "%e s total" "$build/minrisk" run "$uk" -o "$out/auto_es.h5" --trials "$N" --threads 2 \
    --importance auto --target es99.9_annual 2>&1 | grep -v verification
echo "== uk-2024: auto var99.9_annual, focus_years=2, at N=$N"
/usr/bin/time -f "%e s total" "$build/minrisk" run "$uk" -o "$out/auto_var_k2.h5" --trials "$N" \
    --threads 2 --importance auto,focus_years=2 --target var99.9_annual 2>&1 | grep -v verification
echo "== uk-2024: plain at N=$N and 20 N"
/usr/bin/time -f "%e s total" "$build/minrisk" run "$uk" -o "$out/plain.h5" --trials "$N" --threads 2 -q 2>&1
/usr/bin/time -f "%e s total" "$build/minrisk" run "$uk" -o "$out/plain20.h5" --trials $((20 * N)) --threads 2 -q 2>&1
/usr/bin/python3 "$src/bench/importance_tail.py" "$out/plain.h5" "$out/auto_var.h5" "$out/auto_es.h5" \
    "$out/auto_var_k2.h5" "$out/plain20.h5"
