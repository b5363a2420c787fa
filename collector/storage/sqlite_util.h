// Small helpers for StateDb's SQLite statements: binding, reading columns, time as
// milliseconds. Internal to collector/storage/.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "alerts/json_fields.h"
#include "probes/state.h"

namespace gs::collector::sql {

using alerts::json_fields::FromMs;  // clamped: a hand-edited row cannot overflow
using alerts::json_fields::ToMs;

// Binds are checked together: any failure shows up as a failed step, with the db's message.
inline void Bind(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
inline void Bind(sqlite3_stmt* s, int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
inline void Bind(sqlite3_stmt* s, int i, int v) { sqlite3_bind_int(s, i, v); }
inline void Bind(sqlite3_stmt* s, int i, bool v) { sqlite3_bind_int(s, i, v ? 1 : 0); }
inline void Bind(sqlite3_stmt* s, int i, probes::State v) {
  sqlite3_bind_int(s, i, static_cast<int>(v));
}

inline std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* p = sqlite3_column_text(s, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(s, col)));
}
inline std::int64_t Int64(sqlite3_stmt* s, int col) { return sqlite3_column_int64(s, col); }
inline int Int(sqlite3_stmt* s, int col) { return sqlite3_column_int(s, col); }
inline probes::State StateCol(sqlite3_stmt* s, int col) {
  return probes::StateFromExit(Int(s, col));
}

// Resets a cached statement when the call that used it returns, so it holds no read lock.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* s) : s_(s) {}
  ~ResetOnExit() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* s_;
};

}  // namespace gs::collector::sql
