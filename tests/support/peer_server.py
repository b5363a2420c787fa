"""Shared by the Python HTTP peers of the tests (ec2_rx.py, imds_rx.py): serve a handler on
127.0.0.1:PORT until SIGTERM or until the parent (the test) dies. Exits 3 when the port is
taken, so the test can pick another."""
import http.server
import os
import signal
import sys
import threading
import time


def _watch_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def serve(handler, port):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        sys.exit(3)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    server.serve_forever()
