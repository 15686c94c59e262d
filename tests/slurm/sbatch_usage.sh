#!/usr/bin/env bash
# sbatch_usage.sh - the usage errors of docs/hpc/minrisk.sbatch and
# minrisk-array.sbatch, run directly with bash (no Slurm needed;
# tests/slurm/tests.cmake, label `cli`): each refuses with exit status 2
# and one line on stderr saying what is wrong, before it starts anything;
# and minrisk.sbatch runs (200 trials, no launcher) with the options that
# must keep it from adding --progress.
# usage: sbatch_usage.sh MINRISK SRC
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
main=$src/docs/hpc/minrisk.sbatch
array=$src/docs/hpc/minrisk-array.sbatch
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
# expect NAME PATTERN COMMAND...: exit status 2, one line matching PATTERN
expect() {
  local name=$1 pattern=$2 st
  shift 2
  env -u SLURM_ARRAY_TASK_ID "$@" >out.txt 2>err.txt
  st=$?
  if [ $st -ne 2 ] || [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -Eq "$pattern" err.txt; then
    echo "FAIL: $name: exit status $st, stderr: $(cat err.txt)"
    fails=$((fails + 1))
  else
    echo "ok: $name: $(cat err.txt)"
  fi
}
echo "scenarios/s.yaml" >list.txt
expect "main: no arguments" '^usage: sbatch minrisk.sbatch ' bash "$main"
expect "main: no binary" "^minrisk.sbatch: minrisk binary '/nonexistent' not found" \
  env MINRISK=/nonexistent bash "$main" a.yaml a.h5
expect "main: bad launcher" '^minrisk.sbatch: MINRISK_LAUNCHER must be' \
  env MINRISK="$bin" MINRISK_LAUNCHER=ssh bash "$main" a.yaml a.h5
# until 2026-12-07 the job ran on and reported "exited with status 127"
expect "main: launcher missing" "^minrisk.sbatch: launcher '/nonexistent/mpiexec' not found" \
  env MINRISK="$bin" MINRISK_LAUNCHER=mpiexec MINRISK_MPIEXEC=/nonexistent/mpiexec bash "$main" a.yaml a.h5
expect "main: bad MINRISK_PROGRESS" "^minrisk.sbatch: MINRISK_PROGRESS must be seconds \(digits\), got '10m'" \
  env MINRISK="$bin" MINRISK_LAUNCHER=none MINRISK_PROGRESS=10m bash "$main" a.yaml a.h5
expect "array: no arguments" '^usage: sbatch --array=0-N minrisk-array.sbatch ' bash "$array"
# until 2026-12-07 exit status 1 (bash's ${var:?})
expect "array: not an array job" '^minrisk-array.sbatch: not an array job' \
  bash "$array" list.txt out
expect "array: no list" "^minrisk-array.sbatch: cannot read the list 'nolist.txt'" \
  env SLURM_ARRAY_TASK_ID=0 bash "$array" nolist.txt out
expect "array: launcher missing" "^minrisk-array.sbatch: launcher '/nonexistent/mpiexec' not found" \
  env SLURM_ARRAY_TASK_ID=0 MINRISK="$bin" MINRISK_LAUNCHER=mpiexec MINRISK_MPIEXEC=/nonexistent/mpiexec \
  bash "$array" list.txt out
if [ -e a.h5 ] || [ -e out ]; then
  echo "FAIL: a refusal left a file or folder: $(ls)"
  fails=$((fails + 1))
fi
# The script adds --progress 600 unless the options say --quiet or
# --progress in any form getopt takes (minrisk refuses both together):
# until 2026-12-07 -qv, -vq and --qui made the job fail with exit 2.
for opts in "-qv" "-vq" "--qui" "--progress=5" "--pro 5"; do
  # shellcheck disable=SC2086 # the options as words
  env MINRISK="$bin" MINRISK_LAUNCHER=none bash "$main" "$src/scenarios/demo.yaml" ok.h5 \
    --trials 200 --threads 1 $opts >out.txt 2>err.txt
  st=$?
  if [ $st -ne 0 ] || [ ! -s ok.h5 ]; then
    echo "FAIL: main with $opts: exit status $st: $(tail -3 err.txt)"
    fails=$((fails + 1))
  else
    echo "ok: main with $opts runs"
  fi
  rm -f ok.h5
done
[ $fails -eq 0 ] || exit 1
echo "ok: 9 refusals, exit status 2, one line each; 5 runs"
