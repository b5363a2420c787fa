// Fuzzes RenderTemplate (operators write the subject, body and text templates in the config)
// and CutText. The input is a template, optionally followed by a NUL byte and arbitrary bytes
// that become the primary alert's plugin output; the rest of the notification is fixed. Each
// template is rendered for a group of three alerts and for a notification without alerts.
// Checks, besides not crashing:
//  - the rendered text is valid UTF-8 (message_template.cc promises it: every consumer needs
//    UTF-8, so invalid bytes become U+FFFD);
//  - a valid UTF-8 template without "{{" renders as written;
//  - CutText keeps a prefix of at most max_chars code points, ending in "…" when it cut, and
//    returns text that fits unchanged.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "alerts/message_template.h"

namespace {

using gs::alerts::AlertItem;
using gs::alerts::Notification;
using gs::probes::State;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// nlohmann::json's strict dump validates UTF-8 independently of message_template.cc.
bool IsUtf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// REQUIRES: IsUtf8(text).
std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

AlertItem Item(std::string node, std::string check, bool firing, State state) {
  AlertItem a;
  a.node = std::move(node);
  a.check = std::move(check);
  a.firing = firing;
  a.state = state;
  a.previous_state = State::kOk;
  a.since = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
  a.tags = {{"role", "web"}, {"env", "production"}};
  return a;
}

Notification Group(std::string_view output) {
  Notification n;
  n.id = "0123456789abcdef0123456789abcdef";
  n.notifier = "ops";
  n.group = "web-pager/http/web";
  n.group_labels = {{"check", "http"}, {"role", "web"}};
  n.alerts.push_back(Item("web01", "http", true, State::kCritical));
  n.alerts.back().output = std::string(output);
  n.alerts.push_back(Item("web02", "http", true, State::kWarning));
  n.alerts.back().output = "HTTP WARNING: 1.2 s\nsecond line";
  n.alerts.push_back(Item("web03", "http", false, State::kOk));
  n.alerts.back().reason = "node retired";
  n.note = "alice: on it";
  n.escalation = 1;
  return n;
}

void CheckCut(const std::string& text, std::size_t max_chars) {
  const std::string cut = gs::alerts::CutText(text, max_chars);
  if (!IsUtf8(cut)) __builtin_trap();
  const std::size_t chars = CodePoints(text);
  if (chars <= max_chars) {
    if (cut != text) __builtin_trap();
    return;
  }
  if (CodePoints(cut) > max_chars) __builtin_trap();
  if (max_chars == 0) {
    if (!cut.empty()) __builtin_trap();
    return;
  }
  if (!cut.ends_with(kEllipsis)) __builtin_trap();
  if (!text.starts_with(std::string_view(cut).substr(0, cut.size() - kEllipsis.size()))) {
    __builtin_trap();
  }
}

void CheckRender(std::string_view tmpl, const Notification& n) {
  const std::string out = gs::alerts::RenderTemplate(tmpl, n);
  if (!IsUtf8(out)) __builtin_trap();
  if (tmpl.find("{{") == std::string_view::npos && IsUtf8(std::string(tmpl)) && out != tmpl) {
    __builtin_trap();
  }
  for (const std::size_t max_chars : std::array<std::size_t, 4>{0, 1, 70, 160}) {
    CheckCut(out, max_chars);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view tmpl = input.substr(0, nul);
  const std::string_view output =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  CheckRender(tmpl, Group(output));
  CheckRender(tmpl, Notification{});
  // CutText also gets text that is not UTF-8 (an invalid byte counts as one character).
  const std::string raw(output);
  const std::string cut = gs::alerts::CutText(raw, 5);
  if (cut != raw && !cut.ends_with(kEllipsis)) __builtin_trap();
  return 0;
}
