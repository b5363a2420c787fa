// EmailNotifier: delivers a notification as ONE mail to all recipients of the group, through
// an SMTP smarthost (libcurl SMTP: smtp:// with optional or required STARTTLS, smtps:// with
// implicit TLS, AUTH with whatever mechanism the server and libcurl agree on, e.g. PLAIN or
// LOGIN).
//
// The message (Message()) is RFC 5322 with CRLF line endings:
//   Date, From, To, Subject, Message-ID <ID@groundstation>, MIME-Version: 1.0,
//   Content-Type: text/plain; charset=UTF-8, Content-Transfer-Encoding: quoted-printable,
//   Auto-Submitted: auto-generated (RFC 3834: no vacation auto-replies to alerts),
//   X-Groundstation-Id: ID
// where ID is the notification id, so a receiver can drop the copy a retry may deliver twice.
// Quoted-printable, not 8bit: the body is 7-bit clean with lines of at most 76 characters
// whatever the check output holds, so no 8BITMIME support or 998-octet line limit matters.
// The Subject is RFC 2047 encoded (=?UTF-8?B?...?=) when it is not plain ASCII; CR, LF and
// other control characters in the subject and addresses become spaces, so no template or
// check output can inject a header. SMTP dot-stuffing is done by libcurl.
//
// Thread-safety: Send() blocks (bounded by Options::timeout) on a libcurl handle of its own
// for each call; it is safe from any thread, and the Dispatcher calls it from one.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/notifier.h"

namespace gs::alerts {

class EmailNotifier : public Notifier {
 public:
  struct Options {
    // "smtp://host:port" (STARTTLS per `starttls`) or "smtps://host:port" (implicit TLS).
    std::string smarthost;
    // true: STARTTLS is required on smtp:// (the send fails when the server does not offer
    // it). false: the session stays in clear text.
    bool starttls = false;
    std::optional<std::string> username, password;  // AUTH when username is set
    bool tls_verify = true;                         // verify the server certificate and its name
    std::string ca_file;                            // empty: the system CA store
    // Addresses as "ops@example.com" or "Ops Team <ops@example.com>" (the part in angle
    // brackets is the SMTP envelope address).
    std::string from;
    std::vector<std::string> to;
    std::string subject_template;                                  // empty: "{{headline}}"
    std::string body_template;                                     // empty: PlainText(n)
    std::chrono::milliseconds timeout = std::chrono::seconds(30);  // whole SMTP session
  };

  explicit EmailNotifier(Options options);

  // Success when the server accepted the message for every recipient (250 after DATA).
  // Failure: libcurl's reason, with the server's last reply code when it was an error
  // (4xx/5xx), e.g. "Login denied (SMTP 535)". A rejected recipient fails the whole send;
  // the retry then goes to all recipients again (hence the stable Message-ID).
  SendResult Send(const Notification& n) override;

  // The complete message Send() uploads for `n`, dated `now` when n.created is not set
  // (n.created otherwise, so that retries carry the same Date).
  [[nodiscard]] std::string Message(const Notification& n,
                                    std::chrono::system_clock::time_point now) const;

 private:
  Options options_;
};

// RFC 5322 date-time in UTC, e.g. "Wed, 01 May 2024 12:00:00 +0000" (English names, whatever
// the locale).
[[nodiscard]] std::string FormatRfc5322Date(std::chrono::system_clock::time_point t);

// `text` unchanged when it is printable ASCII, else RFC 2047 "B" encoded words
// (=?UTF-8?B?...?=) of at most 75 characters each, never splitting a UTF-8 character,
// separated by CRLF SP (header folding). REQUIRES: no CR or LF in `text`.
[[nodiscard]] std::string EncodeHeaderWord(std::string_view text);

// RFC 2045 quoted-printable with CRLF line breaks (LF, CR and CRLF in `text` all become
// CRLF) and soft line breaks keeping every line at most 76 characters.
[[nodiscard]] std::string QuotedPrintable(std::string_view text);

}  // namespace gs::alerts
