# sweep_tests.cmake - scenario sweeps (docs/STUDIES.md "Sweeps"), label
# `sweep`. Included by tests/CMakeLists.txt. The bad sweep blocks are
# tests/bad/sweep_*.yaml (scenario_tests.cmake).
set(_sweep_mpi "")
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  set(_sweep_mpi ${MPIEXEC_EXECUTABLE})
endif()
add_test(NAME sweep_cli
         COMMAND sh ${MINRISK_SRC}/tests/check_sweep.sh ${MINRISK_BIN} ${MINRISK_SRC} ${_sweep_mpi})
set_tests_properties(sweep_cli PROPERTIES LABELS sweep)
if(TEST unit_sweep)
  set_property(TEST unit_sweep APPEND PROPERTY ENVIRONMENT "MINRISK_SRC=${MINRISK_SRC}")
  set_property(TEST unit_sweep APPEND PROPERTY LABELS sweep)
endif()
