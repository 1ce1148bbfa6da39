"""The test host's way to the server: a loopback HTTP server (127.0.0.1, port 0) that serves
the host page and forwards its JSON calls (tools/list, tools/call, resources/read) to a real
MCP client session (`mcp.Client`, with the Apps extension declared) on the real server, built
in process with demo settings. It runs the client in its own event loop thread (an anyio
blocking portal) and stops itself on exit.

A second loopback port is the sandbox proxy's origin (the specification wants it to differ
from the host's): it serves only the proxy page, under the view's Content-Security-Policy as
an HTTP header, which the view's document (the proxy's srcdoc iframe) inherits."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp.client import Client, advertise

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings

HERE = Path(__file__).resolve().parent
HTML, SCRIPT = "text/html; charset=utf-8", "text/javascript; charset=utf-8"
HOST_PAGES = {"/host.html": HTML, "/host.js": SCRIPT}
SANDBOX_PAGES = {"/sandbox.html": HTML, "/sandbox.js": SCRIPT}
# The restrictive default of the specification (no `_meta.ui.csp` is declared), plus the
# directives the sandbox proxy adds (frame-src, object-src, base-uri).
VIEW_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' data:; connect-src 'none'; frame-src 'none'; "
    "object-src 'none'; base-uri 'self'"
)
APPS_EXTENSION = "io.modelcontextprotocol/ui"
APPS_SETTINGS = {"mimeTypes": ["text/html;profile=mcp-app"]}
FORWARDED = ("tools/list", "tools/call", "resources/read")
CALL_TIMEOUT = 60.0
MAX_BODY = 1 << 20


@dataclass
class Bridge:
    """A running bridge: its base URL and the calls it forwarded, in order."""

    url: str
    sandbox_url: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)

    def page(self, isolation: str = "proxy", **query: str) -> str:
        """The host page's address; with isolation "proxy" the view runs in the sandbox
        proxy (the specification's way), with "direct" in an allow-scripts-only iframe."""
        if isolation == "proxy":
            query["sandbox"] = self.sandbox_url
        return f"{self.url}/host.html?{urlencode(query)}"


def dumped(result: Any) -> dict[str, Any]:
    return dict(result.model_dump(mode="json", by_alias=True, exclude_none=True))


async def forward(
    client: Client, method: str, params: dict[str, Any], view: str | None = None
) -> dict[str, Any]:
    """One host call on the client session; `view` (tests of the host's own checks only)
    replaces the text of the view's resource."""
    if method == "tools/list":
        return dumped(await client.list_tools())
    if method == "tools/call":
        name, arguments = params["name"], params.get("arguments") or {}
        return dumped(await client.call_tool(name, arguments, read_timeout_seconds=CALL_TIMEOUT))
    read = dumped(await client.read_resource(params["uri"]))
    if view is not None:
        read["contents"][0]["text"] = view
    return read


class Pages(BaseHTTPRequestHandler):
    """Serves the files in `pages` from this folder (the proxy's under the view's CSP)."""

    pages: ClassVar[dict[str, str]] = {}
    policy: str | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests read `bridge.calls`

    def reply(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if self.policy and kind == HTML:
            self.send_header("Content-Security-Policy", self.policy)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in self.pages:
            self.reply(404, b"not found", "text/plain")
            return
        self.reply(200, (HERE / path.lstrip("/")).read_bytes(), self.pages[path])


class SandboxPages(Pages):
    pages: ClassVar[dict[str, str]] = SANDBOX_PAGES
    policy = VIEW_CSP


def handler_for(
    bridge: Bridge, portal: BlockingPortal, client: Client, view: str | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(Pages):
        pages: ClassVar[dict[str, str]] = HOST_PAGES

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/rpc" or not 0 < length <= MAX_BODY:
                self.reply(400, b"bad request", "text/plain")
                return
            request = json.loads(self.rfile.read(length))
            method, params = request.get("method"), request.get("params") or {}
            if method not in FORWARDED:
                self.reply(400, b"unknown method", "text/plain")
                return
            bridge.calls.append({"method": method, **params})
            try:
                answer = {"result": portal.call(forward, client, method, params, view)}
            except Exception as exc:  # the host shows the error to the view as JSON-RPC
                answer = {"error": {"code": -32603, "message": str(exc)}}
            self.reply(200, json.dumps(answer).encode(), "application/json")

    return Handler


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="host-bridge", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@contextmanager
def running_bridge(settings: Settings | None = None, view: str | None = None) -> Iterator[Bridge]:
    """Serve the host page and the sandbox proxy on two loopback ports in front of a real MCP
    client session on the demo server; everything stops on exit."""
    server = build_server(settings or Settings(demo=True))
    client = Client(server, extensions=[advertise(APPS_EXTENSION, APPS_SETTINGS)])
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(client) as session:
        bridge = Bridge(url="")
        with (
            serving(handler_for(bridge, portal, session, view)) as url,
            serving(SandboxPages) as sandbox,
        ):
            bridge.url, bridge.sandbox_url = url, sandbox
            yield bridge
