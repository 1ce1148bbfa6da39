"""Scopes: the organizations and projects this server may reach (--allow-org, --allow-project).

A call naming an organization or a project outside is refused before any request about it; a
replay whose own project (its `project_id`, read from Sentry) lies outside is refused without a
word of what it holds; lists ask Sentry for the allowed projects only and drop any row that
names another. Refusals name what is allowed: that is the operator's own configuration.

Projects may be allowed by slug or numeric id. Replays name their project by id only, so the
allowed slugs are read as ids once per organization from Sentry's project list (kept for
`KEEP_SECONDS`); when every allowed project is given as an id, and the caller names projects
by id too, no list is read.

When callers sign in, `CallerScopes` is one caller's lists (from its access token) within the
server's, made per call; every check above then runs on the narrowed lists.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import NotFound
from sentry_replays_mcp.tools.kit import text as r
from sentry_replays_mcp.tools.kit.errors import BadInput

if TYPE_CHECKING:
    from sentry_replays_mcp.tools.api.client import SentryClient
    from sentry_replays_mcp.tools.api.models import Replay

KEEP_SECONDS = 600.0
MAX_PROJECT_PAGES = 50  # 5,000 projects: an allowed slug beyond them counts as absent
T = TypeVar("T")


class OutsideScope(BadInput):
    """The call reaches outside the organizations or projects this server may read."""

    kind = "outside_scope"


@dataclass(frozen=True)
class Allowed:
    """The allowed projects of one organization, by id and by slug."""

    ids: frozenset[str]
    slugs: frozenset[str]

    def has(self, project: str) -> bool:
        return project in self.ids or project in self.slugs


def _listed(values: Iterable[str]) -> str:
    return ", ".join(r.code(v, 60) for v in values)


class Scopes:
    """The allow-lists (empty: no limit) and the allowed projects' ids per organization."""

    def __init__(
        self,
        orgs: Sequence[str] = (),
        projects: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
        who: str = "this server",
    ) -> None:
        self.orgs = tuple(dict.fromkeys(o.lower() for o in orgs))
        self.projects = tuple(dict.fromkeys(projects))
        self._clock = clock
        self._known: dict[str, tuple[float, Allowed]] = {}
        self._who = who  # whose lists these are, for the refusals

    @property
    def limits_projects(self) -> bool:
        return bool(self.projects)

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The lists themselves: in one server, equal keys reach the same."""
        return self.orgs, self.projects

    def sole_org(self) -> str | None:
        return self.orgs[0] if len(self.orgs) == 1 else None

    def described(self) -> str:
        """The sentence for the server's instructions ("" when nothing is limited)."""
        limits = []
        if self.orgs:
            limits.append(
                f"the organization{'s' if len(self.orgs) > 1 else ''} {_listed(self.orgs)}"
            )
        if self.projects:
            limits.append(self._named())
        if not limits:
            return ""
        return f"This server reaches only {' and '.join(limits)}: calls for others are refused."

    # -- organizations -----------------------------------------------------------------

    def check_org(self, org: str) -> str:
        if self.orgs and org.lower() not in self.orgs:
            raise OutsideScope(
                f"Organization {r.code(org, 60)} is outside {self._who}'s scope: it may reach "
                f"only the organization{'s' if len(self.orgs) > 1 else ''} "
                f"{_listed(self.orgs)} (by slug)."
            )
        return org

    # -- projects the caller names -----------------------------------------------------

    def _named(self) -> str:
        """'the project `web`' or 'the projects `web`, `4711`'."""
        return f"the project{'s' if len(self.projects) > 1 else ''} {_listed(self.projects)}"

    def _refusal(self, project: str) -> OutsideScope:
        return OutsideScope(
            f"Project {r.code(project, 60)} is outside {self._who}'s scope: it may reach only "
            f"{self._named()}."
        )

    def may_hold(self, project: str) -> bool:
        """False when `project` is plainly outside: every allowed project is written the way
        it is (all slugs, or all ids) and none is it."""
        if not self.projects or project in self.projects:
            return True
        return not all(p.isdigit() == project.isdigit() for p in self.projects)

    def precheck(self, project: str | None) -> None:
        """Refuse, with no request, a project that is plainly outside (`may_hold`)."""
        if project is not None and not self.may_hold(project):
            raise self._refusal(project)

    async def check_project(self, client: SentryClient, org: str, project: str | None) -> None:
        """Refuse a project outside; reads the project list only when the allowed projects
        are written the other way (slug for id, or id for slug)."""
        if not self.projects or project is None or project in self.projects:
            return
        self.precheck(project)
        if not (await self.allowed(client, org)).has(project):
            raise self._refusal(project)

    async def project_filter(
        self, client: SentryClient, org: str, given: Sequence[str], *, every: bool = False
    ) -> list[str]:
        """The projects a list asks Sentry for: those the caller named (each checked), else
        every allowed project of `org` (by id), else none (no limit). `every`: none when the
        caller named none (rows asked by id: those outside are dropped and counted)."""
        if not self.projects or (every and not given):
            return list(given)
        for project in given:
            self.precheck(ids.project(project))
        for project in given:
            await self.check_project(client, org, project)
        if given:
            return list(given)
        return sorted(await self.ids(client, org))

    # -- what Sentry answered ----------------------------------------------------------

    async def check_replay(self, client: SentryClient, org: str, replay: Replay) -> None:
        """Refuse a replay whose own project is not allowed (or that names none)."""
        if not self.projects:
            return
        owner = replay.project_id
        if owner and owner in await self.ids(client, org):
            return
        raise OutsideScope(
            f"Replay {r.hexid(replay.id)} is outside {self._who}'s scope: it is not in "
            f"{self._named()} it may reach, so nothing of it is shown or changed."
        )

    async def keep(
        self, client: SentryClient, org: str, rows: list[T], project_of: Callable[[T], str | None]
    ) -> tuple[list[T], int]:
        """The rows in allowed projects, and how many others were dropped."""
        if not self.projects:
            return rows, 0
        ids = await self.ids(client, org)
        kept = [row for row in rows if project_of(row) in ids]
        return kept, len(rows) - len(kept)

    def hidden_lines(self, count: int, what: str = "replay") -> list[str]:
        """The sentence for rows dropped (none when none was)."""
        if not count:
            return []
        return [
            f"{r.plural(count, what)} hidden: in projects outside {self._who}'s scope "
            f"({_listed(self.projects)})."
        ]

    # -- the allowed projects' ids -----------------------------------------------------

    async def ids(self, client: SentryClient, org: str) -> frozenset[str]:
        """The allowed projects' ids in `org`; no request when all are given as ids."""
        if all(p.isdigit() for p in self.projects):
            return frozenset(self.projects)
        return (await self.allowed(client, org)).ids

    async def allowed(self, client: SentryClient, org: str) -> Allowed:
        """The allowed projects of `org`, by id and slug, from Sentry's project list (kept
        `KEEP_SECONDS`; a failure is not kept)."""
        known = self._known.get(org)
        if known is not None and self._clock() - known[0] <= KEEP_SECONDS:
            return known[1]
        ids = {p for p in self.projects if p.isdigit()}
        slugs = set(self.projects) - ids
        try:
            found = await self._read(client, org)
        except NotFound:  # a server that follows the seed spec has no project list
            raise OutsideScope(
                f"{self._who.capitalize()} may reach only {self._named()}, and this "
                f"Sentry has no project list of organization {r.code(org, 60)} to read their "
                "ids from, so nothing is shown: name the projects by numeric id in "
                "SENTRY_ALLOWED_PROJECTS."
            ) from None
        allowed = Allowed(
            frozenset(ids | {pid for pid, slug in found if slug in slugs}),
            frozenset(slugs | {slug for pid, slug in found if pid in ids}),
        )
        if not allowed.ids:
            raise OutsideScope(
                f"{self._who.capitalize()} may reach only {self._named()}, and organization "
                f"{r.code(org, 60)} has none of them."
            )
        self._known[org] = (self._clock(), allowed)
        return allowed

    async def _read(self, client: SentryClient, org: str) -> list[tuple[str, str]]:
        """(id, slug) of every project of `org`, page by page (bounded)."""
        found: list[tuple[str, str]] = []
        cursor = None
        for _ in range(MAX_PROJECT_PAGES):
            page = await client.list_projects(org, cursor=cursor)
            found += [(p.id, p.slug) for p in page.items if p.id and p.slug]
            cursor = page.next_cursor
            if not cursor:
                break
        return found


