# hardening/loader.cmake - issue 11, the scenario loader's limits
# (sim/scenario/, docs/SCENARIO_FORMAT.md "Limits"): cases 5 6 10 and the
# file half of 15. The refusals a scenario file can hold (cases 4, 13, the
# YAML half of 14, `extends: ""`) are tests/bad files; the rate bounds and
# the trial's cap on occurrences are unit_sim_scenario_rate_limits.
foreach(t loader_special_files # 5: a FIFO, a device, a directory, a file above 16 MiB, a chain too
          loader_no_echo)      # 6: a file that is not a scenario is never printed
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(${t} PROPERTIES LABELS hardening TIMEOUT 120)
endforeach()
# 10: 40,000 countries, 100,000 levels of nesting: refused at once
add_test(NAME loader_sizes COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/loader_sizes.py
                                   ${MINRISK_BIN})
set_tests_properties(loader_sizes PROPERTIES LABELS hardening TIMEOUT 120)
# Out of memory while loading: exit status 1, never 2 (bad input). Each of
# minrisk's allocations fails in turn through an LD_PRELOAD library, which
# the sanitizers' runtimes (they must be loaded first) do not allow.
if(NOT MINRISK_SANITIZE AND NOT MINRISK_FUZZ)
  add_library(failmalloc MODULE ${CMAKE_CURRENT_LIST_DIR}/failmalloc.c)
  target_link_libraries(failmalloc PRIVATE ${CMAKE_DL_LIBS})
  add_test(NAME loader_out_of_memory
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/loader_out_of_memory.sh ${MINRISK_BIN} ${MINRISK_SRC}
                   $<TARGET_FILE:failmalloc>)
  set_tests_properties(loader_out_of_memory PROPERTIES LABELS hardening TIMEOUT 600)
endif()
