#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the type stub nusi.pyi from the module's own record of its API (nusi._api: every function,
method, class, property and constant with its parameters, annotations, defaults and documentation), so the
stub cannot drift from the bindings: python/tests/test_stub.py regenerates it and compares.

    PYTHONPATH=build/python /usr/bin/python3 python/generate_stub.py > python/nusi.pyi
"""
import re
import sys

HEADER = '''# SPDX-License-Identifier: MIT
# Type stub of the nusi Python module, written by python/generate_stub.py from the module's record of its
# API (do not edit by hand: regenerate it). Units are in the names (_MeV, _cm, _per_cm3); see docs/python.md.
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
'''

SIMPLE_DEFAULT = re.compile(r"^(-?[0-9.e+-]+|inf|'[^']*'|True|False|None)$")


def doc_lines(doc, indent):
    text = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return [f'{indent}"""{text}"""']


def parameter_text(p):
    name, annotation, default, keyword_only, _ = p
    text = f"{name}: {annotation}"
    if default:
        text += " = " + (default if SIMPLE_DEFAULT.match(default) and default != "inf" else "...")
    return text


def signature(parameters, method):
    out, star = (["self"] if method else []), False
    for p in parameters:
        if p[3] and not star:
            out.append("*")
            star = True
        out.append(parameter_text(p))
    return ", ".join(out)


def function_lines(e, indent, method):
    lines = []
    if e["kind"] == "staticmethod":
        lines.append(f"{indent}@staticmethod")
    name = e["name"]
    lines.append(f"{indent}def {name}({signature(e['parameters'], method)}) -> {e['returns']}:")
    lines += doc_lines(e["doc"], indent + "    ")
    return lines


# A record returned for an array of inputs holds arrays in its scalar fields (api.hpp, result_type::make_many).
RECORD_FIELD = {"float": "float | NDArray[np.float64]", "bool": "bool | NDArray[np.bool_]",
                "int": "int | NDArray[np.int64]", "str": "str | list[str]"}


def stub(api):
    attributes = [e for e in api if e["kind"] == "attribute"]
    classes = [e for e in api if e["kind"] == "class"]
    functions = [e for e in api if e["kind"] == "function"]
    members = {}
    for e in api:
        if e["kind"] in ("method", "staticmethod", "init", "property"):
            members.setdefault(e["class"], []).append(e)
    lines = [HEADER]
    for e in attributes:
        lines.append(f"{e['name']}: {e['annotation']}")
        lines += doc_lines(e["doc"], "")
    for c in classes:
        base = f"({c['base']})" if c["base"] else ""
        lines += ["", "", f"class {c['name']}{base}:"]
        lines += doc_lines(c["doc"], "    ")
        for e in members.get(c["name"], []):
            lines.append("")
            if e["kind"] == "property":
                annotation = RECORD_FIELD.get(e["annotation"], e["annotation"]) if c["base"] == "result" else e["annotation"]
                lines += ["    @property", f"    def {e['name']}(self) -> {annotation}:"]
                lines += doc_lines(e["doc"], "        ")
            else:
                lines += function_lines(e, "    ", e["kind"] != "staticmethod")
    for e in functions:
        lines += ["", ""] + function_lines(e, "", False)
    return "\n".join(lines) + "\n"


def main():
    import nusi

    sys.stdout.write(stub(nusi._api))


if __name__ == "__main__":
    main()
