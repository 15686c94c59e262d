# studies/uncertainty/tests.cmake - the uncertainty of a scenario's assumptions
# (docs/STUDIES.md "Uncertainty"), label `uncertainty`. Included by
# tests/CMakeLists.txt. The bad uncertain blocks are tests/bad/uncertain_*.yaml.
set(_unc_mpi "")
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  set(_unc_mpi ${MPIEXEC_EXECUTABLE})
endif()
add_test(NAME uncertainty_cli
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/uncertainty_cli.sh ${MINRISK_BIN} ${MINRISK_SRC} ${_unc_mpi})
set_tests_properties(uncertainty_cli PROPERTIES LABELS uncertainty)
# summary, export, report and explain of an uncertainty file, against h5py,
# and docs/OUTPUT.md "Uncertainty files" against the file
# (uncertainty_readers.py: a 24-row study of scenarios/uk-2024-uncertain.yaml).
if(MINRISK_PYTHON)
  add_test(NAME uncertainty_readers
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/uncertainty_readers.py
                   ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(uncertainty_readers PROPERTIES LABELS uncertainty TIMEOUT 300
                       ENVIRONMENT "OMP_NUM_THREADS=2;PYTHONDONTWRITEBYTECODE=1")
endif()
# The memory check counts the study's own [2N x L] arrays beside its rows
# (uncertainty_memory.sh): 4096 rows of 1,000 trials under a 150 MB limit.
add_test(NAME uncertainty_memory
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/uncertainty_memory.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(uncertainty_memory PROPERTIES LABELS uncertainty)
