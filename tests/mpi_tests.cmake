# mpi_tests.cmake - tests of the MPI build (label `mpi`), only when the root
# CMakeLists.txt chose it (MINRISK_WITH_MPI). Included by tests/CMakeLists.txt,
# which defines MINRISK_BIN, MINRISK_SRC and H5DIFF; MPIEXEC_EXECUTABLE comes
# from FindMPI.

if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  # Distributed statistics and the collective write on 1 and 3 ranks,
  # against one process holding every trial (tests/mpi_dstats.c).
  add_executable(mpi_dstats ${CMAKE_CURRENT_SOURCE_DIR}/mpi_dstats.c)
  target_link_libraries(mpi_dstats PRIVATE minrisk_core)
  add_test(NAME mpi_dstats_output
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_mpi_output.sh ${MPIEXEC_EXECUTABLE}
                   $<TARGET_FILE:mpi_dstats> ${H5DIFF} ${MINRISK_SRC}/scenarios/demo.yaml)
  set_tests_properties(mpi_dstats_output PROPERTIES LABELS mpi)

  # The command line over ranks and threads: mpi_engine_tests.cmake.
endif()
