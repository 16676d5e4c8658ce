# SPDX-License-Identifier: MIT
# Installs the Python module (cmake --install, component python) into PREFIX (emptied first) and imports it
# from there with PYTHONPATH=PREFIX/MODULE_DIR, from a working directory outside the build tree so that the
# build tree's module cannot be picked up: __version__ must be VERSION, the module must be the installed
# file, and the SN 1987A table must be found beside the installation (not in the source tree).
# Arguments: BUILD_DIR, PREFIX, MODULE_DIR, PYTHON, VERSION.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} --component python
                RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${code}): ${err}")
endif()
set(check [=[
import os, sys, nusi
prefix = os.path.realpath(sys.argv[1])
assert os.path.realpath(nusi.__file__).startswith(prefix + os.sep), nusi.__file__
assert os.path.exists(os.path.join(os.path.dirname(nusi.__file__), 'nusi.pyi'))
events = nusi.load_sn1987a_events()
assert len(events.energy_MeV) > 0
print(nusi.__version__)
]=])
execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PREFIX}/${MODULE_DIR} ${PYTHON} -c "${check}" ${PREFIX}
                WORKING_DIRECTORY ${PREFIX} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "import of the installed module failed (${code}): ${err}")
endif()
string(STRIP "${out}" out)
if(NOT out STREQUAL VERSION)
  message(FATAL_ERROR "installed nusi.__version__ is '${out}', project(VERSION) is '${VERSION}'")
endif()
file(REMOVE_RECURSE ${PREFIX})
message(STATUS "installed module imports from ${PREFIX}/${MODULE_DIR}, version ${out}")
