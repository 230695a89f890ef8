"""Smarketer: sales and marketing for the owner-operator, in one offline desktop app."""

__version__ = "0.1.0"
APP_NAME = "Smarketer"
#: The reverse-DNS id of the desktop entry, the AppStream metainfo, the icon and the window
#: (resources/desktop/APP_ID.desktop and .metainfo.xml carry it in their names).
APP_ID = "io.github.smarketer.Smarketer"
