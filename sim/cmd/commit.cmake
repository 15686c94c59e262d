# commit.cmake - writes OUT, the header holding MINRISK_COMMIT: the source
# tree's commit (`git describe --always --dirty`), or "unknown" outside a
# git checkout. Run by the target minrisk_commit on every build
# (CMakeLists.txt); the file is rewritten only when the commit changes, so
# only sim/cmd/bench.c and sim/checkpoint.c recompile then.
# usage: cmake -DSRC=DIR -DOUT=FILE -P commit.cmake
set(commit unknown)
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SRC} describe --always --dirty --abbrev=12
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc EQUAL 0 AND out)
    set(commit ${out})
  endif()
endif()
set(text "/* written by sim/cmd/commit.cmake */\n#define MINRISK_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
