"""The project's own hygiene: every package ships, resources are found, lint is clean."""

import shutil
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "smarketer").rglob("__init__.py")}
    data_folders = {
        ".".join(("smarketer", *p.relative_to(ROOT).parts))
        for p in [ROOT / "resources", *(ROOT / "resources").rglob("*")]
        if p.is_dir() and p.name != "__pycache__"
    }
    assert found | data_folders == listed


def test_resources_are_found_through_the_package():
    assert (resources.files("smarketer.resources") / "smarketer.svg").is_file()
    assert (resources.files("smarketer.resources") / "LICENSES.md").is_file()


def test_core_and_db_never_import_qt():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "smarketer").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "smarketer").parts[:1] and "PySide6" in path.read_text()
    ]
    assert offenders == []


def test_db_layer_never_imports_the_core():
    for path in (ROOT / "smarketer" / "db").rglob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import smarketer", "from smarketer")):
                assert line.startswith(("from smarketer.db", "import smarketer.db")), f"{path.name}: {line}"


@pytest.mark.skipif(
    shutil.which("ruff", path=str(Path(sys.executable).parent)) is None,
    reason="ruff is installed with the test extra",
)
def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    result = subprocess.run([ruff, "check", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([ruff, "format", "--check", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, "run `ruff format .`:\n" + result.stdout + result.stderr
