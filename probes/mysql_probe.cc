// MySQL/MariaDB probe, the I/O half: one libmariadb connection per check gathers MysqlFacts;
// mysql_evaluate.cc judges them. See mysql_probe.h for the thread contract.
#include "probes/mysql_probe.h"

#include <fcntl.h>
#include <mariadb/mysql.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace gs::probes {

namespace {

// Values kept from a row are cut to this many bytes.
constexpr std::size_t kMaxValue = 4096;

// Rows bigger than this fail with the library's "packet too large" error instead of being
// buffered (libmariadb's own default is 1 GiB).
constexpr unsigned long kMaxPacketBytes = 16UL << 20;

struct MysqlCloser {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
struct ResultFreer {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using MysqlHandle = std::unique_ptr<MYSQL, MysqlCloser>;

// mysql_library_init once per process (a function-local static is initialised exactly once,
// even with concurrent callers), then the per-thread state for the duration of one check.
class LibraryThreadScope {
 public:
  LibraryThreadScope() {
    static const int library = mysql_library_init(0, nullptr, nullptr);
    (void)library;  // a failed init makes mysql_init fail, which is reported there
    mysql_thread_init();
  }
  ~LibraryThreadScope() { mysql_thread_end(); }
  LibraryThreadScope(const LibraryThreadScope&) = delete;
  LibraryThreadScope& operator=(const LibraryThreadScope&) = delete;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ErrorText(MYSQL* mysql) {
  return "error " + std::to_string(mysql_errno(mysql)) + ": " + mysql_error(mysql);
}

std::string Endpoint(const MysqlCheckSpec& spec) {
  if (!spec.socket.empty()) return spec.socket;
  const bool ipv6 = spec.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + spec.host + "]" : spec.host) + ":" + std::to_string(spec.port);
}

// UNKNOWN material: a configured file that cannot be read (libmariadb would silently ignore
// a missing option file and log in as the current OS user).
Result<void> CheckReadable(const std::string& path, const char* what) {
  if (path.empty()) return {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(std::string("cannot read ") + what + " " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) return Fail(std::string(what) + " " + path + " is not a regular file");
  return {};
}

void SetOptions(MYSQL* mysql, const MysqlCheckSpec& spec) {
  const auto ms = std::max<std::int64_t>(spec.timeout.count(), 1);
  const auto seconds = static_cast<unsigned int>(std::min<std::int64_t>((ms + 999) / 1000, 86400));
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &kMaxPacketBytes);
  // A hostile server may ask the client to upload a local file (LOAD DATA LOCAL): never.
  const unsigned int no_local_infile = 0;
  mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!spec.credentials_file.empty()) {
    mysql_options(mysql, MYSQL_READ_DEFAULT_FILE, spec.credentials_file.c_str());
    mysql_options(mysql, MYSQL_READ_DEFAULT_GROUP, "client");
  }
  if (spec.tls == MysqlTls::kOff) return;
  // Connector/C 3.3 does not refuse a server without TLS unless it verifies the certificate;
  // GatherFacts checks the cipher after connecting for kRequired.
  const my_bool on = 1;
  const my_bool verify = spec.tls == MysqlTls::kVerify ? 1 : 0;
  mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
  mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  if (!spec.ca_file.empty()) mysql_options(mysql, MYSQL_OPT_SSL_CA, spec.ca_file.c_str());
}

struct SqlRows {
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Runs one statement and keeps at most `max_rows` rows (values cut to kMaxValue bytes); the
// rest is read and dropped, so memory stays bounded whatever the query returns.
Result<SqlRows> RunSql(MYSQL* mysql, std::string_view sql, std::size_t max_rows) {
  if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) return Fail(ErrorText(mysql));
  const std::unique_ptr<MYSQL_RES, ResultFreer> result(mysql_use_result(mysql));
  SqlRows out;
  if (!result) {
    if (mysql_field_count(mysql) == 0) return out;  // a statement without a result set
    return Fail(ErrorText(mysql));
  }
  const unsigned int columns = mysql_num_fields(result.get());
  const MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
  for (unsigned int i = 0; i < columns; ++i) out.names.emplace_back(fields[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    if (out.rows.size() >= max_rows) continue;
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    auto& values = out.rows.emplace_back();
    for (unsigned int i = 0; i < columns; ++i) {
      if (row[i] == nullptr) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(row[i], std::min<std::size_t>(lengths[i], kMaxValue)));
      }
    }
  }
  if (mysql_errno(mysql) != 0) return Fail(ErrorText(mysql));
  return out;
}

std::optional<std::int64_t> ParseInt(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// The value of column `name` (nullopt when absent or NULL).
std::optional<std::string> Cell(const MysqlRow& row, std::string_view name) {
  const auto it = row.find(name);
  return it == row.end() ? std::nullopt : it->second;
}

MysqlRow RowByName(const SqlRows& rows, std::size_t index) {
  MysqlRow row;
  for (std::size_t i = 0; i < rows.names.size(); ++i) row[rows.names[i]] = rows.rows[index][i];
  return row;
}

void ReadStatus(MYSQL* mysql, MysqlFacts& facts) {
  auto vars = RunSql(mysql, "SELECT VERSION() AS version, @@GLOBAL.max_connections AS max", 1);
  if (!vars) {
    facts.status_error = vars.error().message;
    return;
  }
  if (!vars->rows.empty()) {
    const MysqlRow row = RowByName(*vars, 0);
    facts.version = Cell(row, "version").value_or("");
    facts.max_connections = ParseInt(Cell(row, "max"));
  }
  auto status = RunSql(
      mysql, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Uptime')", 16);
  if (!status) {
    facts.status_error = status.error().message;
    return;
  }
  for (std::size_t i = 0; i < status->rows.size(); ++i) {
    const MysqlRow row = RowByName(*status, i);
    const std::string name = Cell(row, "Variable_name").value_or("");
    const std::optional<std::int64_t> value = ParseInt(Cell(row, "Value"));
    if (name == "Threads_connected") facts.threads_connected = value;
    if (name == "Uptime") facts.uptime_seconds = value;
  }
}

MysqlQueryOutcome RunUserQuery(MYSQL* mysql, const std::string& query) {
  MysqlQueryOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  auto rows = RunSql(mysql, query, 1);
  outcome.seconds = SecondsSince(start);
  if (!rows) {
    outcome.error = rows.error().message;
  } else if (!rows->rows.empty() && !rows->names.empty()) {
    outcome.has_row = true;
    outcome.value = rows->rows[0][0];
  }
  return outcome;
}

void ReadReplica(MYSQL* mysql, MysqlFacts& facts) {
  const std::string_view statement = ReplicaStatusStatement(ParseMysqlVersion(facts.version));
  auto rows = RunSql(mysql, statement, 1);
  if (!rows) {
    facts.replica_error = std::string(statement) + " failed: " + rows.error().message;
  } else if (!rows->rows.empty()) {
    facts.replica = RowByName(*rows, 0);
  }
}

MysqlFacts GatherFacts(const MysqlCheckSpec& spec) {
  MysqlFacts facts;
  const MysqlHandle mysql(mysql_init(nullptr));
  if (!mysql) {
    facts.connect_error = "cannot initialise libmariadb";
    return facts;
  }
  SetOptions(mysql.get(), spec);
  const bool tcp = spec.socket.empty();
  const auto optional = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  const auto start = std::chrono::steady_clock::now();
  if (mysql_real_connect(mysql.get(), tcp ? spec.host.c_str() : "localhost", optional(spec.user),
                         optional(spec.password), optional(spec.database),
                         tcp ? static_cast<unsigned int>(spec.port) : 0U,
                         tcp ? nullptr : spec.socket.c_str(), 0) == nullptr) {
    facts.connect_error = "connect to " + Endpoint(spec) + ": " + ErrorText(mysql.get());
    return facts;
  }
  facts.connect_seconds = SecondsSince(start);
  if (const char* cipher = mysql_get_ssl_cipher(mysql.get())) facts.tls_cipher = cipher;
  if (spec.tls != MysqlTls::kOff && facts.tls_cipher.empty()) {
    facts.connect_error = "connect to " + Endpoint(spec) + ": TLS required, server has none";
    return facts;
  }
  // Every step runs even after one failed: a lost connection makes the rest fail at once
  // with their own message (no reconnect), and nothing is ever reported from a step not run.
  // The user's query goes last: whatever it leaves behind (say, the extra result sets of a
  // CALL) cannot disturb our own statements.
  ReadStatus(mysql.get(), facts);
  if (spec.replication) ReadReplica(mysql.get(), facts);
  if (!spec.query.empty()) facts.query = RunUserQuery(mysql.get(), spec.query);
  return facts;
}

}  // namespace

CheckResult RunMysqlCheck(const MysqlCheckSpec& spec) {
  const auto started = std::chrono::system_clock::now();
  const auto tick = std::chrono::steady_clock::now();
  CheckResult result;
  Result<void> ready = ValidateMysqlSpec(spec);
  if (ready) ready = CheckReadable(spec.credentials_file, "credentials file");
  if (ready) ready = CheckReadable(spec.ca_file, "CA file");
  if (!ready) {
    result.state = State::kUnknown;
    result.text = ready.error().message;
  } else {
    const LibraryThreadScope scope;
    result = EvaluateMysql(spec, GatherFacts(spec));
  }
  RedactSecret(result, spec.password);
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - tick;
  return result;
}

}  // namespace gs::probes
