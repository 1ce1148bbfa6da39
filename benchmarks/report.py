"""The report of `benchmarks.compare`: the markdown page, with why each missed target missed."""

from __future__ import annotations

import json
import platform
from importlib.metadata import version
from typing import Any

from benchmarks import tasks as T
from benchmarks.common import SIDES
from benchmarks.table import build_rows, fmt


def side_by_side(sides: list[list[str] | None], width: int) -> str:
    """A table row of each side's `width` cells, blank where a side has nothing."""
    cells = [cell for part in sides for cell in (part or [""] * width)]
    return "| " + " | ".join(cells) + " |"


def tool_cells(name: str, size: dict[str, Any] | None) -> list[str] | None:
    """One tool's cells in the per-tool tools/list table."""
    return [f"`{name}`", fmt(size["chars"]), fmt(size["output_schema"])] if size else None


def notes(r: dict[str, Any]) -> list[str]:
    """Why a target was missed and what it would take, from this run's numbers."""
    out: list[str] = []
    s, n = r["sizes"]["list"], r["sizes"]["list"]["expected_ids"]
    o, p = s["ours"], s["peer"]
    if o["text_chars"] > 0.10 * p["text_chars"]:
        budget = 0.10 * p["text_chars"] / n
        out.append(
            f"- **list_replays text** is {o['text_chars'] / p['text_chars']:.1%} of the peer's: "
            f"{o['text_chars'] / n:.0f} characters per replay against a budget of {budget:.0f} "
            f"(the peer spends {p['text_chars'] / n:.0f} per replay on raw JSON). The id alone is "
            "32, the start time with its relative age about 30; meeting 10% means a terser "
            "default line (id, relative start, duration, user, problem counts) with URL, "
            "browser, OS and environment left to `detail='full'` or `structuredContent`."
        )
    to, tp = r["tools"]["ours"], r["tools"]["peer"]
    if to["chars"] > 0.80 * tp["chars"]:
        ifs = "; ".join(
            f"{label}: {size:,} ({size / tp['chars']:.2f}×)" for label, size in to["what_ifs"]
        )
        ours_out = sum(t["output_schema"] for t in to["per_tool"].values())
        out.append(
            f"- **tools/list** is {to['chars'] / tp['chars']:.2f}× the peer's. Ours carries "
            f"{to['count']} tools with {to['prose']:,} characters of descriptions (the peer "
            f"{tp['prose']:,}) and an outputSchema per tool ({ours_out:,} characters), plus "
            "pydantic's generated `title` on every property and `anyOf [X, null]` for every "
            f"optional argument. Sizes if those went ({tp['chars']:,} = the peer): {ifs}. "
            f"0.80× is {0.8 * tp['chars']:,.0f} characters, and our descriptions alone are "
            f"{to['prose']:,} ({to['prose'] / tp['chars']:.2f}× the peer's whole listing): the "
            "target cannot hold together with descriptions this rich. It would take trimmed "
            "schemas, no outputSchema in the listing, and descriptions cut to about a third."
        )
    co, cp = r["cold"]["ours"], r["cold"]["peer"]
    if co["median"] > 0.6 * cp["median"]:
        imp = r["imports"]
        out.append(
            f"- **cold start** is {co['median'] / cp['median']:.2f}× the peer's "
            f"({co['median']:.0f} against {cp['median']:.0f} ms). Import time before "
            f"`initialize` (`-X importtime`, self times): ours {imp['ours']['total_ms']:.0f} ms "
            f"over {imp['ours']['modules']} modules, the peer {imp['peer']['total_ms']:.0f} ms "
            f"over {imp['peer']['modules']}. Both pay for `mcp` itself, which in 2.3 imports "
            "its client, HTTP stack and both wire-schema packages eagerly: a bare `MCPServer` "
            f"with no tools takes {r['cold']['bare']['median']:.0f} ms to answer `initialize`, "
            f"so ours spends {co['median'] - r['cold']['bare']['median']:.0f} ms of its own and "
            f"0.6× the peer ({0.6 * cp['median']:.0f} ms) leaves "
            f"{0.6 * cp['median'] - r['cold']['bare']['median']:.0f} ms for everything that is "
            "not the SDK: our imports, building the tool schemas, the lifespan."
        )
        if any(pkg == "rich" for pkg, _ in imp["ours"]["top"]):
            out.append(
                "- `rich` shows up among our imports only because it is installed here (the "
                "bench extra's fastmcp pulls it in): mcp's `MCPServer()` calls its "
                "`configure_logging`, which imports rich when it can. A plain install of ours "
                "does not have it."
            )
    for task in r["scenario"].tasks:
        lat = r["latency"][task.key]
        lo, lp, lf = lat["ours"], lat["peer"], lat["floor"]
        reasons = []
        if lo["median"] > lp["median"]:
            reasons.append(f"{lo['median'] / lp['median']:.2f}× the peer's median")
        if lo["median"] - lf["median"] > 2.0:
            reasons.append(f"{lo['median'] - lf['median']:.2f} ms over the HTTP floor")
        if reasons:
            up = r["upstream"].get(task.key, 1)
            peer_over = lp["median"] - lf["median"]
            why = (
                f"ours makes {up:g} upstream requests per call (the replay, for its start time, "
                "and the page, at once) where the peer makes one"
                if up > 1
                else "both make one upstream request"
            )
            out.append(
                f"- **latency, {task.label}**: {', '.join(reasons)} (ours {lo['median']:.2f} ms, "
                f"peer {lp['median']:.2f} ms, floor {lf['median']:.2f} ms). {why.capitalize()}. "
                f"The peer, which passes the JSON through, is itself {peer_over:.2f} ms over the "
                "floor on this call (stdio, JSON-RPC, the SDK on both ends, serialising the "
                "result, the client's outputSchema check), so 2 ms over the floor is tight for "
                "any MCP server; on top of that ours parses the upstream JSON into models and "
                "renders markdown plus structured content."
            )
    if r["load"]["ours"]["errors"]:
        out.append(f"- **load**: ours had errors: {r['load']['ours']['error_kinds']}.")
    return out


