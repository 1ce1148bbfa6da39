"""What each signed-in caller may do, decided per call from its own access token.

- Scopes: a tool that changes data (delete_replay) needs `replays:delete`. A caller whose
  token lacks it does not see the tool in tools/list, and a call to it is refused in one
  sentence naming the scope, before anything reaches Sentry. The read tools need
  `replays:read`, which the SDK already demands of every request (403 without it).
- Claims: with `projects_claim` / `orgs_claim` set, the token's claim narrows the server's
  allow-lists (--allow-org / --allow-project) for that call only: the caller reaches what
  both allow, or what its claim allows when the server has no list. A claim is a JSON array
  of strings or one string of values separated by spaces or commas, each a slug or a numeric
  id; a value that is neither is dropped. A token without the configured claim, or whose
  claim leaves nothing the server may reach, reaches nothing: every call is refused in one
  sentence naming the claim.
- Who did what: the caller's name for the logs (its subject, else its client id),
  sanitised and capped; never the token.

The narrowed lists are made per call from the call's own context (several callers share
one process and one `ToolState`), and kept per distinct claim value, not per caller: two
tokens with the same lists share the same allowed projects.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import SentryError
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.scopes import CallerScopes, OutsideScope, Scopes
from sentry_replays_mcp.tools.kit.state import LOCAL, ToolState

from . import OAuthSettings

MAX_VALUES = 1000  # values read from one claim; the rest are dropped (narrower, never wider)
MAX_KEPT = 256  # distinct claim values whose narrowed lists are kept
NAME_LIMIT = 80
_SEPARATORS = re.compile(r"[\s,]+")
Lists = tuple[tuple[str, ...] | None, tuple[str, ...] | None]  # (orgs, projects)


def caller_name(token: AccessToken | None) -> str:
    """The caller as the logs name it: its subject, else its client id (quoted, visible,
    capped), or `local` when callers do not sign in."""
    if token is None:
        return LOCAL
    if token.subject:
        return json.dumps(r.clean(token.subject, NAME_LIMIT), ensure_ascii=False)
    return "client " + json.dumps(r.clean(token.client_id, NAME_LIMIT), ensure_ascii=False)


def current_caller() -> str:
    return caller_name(get_access_token())


def current_identity() -> str:
    """Who the current caller is, whole (subject and client id, uncapped): what a
    confirmation code is issued to, so that it confirms a deletion for its caller only."""
    token = get_access_token()
    return "" if token is None else json.dumps([token.subject, token.client_id])


def claim_values(claims: Mapping[str, Any] | None, name: str) -> list[str] | None:
    """The claim's values (None when the token does not carry it): a JSON array of strings
    (numbers are read as ids), or one string separated by spaces or commas."""
    value = (claims or {}).get(name)
    if value is None:
        return None
    if isinstance(value, str):
        items: Iterable[object] = _SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    else:
        return []  # neither shape: it names nothing
    found = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
        if len(found) >= MAX_VALUES:
            break
    return found


def _frozen(value: object) -> object:
    """A claim's value as a key, each item with its type (True and 1 are equal in Python, not
    in a claim); unhashable when it holds an object or a list."""
    if isinstance(value, list):
        return tuple((type(item).__name__, item) for item in value)
    return type(value).__name__, value


def _valid(values: list[str] | None, check: Any) -> tuple[str, ...] | None:
    """The well-formed values (a slug or an id), without repeats; None stays None."""
    if values is None:
        return None
    kept = []
    for value in values:
        try:
            kept.append(check(value))
        except SentryError:
            continue
    return tuple(dict.fromkeys(kept))


class Callers:
    """The signed-in callers' rights: which tools they see and may call, and the allow-lists
    of the current call."""

    def __init__(self, oauth: OAuthSettings, needs: Mapping[str, str]) -> None:
        self._oauth = oauth
        self._needs = dict(needs)  # tool name -> the scope it needs beyond replays:read
        self._kept: OrderedDict[Lists, tuple[Scopes, CallerScopes]] = OrderedDict()
        self._read: OrderedDict[Hashable, Lists] = OrderedDict()  # the claims as given -> lists

    @property
    def narrows(self) -> bool:
        """Whether a claim narrows the allow-lists."""
        return bool(self._oauth.projects_claim or self._oauth.orgs_claim)

    # -- scopes --------------------------------------------------------------------------

    def may_use(self, tool: str) -> bool:
        needed = self._needs.get(tool)
        if needed is None:
            return True
        token = get_access_token()
        return token is not None and needed in token.scopes

    def refusal(self, tool: str, state: ToolState) -> str | None:
        """The sentence refusing the current caller this tool, or None: a scope its token
        lacks, or a claim that lets it reach nothing."""
        if not self.may_use(tool):
            return (
                f"{tool} needs the `{self._needs[tool]}` scope, which this caller's access "
                "token does not grant, so nothing was sent to Sentry."
            )
        try:
            state.scopes  # noqa: B018 - narrowed for this caller: refused when it reaches nothing
        except OutsideScope as refused:
            return str(refused)
        return None

    # -- claims --------------------------------------------------------------------------

    def lists_of(self, token: AccessToken | None) -> Lists:
        """The caller's (organizations, projects): None for a kind no claim is configured for,
        or whose claim the token lacks. Read once per distinct claim value."""
        claims = token.claims if token is not None else None
        given = tuple(_frozen((claims or {}).get(c)) if c else None for c in self._claim_names)
        try:
            lists = self._read.get(given)
        except TypeError:  # a claim of another shape (an object): read it each time
            return self._parsed(claims)
        if lists is None:
            lists = self._read[given] = self._parsed(claims)
            while len(self._read) > MAX_KEPT:
                self._read.popitem(last=False)
        return lists

    @property
    def _claim_names(self) -> tuple[str | None, str | None]:
        return self._oauth.orgs_claim, self._oauth.projects_claim

    def _parsed(self, claims: Mapping[str, Any] | None) -> Lists:
        orgs = projects = None
        if self._oauth.orgs_claim:
            orgs = _valid(claim_values(claims, self._oauth.orgs_claim), ids.organization)
            orgs = orgs if orgs is None else tuple(o.lower() for o in orgs)
        if self._oauth.projects_claim:
            projects = _valid(claim_values(claims, self._oauth.projects_claim), ids.project)
        return orgs, projects

    def name(self) -> str:
        return current_caller()

    def identity(self) -> str:
        return current_identity()

    def narrow(self, server: Scopes) -> Scopes:
        """The server's allow-lists narrowed for the current caller; raises `OutsideScope`
        (one sentence naming the claim) when the caller may reach nothing. Without a claim
        to read, the server's own."""
        if not self.narrows:
            return server
        lists = self.lists_of(get_access_token())
        kept = self._kept.get(lists)
        if kept is not None and kept[0] is server:
            self._kept.move_to_end(lists)
            return kept[1]
        self._refuse_missing(lists)
        scopes = CallerScopes(server, *lists)
        if scopes.reaches_nothing:
            raise self._nothing(server, lists)
        self._kept[lists] = (server, scopes)
        while len(self._kept) > MAX_KEPT:
            self._kept.popitem(last=False)
        return scopes

    def _refuse_missing(self, lists: Lists) -> None:
        for claim, values, kind in (
            (self._oauth.orgs_claim, lists[0], "organization"),
            (self._oauth.projects_claim, lists[1], "project"),
        ):
            if claim and values is None:
                raise OutsideScope(
                    f"This caller's access token has no {r.code(claim, 60)} claim (the "
                    f"{kind}s it may reach), so it may reach no {kind}: nothing is shown or "
                    "changed."
                )

    def _nothing(self, server: Scopes, lists: Lists) -> OutsideScope:
        orgs = lists[0]
        if orgs is not None and not [o for o in orgs if not server.orgs or o in server.orgs]:
            claim, kind, allowed = self._oauth.orgs_claim, "organization", server.orgs
        else:
            claim, kind, allowed = self._oauth.projects_claim, "project", server.projects
        within = f" that this server may reach ({_listed(allowed)})" if allowed else ""
        return OutsideScope(
            f"This caller's access token names no {kind} in its {r.code(claim or '', 60)} "
            f"claim{within}, so nothing is shown or changed."
        )


def _listed(values: Iterable[str]) -> str:
    return ", ".join(r.code(v, 60) for v in values)
