"""From Sentry issues to the replays linked to them, as Sentry's issue page finds them.

Sentry's `replay-count` endpoint, asked with `returnIds=true` and `query=issue.id:[…]`,
answers `{issue id: [replay ids]}` (at most 51 ids per issue; getsentry/sentry
src/sentry/replays/usecases/replay_counts.py). Where it looks depends on `data_source`:
error issues are found in the error events (`discover`), performance and other
issue-platform issues only in `search_issues`. The issue page picks one by the issue's
category; we do not know the category, so error events are asked first and the issue
platform for the issues that got nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.kit.errors import BadInput

if TYPE_CHECKING:
    from sentry_replays_mcp.tools.api.client import SentryClient

MAX_ISSUES = 5  # the replay ids of more issues would not fit one `id:[…]` query
MAX_LISTED = 100  # replay ids listed by id at once (Sentry's largest page)
CAP = 51  # replay-count stops at 51 replays (or ids) per key: "50+"
SOURCES = ("discover", "search_issues")
WHERE = {"discover": "error events", "search_issues": "the issue platform"}


def issue_ids(value: object) -> list[str]:
    """Numeric issue ids from one id or a list of them, without repeats; one sentence when
    a value is not one."""
    values = value if isinstance(value, list) else [value]
    if not values:
        raise BadInput("issue_id is empty: give a numeric Sentry issue id such as 4711.")
    if len(values) > MAX_ISSUES:
        raise BadInput(f"issue_id has {len(values)} ids: give at most {MAX_ISSUES}.")
    checked = []
    for item in values:
        plain = isinstance(item, str | int) and not isinstance(item, bool)
        text = str(item).strip() if plain else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 20 and int(text) > 0):
            shown = repr(item)[:40]
            raise BadInput(
                f"Invalid issue_id {shown}: use the numeric issue id (e.g. 4711, as in the "
                "issue's URL .../issues/4711/), not its short id such as 'WEB-1A'."
            )
        checked.append(str(int(text)))
    return list(dict.fromkeys(checked))


def replay_ids(values: Sequence[str]) -> list[str]:
    """Replay ids checked and normalised (32 lowercase hex), without repeats."""
    if not values:
        raise BadInput("replay_ids is empty: give one or more replay ids.")
    if len(values) > MAX_LISTED:
        raise BadInput(f"replay_ids has {len(values)} ids: give at most {MAX_LISTED}.")
    return list(dict.fromkeys(ids.replay(v) for v in values))


def by_id_arguments(
    issue_id: object, replay_id_list: Sequence[str] | None
) -> tuple[list[str] | None, list[str] | None]:
    """list_replays' issue_id and replay_ids, checked (at most one of them)."""
    if issue_id is not None and replay_id_list is not None:
        raise BadInput("Give issue_id or replay_ids, not both.")
    issues = issue_ids(issue_id) if issue_id is not None else None
    return issues, replay_ids(replay_id_list) if replay_id_list is not None else None


def asked(issues: list[str] | None, wanted: list[str] | None) -> str | None:
    """How a list's header names what was asked: "issue 4711" or "replay ids asked: 3"."""
    if issues is not None:
        return ("issue " if len(issues) == 1 else "issues ") + ", ".join(issues)
    return None if wanted is None else f"replay ids asked: {len(wanted)}"


def id_query(replay_ids: Sequence[str], query: str | None = None) -> str:
    """The replay list's query for these replays (and the caller's own query, ANDed)."""
    by_id = f"id:[{','.join(replay_ids)}]"
    return f"{by_id} {query}" if query else by_id


class IssueReplays(BaseModel):
    issue_id: str
    count: int = Field(description="Replays Sentry linked to the issue (51 means 50+).")
    found_in: str | None = Field(
        None, description="The data_source that found them: discover or search_issues."
    )


@dataclass
class Linked:
    """What replay-count said per issue: the replay ids (or only a count, when the server
    does not return ids) and which data source found them."""

    issues: list[str]
    ids: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    ids_returned: bool = True

    def all_ids(self) -> list[str]:
        return list(dict.fromkeys(rid for issue in self.issues for rid in self.ids.get(issue, [])))

    def out(self) -> list[IssueReplays]:
        return [
            IssueReplays(issue_id=i, count=self.counts.get(i, 0), found_in=self.source.get(i))
            for i in self.issues
        ]

    def where(self, issue: str) -> str:
        source = self.source.get(issue)
        return f"{WHERE[source]} (data_source={source})" if source else ""


async def linked_replays(
    client: SentryClient,
    organization: str,
    issues: list[str],
    *,
    projects: Sequence[str | int] = (),
    environments: Sequence[str] = (),
    stats_period: str | None = None,
    return_ids: bool = True,
) -> Linked:
    """Ask error events first, then the issue platform for the issues still without
    replays: at most two requests."""
    linked = Linked(issues)
    pending = list(issues)
    for source in SOURCES:
        if not pending:
            break
        answer = await client.count_replays(
            organization,
            query=f"issue.id:[{','.join(pending)}]",
            projects=projects,
            environments=environments,
            stats_period=stats_period,
            data_source=source,
            return_ids=return_ids,
        )
        for issue in pending:
            count = answer.counts.get(issue, 0)
            if count:
                linked.counts[issue] = count
                linked.source[issue] = source
                if issue in answer.replay_ids:
                    linked.ids[issue] = answer.replay_ids[issue]
                elif return_ids:
                    linked.ids_returned = False  # a count where ids were asked: the seed
        pending = [issue for issue in pending if issue not in linked.counts]
    return linked


def count_text(count: int) -> str:
    """What Sentry said, exactly: 51 is its cap ("50+"), any other number is itself."""
    if count == CAP:
        return "50+ replays (Sentry stops counting at 51)"
    return "no replays" if count == 0 else ("1 replay" if count == 1 else f"{count} replays")


def issue_lines(linked: Linked, window: str) -> list[str]:
    """One sentence per issue: how many replays and where Sentry found them."""
    lines = []
    for issue in linked.issues:
        count = linked.counts.get(issue, 0)
        if not count:
            lines.append(
                f"Issue {issue}: no linked replays in the {window} (asked error events and "
                "the issue platform)."
            )
        elif linked.ids_returned:
            lines.append(f"Issue {issue}: {count_text(count)}, found in {linked.where(issue)}.")
        else:
            lines.append(f"Issue {issue}: {count_text(count)}.")
    total = len(linked.all_ids())
    if total > MAX_LISTED:
        lines.append(
            f"Only the first {MAX_LISTED} of {total} linked replays are listed: ask for fewer "
            "issues at once to see the others."
        )
    if not linked.ids_returned:
        lines.append(
            "This Sentry answers replay-count with counts only, not replay ids (no returnIds, "
            "as in the seed API), so the replays of an issue cannot be listed here."
        )
    return lines
