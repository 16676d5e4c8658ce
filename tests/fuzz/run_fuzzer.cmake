# SPDX-License-Identifier: MIT
# cmake -DFUZZER=<exe> -DNAME=<name> -DLOG=<file> "-DARGS=<libFuzzer arguments>" -P run_fuzzer.cmake
# Runs one fuzzer with its output in LOG; prints libFuzzer's summary, or the end of the log (the crash
# report and the input's path) and fails when the fuzzer does.
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
                        ${FUZZER} ${ARGS}
                OUTPUT_FILE ${LOG} ERROR_FILE ${LOG} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  # The end of the log: the sanitizer report, the input's bytes and where it was saved.
  file(SIZE ${LOG} size)
  set(offset 0)
  if(size GREATER 12000)
    math(EXPR offset "${size} - 12000")
  endif()
  file(READ ${LOG} tail OFFSET ${offset})
  message(FATAL_ERROR "fuzz ${NAME}: the fuzzer failed (exit ${rc}); full log ${LOG}\n${tail}")
endif()
file(STRINGS ${LOG} summary REGEX "^(Done [0-9]+ runs|stat::new_units_added|stat::peak_rss_mb)")
list(JOIN summary "; " summary)
message(STATUS "fuzz ${NAME}: no finding. ${summary} (log ${LOG})")
