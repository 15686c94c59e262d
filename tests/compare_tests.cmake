# compare_tests.cmake - `minrisk compare` and its paired statistics
# (docs/STUDIES.md "Compare"), label `compare`. Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN, MINRISK_SRC, MINRISK_PYTHON
# and H5DIFF. The unit tests (unit_paired, unit_crn, unit_coverage) are
# made by tests/CMakeLists.txt; the scenarios are tests/compare/*.yaml.
foreach(_t unit_paired unit_crn unit_coverage)
  if(TEST ${_t})
    set_property(TEST ${_t} APPEND PROPERTY ENVIRONMENT "MINRISK_SRC=${MINRISK_SRC}")
    set_property(TEST ${_t} APPEND PROPERTY LABELS compare)
  endif()
endforeach()

# The command line: a scenario against itself (all zero), a changed supplier
# checked against an independent computation over the stored trials, bad
# input (exit 2, nothing at -o), the --help example, Ctrl-C.
add_test(NAME compare_cli
         COMMAND ${MINRISK_SRC}/tests/check_compare.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} ${H5DIFF})
set_tests_properties(compare_cli PROPERTIES LABELS compare ENVIRONMENT "OMP_NUM_THREADS=2")

# No leaks and no memory errors in a whole comparison (serial build; see
# engine_tests.cmake for why not under MPI or the sanitizers).
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT MINRISK_SANITIZE AND NOT MINRISK_WITH_MPI)
  add_test(NAME compare_valgrind
           COMMAND ${VALGRIND} -q --leak-check=full --errors-for-leak-kinds=definite,indirect
                   --error-exitcode=99 ${MINRISK_BIN} compare
                   ${MINRISK_SRC}/tests/compare/crn_base.yaml
                   ${MINRISK_SRC}/tests/compare/crn_doubled.yaml --trials 300 --bootstrap 100
                   -o ${CMAKE_CURRENT_BINARY_DIR}/compare_valgrind.h5 --quiet)
  set_tests_properties(compare_valgrind PROPERTIES LABELS "compare;memcheck"
                       ENVIRONMENT "OMP_NUM_THREADS=2")
endif()
