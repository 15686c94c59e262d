# slurm/tests.cmake - the sbatch scripts of docs/hpc/ under a real one-node
# Slurm on localhost (slurm_local.sh; docs/HPC.md), label
# `slurm`: a developer skips it with `ctest -LE slurm`. Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN and MINRISK_SRC.
# sbatch_usage.sh (label `cli`) needs no Slurm: the scripts' usage errors.
#
# The script needs root (it installs slurm-wlm and munge when missing and
# starts munged, slurmctld and slurmd); without root it exits 77 and ctest
# reports the test as skipped. It takes 30-90 s.
#   serial build: minrisk.sbatch runs one task x 2 threads;
#   MPI build:    2 ranks x 1 thread, once through mpiexec and once through
#                 srun --mpi=pmix (Debian's Open MPI 4.1 has Slurm support).
# Not in the sanitizer build: the scripts are the same, the Release builds
# test them.
if(NOT MINRISK_SANITIZE)
  # the scripts' usage errors, run directly with bash (no Slurm; seconds)
  add_test(NAME sbatch_usage
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/sbatch_usage.sh ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(sbatch_usage PROPERTIES LABELS cli TIMEOUT 60)
  set(_slurm_args ${MINRISK_BIN} ${MINRISK_SRC})
  set(_slurm_env "")
  if(MINRISK_WITH_MPI)
    list(APPEND _slurm_args --mpi)
    if(MPIEXEC_EXECUTABLE)
      list(APPEND _slurm_env "MINRISK_MPIEXEC=${MPIEXEC_EXECUTABLE}")
    endif()
  endif()
  add_test(NAME slurm_local
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/slurm_local.sh ${_slurm_args})
  set_tests_properties(slurm_local PROPERTIES
                       LABELS slurm
                       TIMEOUT 600
                       SKIP_RETURN_CODE 77
                       PROCESSORS 2)
  if(_slurm_env)
    set_tests_properties(slurm_local PROPERTIES ENVIRONMENT "${_slurm_env}")
  endif()
endif()
