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
