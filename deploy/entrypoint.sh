#!/bin/sh
# The container's command: the server on streamable HTTP, port 8000 on every interface, set up
# by environment variables only (see the README, "Deploying for a team"): the program reads
# SENTRY_AUTH_TOKEN, SENTRY_URL, SENTRY_ORG, MCP_HTTP_TOKEN, MCP_ALLOWED_HOSTS, MCP_STATELESS,
# SENTRY_MCP_SECRET, MCP_WORKERS, ... itself. Arguments given to the container come last (a
# later flag wins).
set -eu
exec sentry-replays-mcp --transport streamable-http --host 0.0.0.0 --port 8000 "$@"