def markdown(r: dict[str, Any]) -> str:
    scenario: T.Scenario = r["scenario"]
    rows, _ = build_rows(r)
    seg, det = scenario.segments_replay, scenario.detail_replay
    lines = [
        "# sentry-replays-mcp against FastMCP's OpenAPI generator",
        "",
        f"Run {r['when']} on {r['machine']}; Python {platform.python_version()}, "
        f"mcp {version('mcp')}, fastmcp {version('fastmcp')}. One demo Sentry (spec dialect, "
        f"{scenario.total_replays} replays) served both. Ratios are ours / peer; "
        f"latency over {r['args'].calls} warm calls per tool per server over stdio, interleaved "
        "with the direct httpx2 request (the floor). Token estimates: chars/4 "
        "(primary) and a lexical count (letter runs, digit groups of ≤ 3, punctuation), the "
        "same for both; the tokens row's ratio uses the lexical count.",
        "",
        "| section | metric | ours | peer | ours/peer | target | holds |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    lines += [
        f"| {x['section']} | {x['metric']} | {x['ours']} | {x['peer']} | {x['ratio']} "
        f"| {x['target']} | {x['holds']} |"
        for x in rows
    ]
    lines += ["", "## Where a target is missed", ""]
    lines += notes(r) or ["Every target holds."]
    lines += [
        "",
        "## The tasks",
        "",
        "| task | ours | peer | upstream requests per call (ours) |",
        "|---|---|---|---:|",
    ]
    for task in scenario.tasks:
        lines.append(
            f"| {task.label} | `{task.ours.tool}` {json.dumps(task.ours.args)} "
            f"| `{task.peer.tool}` {json.dumps(task.peer.args)} | {r['upstream'][task.key]:g} |"
        )
    lines += [
        "",
        f"The list cursor `{scenario.cursor}` selects the last {len(scenario.list_ids)} replays: "
        "the seed spec has no `per_page`, so the generated tool always gets a page of 100, and "
        "the cursor is how both return the same 50. Segments: replay "
        f"`{seg['id']}` ({seg.get('countSegments')} segments, all on both sides). get_replay: "
        f"`{det['id']}` ({det.get('countUrls')} URLs). The peer makes one upstream request per "
        "call by construction.",
        "",
    ]
    val = r["validation"]
    for name in SIDES:
        fails = val[name]["failures"]
        if fails:
            first = next(iter(val[name]["messages"].items()))
            lines.append(
                f"Results of {name} that failed the SDK client's outputSchema check "
                f"(counted, then measured as sent): {fails}. First: `{first[0]}`: {first[1]}"
            )
            lines.append("")
    lines += [
        "## tools/list per tool",
        "",
        "| ours | chars | of which outputSchema | peer | chars | of which outputSchema |",
        "|---|---:|---:|---|---:|---:|",
    ]
    ours_t = r["tools"]["ours"]["per_tool"]
    peer_t = r["tools"]["peer"]["per_tool"]
    pairs = [(o, T.TOOL_PAIRS.get(o) or "") for o in ours_t]
    pairs += [("", p) for p in peer_t if p not in T.TOOL_PAIRS.values()]
    for mine, theirs in pairs:
        cells = [tool_cells(mine, ours_t.get(mine)), tool_cells(theirs, peer_t.get(theirs))]
        lines.append(side_by_side(cells, 3))
    lines += ["", "What-ifs for ours (all descriptions kept):", ""]
    peer_chars = r["tools"]["peer"]["chars"]
    lines += [
        f"- {label}: {size:,} chars ({size / peer_chars:.2f}× the peer)"
        for label, size in r["tools"]["ours"]["what_ifs"]
    ]
    imp = r["imports"]
    lines += [
        "",
        "## Imports before `initialize` (`-X importtime`, self time by top-level package)",
        "",
        "| ours | ms | peer | ms |",
        "|---|---:|---|---:|",
    ]
    for i in range(10):
        tops = [imp[name]["top"] for name in SIDES]
        cells = [[f"`{t[i][0]}`", f"{t[i][1]:.0f}"] if i < len(t) else None for t in tops]
        lines.append(side_by_side(cells, 2))
    lines.append(
        f"| **total** ({imp['ours']['modules']} modules) | {imp['ours']['total_ms']:.0f} "
        f"| **total** ({imp['peer']['modules']} modules) | {imp['peer']['total_ms']:.0f} |"
    )
    own = imp["ours"]["ours_modules"]
    heavy = sorted(own, key=lambda m: -m[1])[:6]
    lines += [
        "",
        f"Our own modules (`server.*`, `tools.*`, {len(own)} of them) take "
        f"{sum(m[1] for m in own) / 1000:.0f} ms of self time before `initialize`; the largest: "
        + ", ".join(f"`{m}` {s / 1000:.1f} ms" for m, s, _ in heavy)
        + ". Not in these figures: work done at start-up that is not an import (building the "
        "tools' schemas, creating the Sentry client in the lifespan).",
    ]
    lines += ["", "![ratios ours/peer](compare.png)", ""]
    return "\n".join(lines)
