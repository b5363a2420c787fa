#include "alerts/sms_notifier.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "alerts/message_template.h"

namespace gs::alerts {
namespace {

constexpr std::string_view kDefaultText = "{{headline}}";
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // "…", what CutText appends
constexpr char32_t kInvalid = 0xFFFD;

// The GSM 03.38 basic table outside printable ASCII (LF and CR are in it too).
constexpr std::u32string_view kGsmBasicExtra = U"£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";
// The extension table: each is sent as ESC + character, two septets.
constexpr std::u32string_view kGsmExtension = U"[]{}\\^~|€";

// Decodes the code point at text[i] and advances i past it; kInvalid for a bad sequence.
char32_t NextCodePoint(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i++);
  if (lead < 0x80) return lead;
  // Continuation bytes after the lead, and the lead's payload bits.
  const int extra = (lead & 0xE0) == 0xC0   ? 1
                    : (lead & 0xF0) == 0xE0 ? 2
                    : (lead & 0xF8) == 0xF0 ? 3
                                            : 0;
  if (extra == 0) return kInvalid;
  char32_t cp = lead & (0x3Fu >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size() || (byte(i) & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (byte(i++) & 0x3Fu);
  }
  return cp;
}

// How many septets `cp` takes in GSM-7: 1 (basic table), 2 (extension table), 0 (neither).
std::size_t GsmSeptets(char32_t cp) {
  if (kGsmExtension.find(cp) != std::u32string_view::npos) return 2;
  if (cp == U'\n' || cp == U'\r') return 1;
  if (cp >= 0x20 && cp < 0x7F) return cp == U'`' ? 0 : 1;
  return kGsmBasicExtra.find(cp) != std::u32string_view::npos ? 1 : 0;
}

// The length of `text` as the network counts it: septets for GSM-7, else UTF-16 code units.
std::size_t SmsUnits(std::string_view text, bool gsm) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, i);
    units += gsm ? GsmSeptets(cp) : (cp > 0xFFFF ? 2 : 1);
  }
  return units;
}

std::string JsonEscape(std::string_view text) {
  const std::string quoted = nlohmann::json(std::string(text))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

enum class Encoding { kPercent, kJson, kRaw };

Encoding BodyEncoding(std::string content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  std::transform(content_type.begin(), content_type.end(), content_type.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  while (!content_type.empty() && content_type.back() == ' ') content_type.pop_back();
  if (content_type == "application/x-www-form-urlencoded") return Encoding::kPercent;
  if (content_type == "application/json" || content_type.ends_with("+json")) {
    return Encoding::kJson;
  }
  return Encoding::kRaw;
}

std::string Encode(std::string_view value, Encoding encoding) {
  switch (encoding) {
    case Encoding::kPercent:
      return PercentEncode(value);
    case Encoding::kJson:
      return JsonEscape(value);
    case Encoding::kRaw:
      break;
  }
  return std::string(value);
}

// Renders a gateway template: {{to}} and {{text}} are ours, every other placeholder goes to
// RenderTemplate on its own, and each value is encoded. Text outside braces is kept, and
// braces are matched as RenderTemplate matches them (innermost "{{" before a "}}").
std::string RenderGateway(std::string_view tmpl, const Notification& n, const std::string& to,
                          const std::string& text, Encoding encoding) {
  std::string out;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    const std::size_t first_open = tmpl.find("{{", pos);
    if (first_open == std::string_view::npos) break;
    const std::size_t close = tmpl.find("}}", first_open + 2);
    if (close == std::string_view::npos) break;
    const std::size_t open = tmpl.rfind("{{", close - 2);
    out.append(tmpl.substr(pos, open - pos));
    const std::string_view placeholder = tmpl.substr(open, close + 2 - open);
    std::string_view name = placeholder.substr(2, placeholder.size() - 4);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const std::string value = name == "to"     ? to
                              : name == "text" ? text
                                               : RenderTemplate(placeholder, n);
    out += Encode(value, encoding);
    pos = close + 2;
  }
  out.append(tmpl.substr(pos));
  return out;
}

// "Twilio 21211: The 'To' number is not valid (HTTP 400)" from HttpPost's
// "HTTP 400: {"code": 21211, "message": ...}", or nullopt when the excerpt is not that JSON.
std::optional<std::string> TwilioError(const std::string& message) {
  if (!message.starts_with("HTTP ")) return std::nullopt;
  const std::size_t open = message.find('{');
  const std::size_t close = message.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return std::nullopt;
  }
  const nlohmann::json error =
      nlohmann::json::parse(message.substr(open, close + 1 - open), nullptr, false);
  if (!error.is_object() || !error.contains("code") || !error.contains("message") ||
      !error["message"].is_string()) {
    return std::nullopt;
  }
  const nlohmann::json& code = error["code"];
  std::string out = "Twilio " + (code.is_string() ? code.get<std::string>() : code.dump());
  out += ": " + error["message"].get<std::string>();
  // Keep HttpPost's "HTTP <status>" and whatever it added after the body (Retry-After).
  out += " (" + message.substr(0, message.find(':')) + ")" + message.substr(close + 1);
  return out;
}

