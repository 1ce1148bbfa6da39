# The server for a team: streamable HTTP on port 8000, set up by environment variables only.
# See the README, "Deploying for a team" (deploy/ has a compose file and a Kubernetes manifest).
#
#   docker build -t sentry-replays-mcp .
#   docker run -p 8000:8000 -e SENTRY_AUTH_TOKEN=... -e MCP_HTTP_TOKEN=... \
#     -e SENTRY_MCP_SECRET=... -e MCP_STATELESS=1 -e MCP_ALLOWED_HOSTS=mcp.example.com \
#     sentry-replays-mcp
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The package from this repository, without its test or dev extras.
COPY pyproject.toml README.md /src/
COPY server/ /src/server/
COPY tools/ /src/tools/
RUN pip install /src && rm -rf /src

COPY deploy/entrypoint.sh /usr/local/bin/sentry-replays-mcp-entrypoint
RUN chmod 0755 /usr/local/bin/sentry-replays-mcp-entrypoint \
    && useradd --system --uid 10001 --user-group --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin mcp

USER 10001:10001
WORKDIR /tmp
EXPOSE 8000

# No curl in the slim image: the check is Python's own urllib (/healthz needs no caller token).
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["/usr/local/bin/sentry-replays-mcp-entrypoint"]
