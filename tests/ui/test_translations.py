"""Every user-visible string in ui/ has a finished Arabic translation, in the context the
code asks for it, and the compiled .qm serves it.

lupdate sees ``self.tr(...)`` but not the ``_tr`` wrappers around
``QCoreApplication.translate``; this test reads the sources itself, so a string added to
either kind without running ``python -m ui.i18n_tools`` fails here.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
TS = ROOT / "resources" / "translations" / "risala_ar.ts"
QM = TS.with_suffix(".qm")
NOT_UI = {"i18n_tools.py", "selftest.py"}  # developer tools print English on purpose


def _wrapper_context(tree: ast.Module) -> str | None:
    """The context of a module's ``_tr(text)`` helper (``QCoreApplication.translate(ctx, …)``)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    return str(call.args[0].value)
    return None


def _literal(call: ast.Call, index: int) -> str | None:
    if len(call.args) > index and isinstance(call.args[index], ast.Constant):
        value = call.args[index].value
        return value if isinstance(value, str) else None
    return None


def source_strings() -> set[tuple[str, str]]:
    """(context, source text) of every literal passed to ``self.tr``, ``_tr`` or
    ``QCoreApplication.translate`` in ui/."""
    found: set[tuple[str, str]] = set()
    for path in sorted(UI.rglob("*.py")):
        if path.name in NOT_UI:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrapper = _wrapper_context(tree)

        def visit(node: ast.AST, cls: str | None, wrapper: str | None = wrapper) -> None:
            if isinstance(node, ast.ClassDef):
                cls = node.name
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr == "tr" and cls is not None:
                    text = _literal(node, 0)
                    if text is not None:
                        found.add((cls, text))
                elif isinstance(func, ast.Name) and func.id == "_tr" and wrapper is not None:
                    text = _literal(node, 0)
                    if text is not None:
                        found.add((wrapper, text))
                elif isinstance(func, ast.Attribute) and func.attr == "translate":
                    ctx, text = _literal(node, 0), _literal(node, 1)
                    if ctx is not None and text is not None:
                        found.add((ctx, text))
            for child in ast.iter_child_nodes(node):
                visit(child, cls)

        visit(tree, None)
    return found


def ts_translations() -> dict[tuple[str, str], bool]:
    """(context, source) -> whether the .ts has a finished, non-empty translation."""
    out: dict[tuple[str, str], bool] = {}
    for ctx in ET.parse(TS).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            finished = tr is not None and tr.get("type") not in (
                "unfinished",
                "vanished",
                "obsolete",
            )
            has_text = tr is not None and bool(
                (tr.text or "").strip() or any((f.text or "").strip() for f in tr)
            )
            out[(name, m.findtext("source") or "")] = finished and has_text
    return out


def test_every_ui_string_has_arabic() -> None:
    wanted = source_strings()
    assert ("CallTexts", "Calling…") in wanted and ("Errors", "The disk is full.") in wanted
    have = ts_translations()
    missing = sorted(key for key in wanted if not have.get(key))
    assert not missing, f"untranslated (run python -m ui.i18n_tools): {missing}"


def test_compiled_translations_serve_the_call_ui() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.translate("CallTexts", "Calling…") == "جارٍ الاتصال…"
    assert translator.translate("CallTexts", "Connecting…") == "جارٍ التوصيل…"
    assert translator.translate("ConnectionBanner", "Connecting…") == "جارٍ الاتصال…"
    assert translator.translate("CallWindow", "Mute") == "كتم الصوت"
    assert translator.translate("IncomingCallWindow", "Decline") == "رفض"
    assert translator.translate("DeviceTexts", "Test pattern") == "نمط اختبار"
    missing = [
        (ctx, text) for ctx, text in sorted(source_strings()) if not translator.translate(ctx, text)
    ]
    assert not missing, f"not in risala_ar.qm: {missing}"


def test_call_windows_speak_arabic(qapp) -> None:  # noqa: ANN001
    """``self.tr`` at run time uses the same context lupdate wrote (the class name)."""
    from ui.calls.devices import DeviceKind, DeviceTexts
    from ui.calls.state import CallPhase, CallTexts

    translator = QTranslator()
    assert translator.load(str(QM))
    qapp.installTranslator(translator)
    try:
        texts = CallTexts()
        assert texts.phase_text(CallPhase.CALLING, outgoing=True, video=True) == "جارٍ الاتصال…"
        assert DeviceTexts().default_name(DeviceKind.CAMERA) == "الافتراضي في النظام"
    finally:
        qapp.removeTranslator(translator)