// Sends to each recipient not yet delivered for this notification, recording successes.
// Stops early only when the endpoint asks for a pause (Retry-After).
SendResult SendToEach(const Notification& n, const std::vector<std::string>& recipients,
                      DeliveredRecipients& delivered,
                      const std::function<SendResult(const std::string&)>& send_one) {
  if (recipients.empty()) return SendFailed("no SMS recipients configured");
  std::string failures;
  std::optional<std::chrono::seconds> retry_after;
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const std::string& to = recipients[i];
    if (delivered.Contains(n.id, to)) continue;
    const SendResult sent = send_one(to);
    if (sent) {
      delivered.Add(n.id, to);
      continue;
    }
    if (!failures.empty()) failures += "; ";
    failures += "SMS to " + to + ": " + sent.error().message;
    if (sent.error().retry_after) {
      retry_after = sent.error().retry_after;
      const auto left =
          std::count_if(recipients.begin() + static_cast<std::ptrdiff_t>(i) + 1, recipients.end(),
                        [&](const std::string& other) { return !delivered.Contains(n.id, other); });
      if (left > 0) failures += "; " + std::to_string(left) + " more recipient(s) wait for it";
      break;
    }
  }
  if (failures.empty()) return {};
  return SendFailed(std::move(failures), retry_after);
}

}  // namespace

bool IsGsm7(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (GsmSeptets(NextCodePoint(text, i)) == 0) return false;
  }
  return true;
}

std::string SmsText(const Notification& n, std::string_view text_template, std::size_t max_chars) {
  const std::string full = RenderTemplate(text_template.empty() ? kDefaultText : text_template, n);
  const bool gsm = IsGsm7(full);
  const std::size_t limit = !gsm && max_chars == kSmsGsmChars ? kSmsUcs2Chars : max_chars;
  // CutText counts code points; shrink its budget until the network's count fits too.
  std::size_t chars = limit;
  for (;;) {
    std::string cut = CutText(full, chars);
    if (gsm && cut != full && cut.ends_with(kEllipsis)) {
      cut.replace(cut.size() - kEllipsis.size(), kEllipsis.size(), "...");
    }
    const std::size_t units = SmsUnits(cut, gsm);
    if (units <= limit) return cut;
    if (chars == 0) return "";
    chars -= std::min(chars, units - limit);
  }
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return out;
}

bool DeliveredRecipients::Contains(const std::string& id, const std::string& recipient) const {
  return pairs_.contains({id, recipient});
}

void DeliveredRecipients::Add(const std::string& id, const std::string& recipient) {
  if (id.empty() || !pairs_.insert({id, recipient}).second) return;
  order_.emplace_back(id, recipient);
  if (order_.size() > kCapacity) {
    pairs_.erase(order_.front());
    order_.pop_front();
  }
}

TwilioSmsNotifier::TwilioSmsNotifier(Options options) : options_(std::move(options)) {}

std::string TwilioSmsNotifier::Url() const {
  std::string base = options_.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/2010-04-01/Accounts/" + PercentEncode(options_.account_sid) + "/Messages.json";
}

std::string TwilioSmsNotifier::Body(const std::string& text, const std::string& to) const {
  return "To=" + PercentEncode(to) + "&From=" + PercentEncode(options_.from) +
         "&Body=" + PercentEncode(text);
}

SendResult TwilioSmsNotifier::Send(const Notification& n) {
  const std::string text = SmsText(n, options_.text_template, options_.max_chars);
  return SendToEach(n, options_.to, delivered_, [&](const std::string& to) -> SendResult {
    HttpPost::Request request;
    request.url = Url();
    request.body = Body(text, to);
    request.content_type = "application/x-www-form-urlencoded";
    request.headers.push_back("Accept: application/json");
    request.basic_auth = options_.account_sid + ":" + options_.auth_token;
    request.timeout = options_.timeout;
    SendResult sent = post_.Send(request);
    if (sent) return sent;
    if (std::optional<std::string> twilio = TwilioError(sent.error().message)) {
      return SendFailed(std::move(*twilio), sent.error().retry_after);
    }
    return sent;
  });
}

GatewaySmsNotifier::GatewaySmsNotifier(Options options) : options_(std::move(options)) {}

HttpPost::Request GatewaySmsNotifier::Request(const Notification& n, const std::string& text,
                                              const std::string& to) const {
  HttpPost::Request request;
  request.url = RenderGateway(options_.url, n, to, text, Encoding::kPercent);
  request.body = RenderGateway(options_.body, n, to, text, BodyEncoding(options_.content_type));
  request.content_type = options_.content_type;
  for (const auto& [name, value] : options_.headers) request.headers.push_back(name + ": " + value);
  request.basic_auth = options_.basic_auth;
  request.timeout = options_.timeout;
  return request;
}

SendResult GatewaySmsNotifier::Send(const Notification& n) {
  const std::string text = SmsText(n, options_.text_template, options_.max_chars);
  return SendToEach(n, options_.to, delivered_,
                    [&](const std::string& to) { return post_.Send(Request(n, text, to)); });
}

}  // namespace gs::alerts
