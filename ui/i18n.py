"""Languages: installs the Qt translators and sets the layout direction.

Arabic (``ar``) flips the whole UI right-to-left. The translations live in
resources/translations (``risala_<lang>.qm``, regenerate with ``python -m ui.i18n_tools``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "translations"
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
SUPPORTED = ("en", "ar")

_installed: list[QTranslator] = []


def system_language() -> str:
    name = QLocale.system().name().split("_")[0]
    return name if name in SUPPORTED else "en"


def apply_language(app: QApplication, lang: str) -> str:
    """Install translators for ``lang`` ("" = system) and set the layout direction."""
    lang = lang or system_language()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang != "en":
        ours = QTranslator(app)
        if ours.load(str(TRANSLATIONS_DIR / f"risala_{lang}.qm")):
            app.installTranslator(ours)
            _installed.append(ours)
        qt = QTranslator(app)
        if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    QLocale.setDefault(QLocale(lang))
    QGuiApplication.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if lang in RTL_LANGUAGES else Qt.LayoutDirection.LeftToRight
    )
    return lang
