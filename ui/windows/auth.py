"""First run (relay, sign up / sign in, local passcode) and the unlock screen.

Both are pages of :class:`AuthWindow`; the controller drives them.

"Remember on this device" (keep the store's key in the OS keychain, so later starts need
no passcode) shows only when the computer has a keychain (``set_keychain_available``).

Signals:
    AuthWindow.unlock_requested(str passcode, bool remember)
    AuthWindow.account_requested(dict) — keys: mode ("sign_up"/"sign_in"), relay_url,
        username, display_name, password, passcode (empty when the profile is unlocked),
        remember (bool)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.protocol.limits import MIN_PASSWORD_CHARS

MIN_PASSCODE = 4


class _Card(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("AuthCard")
        self.setFixedWidth(420)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(32, 28, 32, 28)
        self.box.setSpacing(10)

    def heading(self, title: str, subtitle: str) -> tuple[QLabel, QLabel]:
        """The page's centred title and the wrapped line under it (texts already translated,
        in the page's own context)."""
        title_label = QLabel(title, self)
        title_label.setObjectName("AuthTitle")
        title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub = QLabel(subtitle, self)
        sub.setObjectName("AuthSubtitle")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setWordWrap(True)
        return title_label, sub

    def remember_box(self, text: str, tooltip: str) -> QCheckBox:
        """ "Remember on this device": hidden until the computer is known to have a keychain."""
        box = QCheckBox(text, self)
        box.setToolTip(tooltip)
        box.hide()
        return box

    def error_label(self) -> QLabel:
        """Where a page says what went wrong; hidden until then."""
        label = QLabel(self)
        label.setObjectName("ErrorLabel")
        label.setWordWrap(True)
        label.hide()
        return label


def _centered(card: QWidget, parent: QWidget) -> QWidget:
    page = QWidget(parent)
    page.setObjectName("AuthPage")
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    return page


class UnlockPage(QWidget):
    unlock_requested = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = _Card(self)
        logo = QLabel("✉", card)
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        logo.setStyleSheet("font-size: 34pt;")
        title, sub = card.heading(
            self.tr("Unlock Risala"), self.tr("Enter your local passcode to open your chats.")
        )
        self.passcode = QLineEdit(card)
        self.passcode.setEchoMode(QLineEdit.EchoMode.Password)
        self.passcode.setPlaceholderText(self.tr("Passcode"))
        self.passcode.returnPressed.connect(self.submit)
        self.error = card.error_label()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.remember = card.remember_box(
            self.tr("Remember on this device"),
            self.tr(
                "Keep the key in the system keychain: Risala opens "
                "without the passcode on this computer."
            ),
        )
        self.button = QPushButton(self.tr("Unlock"), card)
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self.submit)
        for w in (logo, title, sub, self.passcode, self.remember, self.error, self.button):
            card.box.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(_centered(card, self))

    def submit(self) -> None:
        code = self.passcode.text()
        if not code:
            return
        self.set_busy(True)
        self.error.hide()
        self.unlock_requested.emit(code, not self.remember.isHidden() and self.remember.isChecked())

    def set_keychain_available(self, available: bool) -> None:
        self.remember.setVisible(available)

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.passcode.setEnabled(not busy)
        self.button.setText(self.tr("Unlocking…") if busy else self.tr("Unlock"))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.passcode.selectAll()
        self.passcode.setFocus()


