# Whole-program checks of the engine through the command line.
add_test(NAME determinism_threads
         COMMAND ${MINRISK_SRC}/tests/check_determinism.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 3000)
set_tests_properties(determinism_threads PROPERTIES LABELS engine)
add_test(NAME interrupt_leaves_nothing
         COMMAND ${MINRISK_SRC}/tests/check_interrupt.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml)
set_tests_properties(interrupt_leaves_nothing PROPERTIES LABELS engine)
find_program(VALGRIND valgrind)
# Open MPI's own components leak at MPI_Finalize (frames in dlopened plugins that
# the shipped suppressions miss): memcheck runs on the serial build.
if(VALGRIND AND NOT MINRISK_SANITIZE AND NOT MINRISK_WITH_MPI)
  add_test(NAME valgrind_demo COMMAND ${MINRISK_SRC}/tests/check_valgrind.sh ${MINRISK_BIN}
                                      ${MINRISK_SRC})
  set_tests_properties(valgrind_demo PROPERTIES LABELS memcheck)
endif()
add_test(NAME cli_contract COMMAND ${MINRISK_SRC}/tests/check_cli.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(cli_contract PROPERTIES LABELS cli)
add_test(NAME resume_after_sigterm
         COMMAND ${MINRISK_SRC}/tests/check_resume.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 400000)
set_tests_properties(resume_after_sigterm PROPERTIES LABELS engine ENVIRONMENT "STOP_AFTER=1.5")
add_test(NAME output_trials_modes COMMAND ${MINRISK_SRC}/tests/check_output_trials.sh ${MINRISK_BIN}
                                          ${MINRISK_SRC}/scenarios/demo.yaml)
set_tests_properties(output_trials_modes PROPERTIES LABELS output)
