# Whole-program checks of the MPI build (label mpi).
if(MINRISK_WITH_MPI)
  set(MINRISK_SERIAL_BIN "" CACHE FILEPATH "a serial build's minrisk, to compare files with")
  add_test(NAME mpi_determinism
           COMMAND ${MINRISK_SRC}/tests/check_mpi_determinism.sh ${MPIEXEC_EXECUTABLE}
                   ${MINRISK_BIN} ${MINRISK_SRC}/scenarios/demo.yaml 5000 ${MINRISK_SERIAL_BIN})
  set_tests_properties(mpi_determinism PROPERTIES LABELS mpi)
  add_test(NAME mpi_resume
           COMMAND ${MINRISK_SRC}/tests/check_resume.sh ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml 300000 ${MPIEXEC_EXECUTABLE})
  set_tests_properties(mpi_resume PROPERTIES LABELS mpi ENVIRONMENT "STOP_AFTER=2")
endif()
