# SPDX-License-Identifier: MIT
# The type stub beside the module is the one generate_stub.py writes from the module's record of its API
# (so it cannot drift from the bindings), it parses as Python, and it names every public attribute of the
# module and nothing else.
import ast
import importlib.util
import os

import pytest

import nusi

HERE = os.path.dirname(os.path.abspath(__file__))


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_stub", os.path.join(HERE, "..", "generate_stub.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed_stub():
    with open(os.path.join(HERE, "..", "nusi.pyi"), encoding="utf-8") as f:
        return f.read()


def test_stub_is_generated_from_the_module():
    assert load_generator().stub(nusi._api) == committed_stub(), \
        "python/nusi.pyi is stale: PYTHONPATH=<build>/python python3 python/generate_stub.py > python/nusi.pyi"


def test_stub_names_every_public_attribute():
    tree = ast.parse(committed_stub())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
    public = {n for n in dir(nusi) if not n.startswith("_")} | {"__version__"}
    assert names == public


@pytest.mark.parametrize("name", ["core_bound", "fraction_above_threshold", "propagation_bound"])
def test_help_shows_the_signature(name):
    import inspect
    sig = inspect.signature(getattr(nusi, name))
    assert "log10_mass_MeV" in sig.parameters


def test_stub_annotations_name_only_defined_things():
    import builtins
    tree = ast.parse(committed_stub())
    defined = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
    used = set()
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.FunctionDef):
            annotations = [a.annotation for a in node.args.args + node.args.kwonlyargs] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        for a in annotations:
            if a is not None:
                used.update(n.id for n in ast.walk(a) if isinstance(n, ast.Name))
    assert used <= defined, used - defined
