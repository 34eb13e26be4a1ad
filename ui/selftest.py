"""Placeholder; replaced below."""
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtMultimedia", "QtSvg")
def run_self_test() -> int:
    for m in QT_MODULES:
        __import__("PySide6." + m)
    print("self-test: qt ok")
    return 0
