#!/usr/bin/env bash
# Installs what is missing, builds minrisk twice (Release, and Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs the whole test
# suite on each.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMINRISK_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMINRISK_SANITIZE=ON -DMINRISK_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
# The interrupt test sends signals to a sanitized child; it runs in Release only.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -E interrupt_leaves_nothing)
