"""Callers import a name from the module that owns it (``from smarketer.pipeline.deals import
save_deal``), never through a package: smarketer.contacts and smarketer.pipeline re-export
nothing (nor does the old smarketer.proposals.service, gone). Reading the import tells where the
code is."""

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACADES = {"smarketer.contacts", "smarketer.pipeline", "smarketer.proposals.service"}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its package is gone (proposals.service)
        return False


def _through_a_facade(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name in FACADES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                if f"{node.module}.{a.name}" in FACADES:  # the facade itself, for facade.name
                    found.append(f"from {node.module} import {a.name}")
                elif node.module in FACADES and not _is_module(f"{node.module}.{a.name}"):
                    found.append(f"from {node.module} import {a.name}")  # a re-exported name
    return found


def test_callers_import_from_the_module_that_owns_the_name():
    offences = []
    for folder in ("smarketer", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            offences += [f"{name}: {line}" for line in _through_a_facade(ast.parse(path.read_text()))]
    assert not offences, "\n".join(offences)


def test_the_rule_sees_an_import_through_a_facade():
    tree = ast.parse("from smarketer import pipeline\nfrom smarketer.contacts import save_contact\n")
    assert _through_a_facade(tree) == [
        "from smarketer import pipeline",
        "from smarketer.contacts import save_contact",
    ]
    assert _through_a_facade(ast.parse("from smarketer.contacts import listing")) == []  # a module
