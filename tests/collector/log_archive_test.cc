// The archive's line format, the writer thread and the search over its files.
#include "collector/syslog/log_archive.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "collector/syslog/archive_format.h"
#include "collector/syslog/log_search.h"
#include "tests/support/peers.h"

namespace gs::collector::syslog {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

system_clock::time_point At(const char* text) {
  system_clock::time_point t;
  EXPECT_TRUE(ParseReceived(text, t)) << text;
  return t;
}

LogRecord Record(const char* received, std::string host, std::string msg) {
  LogRecord r;
  r.received = At(received);
  r.source = "127.0.0.1";
  r.facility = 16;
  r.severity = 4;
  r.hostname = std::move(host);
  r.app_name = "app";
  r.procid = "42";
  r.timestamp = "2026-11-22T03:38:33+00:00";
  r.msg = std::move(msg);
  r.format = Format::kRfc3164;
  return r;
}

std::vector<std::string> Lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ArchiveFormatTest, OneLineWithTwelveFieldsRoundTrips) {
  LogRecord r = Record("2026-11-22T03:38:33.756198Z", "web01", "disk 85% full");
  r.msgid = "ID47";
  r.structured_data = R"([ex@32473 iut="3" eventSource="Application"])";
  r.node = "web01";
  r.format = Format::kRfc5424;
  std::string line;
  AppendArchiveLine(r, line);
  EXPECT_EQ(line,
            "2026-11-22T03:38:33.756198Z\t127.0.0.1\tlocal0.warning\tweb01\tapp\t42\tID47\t"
            "2026-11-22T03:38:33+00:00\t5424\tweb01\t[ex@32473 iut=\"3\" "
            "eventSource=\"Application\"]\tdisk 85% full\n");
  LogRecord back;
  ASSERT_TRUE(ParseArchiveLine(std::string_view(line).substr(0, line.size() - 1), back));
  EXPECT_EQ(back, r);
}

TEST(ArchiveFormatTest, ControlBytesDashesAndAbsentFieldsAreUnambiguous) {
  LogRecord r;
  r.received = At("2026-01-02T00:00:00Z");
  r.source = "10.0.0.9";
  r.hostname = "-";  // literally a dash
  r.msg = "tab\there\nnew\\line\r\x01\x7f end \xc3\xa9";
  r.format = Format::kUnparsed;
  r.truncated = true;
  std::string line;
  AppendArchiveLine(r, line);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\t\\-\t"), std::string::npos) << line;
  EXPECT_NE(line.find("unparsed,truncated"), std::string::npos) << line;
  EXPECT_NE(line.find("tab\\there\\nnew\\\\line\\r\\x01\\x7f end \xc3\xa9"), std::string::npos)
      << line;
  LogRecord back;
  ASSERT_TRUE(ParseArchiveLine(std::string_view(line).substr(0, line.size() - 1), back));
  EXPECT_EQ(back, r);
}

TEST(ArchiveFormatTest, EscapesAreFoundAtEveryPositionOfALongField) {
  // Clean text is skipped 16 and 8 bytes at a time; a byte to escape may sit anywhere.
  for (const char special : {'\t', '\\', '\x7f', '\x01'}) {
    for (std::size_t pos = 0; pos < 48; ++pos) {
      LogRecord r;
      r.received = At("2026-01-02T00:00:00Z");
      r.msg = std::string(48, 'a') + "\xc3\xa9";  // UTF-8 is never escaped
      r.msg[pos] = special;
      std::string line;
      AppendArchiveLine(r, line);
      LogRecord back;
      ASSERT_TRUE(ParseArchiveLine(std::string_view(line).substr(0, line.size() - 1), back));
      EXPECT_EQ(back.msg, r.msg) << pos;
      const std::string written = line.substr(line.rfind('\t') + 1);          // the msg field
      const std::size_t longer = special == '\t' || special == '\\' ? 1 : 3;  // \t or \x01
      EXPECT_EQ(written.size(), r.msg.size() + longer + 1) << pos;            // and the LF
    }
  }
}