class AccountPage(QWidget):
    """Sign up or sign in; with ``need_passcode`` also sets the local passcode."""

    account_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = _Card(self)
        title, sub = card.heading(
            self.tr("Welcome to Risala"),
            self.tr("Private messaging and calls. Create an account or sign in."),
        )
        self.tabs = QTabBar(card)
        self.tabs.addTab(self.tr("Sign up"))
        self.tabs.addTab(self.tr("Sign in"))
        self.tabs.setExpanding(True)
        self.tabs.currentChanged.connect(self._mode_changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.relay = QLineEdit(card)
        self.relay.setPlaceholderText("wss://relay.example.org")
        self.username = QLineEdit(card)
        self.username.setPlaceholderText(self.tr("e.g. amira_h"))
        self.display_name = QLineEdit(card)
        self.display_name.setPlaceholderText(self.tr("Your name"))
        self.password = QLineEdit(card)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.passcode = QLineEdit(card)
        self.passcode.setEchoMode(QLineEdit.EchoMode.Password)
        self.passcode2 = QLineEdit(card)
        self.passcode2.setEchoMode(QLineEdit.EchoMode.Password)
        self.relay_label = QLabel(self.tr("Relay:"), card)
        self.name_label = QLabel(self.tr("Display name:"), card)
        self.passcode_label = QLabel(self.tr("Local passcode:"), card)
        self.passcode2_label = QLabel(self.tr("Repeat passcode:"), card)
        form.addRow(self.relay_label, self.relay)
        form.addRow(self.tr("Username:"), self.username)
        form.addRow(self.name_label, self.display_name)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.passcode_label, self.passcode)
        form.addRow(self.passcode2_label, self.passcode2)
        self.passcode_hint = QLabel(
            self.tr("The passcode encrypts your messages on this computer."), card
        )
        self.passcode_hint.setObjectName("AuthSubtitle")
        self.passcode_hint.setWordWrap(True)
        self.remember = card.remember_box(
            self.tr("Remember on this device"),
            self.tr(
                "Keep the key in the system keychain: Risala opens "
                "without the passcode on this computer."
            ),
        )
        self._keychain = False
        self.error = card.error_label()
        self.button = QPushButton(card)
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self.submit)
        for e in (
            self.relay,
            self.username,
            self.display_name,
            self.password,
            self.passcode,
            self.passcode2,
        ):
            e.returnPressed.connect(self.submit)
        card.box.addWidget(title)
        card.box.addWidget(sub)
        card.box.addWidget(self.tabs)
        card.box.addLayout(form)
        card.box.addWidget(self.passcode_hint)
        card.box.addWidget(self.remember)
        card.box.addWidget(self.error)
        card.box.addWidget(self.button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(_centered(card, self))
        self._need_passcode = True
        self._mode_changed(0)

    @property
    def mode(self) -> str:
        return "sign_up" if self.tabs.currentIndex() == 0 else "sign_in"

    def configure(
        self, *, relay_url: str, need_passcode: bool, relay_editable: bool = True
    ) -> None:
        self.relay.setText(relay_url)
        self.relay.setReadOnly(not relay_editable)
        self._need_passcode = need_passcode
        for w in (
            self.passcode,
            self.passcode2,
            self.passcode_label,
            self.passcode2_label,
            self.passcode_hint,
        ):
            w.setVisible(need_passcode)
        self.remember.setVisible(need_passcode and self._keychain)

    def set_keychain_available(self, available: bool) -> None:
        self._keychain = available
        self.remember.setVisible(self._need_passcode and available)

    def show_signed_out(self, message: str, username: str) -> None:
        """After the relay ended the session: sign in again to the same account (the
        relay is fixed, local history is kept)."""
        self.tabs.setCurrentIndex(1)
        self.username.setText(username)
        self.password.clear()
        self.password.setFocus()
        if message:
            self.show_error(message)

    def _mode_changed(self, _i: int) -> None:
        up = self.mode == "sign_up"
        self.display_name.setVisible(up)
        self.name_label.setVisible(up)
        self.button.setText(self.tr("Create account") if up else self.tr("Sign in"))
        self.error.hide()

    def submit(self) -> None:
        problem = self.validate()
        if problem:
            self.show_error(problem)
            return
        self.set_busy(True)
        self.error.hide()
        self.account_requested.emit(
            {
                "mode": self.mode,
                "relay_url": self.relay.text().strip(),
                "username": self.username.text().strip().lstrip("@").lower(),
                "display_name": self.display_name.text().strip() or self.username.text().strip(),
                "password": self.password.text(),
                "passcode": self.passcode.text() if self._need_passcode else "",
                "remember": self._need_passcode and self._keychain and self.remember.isChecked(),
            }
        )

    def validate(self) -> str:
        if not self.relay.text().strip():
            return self.tr("Enter the relay address.")
        if not self.username.text().strip():
            return self.tr("Enter a username.")
        if len(self.password.text()) < (MIN_PASSWORD_CHARS if self.mode == "sign_up" else 1):
            return self.tr("The password needs at least %1 characters.").replace(
                "%1", str(MIN_PASSWORD_CHARS)
            )
        if self._need_passcode:
            if len(self.passcode.text()) < MIN_PASSCODE:
                return self.tr("The passcode needs at least %1 characters.").replace(
                    "%1", str(MIN_PASSCODE)
                )
            if self.passcode.text() != self.passcode2.text():
                return self.tr("The passcodes don't match.")
        return ""

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        if busy:
            self.button.setText(self.tr("Please wait…"))
        else:
            self._mode_changed(self.tabs.currentIndex())

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()


class AuthWindow(QWidget):
    unlock_requested = Signal(str, bool)
    account_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Risala"))
        self.resize(760, 640)
        self.stack = QStackedWidget(self)
        self.unlock_page = UnlockPage(self.stack)
        self.account_page = AccountPage(self.stack)
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(self.account_page)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        self.unlock_page.unlock_requested.connect(self.unlock_requested)
        self.account_page.account_requested.connect(self.account_requested)

    def show_unlock(self) -> None:
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.set_busy(False)
        self.unlock_page.passcode.setFocus()

    def set_keychain_available(self, available: bool) -> None:
        self.unlock_page.set_keychain_available(available)
        self.account_page.set_keychain_available(available)

    def show_account(self, relay_url: str, need_passcode: bool) -> None:
        # An open profile belongs to its relay: only a new profile may pick another one.
        self.account_page.configure(
            relay_url=relay_url, need_passcode=need_passcode, relay_editable=need_passcode
        )
        self.stack.setCurrentWidget(self.account_page)
        self.account_page.set_busy(False)
