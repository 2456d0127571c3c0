"""A web server on loopback serving test pages, for the tests that add articles by link."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: A page for a path: (HTTP status, Content-Type, body), and any other headers (a Location).
Page = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]


@contextmanager
def page_server(page_for: Callable[[str], Page]) -> Iterator[str]:
    """Serve `page_for(path)` for every GET until the block ends; yields the base URL."""

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, kind, body, *headers = page_for(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in (headers[0] if headers else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The fetcher stops reading at its size limit: that is what is tested.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
