# studies/compare/tests.cmake - `minrisk compare` and its paired statistics
# (docs/STUDIES.md "Compare"), label `compare`. Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN, MINRISK_SRC,
# MINRISK_PYTHON, H5DIFF and VALGRIND. The unit tests are
# tests/unit/sim/studies/paired_*.c and tests/unit/sim/common_random_numbers.c;
# the scenarios are tests/studies/compare/*.yaml.
minrisk_unit_test(unit_sim_studies_paired_statistics SOURCE_ROOT LABELS compare)
minrisk_unit_test(unit_sim_common_random_numbers SOURCE_ROOT LABELS compare)
minrisk_unit_test(unit_sim_studies_paired_coverage SOURCE_ROOT LABELS compare)

# The command line: a scenario against itself (all zero), a changed supplier
# checked against an independent computation over the stored trials
# (compare_file.py), bad input (exit 2, nothing at -o), the --help example,
# Ctrl-C.
add_test(NAME compare_cli
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/compare_cli.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} ${H5DIFF})
set_tests_properties(compare_cli PROPERTIES LABELS compare ENVIRONMENT "OMP_NUM_THREADS=2")

# Three and four scenarios in one file (compare_many.sh): each run a plain
# run of its scenario, each pair the two-scenario comparison, 1 vs 2
# threads, summary and report of the file (compare_many.py).
add_test(NAME compare_many
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/compare_many.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} ${H5DIFF})
set_tests_properties(compare_many PROPERTIES LABELS compare ENVIRONMENT "OMP_NUM_THREADS=2")

# No leaks and no memory errors in a whole comparison (serial build; see
# tests/cli/tests.cmake for why not under MPI or the sanitizers).
if(VALGRIND AND NOT MINRISK_SANITIZE AND NOT MINRISK_WITH_MPI)
  add_test(NAME compare_valgrind
           COMMAND ${VALGRIND} -q --leak-check=full --errors-for-leak-kinds=definite,indirect
                   --error-exitcode=99 ${MINRISK_BIN} compare
                   ${CMAKE_CURRENT_LIST_DIR}/crn_base.yaml
                   ${CMAKE_CURRENT_LIST_DIR}/crn_doubled.yaml --trials 300 --bootstrap 100
                   -o ${CMAKE_CURRENT_BINARY_DIR}/compare_valgrind.h5 --quiet)
  set_tests_properties(compare_valgrind PROPERTIES LABELS "compare;memcheck"
                       ENVIRONMENT "OMP_NUM_THREADS=2")
endif()

# Policy costs and loss avoided per pound: compare (both ways), a sweep, a
# run's summary (policy_cost.sh, checked by policy_cost_file.py).
add_test(NAME compare_policy_cost
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/policy_cost.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON})
set_tests_properties(compare_policy_cost PROPERTIES LABELS "compare;sweep"
                     ENVIRONMENT "OMP_NUM_THREADS=2")

# A comparison too large for the memory limit is refused at A, before any
# trial: each run's check counts the runs still to come (compare_memory.sh).
add_test(NAME compare_memory
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/compare_memory.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} ${H5DIFF})
set_tests_properties(compare_memory PROPERTIES LABELS compare ENVIRONMENT "OMP_NUM_THREADS=2")

# A variance-reduction factor from 1e15 up in `minrisk summary` of three or
# more scenarios: 4 significant digits, not cut (compare_vrf_huge.sh).
find_program(MINRISK_H5DUMP h5dump)
add_test(NAME compare_vrf_huge
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/compare_vrf_huge.sh ${MINRISK_BIN} ${MINRISK_SRC}
                 ${MINRISK_PYTHON} ${MINRISK_H5DUMP})
set_tests_properties(compare_vrf_huge PROPERTIES LABELS compare SKIP_RETURN_CODE 77)
