"""The application controller: which window shows when, and who owns the session.

First run: the account page (relay, sign up / sign in, local passcode). Later runs: the
key remembered in the OS keychain opens the profile at once; without one, the unlock page
asks for the passcode (a wrong one says so and lets the user retry). Once unlocked and
signed in: the main window, bridge, tray and notifications. When the relay ends the
session (revoked on another device, expired), the main window closes and the sign-in page
asks for the password again; the local history stays. ``aclose()`` shuts everything down
in order (windows' tasks, then the core session).

The core session is opened without connecting, the bridge subscribes, and only then does
the session start: the UI sees every event from the first "connecting" on. The main
window's modules load while the passcode is typed or its key derived (Argon2id runs on the
store's thread), so unlocking and showing the chat list don't add up.

Signals: ``main_window_shown(object)``, ``auth_shown(str page)``, ``language_applied(str)``.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from app.services.session import STORE_FILE, ClientApp, ClientConfig
from ui.bridge import Bridge
from ui.errors import describe, describe_code
from ui.i18n import apply_language
from ui.preferences import Preferences
from ui.tasks import TaskOwner
from ui.theme import ThemeManager
from ui.timing import mark

if TYPE_CHECKING:
    from ui.session import UiSession
    from ui.windows.auth import AuthWindow
    from ui.windows.main_window import MainWindow

log = logging.getLogger(__name__)

# The main window's modules (and the call UI's), loaded ahead by
# AppController._load_main_window while the passcode is typed or its key derived.
_MAIN_WINDOW_MODULES = ("ui.session", "ui.windows.main_window", "ui.dialogs.settings", "ui.tray")
_CALL_UI_MODULES = ("ui.calls.controller", "ui.calls.settings_page")


def apply_appearance(app: QApplication, *, theme: str, language: str) -> tuple[ThemeManager, str]:
    """Style the application as the app does: the Fusion style with the theme's palette and
    stylesheet, the language's translators and layout direction. Returns the theme manager
    (keep it: it follows the system scheme) and the language applied."""
    manager = ThemeManager(app, theme)
    manager.apply()
    return manager, apply_language(app, language)


class AppController(QObject):
    main_window_shown = Signal(object)
    auth_shown = Signal(str)
    language_applied = Signal(str)
    window_created = Signal(object)

    def __init__(
        self,
        app: QApplication,
        profile_dir: Path,
        *,
        relay_url: str | None = None,
        language: str | None = None,
        config: ClientConfig | None = None,
        show_windows: bool = True,
        enable_calls: bool = False,
        media_options: Any = None,
    ) -> None:
        super().__init__(app)
        self.qapp = app
        self.profile_dir = Path(profile_dir)
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self.preferences = Preferences(self.profile_dir, self)
        if language is not None:
            self.preferences.set_language(language)
        self.relay_url = relay_url or self.preferences.relay_url
        self.config = config or ClientConfig()
        self.show_windows = show_windows
        self.tasks = TaskOwner("controller")
        self.theme, self.language = apply_appearance(
            app, theme=self.preferences.theme, language=self.preferences.language
        )
        self.client: ClientApp | None = None
        self.session: UiSession | None = None
        self.bridge = Bridge(parent=self)
        self.auth_window: AuthWindow | None = None
        self.main_window: MainWindow | None = None
        self.notifier = None
        self.call_ui_hooks: list[Any] = []
        self.enable_calls = enable_calls
        self.media_options = media_options
        self.calls: Any = None
        self.call_manager: Any = None
        self._main_window_loading = False
        self.preferences.theme_changed.connect(self.theme.apply)
        self.preferences.language_changed.connect(self._on_language_changed)

    # --- start ---------------------------------------------------------------------------
    @property
    def store_exists(self) -> bool:
        return (self.profile_dir / STORE_FILE).exists()

    def start(self) -> None:
        if not self.store_exists:
            self._show_auth("account")
        elif ClientApp.keychain_available():
            self.tasks.run(
                ClientApp.open_with_keychain(self.profile_dir, config=self.config, start=False),
                self._opened_from_keychain,
                self._keychain_failed,
            )
        else:
            self._show_auth("unlock")

    def _opened_from_keychain(self, client: ClientApp | None) -> None:
        if client is None:
            self._show_auth("unlock")
        else:
            self._unlocked(client)

    def _keychain_failed(self, exc: BaseException) -> None:
        log.info("opening with the keychain failed: %r", exc)
        self._show_auth("unlock")
        if self.auth_window is not None:
            self.auth_window.unlock_page.show_error(describe(exc))

    def _ensure_auth_window(self) -> AuthWindow:
        if self.auth_window is None:
            from ui.windows.auth import AuthWindow

            w = AuthWindow()
            w.set_keychain_available(ClientApp.keychain_available())
            w.unlock_requested.connect(self.unlock)
            w.account_requested.connect(self.submit_account)
            self.auth_window = w
        return self.auth_window

    def _show_auth(self, page: str) -> None:
        w = self._ensure_auth_window()
        if page == "unlock":
            w.show_unlock()
        else:
            w.show_account(self.relay_url or "", need_passcode=self.client is None)
        if self.show_windows:
            w.show()
        mark("auth_shown")
        self.auth_shown.emit(page)
        self._load_main_window()

    def _load_main_window(self) -> None:
        """Import the main window's modules in the background of the loop (once): while
        the user types the passcode, or while Argon2id derives the key on the store's
        thread, rather than between the unlock and the chat list."""
        if self._main_window_loading:
            return
        self._main_window_loading = True
        modules = _MAIN_WINDOW_MODULES + (_CALL_UI_MODULES if self.enable_calls else ())
        self.tasks.run(
            _import_stepwise(modules),
            None,
            lambda exc: log.warning("loading the main window ahead failed: %r", exc),
        )

    # --- unlock ----------------------------------------------------------------------------
    def unlock(self, passcode: str, remember: bool = False) -> None:
        self.tasks.run(
            ClientApp.open(
                self.profile_dir, passcode, config=self.config, start=False, remember=remember
            ),
            self._unlocked,
            self._unlock_failed,
        )
        self._load_main_window()

    def _unlock_failed(self, exc: BaseException) -> None:
        log.info("unlock failed: %r", exc)
        if self.auth_window is not None:
            self.auth_window.unlock_page.show_error(describe(exc))

    def _unlocked(self, client: ClientApp) -> None:
        mark("unlocked")
        self._adopt(client)
        if client.me is None:
            self._show_auth("account")
        else:
            self._show_main()

    def _adopt(self, client: ClientApp) -> None:
        """Own ``client``: the bridge subscribes first, then the client starts connecting."""
        self.client = client
        self.relay_url = client.relay_url
        self.bridge.attach(client.bus)
        from ui.session import UiSession

        self.session = UiSession(client)
        client.start()

    # --- sign up / sign in -----------------------------------------------------------------
    def submit_account(self, form: dict) -> None:
        self.tasks.run(self._account(form), self._account_done, self._account_failed)

    async def _account(self, form: dict) -> None:
        if self.client is None:
            self._adopt(
                await ClientApp.open(
                    self.profile_dir,
                    form["passcode"],
                    form["relay_url"],
                    config=self.config,
                    start=False,
                    remember=bool(form.get("remember")),
                )
            )
        assert self.client is not None
        if form["mode"] == "sign_up":
            await self.client.account.sign_up(
                form["username"], form["display_name"], form["password"]
            )
        else:
            await self.client.account.sign_in(form["username"], form["password"])
        self.preferences.set_relay_url(form["relay_url"])

    def _account_done(self, _r: None) -> None:
        self._show_main()

    def _account_failed(self, exc: BaseException) -> None:
        log.info("account failed: %r", exc)
        if self.auth_window is not None:
            self.auth_window.account_page.show_error(describe(exc))
            self.auth_window.account_page.configure(
                relay_url=self.auth_window.account_page.relay.text(),
                need_passcode=self.client is None,
                relay_editable=self.client is None,
            )

    # --- main window ---------------------------------------------------------------------------
    def _show_main(self) -> None:
        assert self.session is not None
        from ui.dialogs.settings import SettingsDialog
        from ui.windows.main_window import MainWindow

        SettingsDialog.controller = self
        w = MainWindow(self.session, self.bridge, self.preferences.settings)
        self.main_window = w
        self.bridge.signed_out.connect(self._on_signed_out)
        from ui.tray import Notifier

        self.notifier = Notifier(w, self.preferences, self)
        self.notifier.open_chat.connect(lambda cid: cid and w.select_chat(cid))
        self.window_created.emit(w)
        if self.enable_calls:
            self._setup_calls(w)
        for hook in self.call_ui_hooks:
            try:
                hook(w)
            except Exception:
                log.exception("call UI hook failed")
        w.load()
        if self.show_windows:
            w.show()
        if self.auth_window is not None:
            self.auth_window.hide()
        self.main_window_shown.emit(w)

    def _setup_calls(self, w: MainWindow) -> None:
        """Hand the main window to the call UI (ui/calls, owned by the call-UI engineer)."""
        try:
            if self.calls is None:
                from ui.calls.controller import CallController, build_call_manager
                from ui.calls.settings_page import register_call_settings_page

                self.call_manager = build_call_manager(self.client, self.media_options)
                self.calls = CallController(self.call_manager, self.session, parent=self)
                register_call_settings_page()
            self.calls.attach_main_window(w)
        except Exception:  # noqa: BLE001 - calls are optional; messaging must still work
            log.exception("call UI unavailable")

    def _on_signed_out(self, reason: str) -> None:
        """The user signed out, or the relay ended the session (the core has already
        forgotten the dead token): back to the sign-in page, with the reason."""
        log.info("signed out: %s", reason)
        me = self.client.me if self.client is not None else None
        username = me.username if me is not None else ""
        message = "" if reason == "signed_out" else describe_code(reason)

        def ask_to_sign_in(_r: None) -> None:
            self._show_auth("account")
            if self.auth_window is not None:
                self.auth_window.account_page.show_signed_out(message, username)

        self.tasks.run(self._close_main(), ask_to_sign_in)

    async def _close_main(self) -> None:
        w, self.main_window = self.main_window, None
        if w is not None:  # connected in _show_main
            self.bridge.signed_out.disconnect(self._on_signed_out)
        if self.notifier is not None:
            self.notifier.close()
            self.notifier = None
        if w is not None:
            w.save_geometry()
            w.hide()
            await w.aclose()
            w.deleteLater()

    # --- language ------------------------------------------------------------------------------
    def _on_language_changed(self, lang: str) -> None:
        self.language = apply_language(self.qapp, lang)
        self.language_applied.emit(self.language)
        # rebuild the windows so every string is translated again
        if self.main_window is not None:
            current = self.main_window.current_chat

            def reopen(_r: None) -> None:
                self._show_main()
                if current is not None and self.main_window is not None:
                    self.main_window.chat_list_shown.connect(
                        lambda c=current: self.main_window.select_chat(c)
                    )

            self.tasks.run(self._close_main(), reopen)
        elif self.auth_window is not None:
            page = (
                "unlock"
                if self.auth_window.stack.currentWidget() is self.auth_window.unlock_page
                else "account"
            )
            self.auth_window.hide()
            self.auth_window.deleteLater()
            self.auth_window = None
            self._show_auth(page)

    # --- shutdown ------------------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._close_main()
        await self.tasks.aclose()
        if self.calls is not None:
            try:
                await self.calls.aclose()
                await self.call_manager.close()
            except Exception:  # noqa: BLE001
                log.exception("closing calls failed")
            self.calls = self.call_manager = None
        self.bridge.detach()
        if self.client is not None:
            client, self.client = self.client, None
            await client.close()
        if self.auth_window is not None:
            self.auth_window.hide()
            self.auth_window.deleteLater()
            self.auth_window = None
        self.preferences.sync()


async def _import_stepwise(modules: tuple[str, ...]) -> None:
    """Import ``modules`` one per loop turn, so the loop keeps serving events between."""
    for name in modules:
        await asyncio.sleep(0)
        importlib.import_module(name)
