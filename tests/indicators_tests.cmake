# indicators_tests.cmake - `minrisk validate` prints the static indicators
# (MODEL §11) as YAML comments after the resolved scenario: the output must
# still be a scenario minrisk loads, and must hold the table. Included by
# tests/CMakeLists.txt, which sets MINRISK_BIN and MINRISK_SRC.

if(EXISTS ${MINRISK_SRC}/scenarios/demo.yaml)
  add_test(NAME indicators_validate_roundtrip
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/check_validate_indicators.sh ${MINRISK_BIN}
                   scenarios/demo.yaml
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(indicators_validate_roundtrip PROPERTIES LABELS scenario)
endif()
