#!/usr/bin/env bash
# fake_checkpointing_minrisk.sh - stands in for a minrisk that checkpoints on
# SIGUSR1/SIGTERM, so that slurm_local.sh can test the sbatch scripts'
# signal forwarding, requeue and --resume even while the binary under test
# cannot checkpoint yet. Every call except `run` goes to the real binary
# ($MINRISK_REAL).
#   run ... -o OUT ...           writes OUT.ckpt, waits for SIGUSR1 or SIGTERM,
#                                then exits 75 (as minrisk after a checkpoint);
#                                exits 1 after 300 s without a signal
#   run ... -o OUT --resume ...  needs OUT.ckpt; runs the real minrisk without
#                                --resume, then removes OUT.ckpt
set -uo pipefail
real=${MINRISK_REAL:?MINRISK_REAL: the real minrisk binary}
[ "${1:-}" = run ] || exec "$real" "$@"

args=() output="" resume=0
prev=""
for a in "$@"; do
    if [ "$a" = --resume ]; then
        resume=1
    else
        args+=("$a")
        [ "$prev" = -o ] && output=$a
    fi
    prev=$a
done
[ -n "$output" ] || { echo "fake minrisk: needs -o OUT" >&2; exit 2; }

if [ "$resume" = 1 ]; then
    [ -e "$output.ckpt" ] || { echo "fake minrisk: --resume without $output.ckpt" >&2; exit 1; }
    echo "fake minrisk: resuming from $output.ckpt"
    "$real" "${args[@]}" || exit
    rm -f "$output.ckpt"
    exit 0
fi

# The trap first, then the marker: slurm_local.sh signals as soon as the
# marker exists, and a USR1 before the trap would kill this script (138).
sleeper=""
trap 'kill "$sleeper" 2>/dev/null; echo "fake minrisk: checkpoint at $output.ckpt"; exit 75' USR1 TERM
sleep 300 &
sleeper=$!
: >"$output.ckpt"
echo "fake minrisk: running; checkpoints on SIGUSR1 or SIGTERM"
wait "$sleeper"
echo "fake minrisk: no signal within 300 s" >&2
exit 1
