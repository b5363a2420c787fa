#include "alerts/email_notifier.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <utility>

#include "alerts/message_template.h"

namespace gs::alerts {
namespace {

constexpr std::string_view kDefaultSubject = "{{headline}}";
// Longer subjects are cut: nobody reads them, and it keeps the header line far below the
// 998-octet limit of RFC 5322 without folding plain ASCII.
constexpr std::size_t kMaxSubjectChars = 250;
// Input bytes per RFC 2047 encoded word: 52 base64 characters, so "Subject: " plus one word
// stays within the 78 characters RFC 5322 recommends.
constexpr std::size_t kWordBytes = 39;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Control characters (CR and LF above all) become spaces: a header value stays one line.
std::string HeaderSafe(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

// The SMTP envelope address of "Name <addr>" or "addr": "<addr>".
std::string EnvelopeAddress(std::string_view address) {
  const std::size_t open = address.rfind('<');
  const std::size_t close = address.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && open < close) {
    address = address.substr(open + 1, close - open - 1);
  }
  while (!address.empty() && address.front() == ' ') address.remove_prefix(1);
  while (!address.empty() && address.back() == ' ') address.remove_suffix(1);
  return "<" + HeaderSafe(address) + ">";
}

// The id as a Message-ID left part: letters, digits, '.', '_' and '-' only.
std::string IdToken(const std::string& id) {
  std::string out;
  for (const char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (keep) out.push_back(c);
  }
  return out.empty() ? NewNotificationId() : out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      const std::uint32_t b = k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u;
      group = (group << 8) | b;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=');
    }
  }
  return out;
}

// Feeds the message to libcurl. Never throws (C callback).
struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t nitems, void* user) noexcept {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * nitems, upload->data.size() - upload->offset);
  std::copy_n(upload->data.data() + upload->offset, n, buffer);
  upload->offset += n;
  return n;
}

struct EasyHandle {
  CURL* easy = curl_easy_init();
  curl_slist* recipients = nullptr;
  ~EasyHandle() {
    curl_slist_free_all(recipients);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

// TLS and AUTH options. libcurl copies every string it is given.
void SetSecurityOptions(CURL* easy, const EmailNotifier::Options& options) {
  if (options.starttls) curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.tls_verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.tls_verify ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  if (options.username) {
    const std::string password = options.password.value_or("");
    curl_easy_setopt(easy, CURLOPT_USERNAME, options.username->c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, password.c_str());
  }
}

}  // namespace

std::string FormatRfc5322Date(std::chrono::system_clock::time_point t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 64> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                              kDays.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                              kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf.data(), static_cast<std::size_t>(std::max(n, 0)));
}

std::string EncodeHeaderWord(std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
  });
  // "=?" in plain text could be read as the start of an encoded word: encode it too.
  if (plain && text.find("=?") == std::string_view::npos) return std::string(text);
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = std::min(text.size(), pos + kWordBytes);
    // Back up to the start of a UTF-8 character so none is split between two words.
    while (end < text.size() && end > pos + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // A line holds at most 76 characters; 75 of content leaves room for a soft break's "=".
  constexpr std::size_t kMaxContent = 75;
  std::string out;
  std::size_t column = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
      column = 0;
      continue;
    }
    const bool line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    // Spaces and tabs at the end of a line are encoded: transports may strip them.
    const bool literal =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
    const std::size_t width = literal ? 1 : 3;
    if (column + width > kMaxContent) {
      out += "=\r\n";
      column = 0;
    }
    if (literal) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'=', kHex[c >> 4], kHex[c & 0xF]};
    }
    column += width;
  }
  return out;
}

EmailNotifier::EmailNotifier(Options options) : options_(std::move(options)) {}

std::string EmailNotifier::Message(const Notification& n,
                                   std::chrono::system_clock::time_point now) const {
  const std::string id = IdToken(n.id);
  const std::string subject = RenderTemplate(
      options_.subject_template.empty() ? kDefaultSubject : options_.subject_template, n);
  const std::string body =
      options_.body_template.empty() ? PlainText(n) : RenderTemplate(options_.body_template, n);
  std::string to;
  for (const std::string& address : options_.to) {
    if (!to.empty()) to += ",\r\n ";
    to += HeaderSafe(address);
  }
  const auto date = n.created == std::chrono::system_clock::time_point{} ? now : n.created;
  std::string message = "Date: " + FormatRfc5322Date(date) + "\r\n";
  message += "From: " + HeaderSafe(options_.from) + "\r\n";
  message += "To: " + to + "\r\n";
  message += "Subject: " + EncodeHeaderWord(CutText(HeaderSafe(subject), kMaxSubjectChars));
  message += "\r\nMessage-ID: <" + id + "@groundstation>\r\n";
  message +=
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "Auto-Submitted: auto-generated\r\n";
  message += "X-Groundstation-Id: " + id + "\r\n\r\n";
  message += QuotedPrintable(body);
  if (!message.ends_with("\r\n")) message += "\r\n";
  return message;
}

SendResult EmailNotifier::Send(const Notification& n) {
  if (options_.to.empty()) return SendFailed("no mail recipients configured");
  InitCurlOnce();
  EasyHandle handle;
  if (handle.easy == nullptr) return SendFailed("curl_easy_init failed");
  for (const std::string& address : options_.to) {
    curl_slist* next = curl_slist_append(handle.recipients, EnvelopeAddress(address).c_str());
    if (next == nullptr) return SendFailed("out of memory building the recipient list");
    handle.recipients = next;
  }
  const std::string message = Message(n, std::chrono::system_clock::now());
  const std::string from = EnvelopeAddress(options_.from);
  Upload upload{message};
  std::array<char, CURL_ERROR_SIZE> error{};
  CURL* easy = handle.easy;
  curl_easy_setopt(easy, CURLOPT_URL, options_.smarthost.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, handle.recipients);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(easy, CURLOPT_READDATA, &upload);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  SetSecurityOptions(easy, options_);
  const CURLcode rc = curl_easy_perform(easy);
  if (rc == CURLE_OK) return {};
  std::string reason = error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(rc);
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  // Only error replies: after a TLS failure the last reply is the harmless "220" to STARTTLS.
  if (code >= 400) reason += " (SMTP " + std::to_string(code) + ")";
  return SendFailed(std::move(reason));
}

}  // namespace gs::alerts
