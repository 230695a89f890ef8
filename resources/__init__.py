"""Icons, fonts and templates shipped with Smarketer (installed as ``smarketer.resources``)."""
