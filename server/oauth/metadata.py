"""Protected Resource Metadata (RFC 9728): how a client learns which issuer signs callers in.

Served, without a token, at `/.well-known/oauth-protected-resource` and at the same path
followed by the endpoint's path (`.../mcp`, what the SDK's 401 answers point to, and `.../sse`),
and by the audience's path if it differs (a server behind a proxy that maps paths). This
replaces the SDK's own document, which lists only the required scope and rewrites the
issuer's URL (a final slash added), where clients compare it exactly.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from . import SCOPES, OAuthSettings

WELL_KNOWN = "/.well-known/oauth-protected-resource"
RESOURCE_NAME = "Sentry Replays"


def resource_metadata(oauth: OAuthSettings) -> dict[str, Any]:
    return {
        "resource": oauth.audience,
        "authorization_servers": [oauth.issuer],
        "scopes_supported": list(SCOPES),
        "bearer_methods_supported": ["header"],
        "resource_name": RESOURCE_NAME,
    }


def metadata_paths(oauth: OAuthSettings, endpoint_path: str) -> frozenset[str]:
    audience_path = urlsplit(oauth.audience).path.rstrip("/")
    return frozenset({WELL_KNOWN, WELL_KNOWN + endpoint_path, WELL_KNOWN + audience_path})


class ResourceMetadata:
    """In front of the MCP app: answers GET (and the CORS preflight) on the metadata paths."""

    def __init__(self, app: ASGIApp, oauth: OAuthSettings, endpoint_path: str) -> None:
        self.app = app
        self.paths = metadata_paths(oauth, endpoint_path)
        self._body = json.dumps(resource_metadata(oauth)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", b"GET, OPTIONS"),
        ]
        if method == "GET":
            status, body = 200, self._body
            headers += [
                (b"content-type", b"application/json"),
                (b"cache-control", b"public, max-age=3600"),
            ]
        elif method == "OPTIONS":
            status, body = 204, b""
        else:
            status, body = 405, b""
            headers.append((b"allow", b"GET, OPTIONS"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
