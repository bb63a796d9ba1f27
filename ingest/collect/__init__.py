"""Collecting each year's reports from agency websites (issue 4).

Public surface:

- `CollectSettings`: timeouts, retries, per-host limit and delay, total concurrency, size
  cap, redirects, pagination bound, User-Agent, local deadlines (one typed object, built
  at the entry point); `options_from_env(environ)`: the fields `NIANBAO_COLLECT_*` set;
- `make_client(settings)`, `Fetcher(client, settings)`: HTTP over a caller's `httpx.Client`;
- `Archive(root)`: content-addressed raw archive (`<root>/<sha[:2]>/<sha>`);
- `AgencyCollector(fetcher, archive)`: `collect(agency, year)` → `Collected`;
- `discovery`: finding the year's link, pagination, attachments, dates, error pages;
- `errors`: CollectError ← TransientError (retried) / PermanentError.
"""

from .archive import Archive
from .collector import COLLECTED, FAILED, LATE, MISSING, STATUS_TEXT, AgencyCollector, Collected
from .errors import CollectError, PermanentError, TransientError
from .fetcher import Fetched, Fetcher, make_client
from .hosts import HostLimiter
from .settings import USER_AGENT, CollectSettings, options_from_env

__all__ = [
    "COLLECTED",
    "FAILED",
    "LATE",
    "MISSING",
    "STATUS_TEXT",
    "USER_AGENT",
    "AgencyCollector",
    "Archive",
    "CollectError",
    "CollectSettings",
    "Collected",
    "Fetched",
    "Fetcher",
    "HostLimiter",
    "PermanentError",
    "TransientError",
    "make_client",
    "options_from_env",
]
