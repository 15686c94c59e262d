# hardening/fuzz.cmake - the libFuzzer targets' findings (tests/fuzz,
# docs/FUZZING.md) through the ordinary build, in every build: each input of
# tests/fuzz/regress/<target>/ (one that once crashed a target, minimized) is
# the test fuzz_regress_<target>_<file name>, and the loader's seed corpus is
# fuzz_regress_loader_corpus. fuzz_regress.sh says what each must do.
# LSAN_OPTIONS: libhdf5's own leaks on a damaged file (tests/fuzz/lsan.supp).
set(_fuzz ${MINRISK_SRC}/tests/fuzz)
file(GLOB _loader_seeds CONFIGURE_DEPENDS ${_fuzz}/corpus/loader/*)
add_test(NAME fuzz_regress_loader_corpus
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fuzz_regress.sh loader ${MINRISK_BIN} ${MINRISK_SRC}
                 ${_loader_seeds})
set_tests_properties(fuzz_regress_loader_corpus PROPERTIES LABELS "hardening;fuzz" TIMEOUT 300
                     ENVIRONMENT "NO_RUN=1")
foreach(target loader reader)
  file(GLOB _inputs CONFIGURE_DEPENDS ${_fuzz}/regress/${target}/*)
  foreach(input ${_inputs})
    get_filename_component(_name ${input} NAME_WE)
    string(MAKE_C_IDENTIFIER "fuzz_regress_${target}_${_name}" _test)
    add_test(NAME ${_test} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fuzz_regress.sh ${target}
                                   ${MINRISK_BIN} ${MINRISK_SRC} ${input})
    set_tests_properties(${_test} PROPERTIES LABELS "hardening;fuzz" TIMEOUT 120 ENVIRONMENT
                         "LSAN_OPTIONS=suppressions=${_fuzz}/lsan.supp")
  endforeach()
endforeach()
