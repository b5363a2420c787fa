#!/usr/bin/python3
"""Scriptable HTTP receiver for the notifier tests (tests/support/http_receiver.h).

Usage: http_rx.py DIR OPTIONS_JSON
Listens on 127.0.0.1 (or options["bind"]) on a port the kernel picks and writes it to DIR/port (temp name + rename,
so the file appears whole, once the socket listens). Each GET, POST or PUT request is saved
in arrival order (the order in which the requests were completely read) as
DIR/requests/NNNNNN.body (the raw body) and DIR/requests/NNNNNN.json
({"method", "path", "headers": {lower-case name: value}}); the .json is renamed into place
last, so its presence means the request is complete. Then the request is answered:

  request n <= hang_first: no answer for hang_seconds first (other requests go on: one thread
                           per connection)
  request n <= fail_first: fail_status, body "injected failure\n"
  otherwise:               status, body response_body, Content-Type content_type
  Retry-After: retry_after on every answer that is not 2xx, when retry_after is set.

OPTIONS_JSON holds the fields of HttpReceiver::Options. Run with /usr/bin/python3; stop it with
SIGTERM (exits 0 at once, even while requests hang); it also exits when its parent (the test)
dies without stopping it.
"""
import http.server
import json
import os
import signal
import sys
import threading
import time

out_dir = sys.argv[1]
options = json.loads(sys.argv[2])
requests_dir = os.path.join(out_dir, "requests")
os.makedirs(requests_dir, exist_ok=True)
lock = threading.Lock()
count = 0


def save(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def read_chunked(rfile):
    body = b""
    while True:
        size = int(rfile.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return body
        body += rfile.read(size)
        rfile.readline()  # CRLF after the chunk


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile)
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def record(self, body):
        global count
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = headers[key] + ", " + value if key in headers else value
        meta = {"method": self.command, "path": self.path, "headers": headers}
        with lock:
            count += 1
            n = count
            base = os.path.join(requests_dir, "%06d" % n)
            save(base + ".body", body)
            save(base + ".json", json.dumps(meta).encode())
        return n

    def handle_any(self):
        n = self.record(self.read_body())
        if n <= options["hang_first"]:
            time.sleep(options["hang_seconds"])
        if n <= options["fail_first"]:
            status, body, ctype = options["fail_status"], b"injected failure\n", "text/plain"
        else:
            status = options["status"]
            body, ctype = options["response_body"].encode(), options["content_type"]
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if not 200 <= status <= 299 and options.get("retry_after") is not None:
                self.send_header("Retry-After", str(options["retry_after"]))
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has headers only
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up (timeout) while we hung

    do_GET = do_POST = do_PUT = do_HEAD = handle_any

    def log_message(self, *args):
        pass


def exit_with_parent(parent):
    # A test that crashes (an ASan abort) never sends SIGTERM: do not outlive it.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
server = http.server.ThreadingHTTPServer((options.get("bind", "127.0.0.1"), 0), Handler)
server.daemon_threads = True
save(os.path.join(out_dir, "port"), str(server.server_address[1]).encode())
server.serve_forever()