TEST(ArchiveFormatTest, MalformedLinesAreRejected) {
  LogRecord r;
  for (const char* bad : {"", "garbage", "2026-11-22T03:38:33Z\tonly\tthree",
                          "2026-11-22T03:38:33Z\ts\tlocal0.nope\th\ta\tp\tm\tt\t3164\t-\t-\tmsg",
                          "2026-11-22T03:38:33Z\ts\t-\th\ta\tp\tm\tt\t9999\t-\t-\tmsg",
                          "2026-11-22T03:38:33Z\ts\t-\th\ta\tp\tm\tt\t3164\t-\t-\tbad \\q escape",
                          "2026-11-22T03:38:33Z\ts\t-\th\ta\tp\tm\tt\t3164\t-\t-\tcut \\x4"}) {
    EXPECT_FALSE(ParseArchiveLine(bad, r)) << bad;
  }
}

TEST(ArchiveFormatTest, HostIsHostnameThenNodeThenSourceMadeSafe) {
  LogRecord r;
  r.source = "10.1.2.3";
  EXPECT_EQ(ArchiveHost(r), "10.1.2.3");
  r.node = "db01";
  EXPECT_EQ(ArchiveHost(r), "db01");
  r.hostname = "Web01.Example.COM";
  EXPECT_EQ(ArchiveHost(r), "web01.example.com");
  r.hostname = "../../etc";
  EXPECT_EQ(ArchiveHost(r).find('/'), std::string::npos);
  EXPECT_EQ(ArchiveDay(At("2026-11-22T23:59:59.999Z")), "2026-11-22");
}

TEST(LogArchiveTest, WritesPerHostAndDayAndFlushesOnRequestAndStop) {
  test::TempDir dir;
  LogArchive archive({.root = dir.path() / "logs", .flush_interval = 1h});
  std::vector<LogRecord> batch = {Record("2026-11-21T23:59:59Z", "web01", "late"),
                                  Record("2026-11-22T00:00:01Z", "web01", "early"),
                                  Record("2026-11-22T00:00:02Z", "db01", "db")};
  ASSERT_TRUE(archive.TryPush(batch));
  EXPECT_TRUE(batch.empty());
  ASSERT_TRUE(archive.Flush(10s));
  EXPECT_EQ(Lines(dir / "logs/web01/2026-11-21.log").size(), 1u);
  EXPECT_EQ(Lines(dir / "logs/web01/2026-11-22.log").size(), 1u);
  EXPECT_EQ(Lines(dir / "logs/db01/2026-11-22.log").size(), 1u);
  std::vector<LogRecord> more = {Record("2026-11-22T00:00:03Z", "db01", "second")};
  ASSERT_TRUE(archive.TryPush(more));
  archive.Stop();  // writes what is queued
  EXPECT_EQ(Lines(dir / "logs/db01/2026-11-22.log").size(), 2u);
  EXPECT_EQ(archive.stats().written.load(), 4u);
  EXPECT_EQ(archive.stats().queue_bytes.load(), 0);
}

TEST(LogArchiveTest, AFullQueueRefusesTheBatchAndKeepsIt) {
  test::TempDir dir;
  LogArchive archive({.root = dir.path() / "logs", .flush_interval = 1h, .queue_bytes = 1});
  // The first batch always fits (an empty queue accepts anything); a second may not.
  int refused = 0;
  for (int i = 0; i < 1000 && refused == 0; ++i) {
    std::vector<LogRecord> batch = {Record("2026-11-22T00:00:01Z", "h", std::string(4000, 'x'))};
    if (!archive.TryPush(batch)) {
      ++refused;
      EXPECT_EQ(batch.size(), 1u);
    }
  }
  EXPECT_EQ(archive.stats().refused_batches.load(), static_cast<std::uint64_t>(refused));
  archive.Stop();
}

