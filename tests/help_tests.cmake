# help_tests.cmake - the manual, label `help` (tests/check_help.sh):
# every command's --help examples run as written; the man page installs with
# `cmake --install` and renders without warnings; docs/SCENARIOS.md against
# the loader's schema (tests/unit_schema.c). Included by tests/CMakeLists.txt
# (MINRISK_BIN, MINRISK_SRC, MINRISK_PYTHON).

add_test(NAME help_examples
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/check_help.sh examples ${MINRISK_BIN} ${MINRISK_SRC})
set_tests_properties(help_examples PROPERTIES LABELS help TIMEOUT 900
                     ENVIRONMENT "OMP_NUM_THREADS=2;MINRISK_PYTHON=${MINRISK_PYTHON}")

add_test(NAME help_manpage
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/check_help.sh man ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
                 ${MINRISK_SRC} ${MINRISK_BIN})
set_tests_properties(help_manpage PROPERTIES LABELS help)

# unit_schema reads docs/SCENARIOS.md from the source root.
if(TEST unit_schema)
  set_property(TEST unit_schema APPEND PROPERTY ENVIRONMENT "MINRISK_SRC=${MINRISK_SRC}")
  set_property(TEST unit_schema APPEND PROPERTY LABELS help scenario)
endif()
