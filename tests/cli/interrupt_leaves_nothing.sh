#!/usr/bin/env bash
# Ctrl-C (SIGINT) during a run leaves nothing at the output path
# (INTERFACE.md): no file, no temporary file, no checkpoint; exit status 130.
# SIGTERM leaves no output either, only the checkpoint FILE.h5.ckpt, and
# exits with status 75 (see resume_after_sigterm.sh for resuming it).
# SIGHUP (a dropped ssh session) as Ctrl-C: by default it killed the run
# and, during a write, left the temporary file and the output's lock.
# usage: interrupt_leaves_nothing.sh MINRISK SCENARIO
set -uo pipefail
bin=$1 scen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sig in INT TERM HUP; do
  rm -f "$tmp"/*
  "$bin" run "$scen" -o "$tmp/out.h5" --trials 2000000 --quiet &
  pid=$!
  sleep 1.5
  kill -s "$sig" "$pid"
  wait "$pid"
  status=$?
  want=130 left=""
  [ "$sig" = TERM ] && want=75 left="out.h5.ckpt"
  if [ "$status" -ne "$want" ]; then
    echo "FAIL: SIG$sig: exit status $status, expected $want" >&2
    exit 1
  fi
  files=$(cd "$tmp" && ls -A | tr '\n' ' ' | sed 's/ $//')
  if [ "$files" != "$left" ]; then
    echo "FAIL: SIG$sig left '$files', expected '$left'" >&2
    exit 1
  fi
done
# Runs that keep no checkpoint (docs/HPC.md): SIGTERM stops them as Ctrl-C
# does, with one line that says why (until 2026-12-06 two: the reason, then
# "interrupted; nothing written").
abs=$(cd "$(dirname "$scen")" && pwd)/$(basename "$scen")
printf 'extends: %s\noutput:\n  trials: none\n' "$abs" >"$tmp/none.yaml"
printf 'extends: %s\nsweep:\n  simulation.horizon_years: [2, 3]\n' "$abs" >"$tmp/sweep.yaml"
for kind in importance none sweep; do
  rm -f "$tmp"/*.h5 "$tmp"/err
  if [ "$kind" = importance ]; then
    "$bin" run "$scen" -o "$tmp/out.h5" --trials 200000 --importance 'country/*=2' --quiet 2>"$tmp/err" &
    why="an importance-sampled run"
  elif [ "$kind" = sweep ]; then # (until 2026-12-07 "interrupted")
    "$bin" run "$tmp/sweep.yaml" -o "$tmp/out.h5" --trials 2000000 --quiet 2>"$tmp/err" &
    why="a sweep"
  else
    "$bin" run "$tmp/none.yaml" -o "$tmp/out.h5" --trials 2000000 --quiet 2>"$tmp/err" &
    why="a run with output.trials: none or totals"
  fi
  pid=$!
  sleep 1.5
  kill -TERM "$pid"
  wait "$pid"
  status=$?
  [ "$status" -eq 130 ] || { cat "$tmp/err" >&2; echo "FAIL: $kind SIGTERM: exit status $status, expected 130" >&2; exit 1; }
  want="minrisk run: stopped; $why keeps no checkpoint: nothing written to $tmp/out.h5"
  [ "$(cat "$tmp/err")" = "$want" ] || { cat "$tmp/err" >&2; echo "FAIL: $kind SIGTERM: stderr is not the one line '$want'" >&2; exit 1; }
  files=$(cd "$tmp" && ls -A | grep -v '^err$\|^none.yaml$\|^sweep.yaml$' | tr '\n' ' ' | sed 's/ $//')
  [ -z "$files" ] || { echo "FAIL: $kind SIGTERM left '$files'" >&2; exit 1; }
done
# --checkpoint-every given to such a run is warned of, one line before the
# run's own (until 2026-12-07 silent)
"$bin" run "$tmp/none.yaml" -o "$tmp/w.h5" --trials 100 --checkpoint-every 5 2>"$tmp/err" >/dev/null ||
  { cat "$tmp/err" >&2; echo "FAIL: --checkpoint-every on a streamed run: status $?" >&2; exit 1; }
want='minrisk run: warning: --checkpoint-every: a run with output.trials: none or totals keeps no checkpoint; a stop signal ends it with nothing written (docs/HPC.md "The wall-time limit")'
[ "$(head -1 "$tmp/err")" = "$want" ] && [ "$(grep -c warning "$tmp/err")" -eq 1 ] ||
  { cat "$tmp/err" >&2; echo "FAIL: --checkpoint-every on a streamed run: not the one warning" >&2; exit 1; }
"$bin" run "$scen" -o "$tmp/w2.h5" --trials 100 --checkpoint-every 5 2>"$tmp/err" >/dev/null
! grep -q warning "$tmp/err" || { cat "$tmp/err" >&2; echo "FAIL: --checkpoint-every warned on a run that keeps checkpoints" >&2; exit 1; }
rm -f "$tmp"/w.h5 "$tmp"/w2.h5
echo "SIGINT and SIGHUP left nothing; SIGTERM left only the checkpoint, or, for runs that keep none, one line and nothing"
