#!/usr/bin/env bash
# completion.sh - the bash completion (sim/cmd/completion.bash; label cli).
# usage: completion.sh SCRIPT MINRISK
# Sources SCRIPT in this bash, checks `complete -p minrisk`, then completes
# command lines as bash would (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT;
# words split at = as the default COMP_WORDBREAKS does) in a directory of
# known files, and checks that the options it offers for every command are
# those the command's --help lists, long and short.
set -uo pipefail
script=$(realpath "$1") bin=$(realpath "$2")
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# shellcheck disable=SC1090
source "$script" || { echo "FAIL: cannot source $script" >&2; exit 1; }
[ "$(complete -p minrisk)" = "complete -F _minrisk minrisk" ] ||
  fail "complete -p minrisk: '$(complete -p minrisk 2>&1)'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir sub
touch a.yaml b.yml c.h5 notes.txt sub/d.yaml

# comp 'LINE' 'EXPECTED': complete LINE (cursor at its end; a trailing space
# starts an empty word) and compare the sorted COMPREPLY with EXPECTED.
comp() {
  local line=$1 want=$2 got split=${SPLIT:-1}
  if [ "$split" = 1 ]; then
    read -r -a COMP_WORDS <<<"$(printf '%s' "$line" | sed 's/=/ = /g')"
    [[ $line == *= ]] && COMP_WORDS+=("")
  else
    read -r -a COMP_WORDS <<<"$line"
  fi
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line COMP_POINT=${#line}
  COMPREPLY=()
  _minrisk minrisk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || fail "completing '$line': got '$got', expected '$want'"
}

comp "minrisk " "bench compare explain export init report run summary uncertainty validate"
# ... which are those of `minrisk --help`
listed=$("$bin" --help | awk '/^commands:$/ {on = 1; next} /^$/ {on = 0} on && /^  [a-z]/ {print $1}' |
         sort | tr '\n' ' ' | sed 's/ $//')
comp "minrisk " "$listed"
comp "minrisk r" "report run"
comp "minrisk --v" "--version"
comp "minrisk -- s" "summary"
comp "minrisk run --tr" "--trials"
comp "minrisk run --t" "--target --target-precision --threads --trials"
comp "minrisk run --c" "--checkpoint-every --counterfactual"
comp "minrisk validate --" "--help --json-schema --schema"
comp "minrisk init --" "--force --help --minerals --sectors"
comp "minrisk init --minerals " ""
comp "minrisk init --sectors=" ""
comp "minrisk init --force " "a.yaml b.yml sub"
comp "minrisk run " "a.yaml b.yml sub"
comp "minrisk run a.yaml " "a.yaml b.yml sub"
comp "minrisk run sub/" "sub/d.yaml"
comp "minrisk compare a.yaml " "a.yaml b.yml sub"
comp "minrisk summary " "c.h5 sub"
comp "minrisk explain c.h5 --trial " ""
comp "minrisk run a.yaml -o " "c.h5 sub"
comp "minrisk run a.yaml -qo " "c.h5 sub"
comp "minrisk run a.yaml --output=" "c.h5 sub"
comp "minrisk run a.yaml --trials=" ""
# COMP_WORDBREAKS without =: the word is --output=..., kept whole
SPLIT=0 comp "minrisk run a.yaml --output=s" "--output=sub"
SPLIT=0 comp "minrisk run a.yaml --output=" "--output=c.h5 --output=sub"
comp "minrisk run a.yaml --trials 5 --quiet " "a.yaml b.yml sub"
comp "minrisk report c.h5 -o " "sub"
comp "minrisk export c.h5 --csv " "sub"
comp "minrisk bench --json " "a.yaml b.yml c.h5 notes.txt sub"
comp "minrisk bench --d" "--dense --density"
comp "minrisk run -- --" ""
comp "minrisk run -- " "a.yaml b.yml sub"

# every command's options against its --help (the option lines of the
# usage text, as tests/cli/help.sh reads them)
for cmd in "" $listed; do
  want=$( (
    echo --help
    "$bin" $cmd --help | grep -oE '^  +(-[a-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'
  ) | sort -u | tr '\n' ' ' | sed 's/ $//')
  comp "minrisk${cmd:+ $cmd} --" "$want"
  # and the short forms ("-o, --output"): "-" offers every option
  want=$( (
    printf '%s\n' -h --help
    "$bin" $cmd --help | grep -oE '^  +(-[a-z], )?--[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*'
  ) | sort -u | tr '\n' ' ' | sed 's/ $//')
  comp "minrisk${cmd:+ $cmd} -" "$want"
done

echo "$fails failed"
[ "$fails" -eq 0 ]
