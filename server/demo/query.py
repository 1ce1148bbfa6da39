"""The subset of Sentry's search syntax the demo understands.

Supported: `key:value`, `!key:value`, `key:[a,b]`, `key:>N` / `>=` / `<` / `<=`
(durations such as `5m`, `90s`, `1h`; a bare number is seconds), wildcards `*`,
quoted values, `has:key`, `AND` / `OR` / parentheses (a space means AND, AND binds
tighter than OR). Keys are those of the replay search config (see the reference,
section 3a); any other key is looked up in the replay's tags, so it does not error.
Free text (a word without a colon) is, as in Sentry, a filter on the `message`
tag, which replays never have: it matches nothing.

Evaluation works on a flat document (`dict[str, Any]`) built per replay by
`logic.search_doc`: string keys hold lists of strings, numeric keys numbers,
and `clicks` / `dead` / `rage` lists of page elements.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from .click_selectors import element_matches, parse_selector

NUMERIC = {
    "activity", "count_errors", "count_warnings", "count_infos", "count_segments", "count_urls",
    "count_dead_clicks", "count_rage_clicks", "duration",
}  # fmt: skip
STRINGS = {
    "browser.name", "browser.version", "device.brand", "device.family", "device.model",
    "device.name", "os.name", "os.version", "sdk.name", "sdk.version", "platform", "dist",
    "environment", "releases", "urls", "user.id", "user.email", "user.username", "user.ip",
    "replay_type", "project_id", "project", "viewed_by_id",
}  # fmt: skip
IDS = {"id", "error_ids", "trace_ids", "info_ids", "warning_ids"}
CLICKS = {
    "click.alt": "alt", "click.class": "classes", "click.component_name": "component_name",
    "click.id": "elem_id", "click.label": "aria_label", "click.role": "role", "click.tag": "tag",
    "click.testid": "testid", "click.textContent": "text", "click.text": "text",
    "click.title": "title",
}  # fmt: skip
SELECTORS = {"click.selector": "clicks", "dead.selector": "dead", "rage.selector": "rage"}
ALIASES = {
    "browser": "browser.name", "os": "os.name", "device": "device.name", "sdk": "sdk.name",
    "user": "user.username", "release": "releases", "url": "urls", "user.ip_address": "user.ip",
    "error_id": "error_ids", "trace_id": "trace_ids", "trace": "trace_ids", "replay_id": "id",
    "seen_by_id": "viewed_by_id", "info_id": "info_ids", "warning_id": "warning_ids",
    "project.id": "project_id",
}  # fmt: skip
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


class QueryError(ValueError):
    """A query that cannot be parsed; the message becomes the 400 `detail`."""


@dataclass
class Term:
    key: str  # canonical key (aliases resolved)
    raw_key: str  # as written
    op: str  # = > >= < <=
    values: list[str]
    negated: bool = False
    is_list: bool = False


@dataclass
class Group:
    kind: str  # "and" | "or"
    items: list[Node]


Node = Term | Group

_TERM = re.compile(r"^(?P<neg>!)?(?P<key>tags\[[^\]]+\]|[A-Za-z_][\w.\-]*):(?P<value>.*)$", re.S)


def parse(query: str | None) -> Node | None:
    """Parse a query string; None when it is empty."""
    tokens = _tokenize(query or "")
    if not tokens:
        return None
    parser = _Parser(tokens)
    node = parser.expr()
    if parser.pos != len(tokens):
        raise QueryError(f"Parse error at '{tokens[parser.pos]}': unbalanced parentheses.")
    return node


def terms(node: Node | None) -> list[Term]:
    """All terms of a query, flattened."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    return [t for item in node.items for t in terms(item)]


def _tokenize(query: str) -> list[str]:
    tokens: list[str] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(c)
            i += 1
        else:
            end = _token_end(query, i)
            tokens.append(query[i:end])
            i = end
    return tokens


