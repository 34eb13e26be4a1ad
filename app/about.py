"""Who the application is: name, identifiers, copyright and version, in one place.

The version has one source, ``version`` in pyproject.toml. At run time it is read from the
installed distribution's metadata (the frozen bundle carries that metadata too); a plain
checkout that was never installed falls back to reading pyproject.toml itself. Packaging
(build.py, the .deb control file, Info.plist, the Inno Setup script) reads everything here.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "risala"
APP_NAME = "Risala"
APP_ID = "org.risala.Risala"  # reverse-DNS id: desktop file, Flatpak, macOS bundle id
ORGANIZATION = "Risala"
DESCRIPTION = "A desktop messenger with calls, channels and stickers"
COPYRIGHT = "Copyright © 2025 The Risala authors"
HOMEPAGE = "https://risala.invalid/"
MAINTAINER = "Risala maintainers <maintainers@risala.invalid>"

_FALLBACK_VERSION = "0+unknown"


@cache
def version() -> str:
    """The running application's version, e.g. ``"0.1.0"``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not getattr(sys, "frozen", False) and pyproject.is_file():
        match = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text("utf-8"), re.M)
        if match:
            return match.group(1)
    return _FALLBACK_VERSION
