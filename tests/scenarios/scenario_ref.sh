#!/bin/sh
# Reference-scenario checks (tests/scenarios/tests.cmake).
#   scenario_ref.sh run MINRISK SCENARIO
#       SCENARIO validates and runs 2,000 trials; its resolved form (validate's
#       output) runs the same trials (h5diff outside /run_info and /scenario).
#   scenario_ref.sh roundtrip MINRISK SCENARIO
#       SCENARIO validates, and validating its resolved form gives the same
#       text again (docs/SCENARIO_FORMAT.md "The resolved scenario").
#   scenario_ref.sh compare MINRISK BASE POLICY PYTHON
#       BASE and POLICY run 2,000 trials with the same seed (common random
#       numbers); POLICY's /summary/total_loss_mean must be lower than BASE's.
set -u
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
mode=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=20241231   # the seed of scenarios/uk-2024.yaml, given explicitly so both runs share it

case $mode in
run)
  scen=$3
  "$bin" validate "$scen" >"$tmp/resolved.txt" || { echo "FAIL: $scen does not validate" >&2; exit 1; }
  if grep -q '^uncertain:' "$scen"; then # an uncertainty study (docs/STUDIES.md): a small design
    "$bin" uncertainty "$scen" --rows 2 --block-trials 100 -o "$tmp/out.h5" --quiet ||
      { echo "FAIL: $scen: uncertainty failed" >&2; exit 1; }
    echo "$scen: validates and its uncertainty study runs (2 rows x 100 trials)"
    exit 0
  fi
  "$bin" run "$scen" --trials 2000 -o "$tmp/out.h5" --quiet || { echo "FAIL: $scen: run failed" >&2; exit 1; }
  "$bin" summary "$tmp/out.h5" >/dev/null || { echo "FAIL: $scen: summary failed" >&2; exit 1; }
  if grep -q '^# sweep: ' "$tmp/resolved.txt"; then # the base's, each variant's is its own
    echo "$scen: validates and runs 2,000 trials (a sweep: its resolved form is the base's)"
    exit 0
  fi
  # the resolved form, as validate prints it, is the same model: the same trials
  cp "$tmp/resolved.txt" "$tmp/resolved.yaml"
  "$bin" run "$tmp/resolved.yaml" --trials 2000 -o "$tmp/again.h5" --quiet ||
    { echo "FAIL: $scen: its resolved form does not run" >&2; exit 1; }
  "$h5same" -q --exclude-path /run_info --exclude-path /scenario "$tmp/out.h5" "$tmp/again.h5" ||
    { echo "FAIL: $scen: its resolved form runs other trials" >&2; exit 1; }
  echo "$scen: validates and runs 2,000 trials, and its resolved form runs the same ones"
  ;;
roundtrip)
  scen=$3
  "$bin" validate "$scen" >"$tmp/a.yaml" || { echo "FAIL: $scen does not validate" >&2; exit 1; }
  "$bin" validate "$tmp/a.yaml" >"$tmp/b.yaml" || { echo "FAIL: $scen: its resolved form does not validate" >&2; exit 1; }
  cmp -s "$tmp/a.yaml" "$tmp/b.yaml" || { echo "FAIL: $scen: validating the resolved form changes it" >&2; diff "$tmp/a.yaml" "$tmp/b.yaml" >&2; exit 1; }
  echo "$scen: validates, and its resolved form validates to itself"
  ;;
compare)
  base=$3 policy=$4 py=$5
  "$bin" run "$base" --trials 2000 --seed $seed -o "$tmp/base.h5" --quiet || { echo "FAIL: $base: run failed" >&2; exit 1; }
  "$bin" run "$policy" --trials 2000 --seed $seed -o "$tmp/policy.h5" --quiet || { echo "FAIL: $policy: run failed" >&2; exit 1; }
  "$py" - "$tmp/base.h5" "$tmp/policy.h5" "$base" "$policy" <<'PY'
import sys
import h5py
import numpy as np
def mean(path):
    with h5py.File(path, "r") as f:
        return float(np.asarray(f["/summary/total_loss_mean"][()]).ravel()[0])
b, p = mean(sys.argv[1]), mean(sys.argv[2])
print("mean total loss, GBP m: %s %.1f, %s %.1f (%+.1f%%)"
      % (sys.argv[3], b / 1e6, sys.argv[4], p / 1e6, 100.0 * (p - b) / b))
if not p < b:
    print("FAIL: the policy scenario's mean total loss is not lower", file=sys.stderr)
    sys.exit(1)
PY
  ;;
*)
  echo "usage: $0 run|roundtrip MINRISK SCENARIO | compare MINRISK BASE POLICY PYTHON" >&2; exit 2 ;;
esac