def _token_end(query: str, start: int) -> int:
    """Where the term at `start` ends: at a space or `)` outside quotes and brackets."""
    i, n, in_quote, depth = start, len(query), False, 0
    while i < n:
        c = query[i]
        if in_quote:
            if c == "\\":
                i += 1
            elif c == '"':
                in_quote = False
        elif c == '"':
            in_quote = True
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif depth <= 0 and (c.isspace() or c == ")"):
            break
        i += 1
    if in_quote:
        raise QueryError(f"Parse error at '{query[start:]}': unterminated quoted value.")
    return i


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expr(self) -> Node:
        items = [self.conj()]
        while self.peek() == "OR":
            self.pos += 1
            items.append(self.conj())
        return items[0] if len(items) == 1 else Group("or", items)

    def conj(self) -> Node:
        items = [self.atom()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
            items.append(self.atom())
        return items[0] if len(items) == 1 else Group("and", items)

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None or tok in (")", "AND", "OR"):
            raise QueryError(f"Parse error at '{tok or ''}': expected a search term.")
        self.pos += 1
        if tok == "(":
            node = self.expr()
            if self.peek() != ")":
                raise QueryError("Parse error: missing closing parenthesis.")
            self.pos += 1
            return node
        return _term(tok)


def _term(token: str) -> Term:
    m = _TERM.match(token)
    if not m:  # free text: a filter on the (absent) message tag
        return Term("tags[message]", "message", "=", [f"*{_unquote(token)}*"])
    raw_key, raw = m.group("key"), m.group("value")
    if raw == "":
        raise QueryError(f"Parse error at '{token}': empty value for `{raw_key}`.")
    key = ALIASES.get(raw_key, raw_key)
    if key not in NUMERIC | STRINGS | IDS | set(CLICKS) | set(SELECTORS) | {"has"}:
        key = raw_key if raw_key.startswith("tags[") else f"tags[{raw_key}]"
    op, values, is_list = _operator_and_values(raw, token)
    if op != "=" and key not in NUMERIC:
        raise QueryError(f"Invalid operator specified for `{raw_key}`")
    if key in NUMERIC:
        for v in values:
            _number(key, raw_key, v)
    return Term(key, raw_key, op, values, bool(m.group("neg")), is_list)


def _operator_and_values(raw: str, token: str) -> tuple[str, list[str], bool]:
    """A term's value as (operator, values, written as a list)."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise QueryError(f"Parse error at '{token}': unterminated list.")
        return "=", _split_list(raw[1:-1], token), True
    for op in (">=", "<=", ">", "<"):
        if raw.startswith(op):
            return op, [_unquote(raw[len(op) :])], False
    return "=", [_unquote(raw)], False


def _split_list(body: str, token: str) -> list[str]:
    out, cur, in_quote, i = [], "", False, 0
    while i < len(body):
        c = body[i]
        if c == "\\" and in_quote and i + 1 < len(body):
            cur += body[i : i + 2]
            i += 2
            continue
        if c == '"':
            in_quote = not in_quote
        if c == "," and not in_quote:
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    values = [_unquote(v.strip()) for v in out]
    if any(v == "" for v in values):
        raise QueryError(f"Parse error at '{token}': empty list element.")
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('\\"', '"')
    if value.startswith('"'):
        raise QueryError(f"Parse error at '{value}': unterminated quoted value.")
    return value


def _number(key: str, raw_key: str, value: str) -> float:
    if key == "duration":
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|min|m|h|d|w)?", value)
        if m:
            return float(m.group(1)) * DURATION_UNITS[m.group(2) or "s"]
    else:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(k)?", value)
        if m:
            return float(m.group(1)) * (1000 if m.group(2) else 1)
    raise QueryError(f"Could not parse value for `{raw_key}`")


# -- evaluation -----------------------------------------------------------------------------


def matches(node: Node | None, doc: dict[str, Any]) -> bool:
    if node is None:
        return True
    if isinstance(node, Group):
        results = (matches(item, doc) for item in node.items)
        return all(results) if node.kind == "and" else any(results)
    hit = _match_term(node, doc)
    return not hit if node.negated else hit


def _wild(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.S)


def _match_strings(values: list[str], candidates: list[str]) -> bool:
    for v in values:
        if "*" in v:
            rx = _wild(v)
            if any(rx.fullmatch(c) for c in candidates):
                return True
        elif v in candidates:
            return True
    return False


def _match_term(term: Term, doc: dict[str, Any]) -> bool:
    """One term against a search document, before any negation."""
    key = term.key
    if key == "has":
        return _match_has(term, doc)
    if key in NUMERIC:
        return _match_number(term, doc)
    if key in IDS:
        return _match_id(term, doc)
    if key in CLICKS:
        return _match_click(term, doc)
    if key in SELECTORS:
        return _match_selector(term, doc)
    if key.startswith("tags["):
        return _match_strings(term.values, doc.get("tags", {}).get(key[5:-1], []))
    return _match_strings(term.values, [c for c in doc.get(key, []) if c is not None])


def _match_has(term: Term, doc: dict[str, Any]) -> bool:
    """`has:key`: the key (or tag) holds a non-empty value."""
    name = ALIASES.get(term.values[0], term.values[0])
    value = doc.get(name, doc.get("tags", {}).get(name))
    if isinstance(value, list):
        return any(v not in (None, "") for v in value)
    return value not in (None, "")


def _match_number(term: Term, doc: dict[str, Any]) -> bool:
    actual = doc.get(term.key)
    if actual is None:
        return False
    wanted = [_number(term.key, term.raw_key, v) for v in term.values]
    return any(_compare(float(actual), term.op, w) for w in wanted)


def _match_id(term: Term, doc: dict[str, Any]) -> bool:
    """An id key: some value, read as a UUID in any form, is among the ids."""
    ids = [_norm_id(v) for v in term.values]
    return any(i is not None and i in doc.get(term.key, []) for i in ids)


def _match_click(term: Term, doc: dict[str, Any]) -> bool:
    """`click.<attribute>`: some clicked element's attribute matches a value."""
    attr = CLICKS[term.key]
    for el in doc.get("clicks", []):
        got = getattr(el, attr)
        if _match_strings(term.values, got if isinstance(got, list) else [got]):
            return True
    return False


def _match_selector(term: Term, doc: dict[str, Any]) -> bool:
    """`click.selector` / `dead.selector` / `rage.selector`: some element fits a selector."""
    sels = [_selector(v) for v in term.values]
    return any(element_matches(el, s) for el in doc.get(SELECTORS[term.key], []) for s in sels)


def _compare(actual: float, op: str, wanted: float) -> bool:
    return {
        "=": actual == wanted, ">": actual > wanted, ">=": actual >= wanted,
        "<": actual < wanted, "<=": actual <= wanted,
    }[op]  # fmt: skip


def _norm_id(value: str) -> str | None:
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return None


def _selector(value: str) -> dict[str, Any]:
    parsed = parse_selector(value)
    if parsed is None:
        raise QueryError(f"Invalid selector: {value}")
    return parsed
