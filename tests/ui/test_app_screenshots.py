"""Screenshots for review: main window with a conversation (light, dark, Arabic), the
sign-in screen and the unlock screen, written to artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.relay import start_relay
from tests.ui.util import _controller, _texts, sign_up, signal_wait, until

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def test_screenshots(tmp_path: Path, arun) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    relay = start_relay(tmp_path, fast_password_hashing=True)
    a = _controller(tmp_path, "amira", language="en")
    b = _controller(tmp_path, "omar")

    async def body() -> None:
        a.preferences.set_theme("light")
        a.start()
        a.auth_window.resize(900, 640)
        a.auth_window.account_page.relay.setText(relay.url)
        a.auth_window.grab().save(str(OUT / "sign-in.png"))
        a.auth_window.hide()
        a.auth_window = None
        wa = await sign_up(a, relay.url, "amira", "Amira Haddad")
        wb = await sign_up(b, relay.url, "omar", "Omar Saleh")
        chat = await a.session.open_direct("omar")
        wa._open_when_listed(chat)
        await until(lambda: wa.current_chat == chat)
        for text in [
            "Hi Omar! Are we still on for Saturday?",
            "Yes! مرحبا يا أميرة، نلتقي في المقهى الساعة العاشرة",
            "Perfect. I'll bring the photos from the trip 📷",
        ]:
            wa.composer.set_text(text)
            wa.composer.submit()
        await until(lambda: wb.chat_model.get(chat) is not None)
        wb.select_chat(chat)
        await until(lambda: len(_texts(wb)) >= 3)
        wb.composer.set_text("رائع! سأحضر القهوة ☕ — see you there")
        wb.composer.submit()
        await until(lambda: len(_texts(wa)) >= 4 and all(_texts(wa)))
        g = await a.session.create_group("Weekend trip ✈", ["omar"])
        await until(lambda: wa.chat_model.get(g) is not None)
        # a group message travels through the group's log (chat_update), not omar's seq
        await until(lambda: wb.chat_model.get(g) is not None)
        wb.select_chat(g)
        wb.composer.set_text("Tickets booked for 9:40 🎫")
        wb.composer.submit()
        await until(lambda: "Tickets booked" in getattr(wa.chat_model.get(g), "preview", ""))
        wa.select_chat(chat)
        wa.resize(1100, 720)
        await until(lambda: wa.message_model.rowCount() >= 4)
        wa.chat_view.jump_to_bottom()
        await until(lambda: wa.chat_view.is_at_bottom())
        wa.grab().save(str(OUT / "main-light.png"))
        a.preferences.set_theme("dark")
        wa.grab().save(str(OUT / "main-dark.png"))
        a.preferences.set_theme("light")
        a.preferences.set_language("ar")
        (w2,) = await signal_wait(a.main_window_shown, 60)
        w2.resize(1100, 720)
        await until(lambda: w2.chat_model.rowCount() >= 2)
        w2.select_chat(chat)
        await until(lambda: w2.message_model.rowCount() >= 4)
        w2.chat_view.jump_to_bottom()
        w2.grab().save(str(OUT / "main-arabic.png"))
        a.preferences.set_language("en")
        await signal_wait(a.main_window_shown, 60)
        await a.aclose()
        again = _controller(tmp_path, "amira")
        again.start()
        again.auth_window.resize(900, 640)
        page = again.auth_window.unlock_page
        page.passcode.setText("nope")
        page.button.click()
        await until(lambda: page.error.isVisibleTo(page))
        again.auth_window.grab().save(str(OUT / "unlock.png"))
        await again.aclose()

    try:
        arun(body())  # its 90 s leave the per-test 120 s room to close clients and relay
    finally:
        arun(a.aclose())
        arun(b.aclose())
        relay.stop()
    assert (OUT / "main-arabic.png").exists()
