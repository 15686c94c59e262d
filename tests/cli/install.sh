#!/usr/bin/env bash
# install.sh - what `cmake --install` puts beside the binary for the
# command line (label cli): the bash completion under
# share/bash-completion/completions/minrisk, the example scenarios under
# share/minrisk/scenarios (every file of scenarios/, as they extend one
# another), and `minrisk --help` of the installed binary naming that
# directory; the installed binary validates and runs them from elsewhere,
# and its `minrisk report` runs the installed share/minrisk/report.py.
# usage: install.sh CMAKE BUILD_DIR SRC
set -uo pipefail
cmake=$1 build=$2 src=$(realpath "$3")
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$cmake" --install "$build" --prefix "$prefix" >"$prefix/install.log" 2>&1 ||
  { echo "FAIL: cmake --install: $(tail -3 "$prefix/install.log")" >&2; exit 1; }
bin=$prefix/bin/minrisk
[ -x "$bin" ] || { echo "FAIL: no bin/minrisk" >&2; exit 1; }

# the completion: the source's script, and it completes in a fresh bash
comp=$prefix/share/bash-completion/completions/minrisk
if [ -f "$comp" ]; then
  cmp -s "$comp" "$src/sim/cmd/completion.bash" || fail "$comp differs from sim/cmd/completion.bash"
  got=$(bash --norc --noprofile -c 'source "$1" && complete -p minrisk &&
    COMP_WORDS=(minrisk ru) COMP_CWORD=1 && _minrisk && echo "${COMPREPLY[*]}" &&
    COMP_WORDS=(minrisk export x.h5 --tr) COMP_CWORD=3 && _minrisk && echo "${COMPREPLY[*]}"' \
    bash "$comp" 2>&1)
  want=$'complete -F _minrisk minrisk\nrun\n--trials'
  [ "$got" = "$want" ] || fail "the installed completion: got '$got', expected '$want'"
else
  fail "no share/bash-completion/completions/minrisk"
fi

# the example scenarios: every one of the source's, unchanged
dir=$prefix/share/minrisk/scenarios
n=0
for f in "$src"/scenarios/*.yaml; do
  n=$((n + 1))
  cmp -s "$f" "$dir/${f##*/}" || fail "share/minrisk/scenarios/${f##*/}: missing or different"
done
[ "$n" -ge 10 ] || fail "only $n scenarios in the source's scenarios/"
[ "$(find "$dir" -name '*.yaml' | wc -l)" -eq "$n" ] || fail "share/minrisk/scenarios: not $n files"

# the installed binary names them and uses them from another directory
mkdir "$prefix/elsewhere"
cd "$prefix/elsewhere" || exit 1
"$bin" --help >help.txt 2>&1 || fail "installed minrisk --help: status $?"
real=$(realpath "$dir")
grep -qF "Example scenarios: $real (demo.yaml" help.txt ||
  fail "installed minrisk --help does not name $real: $(grep -i 'scenarios:' help.txt)"
for f in "$dir"/*.yaml; do
  "$bin" validate "$f" >/dev/null 2>err.txt || fail "installed validate ${f##*/}: $(cat err.txt)"
done
"$bin" run "$dir/stress-drc-cobalt.yaml" --trials=100 -qo drc.h5 2>err.txt ||
  fail "installed run of stress-drc-cobalt.yaml (extends uk-2024.yaml): $(cat err.txt)"
[ -f drc.h5 ] || fail "installed run: no drc.h5"

# the installed `minrisk report` runs <prefix>/share/minrisk/report.py, the
# installed copy of out/report.py, not the source tree's (a stub in its
# place here records that it ran, with the arguments it was given)
script=$prefix/share/minrisk/report.py
cmp -s "$script" "$src/out/report.py" || fail "share/minrisk/report.py: missing or not out/report.py"
# ... with the package it loads, share/minrisk/report/: out/report/*.py
[ "$(cd "$prefix/share/minrisk/report" 2>/dev/null && ls)" = "$(cd "$src/out/report" && ls ./*.py | sed 's|^\./||')" ] ||
  fail "share/minrisk/report/ is not out/report/*.py: $(ls "$prefix/share/minrisk/report" 2>&1 | tr '\n' ' ')"
for f in "$src"/out/report/*.py; do
  cmp -s "$f" "$prefix/share/minrisk/report/${f##*/}" || fail "share/minrisk/report/${f##*/} differs"
done
printf 'import sys\nopen("stub-ran", "w").write(" ".join(sys.argv[1:]))\n' >"$script"
env -u MINRISK_REPORT_SCRIPT "$bin" report drc.h5 -o drc-report -q >/dev/null 2>&1
[ "$(cat stub-ran 2>/dev/null)" = "--from-minrisk -o drc-report --minrisk-version $("$bin" --version |
    cut -d' ' -f2) --quiet -- drc.h5" ] ||
  fail "installed report did not run share/minrisk/report.py: '$(cat stub-ran 2>/dev/null)'"

echo "$n scenarios; $fails failed"
[ "$fails" -eq 0 ]
