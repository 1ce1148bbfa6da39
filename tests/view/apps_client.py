"""A client that shows MCP Apps: it declares the `io.modelcontextprotocol/ui` extension with
the HTML profile, as hosts such as Claude do (ext-apps specification 2026-01-26,
"Client<>Server Capability Negotiation")."""

from __future__ import annotations

from typing import Any

from mcp.client.extension import ClientExtension

APP_MIME_TYPE = "text/html;profile=mcp-app"


class ShowsApps(ClientExtension):
    identifier = "io.modelcontextprotocol/ui"

    def settings(self) -> dict[str, Any]:
        return {"mimeTypes": [APP_MIME_TYPE]}
