"""A fake of the GitHub REST API's issue-comment endpoints on 127.0.0.1, with a request log."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "ghs_fake-token-for-tests"
MAX_BODY = 65_536
_LIST = re.compile(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments\Z")
_ONE = re.compile(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)\Z")


@dataclass
class FakeGitHub:
    """Comments per (repository, issue number); every request logged as (method, path)."""

    comments: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    fail_with: int | None = None
    _next_id: int = 1000
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v3"

    def add(self, repository: str, number: int, body: str, login: str = "someone") -> int:
        self._next_id += 1
        comment = {"id": self._next_id, "body": body, "user": {"login": login}}
        self.comments.setdefault((repository, number), []).append(comment)
        return self._next_id

    def __enter__(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, document: Any) -> None:
                data = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/api/v3")
                fake.log.append((method, path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, {"message": "Bad credentials"})
                    return
                if fake.fail_with is not None:
                    self._answer(fake.fail_with, {"message": "Resource not accessible"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                if (match := _LIST.match(path)) is not None:
                    key = (match.group(1), int(match.group(2)))
                    if method == "GET":
                        query = parse_qs(parts.query)
                        per_page = int(query.get("per_page", ["30"])[0])
                        page = int(query.get("page", ["1"])[0])
                        items = fake.comments.get(key, [])
                        self._answer(200, items[(page - 1) * per_page : page * per_page])
                        return
                    if method == "POST":
                        if len(body["body"]) > MAX_BODY:
                            self._answer(422, {"message": "body is too long"})
                            return
                        comment_id = fake.add(*key, body["body"], login="github-actions[bot]")
                        self._answer(201, {"id": comment_id, "body": body["body"]})
                        return
                if (match := _ONE.match(path)) is not None and method == "PATCH":
                    for items in fake.comments.values():
                        for comment in items:
                            if comment["id"] == int(match.group(2)):
                                if len(body["body"]) > MAX_BODY:
                                    self._answer(422, {"message": "body is too long"})
                                    return
                                comment["body"] = body["body"]
                                self._answer(200, comment)
                                return
                self._answer(404, {"message": "Not Found"})

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
