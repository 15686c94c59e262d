#!/usr/bin/env bash
# Two stopping signals on one run: the first decides how it stops
# (docs/HPC.md). SIGTERM (or SIGUSR1) first: the checkpoint and exit 75,
# and a Ctrl-C (or SIGHUP) after it does not discard it. Ctrl-C (or SIGHUP)
# first: exit 130 and nothing written, and a SIGTERM (or SIGUSR1) after it
# writes no checkpoint (until 2026-12-06 it did, exit 75). The shim
# signalpair.c sends the pair, in order, as the run unblocks the signals
# after taking its lock.
# usage: run_signal_order.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
for pair in "TERM INT:75" "USR1 HUP:75" "INT TERM:130" "HUP USR1:130"; do
  sigs=${pair%:*} want=${pair#*:}
  rm -f r.h5* out.txt err.txt
  MINRISK_TEST_SIGNALS=$sigs LD_PRELOAD=$shim timeout 60 "$bin" run "$demo" -o r.h5 --trials 2000 \
    --quiet >out.txt 2>err.txt
  status=$?
  [ "$status" -eq "$want" ] || fail "$sigs: status $status, expected $want ($(cat err.txt))"
  left=$(ls -A | grep -v -x -e out.txt -e err.txt | tr '\n' ' ' | sed 's/ $//')
  if [ "$want" -eq 75 ]; then
    [ "$left" = r.h5.ckpt ] || fail "$sigs: left '$left', expected only r.h5.ckpt"
    grep -q "^minrisk run: stopped; checkpoint r.h5.ckpt written" err.txt ||
      fail "$sigs: stderr: $(cat err.txt)"
  else
    [ -z "$left" ] || fail "$sigs: left '$left', expected nothing"
    [ "$(cat err.txt)" = "minrisk run: interrupted; nothing written to r.h5" ] ||
      fail "$sigs: stderr: $(cat err.txt)"
  fi
done
rm -f r.h5* out.txt err.txt
finish
