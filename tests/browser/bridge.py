"""The test host's way to the server: a loopback HTTP server (127.0.0.1, port 0) that serves
the host page and forwards its JSON calls (tools/list, tools/call, resources/read) to a real
MCP client session (`mcp.Client`, with the Apps extension declared) on the real server, built
in process with demo settings. It runs the client in its own event loop thread (an anyio
blocking portal) and stops itself on exit."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp.client import Client, advertise

from sentry_replays_mcp.server.app import build_server
from sentry_replays_mcp.server.config import Settings

HERE = Path(__file__).resolve().parent
PAGES = {"/host.html": "text/html; charset=utf-8", "/host.js": "text/javascript; charset=utf-8"}
APPS_EXTENSION = "io.modelcontextprotocol/ui"
APPS_SETTINGS = {"mimeTypes": ["text/html;profile=mcp-app"]}
FORWARDED = ("tools/list", "tools/call", "resources/read")
CALL_TIMEOUT = 60.0
MAX_BODY = 1 << 20


@dataclass
class Bridge:
    """A running bridge: its base URL and the calls it forwarded, in order."""

    url: str
    calls: list[dict[str, Any]] = field(default_factory=list)

    def page(self, **query: str) -> str:
        from urllib.parse import urlencode

        return f"{self.url}/host.html?{urlencode(query)}"

    def called(self, name: str) -> list[dict[str, Any]]:
        """The tools/call requests for tool `name` the host forwarded."""
        return [c for c in self.calls if c["method"] == "tools/call" and c["name"] == name]


def dumped(result: Any) -> dict[str, Any]:
    return dict(result.model_dump(mode="json", by_alias=True, exclude_none=True))


async def forward(client: Client, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if method == "tools/list":
        return dumped(await client.list_tools())
    if method == "tools/call":
        name, arguments = params["name"], params.get("arguments") or {}
        return dumped(await client.call_tool(name, arguments, read_timeout_seconds=CALL_TIMEOUT))
    return dumped(await client.read_resource(params["uri"]))


def handler_for(bridge: Bridge, portal: BlockingPortal, client: Client) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the tests read `bridge.calls`

        def reply(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            if path not in PAGES:
                self.reply(404, b"not found", "text/plain")
                return
            self.reply(200, (HERE / path.lstrip("/")).read_bytes(), PAGES[path])

        def do_POST(self) -> None:  # noqa: N802
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
                answer = {"result": portal.call(forward, client, method, params)}
            except Exception as exc:  # the host shows the error to the view as JSON-RPC
                answer = {"error": {"code": -32603, "message": str(exc)}}
            self.reply(200, json.dumps(answer).encode(), "application/json")

    return Handler


@contextmanager
def running_bridge(settings: Settings | None = None) -> Iterator[Bridge]:
    """Serve the host page on 127.0.0.1 (a free port) in front of a real MCP client session
    on the demo server; everything stops on exit."""
    server = build_server(settings or Settings(demo=True))
    client = Client(server, extensions=[advertise(APPS_EXTENSION, APPS_SETTINGS)])
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(client) as session:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        bridge = Bridge(url=f"http://127.0.0.1:{httpd.server_address[1]}")
        httpd.RequestHandlerClass = handler_for(bridge, portal, session)
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, name="host-bridge", daemon=True)
        thread.start()
        try:
            yield bridge
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=10)
