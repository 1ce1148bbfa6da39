#!/bin/sh
# The container's command: the server on streamable HTTP, port 8000 on every interface, set up
# by environment variables only (see the README, "Deploying for a team").
#
# The program reads most settings from the environment itself (SENTRY_AUTH_TOKEN, SENTRY_URL,
# SENTRY_ORG, MCP_HTTP_TOKEN, MCP_STATELESS, SENTRY_MCP_SECRET, MCP_WORKERS, ...). Two it
# reads only as flags are taken here from variables of this image:
#   MCP_ALLOWED_HOSTS    comma-separated Host names callers reach the server by, each with or
#                        without a port (--allowed-host), e.g. mcp.example.com,mcp-internal
#   MCP_ALLOWED_ORIGINS  comma-separated browser origins to accept (--allowed-origin)
# Arguments given to the container come last (a later flag wins).
set -eu
set -f  # the lists are split on commas, never expanded as file names

for origin in $(printf '%s' "${MCP_ALLOWED_ORIGINS:-}" | tr ',' ' '); do
  set -- --allowed-origin "$origin" "$@"
done
for host in $(printf '%s' "${MCP_ALLOWED_HOSTS:-}" | tr ',' ' '); do
  set -- --allowed-host "$host" "$@"
done

exec sentry-replays-mcp --transport streamable-http --host 0.0.0.0 --port 8000 "$@"
