#include "probes/http_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace gs::probes {

struct BodyRegex::Handles {
  pcre2_code* code = nullptr;
  pcre2_match_data* match = nullptr;
  ~Handles() {
    pcre2_match_data_free(match);
    pcre2_code_free(code);
  }
};

BodyRegex::~BodyRegex() = default;

Result<std::unique_ptr<BodyRegex>> BodyRegex::Compile(std::string_view pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_MULTILINE, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return Fail("invalid regex '" + std::string(pattern) + "' at offset " + std::to_string(offset) +
                ": " + reinterpret_cast<const char*>(message));
  }
  std::unique_ptr<BodyRegex> regex(new BodyRegex());
  regex->h_ = std::make_unique<Handles>();
  regex->h_->code = code;
  // JIT is an optimisation: when it is unavailable pcre2_match interprets instead.
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  regex->h_->match = pcre2_match_data_create(1, nullptr);
  if (regex->h_->match == nullptr) return Fail("out of memory compiling regex");
  return regex;
}

Result<bool> BodyRegex::Matches(std::string_view text) {
  // PCRE2 10.42 rejects a null subject even when it is empty.
  const char* subject = text.data() != nullptr ? text.data() : "";
  const int rc = pcre2_match(h_->code, reinterpret_cast<PCRE2_SPTR>(subject), text.size(), 0, 0,
                             h_->match, nullptr);
  if (rc >= 0) return true;
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(rc, message, sizeof message);
  return Fail(std::string("regex error: ") + reinterpret_cast<const char*>(message));
}

Result<std::shared_ptr<BodyRegex>> RegexCache::Get(const std::string& pattern) {
  if (auto it = entries_.find(pattern); it != entries_.end()) return it->second;
  auto compiled = BodyRegex::Compile(pattern);
  if (!compiled) return tl::unexpected(compiled.error());
  if (entries_.size() >= kMaxEntries) entries_.clear();
  std::shared_ptr<BodyRegex> shared = std::move(*compiled);
  entries_.emplace(pattern, shared);
  return shared;
}

}  // namespace gs::probes
