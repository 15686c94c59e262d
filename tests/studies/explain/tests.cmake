# studies/explain/tests.cmake - trial stories and the event table (label
# `explain`): `minrisk explain` and `minrisk run --events` (docs/STUDIES.md
# "Trial stories and the event table"). Included by tests/CMakeLists.txt,
# which defines MINRISK_BIN, MINRISK_SRC, MINRISK_PYTHON and H5DIFF.

# tests/unit/sim/studies/trial_stories.c reads scenarios/demo.yaml and
# tests/studies/explain/*.yaml.
minrisk_unit_test(unit_sim_studies_trial_stories SOURCE_ROOT LABELS explain)

# The command line: explain on every trial of small runs, the worst trial
# against Python, the event table by hand and across thread counts,
# output.trials totals/none, comparison files, and the error cases.
add_test(NAME explain_cli
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/explain_cli.py
                 --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF})
set_tests_properties(explain_cli PROPERTIES LABELS explain)

# The event table of 1 and 2 ranks (MPI build).
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME explain_events_mpi
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/explain_cli.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF}
                   --mpiexec ${MPIEXEC_EXECUTABLE} --only-mpi)
  set_tests_properties(explain_events_mpi PROPERTIES LABELS "explain;mpi")
endif()
