"""The scripted agent tasks of `benchmarks.compare`, and how results are measured.

Each task is one logical question asked of both servers, with the arguments each one's
`tools/list` asks for, plus the upstream request that answers it (the latency floor).
The demo data is discovered over HTTP first, so both servers see the same replays.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import httpx2

ORG = "acme"
LIST_SIZE = 50  # list_replays: how many replays both servers return
MAX_SEGMENTS = 100  # the seed has no per_page: the peer gets at most one page of 100
COUNT_ISSUES = 5  # count_replays: how many issue ids
WINDOW = "14d"  # our list_replays default, sent to the peer explicitly
SORT = "-started_at"  # likewise

# -- token approximations ----------------------------------------------------------------------
#
# No tokenizer is downloaded at run time. The primary estimate is the common rule of thumb
# for GPT-style BPE tokenizers, about four characters per token, applied to every
# character alike so neither side's style (markdown or JSON) is favoured. The secondary,
# lexical estimate follows how GPT-4-class tokenizers split text (a run of letters is about
# one token, digits go in groups of up to three, every other non-space character is one):
# it charges JSON punctuation and long ids more, and serves as a cross-check that the
# ratios do not hinge on the rule of thumb.

LEXICAL = re.compile(r"[A-Za-z]+|\d{1,3}|[^A-Za-z\d\s]")


def tokens(text: str) -> int:
    """Primary token estimate: ceil(characters / 4)."""
    return math.ceil(len(text) / 4)


def lexical_tokens(text: str) -> int:
    """Secondary token estimate: letter runs, digit groups of <= 3, other characters."""
    return len(LEXICAL.findall(text))


def compact(value: Any) -> str:
    """JSON as it goes on the wire: no spaces, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# -- tasks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Floor:
    """The upstream request, made directly with httpx2 (relative to the demo's base URL)."""

    path: str
    params: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    ours: Call
    peer: Call
    floor: Floor


@dataclass
class Scenario:
    """What the demo holds and the five tasks built from it."""

    total_replays: int
    list_ids: list[str]  # dashed ids of the 50 replays both list calls return
    cursor: str
    segments_replay: dict[str, Any]
    detail_replay: dict[str, Any]
    issue_ids: list[str]
    tasks: list[Task]


async def discover(http: httpx2.AsyncClient, issue_ids: list[str]) -> Scenario:
    """Read the demo (spec dialect) directly and build the tasks."""
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(50):  # pages of 100; the demo holds a few hundred replays at most
        params = {"per_page": "100", "statsPeriod": WINDOW, "sort": SORT}
        if cursor:
            params["cursor"] = cursor
        response = await http.get(f"organizations/{ORG}/replays/", params=params)
        response.raise_for_status()
        rows += response.json()["data"]
        nxt = response.links.get("next", {})
        if nxt.get("results") != "true":
            break
        cursor = nxt["cursor"]
    if len(rows) < LIST_SIZE:
        raise RuntimeError(f"the demo has {len(rows)} replays, fewer than {LIST_SIZE}")
    # The seed spec has no per_page, so the generated tool always asks for Sentry's default
    # page of 100. The only way both servers return the same 50 replays is the cursor of the
    # last 50 rows, passed to both (ours also gets limit=50).
    offset = len(rows) - LIST_SIZE
    list_cursor = f"0:{offset}:0"
    list_ids = [row["id"] for row in rows[offset:]]
    # The segments task: the replay with the most segments that still fit in one page of
    # the peer's (both then return every segment); get_replay: the one with the most pages.
    fits = [r for r in rows if (r.get("countSegments") or 0) <= MAX_SEGMENTS]
    seg = max(fits, key=lambda r: (r.get("countSegments") or 0, r["id"]))
    det = max(rows, key=lambda r: (r.get("countUrls") or 0, r["id"]))
    query = f"issue.id:[{','.join(issue_ids)}]"
    org = {"organization_id_or_slug": ORG}

    def replay_path(r: dict[str, Any]) -> str:
        return f"projects/{ORG}/{r['projectId']}/replays/{r['id']}/"

    def in_project(r: dict[str, Any]) -> dict[str, Any]:
        return {**org, "project_id_or_slug": r["projectId"], "replay_id": r["id"]}

    tasks = [
        Task(
            "list",
            f"list_replays ({LIST_SIZE})",
            Call("list_replays", {"limit": LIST_SIZE, "cursor": list_cursor}),
            Call(
                "listOrganizationReplays",
                {**org, "cursor": list_cursor, "statsPeriod": WINDOW, "sort": SORT},
            ),
            Floor(
                f"organizations/{ORG}/replays/",
                [("cursor", list_cursor), ("statsPeriod", WINDOW), ("sort", SORT)],
            ),
        ),
        Task(
            "get",
            "get_replay",
            Call("get_replay", {"replay_id": det["id"], "project": det["projectId"]}),
            Call("retrieveReplay", in_project(det)),
            Floor(replay_path(det)),
        ),
        Task(
            "segments",
            f"segments ({seg.get('countSegments')})",
            Call(
                "list_recording_segments",
                {"replay_id": seg["id"], "project": seg["projectId"], "limit": MAX_SEGMENTS},
            ),
            Call("listRecordingSegments", in_project(seg)),
            Floor(replay_path(seg) + "recording-segments/"),
        ),
        Task(
            "selectors",
            "selectors",
            Call("list_selectors", {"limit": 100}),
            Call("listOrganizationSelectors", dict(org)),
            Floor(f"organizations/{ORG}/replays/selectors/"),
        ),
        Task(
            "counts",
            f"counts ({len(issue_ids)} issues)",
            Call("count_replays", {"issue_ids": [int(i) for i in issue_ids]}),
            Call("getReplayCount", {**org, "query": query}),
            Floor(f"organizations/{ORG}/replay-count/", [("query", query)]),
        ),
    ]
    return Scenario(
        total_replays=len(rows),
        list_ids=list_ids,
        cursor=list_cursor,
        segments_replay=seg,
        detail_replay=det,
        issue_ids=issue_ids,
        tasks=tasks,
    )


