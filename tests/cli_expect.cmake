# SPDX-License-Identifier: MIT
# Runs TOOL with ARGS (a ;-list) and checks the exit code is EXPECT; a failing run (code 2) must
# print exactly one line on stderr, naming the problem.
execute_process(COMMAND ${TOOL} ${ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "${EXPECT}")
  message(FATAL_ERROR "nusi ${ARGS}: exit code ${code}, expected ${EXPECT}\nstdout: ${out}\nstderr: ${err}")
endif()
if(EXPECT STREQUAL "2")
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL 1)
    message(FATAL_ERROR "nusi ${ARGS}: expected one line on stderr, got ${lines}: ${err}")
  endif()
endif()
if(EXPECT STREQUAL "0" AND NOT "${err}" STREQUAL "")
  message(FATAL_ERROR "nusi ${ARGS}: succeeded but wrote to stderr: ${err}")
endif()
