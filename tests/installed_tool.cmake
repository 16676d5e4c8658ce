# SPDX-License-Identifier: MIT
# The installed tool needs no source or build tree: PREFIX/bin/nusi figures runs in an empty folder
# and writes the summary; a copy of the binary without PREFIX/share/nusi names the paths it tried.
set(work ${WORK})
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work}/empty ${work}/bare/bin)
execute_process(COMMAND ${PREFIX}/bin/nusi figures --quiet --out figs ${FIGURES_FLAGS} WORKING_DIRECTORY ${work}/empty
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0 OR NOT EXISTS ${work}/empty/figs/summary.txt OR NOT EXISTS ${work}/empty/figs/fig1_bounds.png)
  message(FATAL_ERROR "installed nusi figures: exit code ${code}\n${out}\n${err}")
endif()
file(COPY ${PREFIX}/bin/nusi DESTINATION ${work}/bare/bin)
execute_process(COMMAND ${work}/bare/bin/nusi events WORKING_DIRECTORY ${work}/empty
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${err}" "cannot find the data file sn1987a/sn1987a_events.csv (tried: ${work}/bare/share/nusi/" found)
if(NOT code EQUAL 2 OR found EQUAL -1)
  message(FATAL_ERROR "nusi without its data: exit code ${code}, stderr: ${err}")
endif()
