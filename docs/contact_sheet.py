"""Screenshots of every section and the main dialogs at three laptop screen sizes, light and
dark, and one small contact sheet of them (docs/contact-sheet.jpg).

    .venv/bin/python docs/contact_sheet.py [--contacts N] [--out DIR]

Each size runs in its own process on Qt's offscreen platform with a screen of exactly that
size, so windows and dialogs size themselves to it as on a real laptop. The full-size PNGs go
to DIR (default /tmp/smarketer-shots): look at them; the sheet is a small overview.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = [(1366, 768), (1280, 720), (1024, 640)]
SCHEMES = ["Light", "Dark"]
SHEET = Path(__file__).resolve().parent / "contact-sheet.jpg"


def shoot(width: int, height: int, contacts: int, out: Path) -> None:
    """Run inside a process whose offscreen screen is width x height."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDialog

    from smarketer.demo import write_demo
    from smarketer.ui import style
    from smarketer.ui.app import make_application
    from smarketer.ui.hub import Hub
    from smarketer.ui.main_window import SECTION_NAMES, MainWindow

    app = make_application()
    tmp = Path(tempfile.mkdtemp())
    os.environ["SMARKETER_HOME"] = str(tmp)
    store = write_demo(tmp / "demo.db", contacts=contacts)
    ui_state = QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, Hub(), ui_state)
    window.show()
    window.setGeometry(window.screen().availableGeometry())  # as if maximised

    def settle() -> None:
        from smarketer.ui.workers import wait_for_all

        for _ in range(5):
            app.processEvents()
            wait_for_all()
        app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}-{width}x{height}-{scheme}.png"))

    def dialogs() -> list[tuple[str, QDialog]]:
        found = []
        window.go_to_section("Deals")
        deal_id = window.deals.columns[0].model.cards[0].id
        found.append(("deal-dialog", window.deals.open_deal(deal_id)))
        found.append(("stages-dialog", window.deals.edit_stages()))
        found.append(("palette", window.open_palette()))
        found.append(("setup", window.open_setup()))
        found.append(("about", window.about()))
        window.go_to_section("Contacts")
        found.append(("duplicates", window.contacts.show_duplicates()))
        window.go_to_section("Proposals")
        window.proposals.preview()
        settle()
        found.append(("pdf-preview", window.proposals.preview_dialog))
        return found

    for scheme in SCHEMES:
        style.apply(app, getattr(Qt.ColorScheme, scheme))
        window._recolor_icons()
        for index, name in enumerate(SECTION_NAMES):
            window.go_to(index)
            save(window, name.lower())
        for name, dialog in dialogs():
            save(dialog, name)
            dialog.close()
    window.close()


def sheet(out: Path) -> None:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

    QGuiApplication.instance() or QGuiApplication([])
    shots = sorted(out.glob("*.png"))
    names = sorted(
        {
            p.name.split("-")[0]
            if not p.name.startswith(("deal-", "stages-", "pdf-"))
            else "-".join(p.name.split("-")[:2])
            for p in shots
        }
    )
    columns = [f"{w}x{h}-{s}" for s in SCHEMES for (w, h) in SIZES]
    cell_w, cell_h, label_h = 200, 125, 14
    image = QImage(
        cell_w * len(columns), (cell_h + label_h) * len(names) + label_h, QImage.Format.Format_RGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setFont(QFont("DejaVu Sans", 7))
    for c, column in enumerate(columns):
        painter.drawText(QRect(c * cell_w, 0, cell_w, label_h), Qt.AlignmentFlag.AlignCenter, column)
    for r, name in enumerate(names):
        top = label_h + r * (cell_h + label_h)
        for c, column in enumerate(columns):
            path = out / f"{name}-{column}.png"
            if not path.exists():
                continue
            shot = QImage(str(path)).scaled(
                cell_w - 4,
                cell_h - 2,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawImage(c * cell_w + (cell_w - shot.width()) // 2, top, shot)
            painter.drawText(
                QRect(c * cell_w, top + cell_h, cell_w, label_h), Qt.AlignmentFlag.AlignCenter, name
            )
    painter.end()
    image.save(str(SHEET), "JPG", 72)
    print(f"{SHEET}: {SHEET.stat().st_size // 1024} KB, {len(shots)} screenshots in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "smarketer-shots")
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.size:
        width, height = map(int, args.size.split("x"))
        shoot(width, height, args.contacts, args.out)
        return
    for width, height in SIZES:
        config = Path(tempfile.mkdtemp()) / "screen.json"
        config.write_text(
            json.dumps(
                {
                    "screens": [
                        {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96}
                    ]
                }
            )
        )
        env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", LANG="C.UTF-8")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--size",
                f"{width}x{height}",
                "--contacts",
                str(args.contacts),
                "--out",
                str(args.out),
            ],
            check=True,
            env=env,
        )
    sheet(args.out)


if __name__ == "__main__":
    main()
