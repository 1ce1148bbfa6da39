"""The rows of `benchmarks.compare`'s table, and the bars of its chart, from one run's results."""

from __future__ import annotations

from typing import Any

from benchmarks import tasks as T

# label, ratio ours/peer, target on the ratio (None: none), whether every condition holds
Bar = tuple[str, float, float | None, bool | None]


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def spread(s: dict[str, float]) -> str:
    """A summary's median with its min–max, in whole ms."""
    return f"{s['median']:.0f} ({s['min']:.0f}–{s['max']:.0f})"


def two_estimates(size: dict[str, Any], primary: str, lexical: str) -> str:
    """The chars/4 and the lexical token estimate, side by side."""
    return f"{fmt(size[primary])} · {fmt(size[lexical])}"


class Table:
    """Rows and bars, added section by section."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.bars: list[Bar] = []

    def row(
        self,
        section: str,
        metric: str,
        ours: str,
        peer: str,
        rat: float | None,
        target: str = "",
        holds: bool | None = None,
    ) -> None:
        self.rows.append(
            {
                "section": section,
                "metric": metric,
                "ours": ours,
                "peer": peer,
                "ratio": "" if rat is None else f"{rat:.3f}",
                "target": target,
                "holds": "" if holds is None else ("yes" if holds else "**no**"),
            }
        )

    def compared(
        self,
        section: str,
        metric: str,
        ours: float,
        peer: float,
        digits: int = 0,
        target: str = "",
        holds: bool | None = None,
    ) -> float:
        """A row of two numbers and their ratio ours/peer, which it returns."""
        rat = ratio(ours, peer)
        self.row(section, metric, fmt(ours, digits), fmt(peer, digits), rat, target, holds)
        return rat


def sizes(t: Table, r: dict[str, Any], labels: dict[str, str]) -> None:
    for key, label in labels.items():
        o, p = r["sizes"][key]["ours"], r["sizes"][key]["peer"]
        text_ratio = ratio(o["text_chars"], p["text_chars"])
        target, holds, bar_target = "", None, None
        if key == "list":
            expected = r["sizes"]["list"]["expected_ids"]
            all_ids = o["ids_in_text"] == expected
            target, holds, bar_target = "≤ 0.10, every id", text_ratio <= 0.10 and all_ids, 0.10
        t.compared(
            "size", f"{label}: text chars", o["text_chars"], p["text_chars"], 0, target, holds
        )
        if key == "list":
            t.row(
                "size",
                f"{label}: replay ids in text",
                f"{o['ids_in_text']}/{expected}",
                f"{p['ids_in_text']}/{expected}",
                None,
                "all",
                all_ids,
            )
        t.bars.append((f"{label}\ntext", text_ratio, bar_target, holds))
        sc_o, sc_p = o["structured_chars"], p["structured_chars"]
        t.compared("size", f"{label}: structuredContent chars", sc_o, sc_p)
        t.row(
            "size",
            f"{label}: text tokens (chars/4 · lexical)",
            two_estimates(o, "text_tokens", "text_lexical"),
            two_estimates(p, "text_tokens", "text_lexical"),
            ratio(o["text_lexical"], p["text_lexical"]),
        )
        both_o = o["text_tokens"] + o["structured_tokens"]
        both_p = p["text_tokens"] + p["structured_tokens"]
        t.compared("size", f"{label}: text + structured tokens (chars/4)", both_o, both_p)


def tool_listing(t: Table, r: dict[str, Any]) -> None:
    to, tp = r["tools"]["ours"], r["tools"]["peer"]
    section = "tools/list"
    richer = to["prose"] > tp["prose"]
    tl_ratio = ratio(to["chars"], tp["chars"])
    t.compared(
        section,
        f"size, chars ({to['count']} vs {tp['count']} tools)",
        to["chars"],
        tp["chars"],
        0,
        "≤ 0.80",
        tl_ratio <= 0.80,
    )
    t.row(
        section,
        "tokens (chars/4 · lexical)",
        two_estimates(to, "tokens", "lexical"),
        two_estimates(tp, "tokens", "lexical"),
        ratio(to["lexical"], tp["lexical"]),
    )
    matched = [n for n, p in T.TOOL_PAIRS.items() if p and p in tp["per_tool"]]
    o9 = sum(to["per_tool"][n]["chars"] for n in matched if n in to["per_tool"])
    p9 = sum(tp["per_tool"][T.TOOL_PAIRS[n]]["chars"] for n in matched if n in to["per_tool"])
    t.compared(section, f"… the {len(matched)} tools both have, chars", o9, p9)
    t.compared(
        section,
        "descriptions, chars (tools + arguments)",
        to["prose"],
        tp["prose"],
        0,
        "richer (> 1)",
        richer,
    )
    facing = t.compared(
        section,
        "name + title + description + inputSchema, chars",
        to["model_facing"],
        tp["model_facing"],
    )
    ours_out = sum(x["output_schema"] for x in to["per_tool"].values())
    peer_out = sum(x["output_schema"] for x in tp["per_tool"].values())
    t.compared(section, "outputSchema, chars", ours_out, peer_out)
    t.bars.append(("tools/list\nsize", tl_ratio, 0.80, tl_ratio <= 0.80 and richer))
    t.bars.append(("tools/list\nw/o outputSchema", facing, None, None))


def cold_start(t: Table, r: dict[str, Any]) -> None:
    co, cp = r["cold"]["ours"], r["cold"]["peer"]
    cold_ratio = ratio(co["median"], cp["median"])
    t.row(
        "cold start",
        f"spawn → initialize, ms (median of {co['n']}; min–max)",
        spread(co),
        spread(cp),
        cold_ratio,
        "≤ 0.6",
        cold_ratio <= 0.6,
    )
    t.row(
        "cold start",
        "… a bare MCPServer with no tools (what mcp 2.3 alone costs), ms",
        spread(r["cold"]["bare"]),
        "",
        None,
    )
    t.bars.append(("cold start", cold_ratio, 0.6, cold_ratio <= 0.6))


def latency(t: Table, r: dict[str, Any], labels: dict[str, str]) -> None:
    for key, label in labels.items():
        lat = r["latency"][key]
        o, p, f = lat["ours"], lat["peer"], lat["floor"]
        med = ratio(o["median"], p["median"])
        over = o["median"] - f["median"]
        metric = f"{label}: median ms (floor {f['median']:.2f})"
        t.compared("latency", metric, o["median"], p["median"], 2, "≤ 1.0", med <= 1.0)
        t.compared("latency", f"{label}: p95 ms (floor {f['p95']:.2f})", o["p95"], p["p95"], 2)
        t.row(
            "latency",
            f"{label}: median − floor, ms",
            fmt(over, 2),
            fmt(p["median"] - f["median"], 2),
            None,
            "≤ 2 ms",
            over <= 2.0,
        )
        t.bars.append((f"{label}\nmedian", med, 1.0, med <= 1.0 and over <= 2.0))


def throughput(t: Table, r: dict[str, Any]) -> None:
    lo, lp, lf = r["load"]["ours"], r["load"]["peer"], r["load"]["floor"]
    a = r["args"]
    n = f"{a.clients} clients × {a.per_client}, median of {a.load_rounds} rounds"
    metric = f"calls/s ({n}; direct HTTP {lf['calls_per_s']:.0f})"
    t.compared("load", metric, lo["calls_per_s"], lp["calls_per_s"])
    t.row(
        "load",
        "calls/s of each round",
        ", ".join(f"{x:.0f}" for x in lo["calls_per_s_rounds"]),
        ", ".join(f"{x:.0f}" for x in lp["calls_per_s_rounds"]),
        None,
    )
    co, cp = lo["cpu_ms_per_call"], lp["cpu_ms_per_call"]
    if co["server"] and cp["server"]:
        demo_direct = lf["cpu_ms_per_call"]["demo"]
        metric = f"demo Sentry CPU ms per call (direct HTTP {demo_direct:.2f})"
        t.compared("load", "server CPU ms per call (user + system)", co["server"], cp["server"], 2)
        t.compared("load", metric, co["demo"], cp["demo"], 2)
    ok = lo["errors"] == 0
    t.row("load", "errors", str(lo["errors"]), str(lp["errors"]), None, "0 (ours)", ok)
    t.row(
        "load",
        "results failing their outputSchema",
        str(lo["schema_invalid"]),
        str(lp["schema_invalid"]),
        None,
    )
    if "latency" in lo and "latency" in lp:
        ol, pl = lo["latency"], lp["latency"]
        t.row(
            "load",
            "median / p95 ms per call",
            f"{ol['median']:.1f} / {ol['p95']:.1f}",
            f"{pl['median']:.1f} / {pl['p95']:.1f}",
            ratio(ol["median"], pl["median"]),
        )
    per_call = ratio(lp["calls_per_s"], lo["calls_per_s"])
    t.bars.append(("time per call\nunder load", per_call, None, ok))


def build_rows(r: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Bar]]:
    """Table rows, and the chart's (label, ratio, target) bars."""
    scenario: T.Scenario = r["scenario"]
    labels = {task.key: task.label for task in scenario.tasks}
    t = Table()
    sizes(t, r, labels)
    tool_listing(t, r)
    cold_start(t, r)
    latency(t, r, labels)
    throughput(t, r)
    return t.rows, t.bars
