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
echo "SIGINT and SIGHUP left nothing; SIGTERM left only the checkpoint"
