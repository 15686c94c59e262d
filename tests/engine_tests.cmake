# Whole-program checks of the engine through the command line.
add_test(NAME determinism_threads
         COMMAND ${MINRISK_SRC}/tests/check_determinism.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml 3000)
set_tests_properties(determinism_threads PROPERTIES LABELS engine)
add_test(NAME interrupt_leaves_nothing
         COMMAND ${MINRISK_SRC}/tests/check_interrupt.sh ${MINRISK_BIN}
                 ${MINRISK_SRC}/scenarios/demo.yaml)
set_tests_properties(interrupt_leaves_nothing PROPERTIES LABELS engine)
