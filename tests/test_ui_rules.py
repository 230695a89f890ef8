"""House rules for smarketer/ui/, read from the source (AST, imports inside functions too):
widgets get plain data from the core, never the ORM; UI text is translatable."""

import ast
from pathlib import Path

import smarketer

UI = Path(smarketer.__file__).parent / "ui"
ORM = ("smarketer.db.models", "peewee", "playhouse")


def ui_files():
    for path in sorted(UI.rglob("*.py")):
        yield str(path.relative_to(UI)), ast.parse(path.read_text(encoding="utf-8"))


def imported(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, [alias.name]


def test_the_ui_never_imports_the_orm():
    offenders = [
        f"{name}:{line} {module}"
        for name, tree in ui_files()
        for line, module, full in imported(tree)
        if any(m == o or m.startswith(o + ".") for m in (module, *full) for o in ORM)
    ]
    assert offenders == []


def built_text(node: ast.expr) -> bool:
    """A string made before tr() sees it: an f-string, a concatenation, a .format()."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return built_text(node.left) or built_text(node.right) or isinstance(node.left, ast.Constant)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def test_tr_gets_a_literal_then_format():
    offenders = [
        f"{name}:{node.lineno} {ast.unparse(node)[:70]}"
        for name, tree in ui_files()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in ("tr", "_tr")
        and node.args
        and built_text(node.args[0])
    ]
    assert offenders == []


def test_the_rules_catch_what_they_forbid():
    bad = ast.parse('self.tr(f"Saved {name}")\nself.tr("Saved " + name)\n_tr("{}".format(x))')
    assert all(built_text(call.value.args[0]) for call in bad.body)  # type: ignore[attr-defined]
    assert not built_text(ast.parse('"Saved {}"').body[0].value)  # type: ignore[attr-defined]
    assert list(imported(ast.parse("def f():\n    from smarketer.db.models import Deal")))[0][1] == ORM[0]


def test_changes_are_announced_in_one_place():
    """Jobs and saves announce what they changed through workers.announce (run_job(changes=...),
    save_now, undo): no widget emits ``hub.data_changed`` by hand."""
    offenders = [
        f"{name}:{node.lineno}"
        for name, tree in ui_files()
        if name != "workers.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "emit"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "data_changed"
    ]
    assert offenders == []
