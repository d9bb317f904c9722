# Run at every build (see CMakeLists.txt): writes build_info.cc with the current commit, and only
# touches it when the text changes, so an unchanged tree rebuilds nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE ACCELBENCH_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT ACCELBENCH_COMMIT)
  set(ACCELBENCH_COMMIT "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY ${SOURCE_DIR}
    RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty)
    set(ACCELBENCH_COMMIT "${ACCELBENCH_COMMIT}-dirty")
  endif()
endif()
configure_file(${SRC} ${DST} @ONLY)
