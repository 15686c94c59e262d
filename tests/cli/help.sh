#!/usr/bin/env bash
# help.sh - the manual (tests/cli/tests.cmake, label `help`).
#
#   help.sh examples MINRISK SRC
#     `minrisk --help` and `minrisk CMD --help` for every command of the list
#     below: exit 0, a usage line, and every line under "example:" run as
#     written (sh -c, in order, in one scratch directory holding a symlink
#     `scenarios` to the source's scenarios and with `minrisk` on PATH as the
#     built binary), each exiting 0. A command that still answers "not
#     implemented yet" is reported as skipped. Examples may use the files of
#     the examples before them (`minrisk run ... -o demo.h5` then
#     `minrisk summary demo.h5`).
#
#   help.sh man CMAKE BUILD_DIR SRC MINRISK
#     `cmake --install BUILD_DIR --prefix TMP` installs bin/minrisk and
#     share/man/man1/minrisk.1; groff renders the page without a warning
#     (`man -l` when groff is missing); it has the sections of a manual page,
#     an entry under COMMANDS for every command, and for each command the
#     options its --help lists, no more and no fewer, in its SYNOPSIS line
#     and in its OPTIONS subsection (.SS COMMAND).
set -uo pipefail
COMMANDS=("" run validate init summary compare explain report export uncertainty bench)
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

examples() {
  local bin=$1 src=$2 tmp ran=0
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  mkdir "$tmp/bin" "$tmp/work"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$bin" >"$tmp/bin/minrisk"
  chmod +x "$tmp/bin/minrisk"
  ln -s "$src/scenarios" "$tmp/work/scenarios"
  cd "$tmp/work" || return 1
  export PATH="$tmp/bin:$PATH"
  for cmd in "${COMMANDS[@]}"; do
    local name=${cmd:-minrisk} out err st
    # shellcheck disable=SC2086 # an empty cmd is no argument
    "$bin" $cmd --help >"$tmp/help" 2>"$tmp/err"
    st=$?
    if [ $st -ne 0 ] && grep -q 'not implemented yet' "$tmp/err"; then
      echo "SKIP: minrisk $cmd --help: not implemented yet"
      continue
    fi
    [ $st -eq 0 ] || { fail "minrisk $cmd --help: exit status $st: $(cat "$tmp/err")"; continue; }
    [ -s "$tmp/err" ] && fail "minrisk $cmd --help: writes to stderr: $(cat "$tmp/err")"
    grep -q "^usage: minrisk${cmd:+ $cmd}" "$tmp/help" ||
      fail "minrisk $cmd --help: no 'usage: minrisk${cmd:+ $cmd}' line"
    # the lines under "example:" (or "examples:"), up to a blank line
    awk '/^examples?:$/ {on = 1; next} on && /^[[:space:]]*$/ {on = 0} on {sub(/^[[:space:]]+/, ""); print}' \
      "$tmp/help" >"$tmp/examples"
    [ -s "$tmp/examples" ] || { fail "minrisk $cmd --help: no example"; continue; }
    while IFS= read -r line; do
      case $line in
      minrisk\ *) ;;
      *) fail "$name --help: example does not start with 'minrisk': $line"; continue ;;
      esac
      echo "+ $line"
      timeout 300 sh -c "$line" </dev/null >"$tmp/out" 2>&1
      st=$?
      ran=$((ran + 1))
      if [ $st -ne 0 ]; then
        fail "$name --help example exits $st: $line"
        tail -5 "$tmp/out" | sed 's/^/    /' >&2
      fi
    done <"$tmp/examples"
  done
  echo "$ran examples run"
  [ $ran -gt 0 ] || fail "no example was run"
}

