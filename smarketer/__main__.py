"""`python -m smarketer` and the `smarketer` console script."""

import sys

from smarketer.cli import main as _cli_main


def main(argv: list[str] | None = None) -> int:
    return _cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
