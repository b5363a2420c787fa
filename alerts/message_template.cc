// RenderTemplate and CutText (see message_template.h).
//
// Beyond the header's contract: placeholder names may be padded with spaces ("{{ node }}"),
// an unterminated "{{" is kept as written, and the rendered text is always valid UTF-8 -
// plugin output is arbitrary bytes, and every consumer (SMTP with charset=UTF-8, JSON for
// Slack, SMS gateways) needs UTF-8, so each invalid byte becomes U+FFFD.
#include "alerts/message_template.h"

#include <cstdint>
#include <optional>

namespace gs::alerts {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026 "…"

// The length in bytes of the well-formed UTF-8 sequence starting at text[pos], or 0 when the
// bytes there are not one (stray continuation byte, truncated sequence, overlong form,
// surrogate, or a code point above U+10FFFF). REQUIRES: pos < text.size().
std::size_t SequenceLength(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[pos + i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t len = 0;
  std::uint8_t min_second = 0x80;  // the narrower second-byte ranges exclude the bad forms
  std::uint8_t max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - pos < len) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  for (std::size_t i = 2; i < len; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return len;
}

// `text` with every byte that is not part of a well-formed sequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t len = SequenceLength(text, pos);
    if (len == 0) {
      out += kReplacement;
      ++pos;
    } else {
      out.append(text, pos, len);
      pos += len;
    }
  }
  return out;
}

std::string_view FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string Lookup(const probes::Tags& tags, std::string_view key) {
  const auto it = tags.find(key);
  return it == tags.end() ? std::string() : it->second;
}

// "web01 http CRITICAL: connection refused\n" for each alert (no ": ..." without output).
std::string AlertLines(const Notification& n) {
  std::string out;
  for (const AlertItem& a : n.alerts) {
    out += a.node + " " + a.check + " " + std::string(probes::ToString(a.state));
    if (const std::string_view line = FirstLine(a.output); !line.empty()) {
      out += ": ";
      out += line;
    }
    out += "\n";
  }
  return out;
}

// The placeholders about the primary alert; nullopt when `name` is not one of them.
std::optional<std::string> PrimaryField(std::string_view name, const Notification& n) {
  static const AlertItem kNone;
  const AlertItem& a = n.alerts.empty() ? kNone : n.Primary();
  const bool any = !n.alerts.empty();  // without alerts, every primary field is empty
  if (name == "node") return a.node;
  if (name == "check") return a.check;
  if (name == "state") return any ? std::string(probes::ToString(a.state)) : "";
  if (name == "previous_state") {
    return any ? std::string(probes::ToString(a.previous_state)) : "";
  }
  if (name == "output") return std::string(FirstLine(a.output));
  if (name == "since") return any ? FormatRfc3339(a.since) : "";
  if (name.starts_with("tag.")) return Lookup(a.tags, name.substr(4));
  return std::nullopt;
}

// The value of placeholder `name`; "" for unknown names.
std::string Expand(std::string_view name, const Notification& n) {
  if (name == "headline") return Headline(n);
  if (name == "status") return n.Firing() ? "firing" : "resolved";
  if (name == "event") return std::string(ToString(n.event));
  if (name == "id") return n.id;
  if (name == "alerts") return AlertLines(n);
  if (name == "note") return n.note.empty() ? "" : n.note + "\n";
  if (name == "count" || name == "firing" || name == "resolved") {
    std::size_t firing = 0;
    for (const AlertItem& a : n.alerts) firing += a.firing ? 1 : 0;
    const std::size_t count = name == "count"    ? n.alerts.size()
                              : name == "firing" ? firing
                                                 : n.alerts.size() - firing;
    return std::to_string(count);
  }
  if (name.starts_with("group.")) return Lookup(n.group_labels, name.substr(6));
  return PrimaryField(name, n).value_or("");
}

}  // namespace

std::string RenderTemplate(std::string_view tmpl, const Notification& n) {
  std::string out;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    const std::size_t first_open = tmpl.find("{{", pos);
    if (first_open == std::string_view::npos) break;
    const std::size_t close = tmpl.find("}}", first_open + 2);
    if (close == std::string_view::npos) break;  // unterminated: kept as written
    // The innermost "{{" before the "}}": in "{{ x {{node}}" the first "{{" is plain text.
    const std::size_t open = tmpl.rfind("{{", close - 2);
    out.append(tmpl, pos, open - pos);
    out += Expand(Trim(tmpl.substr(open + 2, close - open - 2)), n);
    pos = close + 2;
  }
  out.append(tmpl, pos);
  return ValidUtf8(out);
}

std::string CutText(std::string_view text, std::size_t max_chars) {
  // Byte offsets where each of the first max_chars + 1 characters starts; a byte that is not
  // part of a well-formed sequence counts as one character.
  std::size_t chars = 0;
  std::size_t keep_end = 0;  // end of the first max_chars - 1 characters
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (chars == max_chars) {
      // There is more than max_chars: keep max_chars - 1 characters and the ellipsis.
      if (max_chars == 0) return "";
      return std::string(text.substr(0, keep_end)) + std::string(kEllipsis);
    }
    const std::size_t len = SequenceLength(text, pos);
    pos += len == 0 ? 1 : len;
    ++chars;
    if (chars + 1 == max_chars) keep_end = pos;
  }
  return std::string(text);
}

}  // namespace gs::alerts
