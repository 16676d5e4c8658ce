# SPDX-License-Identifier: MIT
# Fixtures of the nusi Python tests. ctest sets PYTHONPATH to the build tree's module and NUSI_TOOL to the
# command-line tool built from the same headers (python/CMakeLists.txt); without NUSI_TOOL the tests that
# compare with the tool are skipped.
import json
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def tool():
    """run(subcommand, *flags) -> the tool's --json output as a dict."""
    path = os.environ.get("NUSI_TOOL")
    if not path or not os.path.exists(path):
        pytest.skip("NUSI_TOOL (the nusi command-line tool) is not set")

    def run(*args):
        out = subprocess.run([path, *map(str, args), "--json"], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    return run
