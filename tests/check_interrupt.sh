#!/usr/bin/env bash
# Ctrl-C (SIGINT) or SIGTERM during a run leaves nothing at the output path
# (INTERFACE.md): no file, no temporary file; exit status 130.
# usage: check_interrupt.sh MINRISK SCENARIO
set -uo pipefail
bin=$1 scen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sig in INT TERM; do
  "$bin" run "$scen" -o "$tmp/out.h5" --trials 50000000 --quiet &
  pid=$!
  sleep 1.5
  kill -s "$sig" "$pid"
  wait "$pid"
  status=$?
  if [ "$status" -ne 130 ]; then
    echo "FAIL: SIG$sig: exit status $status, expected 130" >&2
    exit 1
  fi
  if compgen -G "$tmp/out.h5*" >/dev/null; then
    echo "FAIL: SIG$sig left files: $(ls "$tmp")" >&2
    exit 1
  fi
done
echo "interrupted runs left nothing at the output path"
