"""What every tool gets from the server: the shared client and the defaults.

The server's lifespan yields a `ToolState`; tools reach it through the MCP
`Context` and never read the environment themselves.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.kit.confirm import ConfirmationCodes
from sentry_replays_mcp.tools.kit.errors import BadInput
from sentry_replays_mcp.tools.kit.scopes import Scopes

if TYPE_CHECKING:
    from sentry_replays_mcp.tools.api.client import SentryClient
    from sentry_replays_mcp.tools.api.models import Replay

RECENT_SECONDS = 60.0
RECENT_MAX = 256
LOCAL = "local"  # the caller, when callers do not sign in (stdio, one shared HTTP token)


class RecentReplays:
    """Replays looked up in the last minute, so that get_replay followed by the segment,
    click or summary tools costs one request for the replay, not one per tool.

    Per process: a deletion through another process would not clear it, so a server that
    may be one of several (stateless HTTP) keeps none (`seconds=0`)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, seconds: float = RECENT_SECONDS
    ) -> None:
        self._clock = clock
        self._seconds = seconds
        self._entries: OrderedDict[tuple[str, str], tuple[float, Replay]] = OrderedDict()

    def get(self, organization: str, replay_id: str) -> Replay | None:
        entry = self._entries.get((organization, replay_id))
        if entry is None or self._clock() - entry[0] > self._seconds:
            return None
        return entry[1]

    def put(self, organization: str, replay: Replay) -> None:
        if self._seconds <= 0:
            return
        self._entries[(organization, replay.id)] = (self._clock(), replay)
        self._entries.move_to_end((organization, replay.id))
        while len(self._entries) > RECENT_MAX:
            self._entries.popitem(last=False)

    def forget(self, organization: str, replay_id: str) -> None:
        self._entries.pop((organization, replay_id), None)


class CallerRules(Protocol):
    """What the server knows of the current call's signed-in caller (server/oauth/callers.py)."""

    def narrow(self, scopes: Scopes) -> Scopes:
        """The server's allow-lists narrowed for the caller (`BadInput` when it reaches
        nothing)."""
        ...

    def name(self) -> str:
        """The caller as the logs name it."""
        ...

    def identity(self) -> str:
        """The caller whole: what a confirmation code is issued to."""
        ...


class ToolState:
    """The shared Sentry client, made on first use (so that start-up does not pay for it),
    the defaults the tools fall back on, and the clock that "5m ago" is counted from.

    One state serves every caller of the process. When callers sign in, the server installs
    its `CallerRules`, read from the current call's own context: `scopes` is then the current
    caller's, worked out per call and never stored here."""

    def __init__(
        self,
        connect: Callable[[], SentryClient],
        organization: str | None = None,
        project: str | None = None,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        scopes: Scopes | None = None,
        codes: ConfirmationCodes | None = None,
        recent: RecentReplays | None = None,
        callers: CallerRules | None = None,
    ) -> None:
        self._connect = connect
        self._scopes = scopes or Scopes()
        self._callers = callers
        self._client: SentryClient | None = None
        self.organization = organization
        self.project = project
        self.demo = demo
        self.codes = codes or ConfirmationCodes()
        self.recent = recent or RecentReplays()
        self._clock = clock or _utc_now

    def now(self) -> datetime:
        return self._clock()

    @property
    def scopes(self) -> Scopes:
        """The allow-lists for the current call (raises `BadInput` when its caller may reach
        nothing)."""
        return self._scopes if self._callers is None else self._callers.narrow(self._scopes)

    def caller(self) -> str:
        """Who makes the current call, as the logs name it."""
        return LOCAL if self._callers is None else self._callers.name()

    def identity(self) -> str:
        """The current caller whole, for what is issued to it ("" when callers do not sign
        in): a confirmation code confirms a deletion for the caller it was issued to."""
        return "" if self._callers is None else self._callers.identity()

    @property
    def client(self) -> SentryClient:
        if self._client is None:
            self._client = self._connect()
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def org(self, given: str | None, from_url: str | None = None) -> str:
        """The organization to use: the argument, else the replay URL's, else SENTRY_ORG
        (else the one allowed organization); refused when outside the allowed ones."""
        chosen = given or from_url or self.organization or self.scopes.sole_org()
        if not chosen:
            raise BadInput(
                "No organization given: pass organization (slug or id) or set SENTRY_ORG."
            )
        return self.scopes.check_org(ids.organization(chosen))

    def projects(self, given: str | list[str] | None) -> list[str]:
        """Project filters: the argument (one or several), else SENTRY_PROJECT, else none."""
        chosen = [given] if isinstance(given, str) else list(given or [])
        return chosen or ([self.project] if self.project else [])

    def project_or_default(self, given: str | None) -> str | None:
        chosen = given or self.project
        return ids.project(chosen) if chosen else None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def state_of(ctx: Any) -> ToolState:
    """The ToolState from an MCP tool `Context`."""
    found = ctx.request_context.lifespan_context
    if not isinstance(found, ToolState):  # pragma: no cover - a wiring mistake, not user input
        raise RuntimeError("the server's lifespan did not provide a ToolState")
    return found
