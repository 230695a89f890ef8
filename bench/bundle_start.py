"""Time from starting Smarketer to its window on the demo store: the app bundle, the same
code from the venv, and a bare PySide6 window as the baseline.

    .venv/bin/python packaging/build_bundle.py --out /tmp/bundle      # once, a few minutes
    .venv/bin/python bench/bundle_start.py /tmp/bundle/smarketer/smarketer

Each start runs with SMARKETER_SMOKE_TEST=1 (the app prints "started: …" once its windows are
up, then quits) under the offscreen platform, in a fresh SMARKETER_HOME; the figure is
wall-clock from exec to that line.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
BARE_QT = (
    "from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication, "
    "QMainWindow; app = QApplication([]); w = QMainWindow(); w.show(); "
    "QTimer.singleShot(0, lambda: (print('started: bare', flush=True), app.quit())); "
    "app.exec()"
)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds until the app says its windows are up (it then quits, after its background
    jobs such as the start-up backup are done, which is not counted)."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as app:
        for line in app.stdout:
            if line.startswith("started: "):
                break
        shown = time.perf_counter() - started
        app.stdout.read()
    if app.returncode:
        raise SystemExit(f"{command} failed")
    return shown


def figure(label: str, command: list[str], work: Path, prepare=None) -> None:
    times = []
    for _ in range(RUNS):
        home = Path(tempfile.mkdtemp(dir=work))
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            SMARKETER_SMOKE_TEST="1",
            SMARKETER_HOME=str(home),
            HOME=str(home),
        )
        if prepare:
            prepare(env, home)
        times.append(timed(command, env, home))
    print(
        f"{label:58} median {statistics.median(times):5.2f} s  (min {min(times):.2f}, max {max(times):.2f})"
    )


def main() -> int:
    bundle = Path(sys.argv[1]).resolve()
    venv_cli = Path(sys.executable).parent / "smarketer"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def with_demo(launcher):
            return lambda env, home: subprocess.run(
                [str(launcher), "demo", "demo.db"], env=env, cwd=home, check=True, capture_output=True
            )

        figure("bare PySide6 window (baseline)", [sys.executable, "-c", BARE_QT], work)
        figure("venv: smarketer --db demo.db", [str(venv_cli), "--db", "demo.db"], work, with_demo(venv_cli))
        figure("bundle: smarketer --db demo.db", [str(bundle), "--db", "demo.db"], work, with_demo(bundle))
        figure("venv: smarketer --demo (writes a fresh demo first)", [str(venv_cli), "--demo"], work)
        figure("bundle: smarketer --demo (writes a fresh demo first)", [str(bundle), "--demo"], work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
