# mpi/tests.cmake - tests of the MPI build (label `mpi`), only when the root
# CMakeLists.txt chose it (MINRISK_WITH_MPI). Included by tests/CMakeLists.txt,
# which defines MINRISK_BIN, MINRISK_SRC and H5DIFF; MPIEXEC_EXECUTABLE comes
# from FindMPI. The studies' MPI tests are in tests/studies/*/tests.cmake.

if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  # Distributed statistics and the collective write on 1 and 3 ranks,
  # against one process holding every trial (mpi_dstats.c).
  add_executable(mpi_dstats ${CMAKE_CURRENT_LIST_DIR}/mpi_dstats.c)
  target_link_libraries(mpi_dstats PRIVATE minrisk_core)
  add_test(NAME mpi_dstats_output
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_dstats_output.sh ${MPIEXEC_EXECUTABLE}
                   $<TARGET_FILE:mpi_dstats> ${H5DIFF} ${MINRISK_SRC}/scenarios/demo.yaml)
  set_tests_properties(mpi_dstats_output PROPERTIES LABELS mpi)
  # /loss_tables of --events on 2 and 3 ranks (their shared bootstrap
  # resamples gathered) against one process, plain and importance-sampled
  add_test(NAME mpi_loss_tables
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_loss_tables.sh ${MPIEXEC_EXECUTABLE} ${MINRISK_BIN}
                   ${H5DIFF} ${MINRISK_SRC}/scenarios/demo.yaml 3000 ${MINRISK_SERIAL_BIN})
  set_tests_properties(mpi_loss_tables PROPERTIES LABELS mpi)
endif()

# The command line over ranks and threads.
if(MINRISK_WITH_MPI)
  set(MINRISK_SERIAL_BIN "" CACHE FILEPATH "a serial build's minrisk, to compare files with")
  add_test(NAME mpi_determinism
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_determinism.sh ${MPIEXEC_EXECUTABLE}
                   ${MINRISK_BIN} ${MINRISK_SRC}/scenarios/demo.yaml 5000 ${MINRISK_SERIAL_BIN})
  set_tests_properties(mpi_determinism PROPERTIES LABELS mpi)
  # the MPI build without a launcher makes no MPI_Init (sim/cmd/main.c)
  add_test(NAME mpi_no_launcher
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_no_launcher.sh ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml)
  set_tests_properties(mpi_no_launcher PROPERTIES LABELS mpi SKIP_RETURN_CODE 77)
  # the HDF5 transfers in pieces over 1, 2 and 3 ranks (out/h5/pieces.h)
  add_test(NAME mpi_h5_pieces
           COMMAND ${MINRISK_SRC}/tests/output/h5_pieces.sh ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml 2500 ${MPIEXEC_EXECUTABLE})
  set_tests_properties(mpi_h5_pieces PROPERTIES LABELS mpi)
  add_test(NAME mpi_resume
           COMMAND ${MINRISK_SRC}/tests/cli/resume_after_sigterm.sh ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml 300000 ${MPIEXEC_EXECUTABLE})
  set_tests_properties(mpi_resume PROPERTIES LABELS mpi ENVIRONMENT "STOP_AFTER=2")
  # --target-precision over 1, 2 and 3 ranks (issue 16): the same stop and file
  add_test(NAME mpi_precision
           COMMAND ${MINRISK_SRC}/tests/cli/precision_stop.sh ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml ${MINRISK_PYTHON} ${MPIEXEC_EXECUTABLE})
  set_tests_properties(mpi_precision PROPERTIES LABELS mpi ENVIRONMENT "STOP_AFTER=1.5" TIMEOUT 900)
  # output.trials: none streamed over ranks (out/stats/stream.h)
  add_test(NAME mpi_stream_summary
           COMMAND ${MINRISK_PYTHON} ${MINRISK_SRC}/tests/output/stream_summary.py
                   ${MINRISK_BIN} ${MINRISK_SRC}/scenarios/demo.yaml --mpiexec
                   ${MPIEXEC_EXECUTABLE} 7000)
  set_tests_properties(mpi_stream_summary PROPERTIES LABELS mpi)
  # a stop of a streamed run, and one rank out of memory: no hang, one line
  add_library(mpi_failmalloc MODULE ${CMAKE_CURRENT_LIST_DIR}/failmalloc.c)
  # one rank's HDF5 call fails (failh5.c): the writes end, they do not hang
  add_library(mpi_failh5 MODULE ${CMAKE_CURRENT_LIST_DIR}/failh5.c)
  target_link_libraries(mpi_failh5 PRIVATE ${CMAKE_DL_LIBS})
  add_test(NAME mpi_write_failures
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_write_failures.sh ${MPIEXEC_EXECUTABLE}
                   ${MINRISK_BIN} ${MINRISK_SRC}/scenarios/demo.yaml $<TARGET_FILE:mpi_failh5>)
  set_tests_properties(mpi_write_failures PROPERTIES LABELS mpi TIMEOUT 900)
  add_test(NAME mpi_failures
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/mpi_failures.sh ${MPIEXEC_EXECUTABLE} ${MINRISK_BIN}
                   ${MINRISK_SRC}/scenarios/demo.yaml $<TARGET_FILE:mpi_failmalloc>)
  set_tests_properties(mpi_failures PROPERTIES LABELS mpi TIMEOUT 600)
endif()
