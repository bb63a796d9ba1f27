"""The synthetic province's websites on loopback HTTP servers (for `collect` and `review`).

Each agency's portal (`province.host_for`: the province and each city on its own
127.0.0.x address, all on one port) serves:

| path | page |
|---|---|
| `/<agency_id>/index.html` | the 年报 column: one link per year, titled `<name><year>年政府信息公开工作年度报告`, with its date |
| `/<agency_id>/<year>.html` | a web report itself (UTF-8 or GBK, as generated); a text report inside `<pre>`; for a DOCX or PDF, a page with the document as attachment |
| `/<agency_id>/files/<year>.<docx|pdf>` | the attachment |

`ProvinceServer(folder)` reads `registry.csv` and `truth.json` (file and date of each
report) from a folder written by `generate`; `start()` binds every host on one free
port, `registry(path)` writes the registry with each agency's `column_url`, `stop()`
shuts all down. Threaded; only loopback addresses. `serve_wsgi` serves any WSGI app the
same way (benchmarks/bench_collect.py).

HTTP/1.1 with keep-alive, as government sites answer: a client fetching many pages from
one portal reuses its connections (wsgiref's own handler closes each connection after
one request, which made every fetch pay a TCP handshake and a server thread).
"""

from __future__ import annotations

import io
import sys
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import unquote, urlsplit

from ingest.registry import Agency, load_registry

from .generate import write_registry
from .province import host_for
from .truth import Truth

_HTML = "text/html; charset=utf-8"
_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


class ThreadedWSGIServer(ThreadingMixIn, HTTPServer):
    """Serves WSGI app `app` (GET and HEAD), each connection on its own thread."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app) -> None:
        super().__init__(address, KeepAliveHandler)
        self.app = app


class KeepAliveHandler(BaseHTTPRequestHandler):
    """HTTP/1.1: many requests per connection; an idle connection closes after 30 s."""

    protocol_version = "HTTP/1.1"
    timeout = 30
    # Nagle off: on a kept-alive connection the body, written after the headers, would
    # wait until the client acknowledged the headers, i.e. for its delayed ACK (up to
    # 40 ms a response on Linux).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        host, port = self.server.server_address[:2]
        target = urlsplit(self.path)
        environ = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(target.path),
            "QUERY_STRING": target.query,
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "HTTP_HOST": self.headers.get("Host", ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        answer: dict = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        body = b"".join(self.server.app(environ, start_response))
        code, _, reason = answer["status"].partition(" ")
        self.send_response(int(code), reason)
        for name, value in answer["headers"]:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def serve_wsgi(app, host: str = "127.0.0.1", port: int = 0) -> ThreadedWSGIServer:
    """`app` served on a background thread (port 0: a free one); `shutdown()` stops it."""
    server = ThreadedWSGIServer((host, port), app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _page(title: str, body: str, published: str | None = None) -> bytes:
    meta = f'<meta name="PubDate" content="{published} 09:00">' if published else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{meta}<title>{escape(title)}</title>'
        f"</head><body>{body}</body></html>"
    ).encode()


class ProvinceApp:
    """The WSGI application serving every agency's column and reports."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.agencies: dict[str, Agency] = {
            a.agency_id: a for a in load_registry(self.folder / "registry.csv")
        }
        self.reports: dict[tuple[str, int], tuple[Path, str | None]] = {}
        self.years: dict[str, list[int]] = {}  # agency_id -> its report years, newest first
        for e in Truth.read(self.folder / "truth.json").reports:
            self.reports[(e.agency_id, e.year)] = (self.folder / e.file, e.published)
            self.years.setdefault(e.agency_id, []).append(e.year)
        for years in self.years.values():
            years.sort(reverse=True)

    def title(self, agency_id: str, year: int) -> str:
        return f"{self.agencies[agency_id].name}{year}年政府信息公开工作年度报告"

    def column(self, agency_id: str) -> bytes:
        items = "".join(
            f'<li><a href="/{agency_id}/{y}.html" title="{escape(self.title(agency_id, y))}">'
            f"{escape(self.title(agency_id, y))}</a><span>{self.reports[(agency_id, y)][1]}</span></li>"
            for y in self.years.get(agency_id, ())
        )
        name = self.agencies[agency_id].name
        return _page(f"{name} 政府信息公开年报", f"<h2>政府信息公开年报</h2><ul>{items}</ul>")

    def report(self, agency_id: str, year: int) -> tuple[bytes, str]:
        path, published = self.reports[(agency_id, year)]
        title = self.title(agency_id, year)
        if path.suffix == ".html":
            return path.read_bytes(), "text/html"  # the page declares its own charset
        if path.suffix == ".txt":
            text = path.read_text(encoding="utf-8")
            body = f"<h1>{escape(title)}</h1><pre>{escape(text)}</pre>"
            return _page(title, body, published), _HTML
        link = f"/{agency_id}/files/{year}{path.suffix}"
        body = (
            f"<h1>{escape(title)}</h1><p>发布时间：{published}</p>"
            f'<p>附件：<a href="{link}">{escape(title)}{path.suffix}</a></p>'
        )
        return _page(title, body, published), _HTML

    def __call__(self, environ, start_response):
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        body, kind = b"not found", "text/plain"
        status = "404 Not Found"
        try:
            if len(parts) == 2 and parts[0] in self.agencies:
                if parts[1] == "index.html":
                    body, kind, status = self.column(parts[0]), _HTML, "200 OK"
                elif parts[1].endswith(".html") and parts[1][:-5].isdigit():
                    year = int(parts[1][:-5])
                    if (parts[0], year) in self.reports:
                        body, kind = self.report(parts[0], year)
                        status = "200 OK"
            elif len(parts) == 3 and parts[1] == "files" and parts[0] in self.agencies:
                stem, _, suffix = parts[2].partition(".")
                found = self.reports.get((parts[0], int(stem))) if stem.isdigit() else None
                if found and found[0].suffix == f".{suffix}":
                    body, kind, status = found[0].read_bytes(), _TYPES[found[0].suffix], "200 OK"
        except OSError:
            body, kind, status = b"error", "text/plain", "500 Internal Server Error"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]


class ProvinceServer:
    """Every portal of the province on one port (see the module contract)."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        self.app = ProvinceApp(folder)
        self.port = port
        self.hosts = sorted({host_for(a) for a in self.app.agencies}, key=_address_key)
        self._servers: list[ThreadedWSGIServer] = []
        self._serving = False

    def start(self) -> ProvinceServer:
        wanted = self.port
        for _ in range(5):  # a port free on the first host may be taken on another
            try:
                self._bind(wanted)
                break
            except OSError:
                self._close()
                if wanted:
                    raise
        else:
            raise OSError("无法在本机地址上找到可用端口")
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self._serving = True
        return self

    def _bind(self, port: int) -> None:
        for host in self.hosts:  # the first binds `port` (0: a free one); the rest reuse it
            server = ThreadedWSGIServer((host, port), self.app)
            port = self.port = server.server_port
            self._servers.append(server)

    def _close(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def url(self, agency_id: str) -> str:
        return f"http://{host_for(agency_id)}:{self.port}/{agency_id}/index.html"

    def registry(self, path: Path) -> Path:
        """The registry with every agency's `column_url` on this server."""
        agencies = list(self.app.agencies.values())
        return write_registry(agencies, path, lambda a: self.url(a.agency_id))

    def stop(self) -> None:
        if self._serving:
            for server in self._servers:
                server.shutdown()
            self._serving = False
        self._close()

    def __enter__(self) -> ProvinceServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _address_key(host: str) -> tuple[int, ...]:
    return tuple(int(p) for p in host.split("."))
