"""A feed server on 127.0.0.1 serving ``/{ecosystem}/all.zip`` with ETag revalidation."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class FeedServer:
    """Serves `archives` (path -> bytes); answers 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.archives: dict[str, bytes] = {}
        self.log: list[tuple[str, str | None, int]] = []  # (path, If-None-Match, status)
        self.fail_with: int | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                sent_etag = self.headers.get("If-None-Match")
                body = server.archives.get(self.path)
                if server.fail_with is not None:
                    status = server.fail_with
                elif body is None:
                    status = 404
                elif sent_etag == _etag(body):
                    status = 304
                else:
                    status = 200
                server.log.append((self.path, sent_etag, status))
                self.send_response(status)
                if status == 200 and body is not None:
                    self.send_header("ETag", _etag(body))
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
