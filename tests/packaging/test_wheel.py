"""The wheel and sdist a package index would get, and the wheel installed on its own.

`python -m build` makes both (the wheel from the sdist, so the sdist is complete), `twine check`
reads their metadata as an index would, and the wheel is installed without its dependencies into
a fresh virtual environment. The dependencies are lent from the test environment through a .pth
file (cheap, and `pip check` proves the wheel's requirements are met by them); everything of
Smarketer's own must come from the wheel: the test checks where the package was imported from.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from smarketer import __version__
from tests.packaging import smoke

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        subprocess.run([sys.executable, "-c", "import build, twine"], capture_output=True).returncode != 0,
        reason="build and twine come with the test extra",
    ),
    pytest.mark.timeout(900),  # building, and a dozen starts of the installed app
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Package would be ignored" not in result.stdout + result.stderr
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def shipped_resources() -> set[str]:
    return {
        "smarketer/resources/" + p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_metadata_passes_twine_check(dist):
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist["wheel"]), str(dist["sdist"])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_wheel_carries_every_module_resource_and_licence(dist):
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "smarketer").rglob("*.py")}
    assert modules - names == set()
    assert shipped_resources() - names == set()
    info = f"smarketer-{__version__}.dist-info"
    assert {
        f"{info}/licenses/LICENSE",
        f"{info}/licenses/resources/LICENSES.md",
        f"{info}/licenses/resources/fonts/DejaVu-LICENSE.txt",
    } <= names
    assert f"{info}/entry_points.txt" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


def test_sdist_carries_what_it_takes_to_build_and_test(dist):
    names = {n.split("/", 1)[1] for n in tarfile.open(dist["sdist"]).getnames() if "/" in n}
    assert {
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "dev.py",
        "tests/conftest.py",
        "packaging/smarketer.spec",
        "resources/smarketer.svg",
    } <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_wheel_alone_runs_the_app(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(dist["wheel"]),
        ],
        check=True,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Lend the dependencies (PySide6 & co.); a path line in a .pth does not run the .pth files
    # of that folder, so the checkout's editable install stays out of reach.
    (site / "zz_lent_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    where = subprocess.run(
        [
            python,
            "-c",
            "import smarketer, smarketer.ui.app; from importlib import resources; "
            "print(smarketer.__file__); print(resources.files('smarketer.resources'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": ""},
    ).stdout
    assert all(line.startswith(str(site)) for line in where.splitlines()), where
    check = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "check"], capture_output=True, text=True
    )
    assert "smarketer" not in check.stdout, check.stdout

    smoke.check_installed_app(
        [str(venv / "bin" / "smarketer")], tmp_path / "run", smoke.executable_path(venv / "bin")
    )
