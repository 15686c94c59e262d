#!/usr/bin/env bash
# An environment variable's value in an error message is shown as a name
# read from a file is (out/format.h mr_env_shown: control bytes as \xNN,
# at most 128 bytes, "..." when cut), so the message stays one line. Until
# 2026-12-06 the values went in raw: MINRISK_MEMORY_LIMIT=$'1\nX' gave a
# two-line error, a 3000-byte one a line cut at 1 kB without its closing
# quote, and so did MINRISK_STREAM_BUDGET (cut at 64 bytes), compare's
# OMPI_COMM_WORLD_SIZE, MINRISK_REPORT_SCRIPT and MINRISK_PYTHON; an ESC
# reached the terminal. Each: exit status, exactly one line, its text.
# usage: env_in_messages.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
nl=$'1\nX\e[31m'
nl_shown='1\x0aX\x1b[31m'
long=$(printf 'x%.0s' $(seq 3000))
long_shown="$(printf 'x%.0s' $(seq 125))..."
# env VAR=VALUE ... STATUS LINE -- ARGS: minrisk ARGS with the variables set
with() {
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  local want=$1 line=$2
  shift 2
  env "${vars[@]}" timeout 20 "$bin" "$@" >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "${vars[*]@Q} minrisk $*: status $got, expected $want"
  one_line err.txt "$(printf '%s' "$line" | sed 's/[][\.*^$?+(){}|]/\\&/g')"
  rm -f out.txt err.txt
}
mem="MINRISK_MEMORY_LIMIT: must be a number of bytes (digits, no leading zero), with an optional K, M, G or T, got"
with MINRISK_MEMORY_LIMIT="$nl" -- 2 "$mem '$nl_shown'" run "$demo" -o r.h5 --trials 10 --quiet
with MINRISK_MEMORY_LIMIT="$long" -- 2 "$mem '$long_shown'" run "$demo" -o r.h5 --trials 10 --quiet
{ cat "$demo"; printf 'output:\n  trials: none\n'; } >none.yaml
budget="MINRISK_STREAM_BUDGET: must be a number of values (digits, no leading zero), got"
with MINRISK_STREAM_BUDGET="$nl" -- 2 "$budget '$nl_shown'" run none.yaml -o r.h5 --trials 10 --quiet
with MINRISK_STREAM_BUDGET="$long" -- 2 "$budget '$long_shown'" run none.yaml -o r.h5 --trials 10 --quiet
with OMPI_COMM_WORLD_SIZE="$nl" -- 2 "minrisk compare: OMPI_COMM_WORLD_SIZE is '$nl_shown', not a number of processes: compare runs as one process; start it without mpiexec (see 'minrisk compare --help')" compare "$demo" "$demo" -o c.h5 --quiet
"$bin" run "$demo" -o in.h5 --trials 10 --quiet || fail "the input run: status $?"
with MINRISK_REPORT_SCRIPT="/no/$nl" -- 1 "minrisk report: MINRISK_REPORT_SCRIPT=/no/$nl_shown: cannot read the script" report in.h5 -o rep --quiet
with MINRISK_PYTHON="/no/$nl" -- 1 "minrisk report: cannot run /no/$nl_shown: No such file or directory (install python3 or set MINRISK_PYTHON)" report in.h5 -o rep --quiet
only none.yaml in.h5
finish "environment values in messages: one line, control bytes escaped, long ones cut"