manpage() {
  local cmake=$1 build=$2 src=$3 bin=$4 prefix page warn
  prefix=$(mktemp -d)
  trap 'rm -rf "$prefix"' RETURN
  "$cmake" --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 ||
    { fail "cmake --install: $(tail -3 "$prefix.log")"; rm -f "$prefix.log"; return; }
  rm -f "$prefix.log"
  [ -x "$prefix/bin/minrisk" ] || fail "cmake --install: no bin/minrisk"
  "$prefix/bin/minrisk" --version >/dev/null 2>&1 || fail "the installed minrisk does not run"
  page="$prefix/share/man/man1/minrisk.1"
  [ -f "$page" ] || { fail "cmake --install: no share/man/man1/minrisk.1"; return; }
  cmp -s "$page" "$src/docs/minrisk.1" || fail "the installed page differs from docs/minrisk.1"
  if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$warn" ] || fail "groff warns: $warn"
    [ "$(groff -man -Tutf8 "$page" 2>/dev/null | wc -l)" -gt 100 ] || fail "groff renders too little"
  elif command -v man >/dev/null; then
    MANWIDTH=80 man -l "$page" >/dev/null 2>"$prefix/manerr" || fail "man -l fails"
    [ -s "$prefix/manerr" ] && fail "man -l warns: $(cat "$prefix/manerr")"
  else
    echo "note: neither groff nor man: syntax checks only"
  fi
  head -20 "$page" | grep -q '^\.TH MINRISK 1 ' || fail "no .TH MINRISK 1 line"
  for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES ENVIRONMENT \
             EXAMPLES "SEE ALSO"; do
    grep -q "^\.SH $sec\$" "$page" || fail "no section .SH $sec"
  done
  for st in 0 1 2 75 130; do
    grep -A1 '^\.TP' "$page" | grep "^\.B $st\$" >/dev/null || fail "EXIT STATUS: no entry for $st"
  done
  for var in OMP_NUM_THREADS MINRISK_PYTHON MINRISK_REPORT_SCRIPT; do
    grep -q "^\.B $var\$" "$page" || fail "ENVIRONMENT: no entry for $var"
  done
  # every command: an entry under COMMANDS, and the same options (short and
  # long) in its --help, its SYNOPSIS line and its OPTIONS subsection, both
  # ways, so that none of the three drifts from the others
  # (tests/cli/completion.sh holds the completion to the same --help)
  local roff_text='s/\\-/-/g; s/\\f[BIRP]//g; s/"//g'
  for cmd in "${COMMANDS[@]}"; do
    [ -n "$cmd" ] || continue
    "$bin" "$cmd" --help >"$prefix/help" 2>/dev/null || continue # not implemented yet
    grep -q "^\.BI $cmd " "$page" || fail "COMMANDS: no entry for $cmd"
    grep -q "^\.SS $cmd\$" "$page" || fail "OPTIONS: no subsection for $cmd"
    # the option lines of --help: "-o, --output FILE" or "--trials N"
    local pairs want syn sub opt
    pairs=$(grep -oE '^  +(-[a-z], )?--[a-z][a-z-]*' "$prefix/help" | sed 's/^ *//; s/,//' |
            grep -v -- '--help$' | sort -u)
    want=$(echo "$pairs" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
    # the SYNOPSIS entry: from ".B minrisk CMD" to ".br"
    syn=$(awk -v c="$cmd" '/^\.SH /{on = ($0 == ".SH SYNOPSIS"); s = 0; next}
                           on && $0 == ".B minrisk " c {s = 1; next} /^\.br/ {s = 0} on && s' "$page" |
          sed "$roff_text" | grep -oE -- '(^| |\[)--?[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*' |
          sort -u | tr '\n' ' ')
    # the tags of the OPTIONS subsection (the line after each .TP)
    sub=$(awk -v c="$cmd" '/^\.S[SH] /{s = ($0 == ".SS " c); next} s && t {print; t = 0}
                           s && /^\.TP/ {t = 1}' "$page" |
          sed "$roff_text" | grep -oE -- '(^| )--?[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*' |
          sort -u | tr '\n' ' ')
    # --help's options in the synopsis (the long or the short form) and in
    # the subsection (both forms)
    while read -r -a forms; do
      [ ${#forms[@]} -gt 0 ] || continue
      local seen=0 f
      for f in "${forms[@]}"; do [[ " $syn" == *" $f "* ]] && seen=1; done
      [ $seen -eq 1 ] || fail "SYNOPSIS: minrisk $cmd: no ${forms[*]}"
      for f in "${forms[@]}"; do
        [[ " $sub" == *" $f "* ]] || fail "OPTIONS: .SS $cmd: no $f"
      done
    done <<<"$pairs"
    # and nothing there that --help does not list
    for opt in $syn $sub; do
      [[ " $want" == *" $opt "* ]] || fail "the manual's minrisk $cmd has $opt, its --help has not"
    done
  done
}

# the commands of `minrisk --help` must be those of COMMANDS, so that a new
# command cannot escape the checks above (as init once did)
commands_listed() {
  local bin=$1 listed
  listed=$("$bin" --help | awk '/^commands:$/ {on = 1; next} /^$/ {on = 0} on && /^  [a-z]/ {print $1}' |
           sort | tr '\n' ' ')
  [ "$listed" = "$(printf '%s\n' "${COMMANDS[@]}" | sed '/^$/d' | sort | tr '\n' ' ')" ] ||
    fail "minrisk --help lists the commands '$listed', tests/cli/help.sh checks '${COMMANDS[*]}'"
}

mode=$1
shift
case $mode in
examples) commands_listed "$1"; examples "$@" ;;
man) commands_listed "$4"; manpage "$@" ;;
*) echo "usage: help.sh examples MINRISK SRC | man CMAKE BUILD_DIR SRC MINRISK" >&2; exit 2 ;;
esac
[ $fails -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "ok"
