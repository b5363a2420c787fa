#!/usr/bin/python3
"""Webhook receiver for integration tests (PEERS.md section 8).

Usage: webhook_rx.py PORT OUTDIR
Saves each POST body as OUTDIR/hook-N.json and its Idempotency-Key header as OUTDIR/hook-N.key
(each written to a temp name and renamed, so a reader never sees half a file), then answers
HOOK_STATUS (default 200). Run with /usr/bin/python3; stop it with SIGTERM.
"""
import http.server
import itertools
import os
import signal
import sys

port, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
status = int(os.environ.get("HOOK_STATUS", "200"))
counter = itertools.count(1)


def save(name, data):
    tmp = os.path.join(out, "." + name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(out, name))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n = next(counter)
        save(f"hook-{n}.key", self.headers.get("Idempotency-Key", "").encode())
        save(f"hook-{n}.json", body)  # last: its presence means the request is complete
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
