#!/usr/bin/env bash
# Installs what is missing (with --fuzz: clang and libFuzzer too), then
# builds minrisk three ways and runs the whole test suite on each: the serial
# build (OpenMP, serial HDF5), the MPI build (Open MPI + parallel HDF5; its
# files are also compared with the serial build's), and the serial build
# under AddressSanitizer + UBSan. Last, the two fuzz targets run 60 s each
# (tests/fuzz/run.sh, docs/FUZZING.md): a crash, leak, hang or out-of-memory
# fails the run and names the input under build-fuzz/fuzz/artifacts.
# Skip the local Slurm cluster test with: CTEST_ARGS="-LE slurm" ./run-tests.sh
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps --fuzz
jobs=$(nproc)
args=(--output-on-failure -j"$jobs" ${CTEST_ARGS:-})
cmake -S . -B build-serial -DCMAKE_BUILD_TYPE=Release -DMINRISK_MPI=OFF -DMINRISK_WERROR=ON >/dev/null
cmake --build build-serial -j"$jobs"
(cd build-serial && ctest "${args[@]}")
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DMINRISK_MPI=ON -DMINRISK_WERROR=ON \
  -DMINRISK_SERIAL_BIN="$PWD/build-serial/minrisk" >/dev/null
cmake --build build-mpi -j"$jobs"
(cd build-mpi && ctest "${args[@]}")
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMINRISK_MPI=OFF -DMINRISK_SANITIZE=ON \
  -DMINRISK_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
# Signal tests send signals to a sanitized child and time it; they run in Release only.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest "${args[@]}" -E 'interrupt|resume|slurm|valgrind')
if tests/fuzz/run.sh --available; then
  tests/fuzz/run.sh build-fuzz 60
else
  echo "fuzz: skipped (no clang with libFuzzer)"
fi
