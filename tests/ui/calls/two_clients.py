"""Two real clients, each with the calls UI, through a real relay, with synthetic media.

Shared by the end-to-end GUI test and the screenshot script (``screenshots.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services.calls import CallManager
from app.services.session import ClientApp
from media.capture import MediaOptions
from tests.helpers.client import signed_up_client
from ui.calls.controller import CallController, build_call_manager

SYNTHETIC = MediaOptions(synthetic=True, width=640, height=480, fps=30.0)


class NamesSession:
    """The slice of ``ui.session.UiSession`` the controller uses, over a ``ClientApp``."""

    def __init__(self, app: ClientApp, names: dict[int, str]) -> None:
        self.app = app
        self.names = names

    @property
    def me_name(self) -> str:
        me = self.app.me
        return (me.display_name or me.username) if me is not None else ""

    def name_of(self, user_id: int) -> str:
        return self.names.get(user_id, "Unknown user")

    async def chat(self, chat_id: int) -> Any:
        return None


@dataclass
class Side:
    name: str
    app: ClientApp
    manager: CallManager
    controller: CallController
    views: list[Any] = field(default_factory=list)
    incoming: list[Any] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        user = self.app.connection.user
        assert user is not None
        return int(user.id)


async def open_side(
    relay_url: str, tmp_path: Path, username: str, display: str, options: MediaOptions = SYNTHETIC
) -> Side:
    app = await signed_up_client(relay_url, tmp_path, username, display)
    manager = build_call_manager(app, options)
    controller = CallController(manager, NamesSession(app, {}))
    side = Side(display, app, manager, controller)
    controller.call_view_created.connect(side.views.append)
    controller.incoming_shown.connect(side.incoming.append)
    return side


def introduce(a: Side, b: Side) -> None:
    a.controller.session.names[b.user_id] = b.name
    b.controller.session.names[a.user_id] = a.name


async def close_side(side: Side) -> None:
    await side.controller.aclose()
    await side.manager.close()
    await side.app.close()


async def until(
    predicate: Callable[[], Any], within: float = 20.0, what: str = "condition"
) -> None:
    """Let the loop (and Qt, through qasync) run until ``predicate`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
