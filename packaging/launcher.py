"""The bundle's entry point (PyInstaller freezes this script): the same as `smarketer`."""

import sys

from smarketer.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
