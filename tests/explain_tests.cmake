# explain_tests.cmake - trial stories and the event table (label `explain`):
# `minrisk explain` and `minrisk run --events` (docs/STUDIES.md "Trial
# stories and the event table"). Included by tests/CMakeLists.txt, which
# defines MINRISK_BIN, MINRISK_SRC, MINRISK_PYTHON and H5DIFF.

# tests/unit_explain.c reads scenarios/demo.yaml and tests/explain/*.yaml.
if(TEST unit_explain)
  set_property(TEST unit_explain APPEND PROPERTY ENVIRONMENT "MINRISK_SRC=${MINRISK_SRC}")
  set_property(TEST unit_explain APPEND PROPERTY LABELS explain)
endif()

# The command line: explain on every trial of small runs, the worst trial
# against Python, the event table by hand and across thread counts,
# output.trials totals/none, comparison files, and the error cases.
add_test(NAME explain_cli
         COMMAND ${MINRISK_PYTHON} ${MINRISK_SRC}/tests/explain/check_explain.py
                 --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF})
set_tests_properties(explain_cli PROPERTIES LABELS explain)

# The event table of 1 and 2 ranks (MPI build).
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME explain_events_mpi
           COMMAND ${MINRISK_PYTHON} ${MINRISK_SRC}/tests/explain/check_explain.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF}
                   --mpiexec ${MPIEXEC_EXECUTABLE} --only-mpi)
  set_tests_properties(explain_events_mpi PROPERTIES LABELS "explain;mpi")
endif()
