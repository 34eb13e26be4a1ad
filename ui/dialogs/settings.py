"""Settings: profile, passcode, appearance (theme, language), notifications, calls.

Other parts of the UI add pages with :meth:`SettingsDialog.register_page` (every dialog
opened later gets the page, e.g. the call UI's device selection) or, on one open dialog,
:meth:`SettingsDialog.add_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.session import UiSession
from ui.tasks import TaskOwner

PageFactory = Callable[[QWidget], QWidget]


def _tr(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


class SettingsDialog(QDialog):
    _extra_pages: ClassVar[list[tuple[Callable[[], str], PageFactory]]] = []
    controller = None  # set by the AppController: preferences, passcode change, sign out

    @classmethod
    def register_page(cls, title: Callable[[], str] | str, factory: PageFactory) -> None:
        """Add a page to every settings dialog opened from now on. ``title`` may be a
        callable so it is translated at open time; ``factory(parent)`` builds the widget.
        A page titled like an existing one (e.g. "Calls") replaces it."""
        cls._extra_pages.append((title if callable(title) else (lambda t=title: t), factory))

    @classmethod
    def create(cls, session: UiSession, parent: QWidget | None = None) -> SettingsDialog:
        return cls(session, parent)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.tasks = TaskOwner("settings")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumSize(620, 440)
        lay = QHBoxLayout(self)
        self.nav = QListWidget(self)
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget(self)
        lay.addWidget(self.nav)
        right = QVBoxLayout()
        right.addWidget(self.pages, 1)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        right.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        lay.addLayout(right, 1)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self._titles: list[str] = []
        self.add_page(self.tr("Profile"), self._profile_page())
        self.add_page(self.tr("Privacy and security"), self._security_page())
        self.add_page(self.tr("Appearance"), self._appearance_page())
        self.add_page(self.tr("Notifications"), self._notifications_page())
        extra_titles = {t() for t, _f in self._extra_pages}
        if self.tr("Calls") not in extra_titles:
            placeholder = QLabel(self.tr("Camera and microphone settings will appear here."), self)
            placeholder.setObjectName("Muted")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
            placeholder.setWordWrap(True)
            self.add_page(self.tr("Calls"), placeholder)
        for title, factory in self._extra_pages:
            self.add_page(title(), factory(self))
        self.nav.setCurrentRow(0)

    def add_page(self, title: str, widget: QWidget) -> None:
        """Add (or replace, by title) a page of this dialog."""
        if title in self._titles:
            i = self._titles.index(title)
            old = self.pages.widget(i)
            self.pages.removeWidget(old)
            old.deleteLater()
            self.pages.insertWidget(i, widget)
            return
        self._titles.append(title)
        self.nav.addItem(title)
        self.pages.addWidget(widget)

    def page_titles(self) -> list[str]:
        return list(self._titles)

    # --- pages ------------------------------------------------------------------------------
    def _profile_page(self) -> QWidget:
        w = QWidget(self)
        form = QFormLayout(w)
        self.display_name = QLineEdit(self.session.me_name, w)
        form.addRow(self.tr("Display name:"), self.display_name)
        uname = QLabel("@" + self.session.me_username, w)
        uname.setObjectName("Muted")
        form.addRow(self.tr("Username:"), uname)
        save = QPushButton(self.tr("Save"), w)
        save.setProperty("primary", True)
        save.clicked.connect(self._save_profile)
        form.addRow("", save)
        self.profile_status = QLabel(w)
        form.addRow("", self.profile_status)
        sign_out = QPushButton(self.tr("Sign out"), w)
        sign_out.setProperty("danger", True)
        sign_out.clicked.connect(self._sign_out)
        form.addRow("", sign_out)
        return w

    def _save_profile(self) -> None:
        name = self.display_name.text().strip()
        if not name:
            return
        self.tasks.run(
            self.session.edit_profile(name),
            lambda _r: self.profile_status.setText(self.tr("Saved.")),
            lambda e: self.profile_status.setText(describe(e)),
        )

    def _sign_out(self) -> None:
        if (
            QMessageBox.question(self, self.tr("Sign out"), self.tr("Sign out of this device?"))
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.tasks.run(
            self.session.sign_out(),
            lambda _r: self.accept(),
            lambda e: self.profile_status.setText(describe(e)),
        )

    def _security_page(self) -> QWidget:
        w = QWidget(self)
        form = QFormLayout(w)
        self.old_passcode = QLineEdit(w)
        self.new_passcode = QLineEdit(w)
        self.new_passcode2 = QLineEdit(w)
        for e in (self.old_passcode, self.new_passcode, self.new_passcode2):
            e.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(QLabel(self.tr("Change the local passcode that unlocks this profile."), w))
        form.addRow(self.tr("Current passcode:"), self.old_passcode)
        form.addRow(self.tr("New passcode:"), self.new_passcode)
        form.addRow(self.tr("Repeat new passcode:"), self.new_passcode2)
        change = QPushButton(self.tr("Change passcode"), w)
        change.clicked.connect(self._change_passcode)
        form.addRow("", change)
        self.passcode_status = QLabel(w)
        self.passcode_status.setWordWrap(True)
        form.addRow("", self.passcode_status)
        return w

    def _change_passcode(self) -> None:
        old, new, new2 = (
            self.old_passcode.text(),
            self.new_passcode.text(),
            self.new_passcode2.text(),
        )
        if len(new) < 4:
            self.passcode_status.setText(self.tr("The passcode needs at least 4 characters."))
            return
        if new != new2:
            self.passcode_status.setText(self.tr("The new passcodes don't match."))
            return
        self.passcode_status.setText(self.tr("Changing…"))

        def done(_r) -> None:
            for e in (self.old_passcode, self.new_passcode, self.new_passcode2):
                e.clear()
            self.passcode_status.setText(self.tr("Passcode changed."))

        self.tasks.run(
            self.session.change_passcode(old, new),
            done,
            lambda e: self.passcode_status.setText(describe(e)),
        )

    def _appearance_page(self) -> QWidget:
        w = QWidget(self)
        form = QFormLayout(w)
        self.theme_box = QComboBox(w)
        for value, label in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme_box.addItem(label, value)
        self.language_box = QComboBox(w)
        for value, label in (
            ("", self.tr("System language")),
            ("en", "English"),
            ("ar", "العربية"),
        ):
            self.language_box.addItem(label, value)
        prefs = getattr(self.controller, "preferences", None)
        if prefs is not None:
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(prefs.theme)))
            self.language_box.setCurrentIndex(max(0, self.language_box.findData(prefs.language)))
            self.theme_box.currentIndexChanged.connect(
                lambda _i: prefs.set_theme(self.theme_box.currentData())
            )
            self.language_box.currentIndexChanged.connect(
                lambda _i: prefs.set_language(self.language_box.currentData())
            )
        form.addRow(self.tr("Theme:"), self.theme_box)
        form.addRow(self.tr("Language:"), self.language_box)
        return w

    def _notifications_page(self) -> QWidget:
        w = QWidget(self)
        form = QFormLayout(w)
        self.notify_box = QCheckBox(self.tr("Show notifications for new messages"), w)
        self.preview_box = QCheckBox(self.tr("Show message text in notifications"), w)
        prefs = getattr(self.controller, "preferences", None)
        if prefs is not None:
            self.notify_box.setChecked(prefs.notifications)
            self.preview_box.setChecked(prefs.notification_preview)
            self.notify_box.toggled.connect(prefs.set_notifications)
            self.preview_box.toggled.connect(prefs.set_notification_preview)
        form.addRow(self.notify_box)
        form.addRow(self.preview_box)
        hint = QLabel(
            self.tr("Muted chats never notify. Mute a chat from its menu in the chat list."), w
        )
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        form.addRow(hint)
        return w
