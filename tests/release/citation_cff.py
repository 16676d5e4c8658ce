# SPDX-License-Identifier: MIT
"""CITATION.cff parses as YAML (CFF 1.2.0), names the software's licence and version, and cites the
paper nusi implements by its DOI. Usage: python3 citation_cff.py CITATION.cff"""
import sys

import yaml

PAPER_DOI = "10.1103/PhysRevD.103.123008"

with open(sys.argv[1], encoding="utf-8") as handle:
    cff = yaml.safe_load(handle)
problems = []
for key in ("cff-version", "message", "title", "authors", "version", "date-released", "license"):
    if key not in cff:
        problems.append(f"missing key '{key}'")
if cff.get("cff-version") != "1.2.0":
    problems.append(f"cff-version is {cff.get('cff-version')!r}, expected '1.2.0'")
if cff.get("license") != "MIT":
    problems.append(f"license is {cff.get('license')!r}, expected 'MIT' (the SPDX lines and LICENSE)")
preferred = cff.get("preferred-citation", {})
if str(preferred.get("doi")) != PAPER_DOI:
    problems.append(f"preferred-citation doi is {preferred.get('doi')!r}, expected {PAPER_DOI}")
if problems:
    sys.exit("CITATION.cff: " + "; ".join(problems))
print(f"CITATION.cff: version {cff['version']}, cites {PAPER_DOI}")
