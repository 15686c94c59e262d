# common.sh - sourced by the loader_*.sh, output_*.sh and checkpoint_*.sh
# tests (loader.cmake, output.cmake, checkpoint.cmake), not a test itself:
# the arguments, a private scratch folder that is the working directory
# from here on (removed on exit), the checks, and a checkpoint made the way
# a batch job makes one.
# usage (in a test): . "$(dirname "$0")/common.sh" MINRISK SRC [PYTHON]
#   A test's own further arguments (output_full_disk_keeps_trials.sh: H5DIFF
#   third) stay in its "$@" after this.
set -uo pipefail
bin=$1 src=$2 py=${3:-python3}
demo=$src/scenarios/demo.yaml
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM # through the EXIT trap
cd "$tmp" || exit 1
fails=0

# fail MESSAGE...: one failed check; the test goes on, finish fails it.
fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
}

# expect STATUS LINE [--] ARGS...: `minrisk ARGS` ends within 20 s (a FIFO
# must not block it) with STATUS and prints exactly LINE (one line; "" =
# anything) on standard error.
expect() {
  local want=$1 line=$2
  shift 2
  [ "${1-}" = -- ] && shift
  timeout 20 "$bin" "$@" >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "minrisk $*: status $got, expected $want ($(cat err.txt))"
  if [ -n "$line" ] && [ "$(cat err.txt)" != "$line" ]; then
    fail "minrisk $*: stderr '$(cat err.txt)', expected '$line'"
  fi
  rm -f out.txt err.txt
}

# only FILE...: the scratch folder holds exactly these names.
only() {
  local want got
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  got=$(ls -A | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "the folder holds '$got', expected '$want'"
}

# is_hdf5 FILE: FILE is an HDF5 file (its signature).
is_hdf5() {
  [ "$(head -c 4 "$1" | tail -c 3)" = HDF ]
}

# one_line FILE PATTERN: FILE is exactly one line matching the extended
# regular expression PATTERN (anchored).
one_line() {
  local n
  n=$(wc -l <"$1")
  [ "$n" -eq 1 ] || {
    fail "$1: $n lines, expected 1: '$(cat "$1")'"
    return
  }
  grep -Eqx -- "$2" "$1" || fail "$1: '$(cat "$1")' does not match '$2'"
}

# make_checkpoint OUT TRIALS [ARGS...]: run demo.yaml, wait for its first
# periodic checkpoint (--checkpoint-every 1), then stop it with SIGTERM as
# a scheduler does: exit status 75 and OUT.ckpt with some blocks done.
make_checkpoint() {
  local out=$1 trials=$2
  shift 2
  "$bin" run "$demo" -o "$out" --trials "$trials" --threads 2 --quiet --checkpoint-every 1 "$@" \
    2>make.err &
  local pid=$! n=0
  while [ ! -f "$out.ckpt" ] && [ $n -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    n=$((n + 1))
  done
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  local status=$?
  if [ "$status" -ne 75 ] || [ ! -f "$out.ckpt" ]; then
    echo "FAIL: making a checkpoint: exit status $status, expected 75 ($(cat make.err))" >&2
    exit 1
  fi
  rm -f make.err
}

# padded_demo: s.yaml, demo.yaml over one year (small time bands, so a
# small checkpoint) with 2 MB of comments (kept in /scenario/source, so a
# large result file): output_full_disk_keeps_trials, output_file_size_limit.
padded_demo() {
  sed 's/^  horizon_years: 10 /  horizon_years: 1  /' "$demo" >s.yaml
  yes '# padding: comments make /scenario/source large, not the checkpoint' | head -n 30000 >>s.yaml
}

# limited KB XFSZ ARGS...: minrisk ARGS with files limited to KB kB and
# SIGXFSZ's disposition set by `trap XFSZ XFSZ` ('' ignored, - the default).
# libhdf5 1.10 loses a metadata-cache entry when the close of a file fails
# on a full disk (HDFFV-11052); under AddressSanitizer its leaks are
# suppressed here, as for the fuzz targets (tests/fuzz/lsan.supp names
# libhdf5 only). The MPI build's singleton MPI_Init keeps PMIx's data store
# in files, which the limit would stop: PMIX_MCA_gds=hash keeps it in memory.
limited() {
  local kb=$1 xfsz=$2
  shift 2
  (ulimit -f "$kb" && trap "$xfsz" XFSZ &&
    LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0 \
      PMIX_MCA_gds=hash exec "$bin" "$@")
}

# finish [MESSAGE...]: the verdict: status 1 after any failed check, else
# MESSAGE (or "ok") and status 0.
finish() {
  [ "$fails" -eq 0 ] || exit 1
  echo "${*:-ok}"
  exit 0
}
