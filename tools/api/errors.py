"""One error taxonomy for every way a Sentry call can fail.

Each class carries a message an agent can act on. None of them ever holds the
token: messages are built from the operation, the status and Sentry's `detail`,
never from request headers.
"""

from __future__ import annotations


class SentryError(Exception):
    """Base class: `str(error)` is the sentence shown to the agent."""

    kind = "error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class InvalidArgument(SentryError):
    """The client refused a value it would have put into a request (an id that is not one,
    a page size out of range...); no request was made."""

    kind = "invalid_argument"


class AuthenticationFailed(SentryError):
    """401: the token is missing, invalid or expired."""

    kind = "authentication"


class PermissionDenied(SentryError):
    """403: the token lacks the scope the operation needs."""

    kind = "permission"

    def __init__(self, message: str, *, scope: str, status: int | None = 403) -> None:
        super().__init__(message, status=status)
        self.scope = scope


class NotFound(SentryError):
    """404: nothing with that id in that organization/project and time window."""

    kind = "not_found"


class InvalidRequest(SentryError):
    """400: Sentry refused a parameter (bad query syntax, sort field, cursor...)."""

    kind = "invalid_request"


class RateLimited(SentryError):
    """429: retry after `retry_after` seconds."""

    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: float, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class UpstreamError(SentryError):
    """5xx, timeout, connection failure or a body that is not the JSON we expect.

    `not_sent` marks failures that happened before the request reached Sentry (safe to
    retry for any method); `timed_out` marks a request that got no answer in time.
    """

    kind = "upstream"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        not_sent: bool = False,
        timed_out: bool = False,
    ) -> None:
        super().__init__(message, status=status)
        self.not_sent = not_sent
        self.timed_out = timed_out
