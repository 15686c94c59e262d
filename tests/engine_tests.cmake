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
if(VALGRIND AND NOT MINRISK_SANITIZE)
  add_test(NAME valgrind_demo COMMAND ${MINRISK_SRC}/tests/check_valgrind.sh ${MINRISK_BIN}
                                      ${MINRISK_SRC})
  set_tests_properties(valgrind_demo PROPERTIES LABELS memcheck)
endif()
add_test(NAME cli_contract COMMAND ${MINRISK_SRC}/tests/check_cli.sh ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(cli_contract PROPERTIES LABELS cli)
