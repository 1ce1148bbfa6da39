"""The MCP Bundle's entry point: `uv run --directory <bundle> scripts/bundle_entry.py`.

uv installs the project (pyproject.toml beside it) and its dependencies into the bundle's own
environment first; this only starts the installed server on stdio, with the settings the
host passes in the environment.
"""

import sys

from sentry_replays_mcp.server.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
