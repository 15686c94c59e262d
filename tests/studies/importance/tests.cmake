# studies/importance/tests.cmake - importance sampling through the command
# line (docs/MODEL.md §12i): identity tilt, likelihood ratios, common random
# numbers, the weighted summary, threads (and ranks). Included by
# tests/CMakeLists.txt, which defines MINRISK_BIN, MINRISK_SRC and MINRISK_PYTHON.
add_test(NAME engine_importance
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/importance.py
                 --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC})
set_tests_properties(engine_importance PROPERTIES LABELS engine)
if(MINRISK_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME engine_importance_mpi
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/importance.py
                   --minrisk ${MINRISK_BIN} --src ${MINRISK_SRC} --mpiexec ${MPIEXEC_EXECUTABLE})
  set_tests_properties(engine_importance_mpi PROPERTIES LABELS "engine;mpi")
endif()
# the unit test's optional SEEDS argument is read whole: 10x is refused
# with exit status 2 (atoi read it as 10 and ran)
add_test(NAME unit_sim_importance_exact_bad_seeds
         COMMAND sh -c "\"$0\" 10x 2>&1; echo \"exit status $?\""
                 $<TARGET_FILE:unit_sim_importance_exact>)
set_tests_properties(
  unit_sim_importance_exact_bad_seeds
  PROPERTIES LABELS unit PASS_REGULAR_EXPRESSION
             "^usage: [^\n]*: SEEDS must be an integer in \\[1, 100000\\], got '10x'\nexit status 2\n$")
