// RenderTemplate: the subject and body templates of the text notifiers (email, SMS, Slack).
//
// A template is plain text with {{placeholders}}; unknown placeholders render as nothing,
// text outside braces is kept as written. Placeholders:
//   {{headline}}   Headline(n): "[FIRING:3] http CRITICAL on web01, web02, web03"
//   {{status}}     firing | resolved
//   {{event}}      alert, flapping_started, ... (ToString(Event))
//   {{count}}      number of alerts in the message; {{firing}}, {{resolved}}: of each kind
//   {{node}} {{check}} {{state}} {{previous_state}} {{output}} {{since}}
//                  fields of the primary (first) alert; {{output}} is its first line
//   {{tag.KEY}}    tag KEY of the primary alert's node
//   {{group.KEY}}  group label KEY
//   {{alerts}}     one line per alert: "web01 http CRITICAL: connection refused\n"
//   {{note}}       the note (ack comment, uplink summary), followed by a newline when set
//   {{id}}         the notification id
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "alerts/notification.h"

namespace gs::alerts {

std::string RenderTemplate(std::string_view tmpl, const Notification& n);

// Cuts `text` to at most `max_chars` characters (UTF-8 code points, never splitting one),
// ending in "…" when it was cut. For SMS (160 GSM characters; 70 when not GSM-7).
std::string CutText(std::string_view text, std::size_t max_chars);

}  // namespace gs::alerts