def check_peer_tools(tools: dict[str, dict[str, Any]], tasks: list[Task]) -> list[str]:
    """Problems with the peer mapping: a tool or argument its tools/list does not have."""
    problems = []
    for task in tasks:
        tool = tools.get(task.peer.tool)
        if tool is None:
            problems.append(f"the peer has no tool {task.peer.tool!r}")
            continue
        props = tool.get("inputSchema", {}).get("properties", {})
        problems += [
            f"{task.peer.tool} has no argument {name!r}"
            for name in task.peer.args
            if name not in props
        ]
    return problems


# -- measuring one result ----------------------------------------------------------------------


def text_of(result: Any) -> str:
    return "".join(getattr(part, "text", "") for part in result.content)


def size_of(result: Any) -> dict[str, Any]:
    text = text_of(result)
    structured = "" if result.structured_content is None else compact(result.structured_content)
    return {
        "is_error": bool(result.is_error),
        "text_chars": len(text),
        "structured_chars": len(structured),
        "text_tokens": tokens(text),
        "structured_tokens": tokens(structured),
        "text_lexical": lexical_tokens(text),
        "structured_lexical": lexical_tokens(structured),
    }


def ids_present(text: str, ids: list[str]) -> list[str]:
    """The ids (dashed UUIDs) found in `text`, dashed or as 32 hex digits."""
    low = text.lower()
    return [i for i in ids if i.lower() in low or i.replace("-", "").lower() in low]


# -- tools/list ----------------------------------------------------------------------------------

# Our tools and the peer's operation for the same endpoint (summarize_replay has none).
TOOL_PAIRS = {
    "list_replays": "listOrganizationReplays",
    "get_replay": "retrieveReplay",
    "delete_replay": "deleteReplay",
    "list_recording_segments": "listRecordingSegments",
    "get_recording_segment": "retrieveRecordingSegment",
    "summarize_replay": None,
    "list_selectors": "listOrganizationSelectors",
    "list_clicked_nodes": "listClickedNodes",
    "list_replay_viewers": "listReplayViewers",
    "count_replays": "getReplayCount",
}

MODEL_FACING = ("name", "title", "description", "inputSchema")


def described_chars(tool: dict[str, Any]) -> int:
    """Characters of prose: the tool's description plus every description in its input schema."""
    found = 0

    def walk(node: Any) -> None:
        nonlocal found
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    found += len(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(tool.get("inputSchema", {}))
    return found + len(tool.get("description") or "")


def tool_sizes(tools: list[dict[str, Any]]) -> dict[str, Any]:
    per_tool = {}
    for tool in tools:
        per_tool[tool["name"]] = {
            "chars": len(compact(tool)),
            "model_facing": len(compact({k: tool[k] for k in MODEL_FACING if k in tool})),
            "description": len(tool.get("description") or ""),
            "prose": described_chars(tool),
            "input_schema": len(compact(tool.get("inputSchema", {}))),
            "output_schema": len(compact(tool["outputSchema"])) if "outputSchema" in tool else 0,
        }
    listing = compact({"tools": tools})
    model = compact([{k: t[k] for k in MODEL_FACING if k in t} for t in tools])
    return {
        "count": len(tools),
        "chars": len(listing),
        "tokens": tokens(listing),
        "lexical": lexical_tokens(listing),
        "model_facing": len(model),
        "prose": sum(t["prose"] for t in per_tool.values()),
        "per_tool": per_tool,
    }


def strip_schema(node: Any, *, titles: bool, nullable: bool) -> Any:
    """A what-if: a schema without pydantic's generated titles and/or `anyOf [X, null]`."""
    if isinstance(node, list):
        return [strip_schema(v, titles=titles, nullable=nullable) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if titles and key == "title" and isinstance(value, str):
            continue
        if nullable and key == "default" and value is None:
            continue
        out[key] = strip_schema(value, titles=titles, nullable=nullable)
    branches = out.get("anyOf")
    if nullable and isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) == 1 and len(branches) == 2 and isinstance(kept[0], dict):
            del out["anyOf"]
            out = {**kept[0], **out}
    return out


def what_ifs(tools: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Sizes of our tools/list under changes that keep every description."""

    def size(ts: list[dict[str, Any]]) -> int:
        return len(compact({"tools": ts}))

    def schemas(t: dict[str, Any], **kw: bool) -> dict[str, Any]:
        out = dict(t)
        for key in ("inputSchema", "outputSchema"):
            if key in out:
                out[key] = strip_schema(out[key], **kw)
        return out

    no_titles = [schemas(t, titles=True, nullable=False) for t in tools]
    lean = [schemas(t, titles=True, nullable=True) for t in tools]
    no_output = [{k: v for k, v in t.items() if k != "outputSchema"} for t in lean]
    return [
        ("as served", size(tools)),
        ("without pydantic `title`s in the schemas", size(no_titles)),
        ("… and `anyOf [X, null]` / `default: null` collapsed", size(lean)),
        ("… and no `outputSchema`", size(no_output)),
    ]
