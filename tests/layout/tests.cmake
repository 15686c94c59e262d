# layout/tests.cmake - the shape of the source tree, label `layout`.
# Included by tests/CMakeLists.txt (MINRISK_SRC, MINRISK_PYTHON).

# The layers' includes (layering.py): models/ only models/, GSL and the C
# library; out/ only out/ and models/; quoted includes exist from the
# project root; no include cycle among the project's headers.
add_test(NAME layering COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/layering.py ${MINRISK_SRC})
set_tests_properties(layering PROPERTIES LABELS layout)

# Every .c and .h of sim/, models/, out/, tests/ and bench/ as clang-format
# leaves it (format.sh); skipped (status 77) when clang-format is missing.
find_program(MINRISK_CLANG_FORMAT clang-format)
if(NOT MINRISK_CLANG_FORMAT)
  message(STATUS "clang-format not found: the test `format` will be skipped")
endif()
add_test(NAME format COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/format.sh ${MINRISK_SRC}
                             ${MINRISK_CLANG_FORMAT})
set_tests_properties(format PROPERTIES LABELS layout SKIP_RETURN_CODE 77)

# Every .c compiles as plain C17 without -fopenmp's -pthread
# (feature_macros.sh): a file calling POSIX defines _POSIX_C_SOURCE itself,
# as clang's build needs.
add_test(NAME feature_macros
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/feature_macros.sh ${MINRISK_SRC} ${CMAKE_C_COMPILER}
                 "$<TARGET_PROPERTY:minrisk_core,INCLUDE_DIRECTORIES>"
                 "$<TARGET_PROPERTY:minrisk_core,COMPILE_DEFINITIONS>")
set_tests_properties(feature_macros PROPERTIES LABELS layout)

# Every option() and cache variable of the build is a row of docs/HPC.md's
# table of CMake options (build_options.sh).
add_test(NAME build_options COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/build_options.sh ${MINRISK_SRC})
set_tests_properties(build_options PROPERTIES LABELS layout)

# The configure step as a packager meets it (configure.sh): without cmocka,
# a message naming -DBUILD_TESTING=OFF, which then configures; MINRISK_MPI's
# values in any case (off is the serial build), a wrong one refused.
foreach(_mode without_cmocka mpi_values)
  add_test(NAME configure_${_mode}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/configure.sh ${_mode} ${CMAKE_COMMAND}
                   ${MINRISK_SRC} ${CMAKE_C_COMPILER})
  set_tests_properties(configure_${_mode} PROPERTIES LABELS layout TIMEOUT 600)
endforeach()

# The binary holds no path of the machine that built it (no_build_paths.sh;
# skipped for a binary with debug information).
add_test(NAME no_build_paths COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/no_build_paths.sh ${MINRISK_BIN}
                                     ${MINRISK_SRC} ${CMAKE_BINARY_DIR})
set_tests_properties(no_build_paths PROPERTIES LABELS layout SKIP_RETURN_CODE 77)

# .ci/install-deps (install_deps.sh, fake dpkg-query and apt-get): with
# every package present one line says so and nothing is installed; a
# missing one alone is installed.
add_test(NAME install_deps COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/install_deps.sh ${MINRISK_SRC})
set_tests_properties(install_deps PROPERTIES LABELS layout)

# The documentation's Markdown links and anchors, and every path of the
# source tree it names, resolve (doc_links.py): README.md, bench/RESULTS.md,
# docs/*.md and docs/research/*.md.
add_test(NAME doc_links COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/doc_links.py ${MINRISK_SRC})
set_tests_properties(doc_links PROPERTIES LABELS layout)
# doc_links.py on a made-up tree (doc_links_cases.py): every kind of broken
# reference it checks is reported, with file:line, and a sound tree passes.
add_test(NAME doc_links_cases COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/doc_links_cases.py
                                      ${CMAKE_CURRENT_LIST_DIR}/doc_links.py)
set_tests_properties(doc_links_cases PROPERTIES LABELS layout)

# The loader's seed corpus and dictionary (tests/fuzz/corpus/loader,
# tests/fuzz/loader.dict) are what tests/fuzz/make_corpus.py makes from the
# scenarios and the schema today: a new bad scenario or key is a seed
# (docs/FUZZING.md). Two seeds of 2026-12-06 were missing for a session.
add_test(NAME fuzz_corpus_current
         COMMAND ${MINRISK_PYTHON} ${MINRISK_SRC}/tests/fuzz/make_corpus.py --check)
set_tests_properties(fuzz_corpus_current PROPERTIES LABELS layout)