TEST(LogArchiveTest, ChunksAreWrittenUpToTheirCountAndComeBackForReuse) {
  test::TempDir dir;
  LogArchive archive({.root = dir.path() / "logs", .flush_interval = 1h});
  std::vector<std::vector<LogRecord>> chunks(2);
  for (auto& chunk : chunks) {
    for (std::size_t i = 0; i < LogArchive::kChunkRecords; ++i) {
      chunk.push_back(Record("2026-11-22T00:00:01Z", "web01", "line " + std::to_string(i)));
    }
  }
  // Every record of the first chunk, three of the last: the rest is not written.
  ASSERT_TRUE(archive.TryPush(chunks, 3));
  EXPECT_TRUE(chunks.empty());
  ASSERT_TRUE(archive.Flush(10s));
  const auto lines = Lines(dir / "logs/web01/2026-11-22.log");
  ASSERT_EQ(lines.size(), LogArchive::kChunkRecords + 3);
  EXPECT_NE(lines.back().find("\tline 2"), std::string::npos) << lines.back();
  // Both chunks come back whole, their records' strings still allocated.
  std::vector<LogRecord> spare;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(archive.TakeSpare(spare));
    EXPECT_EQ(spare.size(), LogArchive::kChunkRecords);
    EXPECT_GE(spare.back().msg.capacity(), 7u);
  }
  EXPECT_FALSE(archive.TakeSpare(spare));
  archive.Stop();
  EXPECT_EQ(archive.stats().written.load(), LogArchive::kChunkRecords + 3);
  EXPECT_EQ(archive.stats().queue_bytes.load(), 0);
}

TEST(LogArchiveTest, RetentionDeletesOldDaysAndCompressionKeepsThemSearchable) {
  test::TempDir dir;
  const auto logs = dir.path() / "logs";
  const auto now = system_clock::now();
  const std::string today = ArchiveDay(now);
  const std::string old_day = ArchiveDay(now - 40 * 24h);
  const std::string yesterday = ArchiveDay(now - 24h);
  std::filesystem::create_directories(logs / "web01");
  std::string line;
  LogRecord r = Record("2026-11-22T00:00:00Z", "web01", "from yesterday");
  r.received = now - 24h;
  AppendArchiveLine(r, line);
  test::WriteFile(logs / "web01" / (old_day + ".log"), line);
  test::WriteFile(logs / "web01" / (yesterday + ".log"), line);
  test::WriteFile(logs / "web01" / "notes.txt", "not ours");
  const auto long_ago = std::filesystem::file_time_type::clock::now() - 1h;
  std::filesystem::last_write_time(logs / "web01" / (yesterday + ".log"), long_ago);
  LogArchive archive({.root = logs, .retention = 30 * 24h, .compress = true});
  archive.RunMaintenance();
  EXPECT_FALSE(std::filesystem::exists(logs / "web01" / (old_day + ".log")));
  EXPECT_TRUE(std::filesystem::exists(logs / "web01" / (yesterday + ".log.gz")));
  EXPECT_FALSE(std::filesystem::exists(logs / "web01" / (yesterday + ".log")));
  EXPECT_TRUE(std::filesystem::exists(logs / "web01" / "notes.txt"));
  EXPECT_GE(archive.stats().files_removed.load(), 1u);
  EXPECT_GE(archive.stats().files_compressed.load(), 1u);
  archive.Stop();
  auto found = SearchLogs(logs, LogQuery{});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->records.size(), 1u);
  EXPECT_EQ(found->records[0].msg, "from yesterday");
}

class LogSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogArchive archive({.root = dir_.path() / "logs"});
    std::vector<LogRecord> batch;
    for (int day = 20; day <= 22; ++day) {
      for (int i = 0; i < 5; ++i) {
        const std::string t =
            "2026-11-" + std::to_string(day) + "T10:00:0" + std::to_string(i) + "Z";
        LogRecord r = Record(t.c_str(), i % 2 == 0 ? "web01" : "db01",
                             "day " + std::to_string(day) + " n " + std::to_string(i));
        r.severity = i;  // 0 emerg .. 4 warning
        if (i == 4) r.app_name = "sshd";
        batch.push_back(r);
      }
    }
    ASSERT_TRUE(archive.TryPush(batch));
    archive.Stop();
  }

  std::vector<std::string> Msgs(const std::map<std::string, std::string>& params) {
    auto q = ParseLogQuery(params, At("2026-11-23T00:00:00Z"));
    EXPECT_TRUE(q) << q.error().message;
    auto r = SearchLogs(dir_.path() / "logs", *q);
    EXPECT_TRUE(r);
    std::vector<std::string> out;
    for (const LogRecord& rec : r->records) out.push_back(rec.msg);
    return out;
  }

  test::TempDir dir_;
};

