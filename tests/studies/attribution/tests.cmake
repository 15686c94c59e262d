# studies/attribution/tests.cmake - /attribution of `minrisk run` (tail
# allocation and --counterfactual) on hand-built scenarios, checked against
# independent computations over /trials (attribution_cli.py), label
# `attribution`. The pieces are unit-tested in
# tests/unit/sim/studies/tail_attribution.c. Included by tests/CMakeLists.txt
# (MINRISK_PYTHON, MINRISK_BIN, MINRISK_SRC, H5DIFF).

add_test(NAME attribution_cli
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/attribution_cli.py
                 --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF})
set_tests_properties(attribution_cli PROPERTIES LABELS attribution ENVIRONMENT "OMP_NUM_THREADS=2")

# MPI build: the demo scenario with --counterfactual on 2 ranks x 1 thread and
# 3 ranks x 2 threads gives the one-process file (outside /run_info).
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME attribution_mpi
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/attribution_cli.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --h5diff ${H5DIFF}
                   --mpiexec ${MPIEXEC_EXECUTABLE} --mpi-minrisk ${MINRISK_BIN})
  set_tests_properties(attribution_mpi PROPERTIES LABELS "attribution;mpi")
endif()
