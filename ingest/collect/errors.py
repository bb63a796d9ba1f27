"""Collection errors. Each carries a Chinese reason; `transient` ones are retried.

CollectError
├── TransientError          retried with backoff
│   ├── ConnectFailed       DNS, refused, reset
│   ├── FetchTimeout        connect/read timeout, or the whole fetch took too long
│   └── ServerBusy          HTTP 5xx or 429
└── PermanentError          not retried
    ├── HttpStatusError     HTTP 4xx (not 429)
    ├── TooLarge            body over the size cap (aborted while streaming)
    ├── RedirectError       too many redirects, a loop, or a redirect without Location
    ├── BadUrl              not http/https, or malformed
    └── ErrorPage           an HTML error page served with status 200
"""

from __future__ import annotations


class CollectError(Exception):
    """Base of collection errors; `reason` is Chinese, for the agency's outcome."""

    transient = False

    def __init__(self, reason: str, url: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url


class TransientError(CollectError):
    transient = True


class ConnectFailed(TransientError):
    pass


class FetchTimeout(TransientError):
    pass


class ServerBusy(TransientError):
    def __init__(self, reason: str, url: str | None = None, status: int | None = None):
        super().__init__(reason, url)
        self.status = status


class PermanentError(CollectError):
    pass


class HttpStatusError(PermanentError):
    def __init__(self, reason: str, url: str | None = None, status: int | None = None):
        super().__init__(reason, url)
        self.status = status


class TooLarge(PermanentError):
    pass


class RedirectError(PermanentError):
    pass


class BadUrl(PermanentError):
    pass


class ErrorPage(PermanentError):
    pass
