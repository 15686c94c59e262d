#!/usr/bin/env bash
# A run stopped by SIGTERM halfway and resumed gives a file identical
# (outside /run_info) to an uninterrupted run, resumed with the same or a
# different number of ranks (issue 3).
# A run stopped in its analysis (--counterfactual) keeps its trials and is
# resumed the same way.
# usage: resume_after_sigterm.sh MINRISK SCENARIO TRIALS [MPIEXEC]
#   with MPIEXEC: stops a 2-rank run, resumes it once on 2 and once on 3 ranks.
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
bin=$1 scen=$2 trials=$3 mpiexec=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# signal SIG PATH: send SIG to the minrisk processes writing PATH themselves
# (not mpiexec), as Slurm's --signal does with srun, or an administrator
# with pkill
signal() {
  local p
  for p in $(pgrep -f -- "$2"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = minrisk ] && kill -"$1" "$p"
  done
}
launch() { # launch RANKS ARGS...
  local r=$1
  shift
  if [ -n "$mpiexec" ]; then
    OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n "$r" "$bin" "$@"
  else
    "$bin" "$@"
  fi
}
launch 2 run "$scen" -o "$tmp/ref.h5" --trials "$trials" --quiet || { echo "FAIL: reference run" >&2; exit 1; }
for resume_ranks in 2 3; do
  [ -z "$mpiexec" ] && [ "$resume_ranks" = 3 ] && break
  rm -f "$tmp/out.h5" "$tmp/out.h5.ckpt"
  launch 2 run "$scen" -o "$tmp/out.h5" --trials "$trials" --quiet &
  pid=$!
  # stop it once some blocks are done but well before the end
  sleep "${STOP_AFTER:-1}"
  signal TERM "$tmp/out.h5"
  wait "$pid"
  status=$?
  if [ "$status" -ne 75 ]; then
    echo "FAIL: stopped run: exit status $status, expected 75 (did it finish first? raise TRIALS)" >&2
    exit 1
  fi
  [ -f "$tmp/out.h5.ckpt" ] && [ ! -e "$tmp/out.h5" ] || { echo "FAIL: expected only the checkpoint" >&2; exit 1; }
  launch "$resume_ranks" run "$scen" -o "$tmp/out.h5" --trials "$trials" --quiet --resume ||
    { echo "FAIL: resumed run on $resume_ranks ranks" >&2; exit 1; }
  [ ! -e "$tmp/out.h5.ckpt" ] || { echo "FAIL: checkpoint left after a complete run" >&2; exit 1; }
  if ! "$h5same" --exclude-path /run_info "$tmp/ref.h5" "$tmp/out.h5"; then
    echo "FAIL: resumed run ($resume_ranks ranks) differs from the uninterrupted one" >&2
    exit 1
  fi
  if [ -n "$mpiexec" ]; then where="on $resume_ranks ranks"; else where="(one process)"; fi
  echo "resumed $where: identical to the uninterrupted run"
done

# A crash (SIGKILL: no chance to write anything) leaves the last periodic
# checkpoint usable and nothing at the output path.
rm -f "$tmp/out.h5" "$tmp/out.h5.ckpt"
launch 2 run "$scen" -o "$tmp/out.h5" --trials "$trials" --quiet --checkpoint-every 1 &
pid=$!
# wait for the first periodic checkpoint (a fixed sleep failed on a loaded
# machine, load 12 on 2 cores: no checkpoint yet after 2.2 s), at most 120 s
for _ in $(seq 1200); do
  [ -f "$tmp/out.h5.ckpt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
signal KILL "$tmp/out.h5"
wait "$pid" 2>/dev/null
[ ! -e "$tmp/out.h5" ] || { echo "FAIL: a killed run left a file at the output path" >&2; exit 1; }
[ -f "$tmp/out.h5.ckpt" ] || { echo "FAIL: no periodic checkpoint after a crash" >&2; exit 1; }
launch 2 run "$scen" -o "$tmp/out.h5" --trials "$trials" --quiet --resume ||
  { echo "FAIL: resuming after a crash" >&2; exit 1; }
if ! "$h5same" --exclude-path /run_info "$tmp/ref.h5" "$tmp/out.h5"; then
  echo "FAIL: resumed after a crash: differs from the uninterrupted run" >&2
  exit 1
fi
echo "resumed after a crash from the periodic checkpoint: identical"

# SIGTERM during the analysis: --counterfactual's own engine runs stop, and
# the finished simulation goes into the checkpoint (exit 75; until
# 2026-12-05 it was thrown away, exit 130); --resume redoes the analysis and
# writes the file of an uninterrupted run. The signal is sent later each
# round until it lands after the simulation (every block done). 6,000
# trials of demo.yaml: about 0.3 s of simulation, 5 s of analysis here.
ct=${CF_TRIALS:-6000}
launch 2 run "$scen" -o "$tmp/cref.h5" --trials "$ct" --quiet --counterfactual ||
  { echo "FAIL: reference run with --counterfactual" >&2; exit 1; }
landed=
for delay in 1 2 3 5; do
  rm -f "$tmp/c.h5" "$tmp/c.h5.ckpt"
  launch 2 run "$scen" -o "$tmp/c.h5" --trials "$ct" --quiet --counterfactual &
  pid=$!
  sleep "$delay"
  signal TERM "$tmp/c.h5"
  wait "$pid"
  status=$?
  [ "$status" -eq 0 ] && { echo "FAIL: --counterfactual finished within $delay s: raise TRIALS" >&2; exit 1; }
  [ "$status" -eq 75 ] || { echo "FAIL: stopped in the analysis: exit status $status, expected 75" >&2; exit 1; }
  [ ! -e "$tmp/c.h5" ] || { echo "FAIL: a stopped run left a file at the output path" >&2; exit 1; }
  done_flags=$(h5dump -d /block_done -y -w 0 "$tmp/c.h5.ckpt" | sed -n '/DATA {/,/}/p' | tr -dc '01')
  if [ -n "$done_flags" ] && [ -z "${done_flags//1/}" ]; then landed=$delay; break; fi
done
[ -n "$landed" ] || { echo "FAIL: the signal never landed after the simulation" >&2; exit 1; }
launch 2 run "$scen" -o "$tmp/c.h5" --trials "$ct" --quiet --counterfactual --resume ||
  { echo "FAIL: resuming a run stopped in the analysis" >&2; exit 1; }
if ! "$h5same" --exclude-path /run_info "$tmp/cref.h5" "$tmp/c.h5"; then
  echo "FAIL: stopped in the analysis and resumed: differs from the uninterrupted run" >&2
  exit 1
fi
echo "stopped in the analysis (after $landed s) and resumed: identical"

# A complete streamed run (output.trials: none) removes an earlier run's
# checkpoint beside its output, as every complete run does (until
# 2026-12-05 it said so and left it, and a job script that resumes when a
# checkpoint exists then failed with "another run").
printf 'extends: %s\noutput:\n  trials: none\n' \
  "$(cd "$(dirname "$scen")" && pwd)/$(basename "$scen")" >"$tmp/none.yaml"
rm -f "$tmp/n.h5"
printf 'not a checkpoint\n' >"$tmp/n.h5.ckpt"
launch 2 run "$tmp/none.yaml" -o "$tmp/n.h5" --trials 2000 --quiet ||
  { echo "FAIL: streamed run beside an old checkpoint" >&2; exit 1; }
[ -f "$tmp/n.h5" ] && [ ! -e "$tmp/n.h5.ckpt" ] ||
  { echo "FAIL: a complete streamed run left the old checkpoint" >&2; exit 1; }
echo "a complete streamed run removed the earlier checkpoint"
