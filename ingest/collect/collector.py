"""One agency's report for one year: find it, fetch it, archive every body fetched.

Route: the registry's explicit report URL for the year, else the 年报 column (and its
next pages, at most `max_pages`) → the link naming the year → the report page → its
attachment when the page is only a shell. Every agency ends with a `Collected` whose
status is collected, missing (no report found) or failed (with a Chinese reason);
"late" is decided later against the deadline (`flows.collect`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from queue import SimpleQueue
from urllib.parse import urlsplit

from ingest.registry import Agency

from . import discovery
from .archive import Archive
from .discovery import Page
from .errors import CollectError, ErrorPage
from .fetcher import Fetched, Fetcher

COLLECTED, MISSING, FAILED, LATE = "collected", "missing", "failed", "late"
STATUS_TEXT = {COLLECTED: "已采集", LATE: "逾期发布", MISSING: "未找到报告", FAILED: "采集失败"}


@dataclass(frozen=True)
class FetchLog:
    """One body fetched and archived (the content itself is in the archive)."""

    role: str  # column | page | attachment
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    fetched_at: datetime
    sha256: str
    size: int
    media: str  # html | pdf | docx | doc | wps | other


@dataclass
class Collected:
    agency_id: str
    year: int
    status: str
    reason: str
    page_url: str | None = None  # the report page (as listed, or from the registry)
    document: FetchLog | None = None  # the report itself (page or attachment)
    archive_path: Path | None = None
    page_date: str | None = None  # 发布日期 shown on the page
    listed_date: str | None = None  # date beside the link in the column
    fetches: list[FetchLog] = field(default_factory=list)

    @property
    def shown_date(self) -> str | None:
        """The publication date the website shows: the page's, else the listing's."""
        return self.page_date or self.listed_date


def media_of(data: bytes, url: str, content_type: str) -> str:
    path = url.lower().split("?")[0]
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if not path.endswith(".wps") else "wps"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "wps" if path.endswith(".wps") else "doc"
    if "html" in content_type or data.lstrip()[:200].lower().startswith((b"<!doctype", b"<html")):
        return "html"
    if b"<html" in data[:2048].lower() or b"<body" in data[:4096].lower():
        return "html"
    return "other"


class AgencyCollector:
    """Collects one year's report per agency through one `Fetcher` and one `Archive`."""

    def __init__(self, fetcher: Fetcher, archive: Archive, max_pages: int = 5):
        self.fetcher = fetcher
        self.archive = archive
        self.max_pages = max_pages

    def _get(self, role: str, url: str, result: Collected) -> tuple[FetchLog, Fetched, Page | None]:
        """Fetch, archive and log one URL; (log, fetched, page), an HTML page parsed once."""
        fetched = self.fetcher.fetch(url)
        sha, _ = self.archive.put(fetched.content)
        log = FetchLog(
            role,
            fetched.url,
            fetched.final_url,
            fetched.status,
            fetched.headers,
            fetched.fetched_at,
            sha,
            len(fetched.content),
            media_of(fetched.content, fetched.final_url, fetched.content_type),
        )
        result.fetches.append(log)
        page = None
        if log.media == "html":
            page = Page.parse(fetched.text())
            if reason := discovery.error_page(page):
                raise ErrorPage(f"{reason}：{fetched.final_url}", url)
        fetched.content = b""  # kept in the archive; a batch holds no bodies
        return log, fetched, page

    def collect(self, agency: Agency, year: int) -> Collected:
        result = Collected(agency.agency_id, year, FAILED, "")
        stage = "访问报告页面"
        try:
            page_url = agency.report_urls.get(year)
            if page_url is None:
                if not agency.column_url:
                    result.status, result.reason = MISSING, "机构名录中没有年报栏目网址或报告网址"
                    return result
                stage = "访问年报栏目"
                link, pages = self._discover(agency.column_url, year, result)
                if link is None:
                    result.status = MISSING
                    result.reason = f"在年报栏目中（共查看{pages}页）未找到{year}年度报告"
                    return result
                page_url, result.listed_date = link.url, link.listed_date
                stage = "访问报告页面"
            result.page_url = page_url
            log, fetched, page = self._get("page", page_url, result)
            document = log
            if page is not None:
                result.page_date = discovery.page_date(page)
                shell = discovery.is_shell(page)
                files = discovery.attachments(page, fetched.final_url) if shell else []
                if files:
                    stage = "下载报告附件"
                    named = [f for f in files if discovery.names_report(f.title, year)]
                    document = self._get("attachment", (named or files)[0].url, result)[0]
            result.document = document
            result.archive_path = self.archive.path(document.sha256)
            result.status, result.reason = COLLECTED, "已采集"
        except CollectError as exc:
            result.status, result.reason = FAILED, f"{stage}失败：{exc.reason}"
        return result

    def _discover(
        self, column_url: str, year: int, result: Collected
    ) -> tuple[discovery.Link | None, int]:
        url: str | None = column_url
        seen: set[str] = set()
        page = 0
        while url and page < self.max_pages and url not in seen:
            seen.add(url)
            _, fetched, html = self._get("column", url, result)
            if html is None:  # not a web page: no links to follow
                return None, page + 1
            links = discovery.report_links(html, fetched.final_url, year)
            page += 1
            if links:
                return links[0], page
            url = discovery.next_page(html, fetched.final_url, page - 1)
        return None, page

    def collect_many(self, agencies: Sequence[Agency], year: int, workers: int) -> list[Collected]:
        """Every agency's `Collected`, in registry order.

        Up to `workers` agencies run at once, taken from the hosts in turn (the host of
        the registry URL an agency starts from), at most twice the per-host limit per
        host: a busy host never holds the workers another host could use, and its slots
        stay busy while some of its agencies parse (the `HostLimiter` caps requests)."""
        if workers <= 1 or len(agencies) <= 1:
            return [self.collect(a, year) for a in agencies]
        per_host = 2 * self.fetcher.limiter.limit
        queues: dict[str, deque[int]] = {}
        for n, a in enumerate(agencies):
            queues.setdefault(start_host(a, year), deque()).append(n)
        hosts = deque(queues)  # round-robin over the hosts with agencies waiting
        running = dict.fromkeys(queues, 0)
        results: list[Collected | None] = [None] * len(agencies)
        pending: dict[Future, tuple[int, str]] = {}
        finished: SimpleQueue[Future] = SimpleQueue()  # each future once it is done
        with ThreadPoolExecutor(max_workers=min(workers, len(agencies))) as pool:
            while hosts or pending:
                for _ in range(len(hosts)):
                    if len(pending) >= workers:
                        break
                    host = hosts.popleft()
                    if running[host] < per_host:
                        n = queues[host].popleft()
                        running[host] += 1
                        future = pool.submit(self.collect, agencies[n], year)
                        pending[future] = (n, host)
                        future.add_done_callback(finished.put)
                    if queues[host]:
                        hosts.append(host)
                if not pending:
                    continue
                # A done-queue, not `wait(pending)`: that registers with every pending
                # future each time one agency ends.
                done = [finished.get()]
                while not finished.empty():
                    done.append(finished.get_nowait())
                for fut in done:
                    n, host = pending.pop(fut)
                    running[host] -= 1
                    results[n] = fut.result()
        return results  # type: ignore[return-value]


def start_host(agency: Agency, year: int) -> str:
    """The host an agency's collection starts from (its report URL's, else its column's)."""
    url = agency.report_urls.get(year) or agency.column_url or ""
    return (urlsplit(url).hostname or "").lower()
