#!/usr/bin/env bash
# Memory independent of the trial count (issue 14, deliverable 2):
# scenarios/demo.yaml with output.trials: none (the streamed statistics,
# docs/OUTPUT.md `/trials`).
#
# 1. SMALL trials (default 10^6) with output.trials: none under ulimit -v
#    LIMIT (default 2 GB), against the same trials with output.trials: all
#    (no limit): every dataset of /summary, /attribution, /indicators and
#    the verification number must be identical, bit for bit.
# 2. LARGE trials (default 10^7) with output.trials: none under the same
#    ulimit -v: must run, and its peak resident size (/usr/bin/time -v) must
#    differ from run 1's by less than 10% plus 16 bytes a trial of the
#    difference. With KEEP_ALL=1, also LARGE trials with output.trials: all
#    (no limit; about 8 GB at 10^7) for an exact comparison at that size.
#
# usage: bench/memory.sh [SMALL] [LARGE] [THREADS]   (from the project root)
# env: LIMIT_KB (default 2097152), BUILD_DIR, KEEP_ALL=1
# The 10^7 run takes 3 passes of 10^7 trials: about 3 x 10^7 / (trials/s of
# `minrisk run` on THREADS threads); about 40 minutes on a loaded 2-core
# machine at ~11,000 trials/s.
set -euo pipefail
small=${1:-1000000}
large=${2:-10000000}
threads=${3:-2}
limit_kb=${LIMIT_KB:-2097152}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in all none; do
  { cat "$root/scenarios/demo.yaml"; printf '\noutput:\n  trials: %s\n' "$mode"; } >"$tmp/$mode.yaml"
done
# run MODE TRIALS OUT LIMITED: prints "seconds peak_kB"
run() {
  local mode=$1 n=$2 out=$3 limited=$4
  (
    [ "$limited" = 1 ] && ulimit -v "$limit_kb"
    MINRISK_STREAM_TRACE=1 /usr/bin/time -v "$build/minrisk" run "$tmp/$mode.yaml" -o "$out" \
      --trials "$n" --threads "$threads" --quiet 2>"$out.err" || { cat "$out.err" >&2; exit 1; }
  )
  local secs kb
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$out.err")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.err")
  echo "$secs $kb $(grep -c '^pass ' "$out.err" || true)"
}
compare() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
n = bad = 0
for g in ("summary", "attribution", "indicators"):
    def visit(name, o):
        global n, bad
        if isinstance(o, h5py.Dataset):
            x, y = np.asarray(o[()]), np.asarray(b[g][name][()])
            n += 1
            same = (x.shape == y.shape and np.array_equal(x.view(np.uint64), y.view(np.uint64))
                    if x.dtype.kind == "f" else np.array_equal(x, y))
            if not same:
                bad += 1
                print("differs:", g + "/" + name)
    a[g].visititems(visit)
for k in ("verification", "random_words"):
    if a["run_info"].attrs[k] != b["run_info"].attrs[k]:
        bad += 1
        print("differs: /run_info", k)
print(f"{n} datasets compared, {bad} differ")
sys.exit(1 if bad else 0)
PY
}
echo "scenarios/demo.yaml, $threads threads, output.trials: none under ulimit -v $limit_kb kB"
run all "$small" "$tmp/all.h5" 0 >"$tmp/r"
read -r s_all kb_all _ <"$tmp/r"
run none "$small" "$tmp/none.h5" 1 >"$tmp/r"
read -r s_none kb_none p_none <"$tmp/r"
printf '%10s trials: all  %8.1f s %10s kB peak (no limit)\n' "$small" "$s_all" "$kb_all"
printf '%10s trials: none %8.1f s %10s kB peak, %s passes\n' "$small" "$s_none" "$kb_none" "$p_none"
compare "$tmp/all.h5" "$tmp/none.h5"
rm -f "$tmp/all.h5"
run none "$large" "$tmp/big.h5" 1 >"$tmp/r"
read -r s_big kb_big p_big <"$tmp/r"
printf '%10s trials: none %8.1f s %10s kB peak, %s passes\n' "$large" "$s_big" "$kb_big" "$p_big"
awk -v a="$kb_none" -v b="$kb_big" -v n1="$small" -v n2="$large" 'BEGIN {
  d = (b - a) * 1024; allow = 0.1 * a * 1024 + 16 * (n2 - n1);
  printf "peak difference %.1f MB = %.2f bytes a trial; allowed %.1f MB (10%% + 16 bytes a trial)\n",
         d / 1048576, d / (n2 - n1), allow / 1048576;
  exit !(d < allow) }' || { echo "FAIL: memory grows with the trials" >&2; exit 1; }
if [ "${KEEP_ALL:-0}" = 1 ]; then
  run all "$large" "$tmp/bigall.h5" 0 >"$tmp/r"
  read -r s_ball kb_ball _ <"$tmp/r"
  printf '%10s trials: all  %8.1f s %10s kB peak (no limit)\n' "$large" "$s_ball" "$kb_ball"
  compare "$tmp/bigall.h5" "$tmp/big.h5"
fi
echo "PASS"
