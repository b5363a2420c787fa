// LogArchive: appends LogRecords to data_dir/logs/<host>/<YYYY-MM-DD>.log (UTC days, line
// format in archive_format.h) from one writer thread, fed by a queue bounded in bytes.
//
// The listeners hand over whole batches with TryPush, which never blocks: a full queue
// refuses the batch (TCP readers then pause, UDP drops and counts). The writer buffers per
// file and writes each buffer at least every flush_interval (and whenever it grows large),
// so a kill -9 loses at most the last interval; Stop() writes everything queued. A separate
// maintenance thread deletes days older than the retention and, if asked, gzips closed days.
//
// Thread-safety: TryPush, Flush and stats() from any thread; Stop once, from the owner.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "collector/syslog/archive_format.h"
#include "collector/syslog/log_record.h"

namespace gs::collector::syslog {

// Sees every record on the writer thread before it is written, and a Tick at least every
// flush interval (the log rules). Must not block for long: it delays the archive.
class RecordObserver {
 public:
  virtual ~RecordObserver() = default;
  virtual void Observe(const LogRecord& record) = 0;
  virtual void Tick(std::chrono::system_clock::time_point now) = 0;
};

struct LogArchiveStats {
  std::atomic<std::uint64_t> written{0};        // records written to a file
  std::atomic<std::uint64_t> bytes_written{0};  // bytes of lines written
  std::atomic<std::uint64_t> write_errors{0};   // failed open/write calls (retried later)
  std::atomic<std::uint64_t> lost{0};  // records given up after errors (buffer over its bound)
  std::atomic<std::uint64_t> refused_batches{0};  // TryPush calls refused: queue full
  std::atomic<std::int64_t> queue_bytes{0};
  std::atomic<std::int64_t> open_files{0};
  std::atomic<std::uint64_t> files_removed{0};     // by retention
  std::atomic<std::uint64_t> files_compressed{0};  // closed days gzipped
  std::atomic<std::uint64_t> maintenance_errors{0};
};

class LogArchive {
 public:
  struct Options {
    std::filesystem::path root;  // data_dir/logs
    std::chrono::milliseconds flush_interval{1000};
    std::uint64_t queue_bytes = 64 << 20;
    std::chrono::milliseconds retention{30LL * 86'400'000};
    bool compress = false;
    std::size_t max_open_files = 256;
  };

  explicit LogArchive(Options options);
  ~LogArchive();  // Stop()
  LogArchive(const LogArchive&) = delete;
  LogArchive& operator=(const LogArchive&) = delete;

  // Records travel in chunks: vectors of kChunkRecords records, parsed into by the listeners,
  // written here, then handed back through TakeSpare with their strings' capacity, so a
  // steady stream parses without allocating and no vector ever grows or shrinks.
  static constexpr std::size_t kChunkRecords = 64;

  // Takes the records of `batch` (leaving it empty) unless the queue is full: then returns
  // false and leaves `batch` untouched. Never blocks.
  bool TryPush(std::vector<LogRecord>& batch);
  // The same for chunks: every record of each chunk but the last, and the first `last_count`
  // of the last; the rest travel along unwritten (and count against the queue's bound as
  // empty records). Empties `chunks` unless it returns false.
  bool TryPush(std::vector<std::vector<LogRecord>>& chunks, std::size_t last_count);

  // A chunk of written records handed back for reuse; false when none is spare. Any thread.
  bool TakeSpare(std::vector<LogRecord>& out);

  // Waits until every record pushed before the call is in its file (write(2) done), at most
  // `timeout`; false on timeout. For read-your-writes in search.
  bool Flush(std::chrono::milliseconds timeout);

  // Writes everything queued, closes the files and joins the threads. Idempotent.
  void Stop();

  // Replaces the observer (null: none); takes effect at the writer's next batch.
  void SetObserver(std::shared_ptr<RecordObserver> observer);

  // Runs retention and compression once now (also done hourly). For tests and start-up.
  void RunMaintenance();

  [[nodiscard]] const LogArchiveStats& stats() const { return stats_; }
  [[nodiscard]] const std::filesystem::path& root() const { return options_.root; }

 private:
  struct OpenFile;
  struct Batch {
    std::vector<LogRecord> records;
    std::size_t count = 0;  // records[0, count) are to be written
    std::uint64_t bytes = 0;
    std::uint64_t seq = 0;
  };

  void WriterLoop();
  void MaintenanceLoop();
  void Append(const LogRecord& record);
  void WriteAll();
  bool WriteFile(OpenFile& file);
  OpenFile* FileFor(const std::string& host, std::int64_t day);
  void CloseIdle(std::int64_t today);

  const Options options_;
  LogArchiveStats stats_;

  std::mutex mu_;
  std::condition_variable wake_;              // writer: work, flush request or stop
  std::condition_variable flushed_;           // Flush() callers
  std::deque<Batch> queue_;                   // guarded by mu_
  std::uint64_t pushed_seq_ = 0;              // guarded by mu_
  std::uint64_t written_seq_ = 0;             // guarded by mu_
  bool flush_requested_ = false;              // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::shared_ptr<RecordObserver> observer_;  // guarded by mu_
  std::mutex spare_mu_;
  std::vector<std::vector<LogRecord>> spare_;  // guarded by spare_mu_
  std::size_t spare_records_ = 0;              // in spare_; guarded by spare_mu_

  // Writer thread only.
  std::unordered_map<std::string, std::unique_ptr<OpenFile>> files_;  // "host/day"
  OpenFile* last_file_ = nullptr;  // the file of the previous record
  std::string last_file_host_;
  std::int64_t last_day_ = 0;
  ArchiveHostCache hosts_;

  std::mutex maintenance_mu_;
  std::condition_variable maintenance_wake_;
  bool maintenance_stop_ = false;  // guarded by maintenance_mu_

  std::thread writer_;
  std::thread maintenance_;
};

}  // namespace gs::collector::syslog