class CallerScopes(Scopes):
    """One caller's allow-lists: its own (from its access token), within the server's.

    `orgs` / `projects` None: the caller brings no list of that kind, and the server's
    applies. Otherwise the caller may reach what both lists allow: its organizations that
    the server allows, its projects that the server's list may hold (a project the server
    names the other way, slug for id, is checked against both lists' ids in Sentry). Check
    `reaches_nothing` first: empty lists here mean nothing, not "no limit".
    """

    def __init__(
        self,
        within: Scopes,
        orgs: Sequence[str] | None = None,
        projects: Sequence[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        mine_orgs = within.orgs if orgs is None else [o.lower() for o in orgs]
        super().__init__(
            [o for o in mine_orgs if not within.orgs or o in within.orgs],
            within.projects if projects is None else [p for p in projects if within.may_hold(p)],
            clock,
            who="this caller",
        )
        self.reaches_nothing = (orgs is not None and not self.orgs) or (
            projects is not None and not self.projects
        )
        # Both lists are asked when both limit projects
        self._within = within if projects is not None and within.limits_projects else None

    async def check_project(self, client: SentryClient, org: str, project: str | None) -> None:
        await super().check_project(client, org, project)
        if self._within is not None and project is not None:
            try:
                await self._within.check_project(client, org, project)
            except OutsideScope:
                raise self._refusal(project) from None

    async def ids(self, client: SentryClient, org: str) -> frozenset[str]:
        mine = await super().ids(client, org)
        if self._within is None:
            return mine
        both = mine & await self._within.ids(client, org)
        if not both:
            raise self._none_in(org)
        return both

    async def allowed(self, client: SentryClient, org: str) -> Allowed:
        mine = await super().allowed(client, org)
        if self._within is None:
            return mine
        theirs = await self._within.allowed(client, org)
        both = Allowed(mine.ids & theirs.ids, mine.slugs & theirs.slugs)
        if not both.ids:
            raise self._none_in(org)
        return both

    def _none_in(self, org: str) -> OutsideScope:
        return OutsideScope(
            f"This caller may reach only {self._named()}, and this server may reach none of "
            f"them in organization {r.code(org, 60)}."
        )
