#!/bin/sh
# python_install.sh BUILD SRC PYTHON - the Python package installed
# (tests/python/tests.cmake, test python_install):
# 1. `cmake --install BUILD --prefix TMP`, then, with
#    PYTHONPATH=TMP/lib/python3/dist-packages and PATH without minrisk,
#    `import minrisk` is the installed copy, its _report/ a regular
#    directory whose files equal SRC/out/report/*.py (no other file),
#    minrisk.binary() the installed
#    TMP/bin/minrisk, minrisk.plot imports, and minrisk.run of
#    SRC/scenarios/demo.yaml (100 trials) runs and opens;
# 2. `pip install --no-build-isolation --no-deps --no-index --target` of a
#    copy of python/ (with out/report/ beside it, for the link): offline,
#    the same files, _report/ a regular copy;
# 3. imported from a source tree (that copy with a CMakeLists.txt beside
#    python/), PATH without minrisk and no MINRISK_BIN: minrisk.binary()
#    says ROOT/build/minrisk is not built, then, once it is there (a link
#    to BUILD/minrisk), is it.
set -eu
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) py=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/python_install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
site=$tmp/prefix/lib/python3/dist-packages
[ -f "$site/minrisk/__init__.py" ] || fail "no $site/minrisk/__init__.py"
same_report() { # same_report DIR: DIR a directory (not a link) of out/report/*.py, nothing else
  [ -d "$1" ] && [ ! -L "$1" ] || fail "$1 not a regular directory"
  [ "$(cd "$1" && ls | grep -vx __pycache__)" = "$(cd "$src/out/report" && ls ./*.py | sed 's|^\./||')" ] ||
    fail "$1 holds $(cd "$1" && ls | tr '\n' ' '), not out/report/*.py"
  for f in "$src"/out/report/*.py; do
    [ -f "$1/${f##*/}" ] && [ ! -L "$1/${f##*/}" ] && cmp -s "$f" "$1/${f##*/}" ||
      fail "$1/${f##*/} differs from out/report/${f##*/}"
  done
}
same_report "$site/minrisk/_report"
for f in "$src"/python/minrisk/*.py; do
  cmp -s "$f" "$site/minrisk/$(basename "$f")" || fail "installed $(basename "$f") differs"
done
cd "$tmp"
out=$(env -u MINRISK_BIN PATH=/usr/bin:/bin PYTHONPATH="$site" "$py" -c "
import os, minrisk, minrisk.plot
print(os.path.realpath(minrisk.__file__))
print(os.path.realpath(minrisk.binary()))
r = minrisk.run('$src/scenarios/demo.yaml', 'x.h5', trials=100, threads=1, progress=False)
print(r.attrs['trials'], float(r['summary'].total_loss_mean) >= 0)
") || fail "import minrisk from the prefix"
echo "$out"
[ "$(echo "$out" | sed -n 1p)" = "$(realpath "$site/minrisk/__init__.py")" ] || fail "imported another minrisk"
[ "$(echo "$out" | sed -n 2p)" = "$(realpath "$tmp/prefix/bin/minrisk")" ] || fail "not the installed binary"
[ "$(echo "$out" | sed -n 3p)" = "100 True" ] || fail "run from the prefix"

mkdir -p "$tmp/src/out/report"
cp -a "$src/python" "$tmp/src/python"
cp "$src"/out/report/*.py "$tmp/src/out/report/"
"$py" -m pip install --no-build-isolation --no-deps --no-index --target "$tmp/pip" "$tmp/src/python" \
  >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; fail "pip install"; }
same_report "$tmp/pip/minrisk/_report"
for f in "$src"/python/minrisk/*.py; do
  cmp -s "$f" "$tmp/pip/minrisk/$(basename "$f")" || fail "pip: $(basename "$f") differs"
done
env PYTHONPATH="$tmp/pip" "$py" -c "import minrisk, minrisk.plot; assert minrisk.__file__.startswith('$tmp/pip/')" \
  || fail "import the pip copy"
: >"$tmp/src/CMakeLists.txt"
which_bin() { (cd "$tmp" && env -u MINRISK_BIN PATH=/usr/bin:/bin PYTHONPATH="$tmp/src/python" "$py" -c "
import minrisk
print(minrisk.binary())" 2>&1); }
out=$(which_bin) && fail "source tree without build/minrisk: binary() gave $out"
echo "$out" | grep -qF "MinriskError: cannot find the minrisk binary: $tmp/src/build/minrisk is not built" ||
  fail "source tree without build/minrisk: $out"
mkdir "$tmp/src/build"
ln -s "$build/minrisk" "$tmp/src/build/minrisk"
out=$(which_bin) || fail "source tree with build/minrisk: $out"
[ "$out" = "$tmp/src/build/minrisk" ] || fail "source tree: binary() gave $out, not $tmp/src/build/minrisk"
echo "python_install: ok"
