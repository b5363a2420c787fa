// SMS notifiers: Twilio's Messages API (TwilioSmsNotifier) and a generic HTTP SMS gateway
// (GatewaySmsNotifier). A notification is ONE text per recipient, whatever the size of its
// group: fifty web nodes failing together page each on-call phone once.
//
// The text is RenderTemplate(text_template, n) (default "{{headline}}", see
// message_template.h), cut to fit one SMS segment by SmsText() below.
//
// Recipients are tried in order. One that fails does not stop the others, except when the
// endpoint asks to be left alone (429/503 with Retry-After): then the rest wait for the retry.
// Each notifier remembers the last DeliveredRecipients::kCapacity (notification id, recipient)
// pairs it delivered, so the Dispatcher's retry after a partial failure texts only the
// recipients that did not get the message (in memory only: a restart may text one twice).
//
// Thread-safety: not thread-safe. Send() blocks (each request bounded by Options::timeout,
// so one Send() takes at most recipients x timeout) and reuses one libcurl handle; call it
// from one thread at a time (the Dispatcher's delivery thread for this notifier).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/http_post.h"
#include "alerts/notifier.h"

namespace gs::alerts {

// One SMS segment: 160 GSM-7 characters, or 70 UCS-2 characters.
inline constexpr std::size_t kSmsGsmChars = 160;
inline constexpr std::size_t kSmsUcs2Chars = 70;

// True when every character of the UTF-8 `text` can be sent in the GSM 03.38 7-bit alphabet:
// the basic table, or the extension table ([ ] { } \ ^ ~ | and the euro sign, each costing
// two of the 160 characters). The extension table counts because every headline has
// brackets ("[FIRING:3] ..."); without it each alert SMS would fall back to 70 characters.
// False for anything else (accents outside the table, emoji, tabs, backquotes, bad UTF-8).
[[nodiscard]] bool IsGsm7(std::string_view text);

// The SMS text for `n`: RenderTemplate(text_template, or "{{headline}}" when empty), cut so
// that it fits `max_chars`, counted as the network counts them:
//  - GSM-7 text (IsGsm7): in septets, extension characters counting two. A cut GSM-7 text
//    ends in "..." instead of CutText's "…", which is not GSM-7 and would turn the whole
//    message into UCS-2.
//  - Any other text: in UTF-16 code units (UCS-2), and when `max_chars` is left at
//    kSmsGsmChars (160) the limit becomes kSmsUcs2Chars (70): one non-GSM character makes
//    the phone network send the message as UCS-2, whose single segment holds 70.
// Set max_chars above 160 to allow concatenated (multi-segment) messages; then it is used
// as given for both alphabets. Pure; thread-safe.
[[nodiscard]] std::string SmsText(const Notification& n, std::string_view text_template,
                                  std::size_t max_chars);

// The last kCapacity (notification id, recipient) pairs delivered; older pairs are forgotten.
class DeliveredRecipients {
 public:
  static constexpr std::size_t kCapacity = 1024;
  [[nodiscard]] bool Contains(const std::string& id, const std::string& recipient) const;
  // Records the pair, forgetting the oldest when full. Pairs with an empty id are not kept.
  void Add(const std::string& id, const std::string& recipient);
  [[nodiscard]] std::size_t size() const { return order_.size(); }

 private:
  using Pair = std::pair<std::string, std::string>;
  std::deque<Pair> order_;  // oldest first
  std::set<Pair> pairs_;    // the same pairs, for lookup
};

// Twilio Programmable Messaging: POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json with
// the form To, From, Body and basic auth sid:token, one request per recipient.
class TwilioSmsNotifier : public Notifier {
 public:
  struct Options {
    std::string account_sid;
    std::string auth_token;
    std::string from;                                 // a Twilio number (E.164) or messaging sender
    std::vector<std::string> to;                      // E.164 numbers, e.g. "+15551230000"
    std::string api_base = "https://api.twilio.com";  // tests point it at a local receiver
    std::string text_template;                        // empty: "{{headline}}"
    std::size_t max_chars = kSmsGsmChars;             // see SmsText()
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // per request
  };

  explicit TwilioSmsNotifier(Options options);

  // Success when every recipient has the message (now or in an earlier attempt). Failure
  // names each recipient that failed and why: "Twilio <code>: <message> (HTTP <status>)" when
  // the answer is Twilio's error JSON, else HttpPost's message; Retry-After is passed on.
  SendResult Send(const Notification& n) override;

  // The URL and form body posted for `to`, text already rendered and cut.
  [[nodiscard]] std::string Url() const;
  [[nodiscard]] std::string Body(const std::string& text, const std::string& to) const;

 private:
  Options options_;
  HttpPost post_;
  DeliveredRecipients delivered_;
};

// Any HTTP SMS gateway that takes one POST per message. The URL and body are templates:
// {{to}} is the recipient, {{text}} the SMS text (SmsText), and every other placeholder of
// message_template.h works too. Each substituted value is encoded for where it lands:
//  - in the URL: percent-encoded (RFC 3986 unreserved characters kept);
//  - in the body: JSON string escaping when content_type is application/json (or +json),
//    form encoding when application/x-www-form-urlencoded, as is otherwise.
// So {"to": "{{to}}", "message": "{{text}}"} stays valid JSON whatever the text holds.
class GatewaySmsNotifier : public Notifier {
 public:
  struct Options {
    std::string url;   // may contain placeholders, e.g. "https://sms.example/send?to={{to}}"
    std::string body;  // template, see above
    std::string content_type = "application/json";
    std::map<std::string, std::string> headers;  // extra request headers, name -> value
    std::optional<std::string> basic_auth;       // "user:password"
    std::vector<std::string> to;
    std::string text_template;  // empty: "{{headline}}"
    std::size_t max_chars = kSmsGsmChars;
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // per request
  };

  explicit GatewaySmsNotifier(Options options);

  // Success when every recipient has the message (2xx answers). Failure names each recipient
  // that failed with HttpPost's message; Retry-After is passed on.
  SendResult Send(const Notification& n) override;

  // The request Send() posts for `n` to `to`, with the SMS `text`.
  [[nodiscard]] HttpPost::Request Request(const Notification& n, const std::string& text,
                                          const std::string& to) const;

 private:
  Options options_;
  HttpPost post_;
  DeliveredRecipients delivered_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), as
// curl_easy_escape does. Valid in URLs and in application/x-www-form-urlencoded bodies.
[[nodiscard]] std::string PercentEncode(std::string_view text);

}  // namespace gs::alerts
