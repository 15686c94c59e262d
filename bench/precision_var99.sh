#!/usr/bin/env bash
# The acceptance case of issue 16 (deliverable 3) at full size:
# --target-precision var99_total=0.02 on SCENARIO stops at the same trial
# count with identical files on 1 and 2 threads and 1, 2 and 3 MPI ranks,
# and the reached precision meets the target. Prints the stop and the times.
# usage: bench/precision_var99.sh MINRISK [SCENARIO] [MAX_TRIALS] [MPIEXEC]
set -uo pipefail
bin=$1 scen=${2:-scenarios/demo.yaml} max=${3:-2000000} mpiexec=${4:-$(command -v mpiexec)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T=(--target-precision var99_total=0.02 --max-trials "$max" --quiet)
t0=$(date +%s.%N)
OMP_NUM_THREADS=1 "$bin" run "$scen" -o "$tmp/t1.h5" "${T[@]}" || exit 1
t1=$(date +%s.%N)
echo "1 thread: $(echo "$t1 - $t0" | bc) s"
OMP_NUM_THREADS=2 "$bin" run "$scen" -o "$tmp/t2.h5" "${T[@]}" || exit 1
h5diff --exclude-path /run_info "$tmp/t1.h5" "$tmp/t2.h5" || { echo "FAIL: 2 threads differ"; exit 1; }
if [ -n "$mpiexec" ]; then
  for r in 1 2 3; do
    OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n "$r" \
      "$bin" run "$scen" -o "$tmp/r$r.h5" "${T[@]}" || exit 1
    h5diff --exclude-path /run_info "$tmp/t1.h5" "$tmp/r$r.h5" || { echo "FAIL: $r ranks differ"; exit 1; }
  done
fi
/usr/bin/python3 - "$tmp/t1.h5" <<'PY'
import sys, h5py
P = h5py.File(sys.argv[1], "r")["precision"]
ct, rel = P["check_trials"][:], P["relative_half_width"][:, 0]
s = P["stopped_by"][()]
s = s.decode() if isinstance(s, bytes) else s
for n, r in zip(ct, rel):
    print(f"  {n:>9} trials: relative half-width {r:.4f}")
print(f"stopped at {ct[-1]} trials by {s}; reached {rel[-1]:.4f} (target 0.02)")
assert s == "max_trials" or rel[-1] <= 0.02
PY
echo "identical on 1, 2 threads${mpiexec:+ and 1, 2, 3 ranks}"