TEST_F(LogSearchTest, ReturnsTheNewestMatchesOldestFirst) {
  EXPECT_EQ(Msgs({{"limit", "3"}}),
            (std::vector<std::string>{"day 22 n 2", "day 22 n 3", "day 22 n 4"}));
  EXPECT_EQ(Msgs({}).size(), 15u);
}

TEST_F(LogSearchTest, FiltersByHostAppSeverityTimeAndPattern) {
  EXPECT_EQ(Msgs({{"host", "DB01"}, {"since", "2026-11-22"}}),
            (std::vector<std::string>{"day 22 n 1", "day 22 n 3"}));
  EXPECT_EQ(Msgs({{"app", "sshd"}}).size(), 3u);
  EXPECT_EQ(Msgs({{"severity", "crit"}, {"since", "2026-11-22T00:00:00Z"}}),
            (std::vector<std::string>{"day 22 n 0", "day 22 n 1", "day 22 n 2"}));
  EXPECT_EQ(Msgs({{"since", "2026-11-21T10:00:03Z"}, {"until", "2026-11-22T10:00:01+00:00"}}),
            (std::vector<std::string>{"day 21 n 3", "day 21 n 4", "day 22 n 0"}));
  EXPECT_EQ(Msgs({{"q", "^day 2[01] n [34]$"}}),
            (std::vector<std::string>{"day 20 n 3", "day 20 n 4", "day 21 n 3", "day 21 n 4"}));
  EXPECT_EQ(Msgs({{"since", "1h"}}).size(), 0u);  // relative to "now" = 2026-11-23
}

TEST_F(LogSearchTest, BadParametersAreRefusedWithAReason) {
  const auto now = system_clock::now();
  for (const auto& [key, value, needle] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"limit", "0", "limit"},
           {"limit", "100000", "limit"},
           {"since", "yesterday", "since"},
           {"severity", "loud", "severity"},
           {"hots", "web01", "unknown parameter \"hots\""}}) {
    auto q = ParseLogQuery({{key, value}}, now);
    ASSERT_FALSE(q) << key;
    EXPECT_NE(q.error().message.find(needle), std::string::npos) << q.error().message;
  }
  auto q = ParseLogQuery({{"q", "(unclosed"}}, now);
  ASSERT_TRUE(q);
  EXPECT_FALSE(SearchLogs(dir_.path() / "logs", *q));
}

TEST_F(LogSearchTest, AByteBoundStopsTheSearchAndSaysSo) {
  auto r = SearchLogs(dir_.path() / "logs", LogQuery{}, LogSearchBounds{.max_bytes = 10});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->incomplete);
}

TEST_F(LogSearchTest, JsonUsesRfc5424NamesAndNullForAbsentFields) {
  LogQuery newest;
  newest.limit = 1;
  auto r = SearchLogs(dir_.path() / "logs", newest);
  ASSERT_TRUE(r);
  const std::string json = LogSearchJson(*r);
  for (const char* field :
       {"\"received\":", "\"source\":\"127.0.0.1\"", "\"facility\":\"local0\"",
        "\"severity\":\"warning\"", "\"hostname\":\"web01\"", "\"app_name\":\"sshd\"",
        "\"procid\":\"42\"", "\"msgid\":null", "\"timestamp\":", "\"structured_data\":null",
        "\"msg\":\"day 22 n 4\"", "\"more\":true"}) {
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  }
}

}  // namespace
}  // namespace gs::collector::syslog
