"""The user's account: sign up, sign in, sign out, devices, profile, finding people.

Events (through the session's bus): ``SignedIn``, ``SignedOut``, ``UsersChanged``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.client.connection import ClientError, Connection, NotConnected, RequestError
from app.client.events import SignedIn, SignedOut, UsersChanged
from app.protocol.frames import (
    GetMe,
    ListSessions,
    LookupUser,
    RevokeSession,
    SignIn,
    SignOut,
    SignUp,
    UpdateProfile,
)
from app.protocol.types import AuthResult, Session, User

if TYPE_CHECKING:
    from app.services.session import ClientApp


class AccountError(ClientError):
    """An account operation that cannot proceed (e.g. the profile belongs to someone else)."""


class AccountService:
    """What the sign-in screen, the settings page and the "new chat" dialog call.

    Events: ``SignedIn`` after sign-up/sign-in, ``SignedOut`` after sign-out,
    ``UsersChanged`` after a profile edit.
    """

    def __init__(self, app: ClientApp) -> None:
        self._app = app

    @property
    def me(self) -> User | None:
        """The signed-in user (known offline too, from the profile)."""
        return self._app.me

    @property
    def signed_in(self) -> bool:
        return self._app.connection.token is not None

    async def sign_up(self, username: str, display_name: str, password: str) -> User:
        """Create an account and sign this profile in to it."""
        conn = await self._anonymous()
        result: AuthResult = await conn.request(
            SignUp,
            username=username,
            display_name=display_name,
            password=password,
            device=self._app.device,
        )
        await self._adopt(result)
        return result.user

    async def sign_in(self, username: str, password: str) -> User:
        """Sign this profile in to an existing account (e.g. ``wrong_credentials``)."""
        conn = await self._anonymous()
        result: AuthResult = await conn.request(
            SignIn, username=username, password=password, device=self._app.device
        )
        await self._adopt(result)
        return result.user

    async def sign_out(self) -> None:
        """End this device's session on the relay (best effort when offline) and forget the
        token; local history stays until the profile is deleted."""
        conn = self._app.connection
        if conn.online and conn.user is not None:
            try:
                await conn.request(SignOut)
            except RequestError:
                pass  # already revoked: signing out locally is what the user wants
        await self._app.store.set_token(None)
        await conn.set_token(None)
        self._app.bus.publish(SignedOut("signed_out"))

    async def sessions(self) -> list[Session]:
        """The account's signed-in devices (``current`` marks this one)."""
        result: list[Session] = await self._app.connection.request(ListSessions)
        return result

    async def revoke_session(self, session_id: str) -> None:
        """Sign another device out."""
        await self._app.connection.request(RevokeSession, session_id=session_id)

    async def edit_profile(
        self, *, display_name: str | None = None, bio: str | None = None
    ) -> User:
        user: User = await self._app.connection.request(
            UpdateProfile, display_name=display_name, bio=bio
        )
        await self._app.store.save_me(user)
        self._app.me = user
        self._app.bus.publish(UsersChanged((user.id,)))
        return user

    async def refresh_me(self) -> User:
        user: User = await self._app.connection.request(GetMe)
        await self._app.store.save_me(user)
        self._app.me = user
        return user

    async def lookup_user(self, username: str) -> User:
        """Find someone by username (raises ``RequestError`` ``unknown_user``)."""
        user: User = await self._app.connection.request(
            LookupUser, username=username.strip().lstrip("@").lower()
        )
        await self._app.store.save_users([user])
        return user

    # --- internals --------------------------------------------------------------------

    async def _anonymous(self) -> Connection:
        conn = self._app.connection
        if conn.token is not None and conn.user is not None:
            raise AccountError("already signed in; sign out first")
        if conn.token is not None:
            await conn.set_token(None)
        conn.start()
        if not await conn.wait_online(within=self._app.config.connect_timeout):
            raise NotConnected(f"cannot reach the relay ({conn.state_detail or conn.state})")
        return conn

    async def _adopt(self, result: AuthResult) -> None:
        owner = await self._app.store.owner_id()
        if owner is not None and owner != result.user.id:
            raise AccountError(
                "this profile holds another account's data; use a new profile for this account"
            )
        await self._app.store.set_account(
            self._app.relay_url, result.user, result.token, result.session_id
        )
        self._app.me = result.user
        await self._app.connection.set_token(result.token)
        await self._app.connection.wait_online(within=self._app.config.connect_timeout)
        self._app.bus.publish(SignedIn(result.user.id, result.user.username))
