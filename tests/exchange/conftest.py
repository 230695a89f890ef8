"""Import tests read the fixture files from a copy: an import with rejected rows writes its
report next to the file it read, and the repository must stay clean."""

import shutil

import pytest

from tests.conftest import DATA


@pytest.fixture(autouse=True)
def imports_copy(request, tmp_path, monkeypatch):
    copy = tmp_path / "imports"
    shutil.copytree(DATA / "imports", copy)
    if hasattr(request.module, "IMPORTS"):
        monkeypatch.setattr(request.module, "IMPORTS", copy)
    return copy
