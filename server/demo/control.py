"""The demo's control routes under `/__demo__/`: faults, the request log and reset.

`DemoSentry` checks the bearer token, then looks up `(path, method)` in `ROUTES`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from .web import empty, json_response

if TYPE_CHECKING:
    from .app import DemoSentry


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
