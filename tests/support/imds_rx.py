#!/usr/bin/python3
"""A fake EC2 instance metadata service (IMDSv2 only) for the credential chain tests.

Usage: imds_rx.py PORT DIR [ROLE] [LIFETIME_SECONDS]
Listens on 127.0.0.1:PORT (exits 3 when the port is taken, so the test can pick another).
  PUT /latest/api/token            needs X-aws-ec2-metadata-token-ttl-seconds (else 400);
                                   answers a fresh session token.
  GET /latest/meta-data/iam/security-credentials/       the ROLE (default gs-role) and "\n"
  GET /latest/meta-data/iam/security-credentials/ROLE   {"Code": "Success", "AccessKeyId":
      "ASIAIMDS<n>" (n counts these answers from 1), "SecretAccessKey", "Token", "Expiration":
      now + LIFETIME_SECONDS (default 3600) as RFC 3339}
Both GETs need X-aws-ec2-metadata-token with a token it issued (else 401, as IMDSv2 does);
anything else is 404. Every request is appended to DIR/requests.log as "METHOD PATH STATUS".
Run with /usr/bin/python3; stops on SIGTERM, or when its parent (the test) dies.
"""
import datetime
import http.server
import itertools
import os
import secrets
import sys
import threading

import peer_server

port, out_dir = int(sys.argv[1]), sys.argv[2]
role = sys.argv[3] if len(sys.argv) > 3 else "gs-role"
lifetime = int(sys.argv[4]) if len(sys.argv) > 4 else 3600
base = "/latest/meta-data/iam/security-credentials/"
tokens = set()
answers = itertools.count(1)
lock = threading.Lock()


def log(method, path, status):
    with lock, open(os.path.join(out_dir, "requests.log"), "a") as f:
        f.write(f"{method} {path} {status}\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body=b""):
        log(self.command, self.path, status)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/latest/api/token":
            return self.reply(404)
        if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400)
        token = secrets.token_urlsafe(24)
        with lock:
            tokens.add(token)
        self.reply(200, token.encode())

    def do_GET(self):
        with lock:
            authorised = self.headers.get("X-aws-ec2-metadata-token") in tokens
        if not self.path.startswith(base):
            return self.reply(404)
        if not authorised:
            return self.reply(401)
        if self.path == base:
            return self.reply(200, (role + "\n").encode())
        if self.path != base + role:
            return self.reply(404)
        n = next(answers)
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
            seconds=lifetime)
        body = ('{"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",'
                f' "AccessKeyId": "ASIAIMDS{n}", "SecretAccessKey": "imds-secret-{n}",'
                f' "Token": "imds-token-{n}",'
                f' "Expiration": "{expires.strftime("%Y-%m-%dT%H:%M:%SZ")}"}}')
        self.reply(200, body.encode())

    def log_message(self, *args):
        pass


peer_server.serve(Handler, port)
