"""Logging to a rotating file in the log folder; secrets are never passed to a logger."""

from __future__ import annotations

import logging
import logging.handlers

from smarketer import paths


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_smarketer", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file(), maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler._smarketer = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
