"""The composer's input fits its text with the theme's padding (a regression: its height
was computed before the style sheet polished it, clipping the placeholder)."""

from __future__ import annotations

from ui.controller import apply_appearance
from ui.widgets.composer import ComposerInput


def test_input_height_includes_theme_padding(qtbot, qapp) -> None:  # noqa: ANN001
    apply_appearance(qapp, theme="light", language="en")
    box = ComposerInput()
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    line = box.fontMetrics().lineSpacing()
    assert box.viewport().height() >= line
    assert box.height() >= line + box.contentsMargins().top() + box.contentsMargins().bottom()
