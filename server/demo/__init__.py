"""An embedded fake of Sentry's session-replay API, for demo mode, tests and benchmarks.

`DemoSentry(dialect="sentry")` answers like sentry.io (see the reference notes);
`DemoSentry(dialect="spec")` answers like the simplified seed OpenAPI spec.
"""

from .app import DEMO_ORG, DEMO_READONLY_TOKEN, DEMO_TOKEN, DemoSentry
from .faults import Fault, RequestRecord
from .serving import serve_in_thread

__all__ = [
    "DEMO_ORG",
    "DEMO_READONLY_TOKEN",
    "DEMO_TOKEN",
    "DemoSentry",
    "Fault",
    "RequestRecord",
    "serve_in_thread",
]
