# validation/tests.cmake - backtests of historical episodes (issue 12, item 6;
# docs/VALIDATION.md), label `validation`. Included by tests/CMakeLists.txt,
# which sets MINRISK_BIN (the minrisk binary, a generator expression),
# MINRISK_SRC (the source root) and MINRISK_PYTHON (/usr/bin/python3, h5py).
#
# - validation_<episode>: one per episode of episodes.py: validate.py runs the
#   episode's scenario (tests/validation/<episode>.yaml) and its checks.
#   Fails on a failing check, a missing episode file or a failed run; an
#   episode of role `limit` and one out of scope (no file) pass with their
#   failures reported as "known failure", and a hold-out check marked
#   `known` in episodes.py passes as "FAIL (known)" (and fails once it
#   passes, until the mark is removed).
# - validation_doc: every episode again, and the generated introduction and
#   table against the committed docs/VALIDATION.md (validate.py --check-doc;
#   validation_doc_parts tests that check without a run); regenerate them with
#   tests/validation/validate.py --minrisk BIN --all --table docs/VALIDATION.md
# The MPI build's binary runs as a singleton, without mpiexec (like the other
# Python tests). Each test writes its files in its own folder of the build.

set(_val_python ${MINRISK_PYTHON})
if(NOT _val_python)
  set(_val_python /usr/bin/python3)
endif()
set(_val_dir ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_val_dir}/episodes.py)
execute_process(COMMAND ${_val_python} ${_val_dir}/episodes.py --names
                OUTPUT_VARIABLE _val_episodes RESULT_VARIABLE _val_rc)
if(NOT _val_rc EQUAL 0)
  message(FATAL_ERROR "${_val_dir}/episodes.py --names failed (${_val_rc})")
endif()

foreach(_ep ${_val_episodes})
  add_test(NAME validation_${_ep}
           COMMAND ${_val_python} ${_val_dir}/validate.py --minrisk ${MINRISK_BIN}
                   --episode ${_ep} --out ${CMAKE_CURRENT_BINARY_DIR}/validation/${_ep})
  set_tests_properties(validation_${_ep} PROPERTIES
                       LABELS validation TIMEOUT 600
                       ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
endforeach()

add_test(NAME validation_doc
         COMMAND ${_val_python} ${_val_dir}/validate.py --minrisk ${MINRISK_BIN} --all
                 --out ${CMAKE_CURRENT_BINARY_DIR}/validation/doc
                 --check-doc ${MINRISK_SRC}/docs/VALIDATION.md)
set_tests_properties(validation_doc PROPERTIES
                     LABELS validation TIMEOUT 900
                     ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")

# validation_recompute_market: an independent re-computation (in Python, from
# docs/MODEL.md alone) of the deterministic episodes' market paths, of a
# synthetic scenario that reaches the rest of the market layer, and of three
# that reach the UK side (recompute-trial-*.yaml: policies, priority
# rationing, links between sectors, a mineral without a market, time paths,
# UK sourcing and the cap on it, grids of 4, 6 and 12 steps a year), against
# the engine's /trials (1e-9 relative), every step of the replayed trial
# (trace_dump, 1e-9 relative) and `explain --all-steps` (as rounded).
# trace_dump (tests/validation/trace_dump.c) prints a replayed trial's every
# step at full precision, for the step-by-step comparison (--trace-bin).
add_executable(validation_trace_dump ${_val_dir}/trace_dump.c)
target_link_libraries(validation_trace_dump PRIVATE minrisk_core)
add_test(NAME validation_recompute_market
         COMMAND ${_val_python} ${_val_dir}/recompute_market.py --minrisk ${MINRISK_BIN}
                 --trace-bin $<TARGET_FILE:validation_trace_dump>
                 --out ${CMAKE_CURRENT_BINARY_DIR}/validation/recompute_market
                 ${_val_dir}/heavy-ree-licensing-2025.yaml ${_val_dir}/drc-cobalt-2025.yaml
                 ${_val_dir}/gallium-germanium-2023.yaml ${_val_dir}/ree-quotas-2010.yaml
                 ${_val_dir}/recompute-market-synthetic.yaml
                 ${_val_dir}/recompute-trial-iim.yaml ${_val_dir}/recompute-trial-edges.yaml
                 ${_val_dir}/recompute-trial-sourcing.yaml)
set_tests_properties(validation_recompute_market PROPERTIES
                     LABELS validation TIMEOUT 120
                     ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")

# validation_metrics: validate.py's price metrics on 1-trial episodes read the
# trial's own path (explain --all-steps), not the binned median band; figures
# the engine stores or prints for those trials (test_metrics.py says which).
add_test(NAME validation_metrics
         COMMAND ${_val_python} ${_val_dir}/test_metrics.py --minrisk ${MINRISK_BIN}
                 --out ${CMAKE_CURRENT_BINARY_DIR}/validation/metrics)
set_tests_properties(validation_metrics PROPERTIES
                     LABELS validation TIMEOUT 300
                     ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")

# validation_doc_parts: validate.py --check-doc compares the page's
# introduction as well as its table, and --table rewrites both (test_doc.py).
add_test(NAME validation_doc_parts
         COMMAND ${_val_python} ${_val_dir}/test_doc.py)
set_tests_properties(validation_doc_parts PROPERTIES
                     LABELS validation TIMEOUT 60
                     ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")

# validation_ga_ban: the two figures docs/UK-RESULTS.md quotes for a full
# one-year Chinese gallium ban (tests/validation/ga-ban.yaml, against USGS
# OFR 2024-1057) against a run of that file (ga_ban_doc.py).
add_test(NAME validation_ga_ban
         COMMAND ${_val_python} ${_val_dir}/ga_ban_doc.py ${MINRISK_BIN} ${MINRISK_SRC}
                 ${CMAKE_CURRENT_BINARY_DIR}/validation/ga-ban)
set_tests_properties(validation_ga_ban PROPERTIES
                     LABELS validation ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
