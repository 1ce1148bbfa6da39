"""HTTP plumbing shared by both dialects: request context, errors, paging, time windows."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from .app import DemoSentry

MAX_PERIOD = timedelta(days=90)
PERIOD_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class ApiError(Exception):
    """Becomes an HTTP error response; `body=None` means an empty body."""

    def __init__(self, status: int, body: Any = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def detail(status: int, message: str) -> ApiError:
    return ApiError(status, {"detail": message})


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(obj), status_code=status, headers=headers, media_type="application/json")


def empty(status: int) -> Response:
    return Response(b"", status_code=status)


def error_response(err: ApiError) -> Response:
    if err.body is None:
        return empty(err.status)
    return json_response(err.body, err.status)


@dataclass
class Caller:
    member_id: str
    scopes: frozenset[str]


@dataclass
class Ctx:
    demo: DemoSentry
    request: Request
    caller: Caller
    pairs: list[tuple[str, str]]  # the query string, in order, blanks kept

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.pairs:
            if key == name:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.pairs)

    def require(self, scope: str) -> None:
        if scope not in self.caller.scopes:
            raise detail(403, "You do not have permission to perform this action.")

    # -- paging ------------------------------------------------------------------------
    def per_page(self, default: int = 100, maximum: int = 100) -> int:
        raw = self.get("per_page")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise detail(400, "Invalid per_page parameter.") from None
        if not 1 <= value <= maximum:
            raise detail(400, f"Invalid per_page value. Must be between 1 and {maximum}.")
        return value

    def offset(self) -> int:
        raw = self.get("cursor")
        if raw is None or raw == "":
            return 0
        parts = raw.split(":")
        try:
            if len(parts) != 3:
                raise ValueError(raw)
            float(parts[0])
            offset, is_prev = int(parts[1]), int(parts[2])
        except ValueError:
            raise detail(400, "Invalid cursor parameter.") from None
        if is_prev not in (0, 1):
            raise detail(400, "Invalid cursor parameter.")
        if offset < 0:
            raise detail(400, "Pagination offset cannot be negative")
        return offset

    def page(self, rows: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """Slice `rows` per `per_page` and `cursor`; returns the page and its Link header."""
        per_page, offset = self.per_page(), self.offset()
        chunk = rows[offset : offset + per_page]
        has_more = offset + per_page < len(rows)
        return chunk, {"Link": self.link(offset, per_page, has_more)}

    def link(self, offset: int, per_page: int, has_more: bool) -> str:
        base = self.absolute_path()
        query = urlencode([(k, v) for k, v in self.pairs if k != "cursor"])
        prefix = f"{base}?{query}&cursor=" if query else f"{base}?cursor="
        prev_cursor = f"0:{max(0, offset - per_page)}:1"
        next_cursor = f"0:{offset + per_page}:0"
        prev = _link_part(prefix, "previous", offset > 0, prev_cursor)
        nxt = _link_part(prefix, "next", has_more, next_cursor)
        return f"{prev}, {nxt}"

    def absolute_path(self) -> str:
        scope = self.request.scope
        host = self.request.headers.get("host")
        if not host:
            server = scope.get("server") or ("127.0.0.1", 80)
            host = f"{server[0]}:{server[1]}"
        raw = scope.get("raw_path") or scope["path"].encode()
        return f"{scope.get('scheme', 'http')}://{host}{raw.decode('latin-1')}"

    # -- time window -------------------------------------------------------------------------
    def window(self) -> tuple[datetime, datetime]:
        now = self.demo.clock()
        start_raw, end_raw = self.get("start"), self.get("end")
        period = self.get("statsPeriod")
        if start_raw or end_raw:
            if not (start_raw and end_raw):
                raise detail(400, "start and end are both required")
            start, end = _when(start_raw, "start"), _when(end_raw, "end")
            if start > end:
                raise detail(400, "start must be before end")
            return max(start, now - MAX_PERIOD), end
        if period:
            m = re.fullmatch(r"(\d+)([smhdw])", period)
            if not m:
                raise detail(400, "Invalid statsPeriod")
            span = timedelta(seconds=int(m.group(1)) * PERIOD_UNITS[m.group(2)])
            return now - min(span, MAX_PERIOD), now
        return now - MAX_PERIOD, now


def _link_part(prefix: str, rel: str, results: bool, cursor: str) -> str:
    flag = "true" if results else "false"
    return f'<{prefix}{cursor}>; rel="{rel}"; results="{flag}"; cursor="{cursor}"'


def _when(raw: str, name: str) -> datetime:
    try:
        if re.fullmatch(r"\d+(\.\d+)?", raw):
            return datetime.fromtimestamp(float(raw), UTC)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise detail(400, f"{name} is not a valid ISO8601 date or Unix timestamp") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def query_pairs(raw: str) -> list[tuple[str, str]]:
    return parse_qsl(raw, keep_blank_values=True)


Handler = Callable[..., Awaitable[Response]]
