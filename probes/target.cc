#include "probes/target.h"

#include <algorithm>

namespace gs::probes {

const std::shared_ptr<const Tags>& NoTags() {
  static const auto* const empty = new std::shared_ptr<const Tags>(std::make_shared<const Tags>());
  return *empty;
}

namespace {

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool ConditionHolds(const Selector::Condition& c, const Tags& tags) {
  auto it = tags.find(c.key);
  const bool present = it != tags.end();
  switch (c.kind) {
    case Selector::Condition::Kind::kEquals:
    case Selector::Condition::Kind::kOneOf:
      return present && Contains(c.values, it->second);
    case Selector::Condition::Kind::kNoneOf:
      return !present || !Contains(c.values, it->second);
    case Selector::Condition::Kind::kExists:
      return present;
    case Selector::Condition::Kind::kAbsent:
      return !present;
  }
  return false;
}

}  // namespace

bool Selector::Matches(const Tags& tags) const {
  return std::all_of(conditions_.begin(), conditions_.end(),
                     [&](const Condition& c) { return ConditionHolds(c, tags); });
}

}  // namespace gs::probes
