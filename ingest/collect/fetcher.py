"""HTTP fetching done right, over a caller's `httpx.Client` (the test seam).

- http/https only; redirects followed here (the client must not follow them), at most
  `max_redirects`, loops refused;
- connect/read timeouts, plus a total time per fetch (a trickling server is cut off);
- the body is streamed and abandoned once it passes `max_bytes`;
- transient failures (connect errors, timeouts, 5xx, 429) retried with exponential
  backoff; anything else fails at once;
- at most `per_host_limit` requests in flight per host, each followed by a pause.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from .encoding import decode_response
from .errors import (
    BadUrl,
    CollectError,
    ConnectFailed,
    FetchTimeout,
    HttpStatusError,
    RedirectError,
    ServerBusy,
    TooLarge,
)
from .hosts import HostLimiter
from .settings import CollectSettings

_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass
class Fetched:
    """One successful fetch: the body and what the server said about it."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    attempts: int = 1
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return decode_response(self.content, self.content_type)


_CONTEXTS: dict[tuple[bool, str | None, str | None], ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def default_ssl_context(trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default verifying context (`httpx.create_ssl_context()`: certifi, or the
    `SSL_CERT_FILE`/`SSL_CERT_DIR` of the environment), built once per process and per
    those variables. Loading the CA bundle costs about 30 ms of CPU, which every client
    (one per batch of agencies) paid again; a context serves any number of clients."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    key = (trust_env, cafile, capath) if trust_env else (False, None, None)
    with _CONTEXTS_LOCK:
        if (ctx := _CONTEXTS.get(key)) is None:
            ctx = _CONTEXTS[key] = httpx.create_ssl_context(trust_env=trust_env)
    return ctx


def make_client(settings: CollectSettings, **kwargs) -> httpx.Client:
    """The production client: timeouts and User-Agent from settings, redirects off; TLS
    verified with the process's shared default context unless `verify` is given."""
    if "verify" not in kwargs:
        kwargs["verify"] = default_ssl_context(kwargs.get("trust_env", True))
    timeout = httpx.Timeout(
        settings.read_timeout, connect=settings.connect_timeout, pool=settings.total_timeout
    )
    connections = max(settings.workers, settings.per_host_limit) * 2
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.Client(
        timeout=timeout,
        # Header values are bytes on the wire; the Chinese part goes as UTF-8 (obs-text).
        headers={"User-Agent": settings.user_agent.encode("utf-8")},
        follow_redirects=False,
        limits=limits,
        **kwargs,
    )


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUrl(f"网址「{url}」不是 http/https 网址，未访问", url)
    return url


class Fetcher:
    """`fetch(url)` → `Fetched`, or a `CollectError` with a Chinese reason."""

    def __init__(
        self,
        client: httpx.Client,
        settings: CollectSettings,
        limiter: HostLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.settings = settings
        self.limiter = limiter or HostLimiter(settings.per_host_limit, settings.per_host_delay)
        self.sleep = sleep

    def fetch(self, url: str) -> Fetched:
        """Fetch with retries for transient failures only."""
        attempt = 0
        while True:
            attempt += 1
            try:
                fetched = self._follow(url)
                fetched.attempts = attempt
                return fetched
            except CollectError as exc:
                if not exc.transient or attempt > self.settings.retries:
                    if exc.transient and attempt > 1:
                        exc.reason = f"{exc.reason}（已重试{attempt - 1}次）"
                    raise
            pause = min(self.settings.backoff * 2 ** (attempt - 1), self.settings.backoff_max)
            self.sleep(pause)

    def _follow(self, url: str) -> Fetched:
        seen: list[str] = []
        current = check_url(url)
        while True:
            response, content, at = self._get(current)
            if response.status_code in _REDIRECTS:
                target = response.headers.get("location")
                if not target:
                    raise RedirectError(f"网址 {current} 返回重定向但没有目标地址", url)
                seen.append(current)
                current = check_url(urljoin(current, target))
                if current in seen:
                    raise RedirectError(f"网址 {url} 陷入循环重定向", url)
                if len(seen) > self.settings.max_redirects:
                    raise RedirectError(
                        f"网址 {url} 重定向超过 {self.settings.max_redirects} 次", url
                    )
                continue
            return Fetched(
                url,
                current,
                response.status_code,
                {k.lower(): v for k, v in response.headers.items()},
                content,
                at,
                redirects=seen,
            )

    def _get(self, url: str) -> tuple[httpx.Response, bytes, datetime]:
        host = urlsplit(url).hostname or ""
        cap = self.settings.max_bytes
        with self.limiter.slot(host):
            started = time.monotonic()
            at = datetime.now(UTC)
            try:
                with self.client.stream("GET", url, follow_redirects=False) as response:
                    status = response.status_code
                    if status == 429 or status >= 500:
                        raise ServerBusy(f"网站繁忙或出错（HTTP {status}）：{url}", url, status)
                    if 400 <= status < 500:
                        raise HttpStatusError(_status_reason(status, url), url, status)
                    if status in _REDIRECTS:
                        return response, b"", at
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        raise TooLarge(_too_large(url, cap), url)
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise TooLarge(_too_large(url, cap), url)
                        if time.monotonic() - started > self.settings.total_timeout:
                            raise FetchTimeout(
                                f"网站响应过慢，{self.settings.total_timeout:g} 秒内未传完：{url}",
                                url,
                            )
                        chunks.append(chunk)
                    return response, b"".join(chunks), at
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"访问超时（{type(exc).__name__}）：{url}", url) from exc
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                raise ConnectFailed(f"无法连接网站（{type(exc).__name__}）：{url}", url) from exc
            except httpx.HTTPError as exc:
                raise ConnectFailed(f"访问出错（{type(exc).__name__}）：{url}", url) from exc


def _status_reason(status: int, url: str) -> str:
    if status == 404:
        return f"页面不存在（HTTP 404）：{url}"
    if status in (401, 403):
        return f"网站拒绝访问（HTTP {status}）：{url}"
    return f"网站返回错误（HTTP {status}）：{url}"


def _too_large(url: str, cap: int) -> str:
    return f"文件超过大小上限（{cap // (1024 * 1024) or cap} {'MB' if cap >= 1048576 else '字节'}），已中止下载：{url}"
