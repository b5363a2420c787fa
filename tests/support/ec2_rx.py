#!/usr/bin/python3
"""A fake EC2 Query API endpoint (DescribeInstances only) for the EC2 discovery tests.

Usage: ec2_rx.py PORT DIR
Listens on 127.0.0.1:PORT (exits 3 when the port is taken, so the test can pick another).
Each POST must carry a valid SigV4 Authorization header for the test credentials below
(service "ec2", any region, X-Amz-Date within 15 minutes): this script recomputes the signature
on its own, with hashlib and hmac, from the request as it arrived. Then:
  - its form parameters are appended to DIR/requests.log as one JSON object per line
    (first value of each name; "_auth" says "ok" or why the signature was refused,
    "_signed" lists the signed header names);
  - a bad signature is answered 403 with an AuthFailure error document;
  - if DIR/status exists, its first line "503 RequestLimitExceeded" gives the HTTP status and
    the error code of the answer (throttling tests);
  - otherwise the answer is DIR/page-<NextToken, or "first">.xml (400 InvalidParameterValue
    when there is no such file or the token is not [A-Za-z0-9_-]+).
The files are read on every request, so a test may swap them between refreshes. Run with
/usr/bin/python3; stops on SIGTERM, or when its parent (the test) dies.
"""
import datetime
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

import peer_server

ACCESS_KEY_ID = "AKIAGSTESTEXAMPLE"
SECRET_ACCESS_KEY = "gs/test+secret/EXAMPLEKEY"

port, out_dir = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


def error_document(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
            '<Message>%s</Message></Error></Errors><RequestID>ec2-rx</RequestID></Response>'
            % (code, message)).encode()


def canonical_path(path):
    segments = []
    parts = path.split("/")
    for part in parts:
        if part == "..":
            if segments:
                segments.pop()
        elif part not in ("", "."):
            segments.append(urllib.parse.quote(part, safe="-_.~"))
    trailing = parts[-1] in ("", ".", "..") and segments
    return "/" + "/".join(segments) + ("/" if trailing else "")


def canonical_query(query):
    pairs = [(urllib.parse.quote(urllib.parse.unquote(n), safe="-_.~"),
              urllib.parse.quote(urllib.parse.unquote(v), safe="-_.~"))
             for n, _, v in (p.partition("=") for p in query.split("&") if p)]
    return "&".join(n + "=" + v for n, v in sorted(pairs))


def header_value(values):
    return ",".join(" ".join(v.split()) for v in values)


def check_signature(handler, body):
    """None when the Authorization header is valid, else why not."""
    match = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/"
                         r"aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})",
                         handler.headers.get("Authorization", ""))
    if not match:
        return "no well-formed Authorization header"
    key_id, date, region, service, signed, signature = match.groups()
    amz_date = handler.headers.get("X-Amz-Date", "")
    if key_id != ACCESS_KEY_ID or service != "ec2" or not amz_date.startswith(date):
        return "wrong access key, service or date in the credential scope"
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names or names != sorted(names):
        return "host and x-amz-date must be signed, names sorted"
    sent = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc)
    if abs((datetime.datetime.now(datetime.timezone.utc) - sent).total_seconds()) > 900:
        return "X-Amz-Date is more than 15 minutes off"
    path, _, query = handler.path.partition("?")
    headers = "".join(n + ":" + header_value(handler.headers.get_all(n, [])) + "\n"
                      for n in names)
    creq = "\n".join([handler.command, canonical_path(path), canonical_query(query), headers,
                      signed, hashlib.sha256(body).hexdigest()])
    scope = "/".join([date, region, service, "aws4_request"])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + SECRET_ACCESS_KEY).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, signature) else "signature mismatch"


def read(name):
    try:
        with open(os.path.join(out_dir, name), "rb") as f:
            return f.read()
    except OSError:
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        refused = check_signature(self, body)
        params = dict(reversed(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                                      keep_blank_values=True)))
        params["_auth"] = refused or "ok"
        signed = re.search(r"SignedHeaders=([^,]*)", self.headers.get("Authorization", ""))
        params["_signed"] = signed.group(1) if signed else ""
        with lock, open(os.path.join(out_dir, "requests.log"), "a") as f:
            f.write(json.dumps(params, sort_keys=True) + "\n")
        if refused:
            return self.reply(403, error_document("AuthFailure", "ec2_rx.py: " + refused))
        status = read("status")
        if status:
            code, _, name = status.decode().splitlines()[0].partition(" ")
            return self.reply(int(code), error_document(name, "injected by ec2_rx.py"))
        token = params.get("NextToken", "first")
        page = read("page-%s.xml" % token) if re.fullmatch(r"[A-Za-z0-9_-]+", token) else None
        if page is None:
            return self.reply(400, error_document("InvalidParameterValue", "no such NextToken"))
        self.reply(200, page)

    def log_message(self, *args):
        pass


peer_server.serve(Handler, port)
