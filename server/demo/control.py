"""The demo's control routes under `/__demo__/`: faults, the request log and reset.

`DemoSentry` checks the caller (`foreign_caller`) and the bearer token, then looks up
`(path, method)` in `ROUTES`. The demo's token is no secret, so the control routes also answer
only requests addressed to a loopback name or to the address the demo listens on, and no page
of another origin: a web page that rebinds its own name to this machine cannot inject faults.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from .web import empty, json_response

if TYPE_CHECKING:
    from .app import DemoSentry


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _hostname(value: str) -> str:
    try:
        return (urlsplit(value if "//" in value else f"//{value}").hostname or "").lower()
    except ValueError:  # an unclosed [IPv6 address
        return ""


def foreign_caller(request: Request) -> Response | None:
    """The refusal for a request with a foreign Host (421) or Origin (403), else None."""
    listening = str((request.scope.get("server") or ("",))[0])
    host = _hostname(request.headers.get("host", ""))
    if host not in LOOPBACK_NAMES and host != listening.lower():
        return json_response({"detail": "Control routes answer only loopback Host names."}, 421)
    origin = request.headers.get("origin")
    if origin is not None and _hostname(origin) not in LOOPBACK_NAMES:
        return json_response({"detail": "Control routes answer no other origin."}, 403)
    return None


async def add_fault(demo: DemoSentry, request: Request) -> Response:
    """Add the fault the JSON body describes (the keys of `FaultSet.add`)."""
    try:
        fault = demo.faults.add_from_json(json.loads(await request.body() or b"null"))
    except (ValueError, TypeError, re.error) as exc:
        return json_response({"detail": f"Bad fault: {exc}"}, 400)
    return json_response(fault.describe(), 201)


async def clear_faults(demo: DemoSentry, request: Request) -> Response:
    demo.faults.clear()
    return empty(204)


async def list_faults(demo: DemoSentry, request: Request) -> Response:
    return json_response([f.describe() for f in demo.faults])


async def list_requests(demo: DemoSentry, request: Request) -> Response:
    return json_response([r.as_dict() for r in list(demo.requests)])


async def reset(demo: DemoSentry, request: Request) -> Response:
    demo.reset()
    return empty(204)


ROUTES: dict[tuple[str, str], Callable[[DemoSentry, Request], Awaitable[Response]]] = {
    ("/__demo__/faults", "POST"): add_fault,
    ("/__demo__/faults", "DELETE"): clear_faults,
    ("/__demo__/faults", "GET"): list_faults,
    ("/__demo__/requests", "GET"): list_requests,
    ("/__demo__/reset", "POST"): reset,
}
