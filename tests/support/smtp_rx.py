# smtp_rx.py: a real aiosmtpd SMTP server for the email notifier tests (tests/support/smtp_peer.h).
#
#   smtp_rx.py --port-file F --maildir D [--cert C --key K] [--user U --password P]
#              [--mechanisms PLAIN,LOGIN] [--auth-log L] [--implicit-tls]
#
# Listens on a kernel-chosen port of 127.0.0.1 and writes it to F (renamed into place, so there
# is no port race). Each message is stored in the Maildir D exactly as received (CRLF line
# endings, after SMTP dot-unstuffing), preceded by X-MailFrom and X-RcptTo lines with the
# envelope. --cert/--key: STARTTLS offered and required, or with --implicit-tls TLS from the
# first byte (SMTPS, for smtps:// URLs). --user/--password: AUTH required
# (over TLS when --cert is given); --mechanisms: the only AUTH mechanisms offered; every
# attempt is appended to --auth-log as "MECHANISM LOGIN ok|fail". Stops cleanly on SIGTERM.
import argparse
import asyncio
import mailbox
import os
import signal
import socket
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir):
        self.box = mailbox.Maildir(maildir)

    async def handle_DATA(self, server, session, envelope):
        head = "X-MailFrom: %s\r\nX-RcptTo: %s\r\n" % (envelope.mail_from, ", ".join(envelope.rcpt_tos))
        self.box.add(head.encode() + envelope.original_content)
        return "250 OK"


def authenticator(user, password, log_path):
    def check(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login.decode() == user
              and data.password.decode() == password)
        if log_path:
            with open(log_path, "a") as log:
                login = data.login.decode() if isinstance(data, LoginPassword) else "?"
                log.write("%s %s %s\n" % (mechanism, login, "ok" if ok else "fail"))
        # handled=False: aiosmtpd answers 535 itself (True would leave the client waiting).
        return AuthResult(success=ok, handled=False)
    return check


async def serve(args):
    loop = asyncio.get_running_loop()
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    all_mechanisms = {"PLAIN", "LOGIN"}
    offered = set(args.mechanisms.split(",")) if args.mechanisms else all_mechanisms
    auth = authenticator(args.user, args.password, args.auth_log) if args.user else None
    handler = Sink(args.maildir)

    starttls = None if args.implicit_tls else tls

    def protocol():
        return SMTP(handler, hostname="127.0.0.1", tls_context=starttls,
                    require_starttls=starttls is not None,
                    authenticator=auth, auth_required=auth is not None,
                    auth_require_tls=starttls is not None,
                    auth_exclude_mechanism=sorted(all_mechanisms - offered), loop=loop)

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = await loop.create_server(protocol, sock=sock,
                                      ssl=tls if args.implicit_tls else None)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(sock.getsockname()[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password", default="")
    parser.add_argument("--mechanisms")
    parser.add_argument("--auth-log")
    parser.add_argument("--implicit-tls", action="store_true")
    args = parser.parse_args()
    # AUTH without TLS is what the plain-text AUTH test wants; aiosmtpd warns about it.
    warnings.simplefilter("ignore")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
