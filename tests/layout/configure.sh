#!/bin/sh
# configure.sh MODE CMAKE SOURCE_ROOT C_COMPILER - the configure step as a
# packager meets it, label `layout` (tests configure_<MODE>), each in a
# fresh build directory, tests off where they are not the point:
#   without_cmocka  pkg-config sees libyaml only (a machine without cmocka,
#                   a test-only dependency): the configure step stops with
#                   one message naming cmocka, libcmocka-dev and
#                   -DBUILD_TESTING=OFF; with -DBUILD_TESTING=OFF it succeeds.
#   mpi_values      MINRISK_MPI is AUTO, ON or OFF in any case and CMake's
#                   other words for on and off: off, 0, FALSE and no give the
#                   serial build ("minrisk build: OFF MPI"); on gives the MPI
#                   build or, without MPI, the MINRISK_MPI=ON error; any
#                   other word stops with a message naming the three.
mode=$1 cmake=$2 src=$3 cc=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
# configure NAME ARGS...: configure $src into $tmp/NAME, log in $tmp/NAME.log
configure() {
    name=$1
    shift
    n=$((n + 1))
    "$cmake" -S "$src" -B "$tmp/$name" -DCMAKE_C_COMPILER="$cc" "$@" >"$tmp/$name.log" 2>&1
}
case $mode in
without_cmocka)
    pc=$(pkg-config --variable=pcfiledir yaml-0.1) || fail "pkg-config does not know yaml-0.1"
    mkdir "$tmp/pc" && cp "$pc/yaml-0.1.pc" "$tmp/pc/" || exit 2
    export PKG_CONFIG_LIBDIR="$tmp/pc" PKG_CONFIG_PATH=
    configure with -DMINRISK_MPI=OFF && fail "configured with the tests and without cmocka"
    grep -q 'the tests need cmocka (Debian: libcmocka-dev)' "$tmp/with.log" ||
        { cat "$tmp/with.log"; fail "no message naming cmocka and libcmocka-dev"; }
    grep -q -- '-DBUILD_TESTING=OFF builds minrisk without the tests' "$tmp/with.log" ||
        { cat "$tmp/with.log"; fail "the message does not name -DBUILD_TESTING=OFF"; }
    configure without -DMINRISK_MPI=OFF -DBUILD_TESTING=OFF ||
        { cat "$tmp/without.log"; fail "-DBUILD_TESTING=OFF without cmocka does not configure"; }
    ;;
mpi_values)
    for v in off 0 FALSE no; do
        configure "mpi-$v" -DMINRISK_MPI="$v" -DBUILD_TESTING=OFF ||
            { cat "$tmp/mpi-$v.log"; fail "MINRISK_MPI=$v does not configure"; }
        grep -q 'minrisk build: OFF MPI' "$tmp/mpi-$v.log" ||
            fail "MINRISK_MPI=$v: $(grep 'minrisk build' "$tmp/mpi-$v.log"), not the serial build"
    done
    if configure mpi-on -DMINRISK_MPI=on -DBUILD_TESTING=OFF; then
        grep -q 'minrisk build: ON MPI' "$tmp/mpi-on.log" ||
            fail "MINRISK_MPI=on: $(grep 'minrisk build' "$tmp/mpi-on.log"), not the MPI build"
    else
        grep -q 'MINRISK_MPI=ON: Open MPI' "$tmp/mpi-on.log" ||
            { cat "$tmp/mpi-on.log"; fail "MINRISK_MPI=on failed without the MINRISK_MPI=ON message"; }
    fi
    configure mpi-maybe -DMINRISK_MPI=maybe -DBUILD_TESTING=OFF &&
        fail "MINRISK_MPI=maybe configured"
    grep -q 'MINRISK_MPI=maybe: not AUTO, ON or OFF' "$tmp/mpi-maybe.log" ||
        { cat "$tmp/mpi-maybe.log"; fail "MINRISK_MPI=maybe: no message naming AUTO, ON or OFF"; }
    ;;
*)
    echo "configure.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
echo "configure_$mode: $n configure steps as expected"
