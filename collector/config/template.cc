#include "collector/config/template.h"

namespace gs::collector {

namespace {

// Calls `emit(literal)` and `field(name)` in order; fails on bad syntax.
template <typename Literal, typename Field>
Result<void> Walk(std::string_view text, Literal emit, Field field) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    if (open == std::string_view::npos) {
      emit(text.substr(pos));
      break;
    }
    emit(text.substr(pos, open - pos));
    const std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      return Fail("unterminated '{' at offset " + std::to_string(open));
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (name != "address" && name != "name" && !(name.starts_with("tag:") && name.size() > 4)) {
      return Fail("unknown placeholder {" + std::string(name) +
                  "} (use {address}, {name} or {tag:KEY})");
    }
    if (auto r = field(name); !r) return r;
    pos = close + 1;
  }
  return {};
}

}  // namespace

Result<void> ValidateTemplate(std::string_view text) {
  return Walk(
      text, [](std::string_view) {}, [](std::string_view) -> Result<void> { return {}; });
}

Result<std::string> ExpandTemplate(std::string_view text, const probes::Target& target) {
  std::string out;
  out.reserve(text.size() + target.address.size());
  auto walked = Walk(
      text, [&](std::string_view literal) { out.append(literal); },
      [&](std::string_view name) -> Result<void> {
        if (name == "address") {
          out += target.address;
        } else if (name == "name") {
          out += target.name;
        } else {
          const std::string_view key = name.substr(4);
          auto it = target.tags.find(key);
          if (it == target.tags.end()) {
            return Fail("node " + target.name + " has no tag \"" + std::string(key) + "\"");
          }
          out += it->second;
        }
        return {};
      });
  if (!walked) return tl::unexpected(walked.error());
  return out;
}

}  // namespace gs::collector
