#!/bin/sh
# install_deps.sh - .ci/install-deps as ./run-demo.sh and ./run-tests.sh meet
# it, label `layout`, with fake dpkg-query, apt-get and sudo first on PATH
# (nothing is installed): with every package present it says so in one
# line naming as many packages as it asked dpkg-query about, and installs
# nothing; with one missing it names it and asks apt-get for it alone.
# usage: install_deps.sh SOURCE_ROOT
src=$1
dir=$(mktemp -d) || exit 2
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin"
# dpkg-query -W -f='${Status}' PKG: logs PKG; "valgrind" is missing when
# $dir/missing exists
cat >"$dir/bin/dpkg-query" <<EOS
#!/bin/sh
for p; do :; done
echo "\$p" >>"$dir/queried"
if [ -e "$dir/missing" ] && [ "\$p" = valgrind ]; then exit 1; fi
printf 'install ok installed'
EOS
printf '#!/bin/sh\necho "$*" >>"%s/apt"\n' "$dir" >"$dir/bin/apt-get"
printf '#!/bin/sh\n"$@"\n' >"$dir/bin/sudo"
chmod +x "$dir/bin/dpkg-query" "$dir/bin/apt-get" "$dir/bin/sudo"
bad=0
fail() { echo "install_deps: $*"; bad=$((bad + 1)); }

for args in "" --fuzz; do
    rm -f "$dir/queried" "$dir/apt"
    PATH="$dir/bin:$PATH" bash "$src/.ci/install-deps" $args >"$dir/out" 2>&1
    rc=$?
    n=$(wc -l <"$dir/queried")
    [ "$rc" -eq 0 ] || fail "all present ($args): exit status $rc, not 0"
    [ ! -e "$dir/apt" ] || fail "all present ($args): apt-get was run: $(cat "$dir/apt")"
    [ "$(wc -l <"$dir/out")" -eq 1 ] || fail "all present ($args): not one line: $(cat "$dir/out")"
    grep -qx "install-deps: all $n packages minrisk needs are installed" "$dir/out" ||
        fail "all present ($args): asked about $n packages, said: $(cat "$dir/out")"
done
[ "$n" -ge 30 ] || fail "--fuzz asked about $n packages only"

rm -f "$dir/queried" "$dir/apt"
touch "$dir/missing"
PATH="$dir/bin:$PATH" bash "$src/.ci/install-deps" >"$dir/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "one missing: exit status $rc"
grep -qx 'installing: valgrind' "$dir/out" || fail "one missing: said $(cat "$dir/out")"
grep -q 'install .* valgrind$' "$dir/apt" 2>/dev/null || fail "one missing: apt-get was asked: $(cat "$dir/apt" 2>/dev/null)"
grep -q 'build-essential' "$dir/apt" 2>/dev/null && fail "one missing: apt-get asked for a present package"
echo "install_deps: $bad failures"
[ "$bad" -eq 0 ]
