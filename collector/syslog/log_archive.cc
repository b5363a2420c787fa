#include "collector/syslog/log_archive.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <unordered_map>

#include "collector/syslog/archive_format.h"

namespace gs::collector::syslog {

namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr std::size_t kWriteAt = 256 * 1024;    // a file buffer this big is written at once
constexpr std::size_t kMaxPending = 8u << 20;   // per file, while writes keep failing
constexpr std::uint64_t kRecordOverhead = 160;  // queue accounting per record beyond its text
// Records kept for reuse, in all chunks together: enough that a steady stream never allocates
// (the chunks circulate between the listeners and the writer); what a burst needed beyond
// that is freed afterwards. At most about 35 MB (65,536 records).
constexpr std::size_t kMaxSpare = 1024 * LogArchive::kChunkRecords;
constexpr std::size_t kSmallWork = 256;  // records: see WriterLoop
constexpr auto kWakeGap = std::chrono::milliseconds(1);
constexpr std::size_t kMaxSpareString = 2048;   // bigger strings are freed, not reused
constexpr std::size_t kMaxSpareRecords = 2048;  // bigger vectors are freed, not reused
constexpr auto kMaintenanceEvery = std::chrono::hours(1);
constexpr auto kCompressAfter = std::chrono::minutes(10);  // a closed day untouched this long

std::string DayName(std::int64_t day) {
  return ArchiveDay(system_clock::time_point(std::chrono::seconds(day * 86400)));
}

bool Gzip(const std::filesystem::path& from, const std::filesystem::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  gzFile out = gzopen(to.c_str(), "wb6");
  if (out == nullptr) {
    ::close(in);
    return false;
  }
  std::vector<char> buffer(1 << 16);
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    if (gzwrite(out, buffer.data(), static_cast<unsigned>(n)) != static_cast<int>(n)) {
      ok = false;
      break;
    }
  }
  ::close(in);
  ok = gzclose(out) == Z_OK && ok;
  return ok;
}

}  // namespace

struct LogArchive::OpenFile {
  std::filesystem::path path;
  std::int64_t day = 0;
  int fd = -1;
  std::string buffer;
  std::uint64_t pending_records = 0;
  steady_clock::time_point last_used;

  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

LogArchive::LogArchive(Options options) : options_(std::move(options)) {
  writer_ = std::thread([this] { WriterLoop(); });
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
}

LogArchive::~LogArchive() { Stop(); }

bool LogArchive::TryPush(std::vector<LogRecord>& batch) {
  std::vector<std::vector<LogRecord>> chunks;
  const std::size_t count = batch.size();
  chunks.push_back(std::move(batch));
  if (TryPush(chunks, count)) return true;
  batch = std::move(chunks.front());
  return false;
}

bool LogArchive::TryPush(std::vector<std::vector<LogRecord>>& chunks, std::size_t last_count) {
  if (chunks.empty()) return true;
  last_count = std::min(last_count, chunks.back().size());
  std::vector<std::uint64_t> chunk_bytes(chunks.size(), 0);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::size_t count = i + 1 == chunks.size() ? last_count : chunks[i].size();
    chunk_bytes[i] = chunks[i].size() * kRecordOverhead;
    for (std::size_t k = 0; k < count; ++k) {
      chunk_bytes[i] += chunks[i][k].msg.size() + chunks[i][k].structured_data.size();
    }
    bytes += chunk_bytes[i];
  }
  if (bytes == 0) return true;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    const auto queued = static_cast<std::uint64_t>(stats_.queue_bytes.load());
    if (queued != 0 && queued + bytes > options_.queue_bytes) {
      ++stats_.refused_batches;
      return false;
    }
    const std::uint64_t seq = ++pushed_seq_;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const std::size_t count = i + 1 == chunks.size() ? last_count : chunks[i].size();
      queue_.push_back(Batch{std::move(chunks[i]), count, chunk_bytes[i], seq});
    }
    stats_.queue_bytes += static_cast<std::int64_t>(bytes);
  }
  chunks.clear();
  wake_.notify_one();
  return true;
}

bool LogArchive::TakeSpare(std::vector<LogRecord>& out) {
  std::lock_guard lock(spare_mu_);
  if (spare_.empty()) return false;
  out = std::move(spare_.back());
  spare_.pop_back();
  spare_records_ -= out.size();
  return true;
}

bool LogArchive::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::uint64_t target = pushed_seq_;
  if (written_seq_ >= target) return true;
  flush_requested_ = true;
  wake_.notify_one();
  return flushed_.wait_for(lock, timeout, [&] { return written_seq_ >= target || stopping_; }) &&
         written_seq_ >= target;
}

void LogArchive::SetObserver(std::shared_ptr<RecordObserver> observer) {
  std::lock_guard lock(mu_);
  observer_ = std::move(observer);
}

void LogArchive::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(maintenance_mu_);
    maintenance_stop_ = true;
  }
  maintenance_wake_.notify_one();
  if (maintenance_.joinable()) maintenance_.join();
  flushed_.notify_all();
}

void LogArchive::WriterLoop() {
  auto next_flush = steady_clock::now() + options_.flush_interval;
  auto next_tick = steady_clock::now();
  std::uint64_t appended_seq = 0;
  for (;;) {
    std::deque<Batch> work;
    bool flush_now = false;
    bool stop = false;
    std::shared_ptr<RecordObserver> observer;
    {
      std::unique_lock lock(mu_);
      wake_.wait_until(lock, std::min(next_flush, next_tick),
                       [&] { return !queue_.empty() || flush_requested_ || stopping_; });
      work.swap(queue_);
      flush_now = flush_requested_;
      flush_requested_ = false;
      stop = stopping_;
      observer = observer_;
    }
    std::size_t records = 0;
    for (Batch& batch : work) {
      records += batch.count;
      for (std::size_t i = 0; i < batch.count; ++i) {
        if (observer) observer->Observe(batch.records[i]);
        Append(batch.records[i]);
      }
      stats_.queue_bytes -= static_cast<std::int64_t>(batch.bytes);
      appended_seq = batch.seq;
      // Recycle the records, but never hold on to much memory: not a burst of tiny
      // messages' many records, not a big message's string.
      if (batch.records.size() > kMaxSpareRecords) continue;
      for (LogRecord& r : batch.records) {
        if (r.msg.capacity() > kMaxSpareString) std::string().swap(r.msg);
        if (r.structured_data.capacity() > kMaxSpareString) {
          std::string().swap(r.structured_data);
        }
      }
      std::lock_guard lock(spare_mu_);
      if (spare_records_ + batch.records.size() <= kMaxSpare) {
        spare_records_ += batch.records.size();
        spare_.push_back(std::move(batch.records));
      }
    }
    const auto now = steady_clock::now();
    if (now >= next_tick) {
      if (observer) observer->Tick(system_clock::now());
      next_tick = now + std::chrono::seconds(1);
    }
    if (flush_now || stop || now >= next_flush) {
      WriteAll();
      CloseIdle(ArchiveDayIndex(system_clock::now()));
      next_flush = now + options_.flush_interval;
      {
        std::lock_guard lock(mu_);
        written_seq_ = appended_seq;
      }
      flushed_.notify_all();
    }
    if (stop) {
      std::lock_guard lock(mu_);
      if (queue_.empty()) break;
    } else if (records > 0 && records < kSmallWork) {
      // Little work per wake-up (a trickle of small batches): wait a moment so the next
      // wake-up finds more, instead of a thread switch per batch. Bounds wake-ups at 1000/s.
      std::this_thread::sleep_for(kWakeGap);
    }
  }
  // What could not be written by now (the disk refused it) is lost; say how much.
  for (const auto& [key, file] : files_) stats_.lost += file->pending_records;
  files_.clear();
  last_file_ = nullptr;
  stats_.open_files = 0;
}

LogArchive::OpenFile* LogArchive::FileFor(const std::string& host, std::int64_t day) {
  if (last_file_ != nullptr && day == last_day_ && host == last_file_host_) return last_file_;
  last_day_ = day;
  last_file_host_ = host;
  std::string key = host;
  key += '/';
  key += std::to_string(day);
  if (auto it = files_.find(key); it != files_.end()) {
    last_file_ = it->second.get();
    last_file_->last_used = steady_clock::now();
    return last_file_;
  }
  if (files_.size() >= options_.max_open_files) {
    // Close the least recently used file (after writing what it holds).
    auto oldest = files_.begin();
    for (auto it = files_.begin(); it != files_.end(); ++it) {
      if (it->second->last_used < oldest->second->last_used) oldest = it;
    }
    WriteFile(*oldest->second);
    if (oldest->second->buffer.empty()) files_.erase(oldest);
  }
  auto file = std::make_unique<OpenFile>();
  file->path = options_.root / host / (DayName(day) + ".log");
  file->day = day;
  file->last_used = steady_clock::now();
  last_file_ = file.get();
  files_.emplace(std::move(key), std::move(file));
  stats_.open_files = static_cast<std::int64_t>(files_.size());
  return last_file_;
}

void LogArchive::Append(const LogRecord& record) {
  OpenFile* file = FileFor(hosts_.Get(record), ArchiveDayIndex(record.received));
  if (file->buffer.size() > kMaxPending) {  // writes have failed for a while: give up on it
    stats_.lost += file->pending_records;
    file->buffer.clear();
    file->pending_records = 0;
  }
  AppendArchiveLine(record, file->buffer);
  ++file->pending_records;
  if (file->buffer.size() >= kWriteAt) WriteFile(*file);
}

bool LogArchive::WriteFile(OpenFile& file) {
  if (file.buffer.empty()) return true;
  if (file.fd < 0) {
    // Twice: retention may remove an emptied host directory between making it and opening.
    for (int attempt = 0; attempt < 2 && file.fd < 0; ++attempt) {
      std::error_code ec;
      std::filesystem::create_directories(file.path.parent_path(), ec);
      file.fd = ::open(file.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    }
    if (file.fd < 0) {
      ++stats_.write_errors;
      return false;
    }
  }
  std::size_t done = 0;
  while (done < file.buffer.size()) {
    const ssize_t n = ::write(file.fd, file.buffer.data() + done, file.buffer.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++stats_.write_errors;
      // Keep only whole unwritten lines: a short write may have cut one.
      file.buffer.erase(0, done);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  stats_.bytes_written += done;
  stats_.written += file.pending_records;
  file.last_used = steady_clock::now();
  file.pending_records = 0;
  file.buffer.clear();
  return true;
}

void LogArchive::WriteAll() {
  for (auto& [key, f] : files_) WriteFile(*f);
}

void LogArchive::CloseIdle(std::int64_t today) {
  // Past days are closed once written (late records reopen them); so is any file not used
  // for a while, to keep descriptors bounded with many quiet hosts.
  const auto idle_before = steady_clock::now() - std::chrono::minutes(5);
  for (auto it = files_.begin(); it != files_.end();) {
    OpenFile& f = *it->second;
    if (f.buffer.empty() && (f.day < today || f.last_used < idle_before)) {
      if (&f == last_file_) last_file_ = nullptr;
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  stats_.open_files = static_cast<std::int64_t>(files_.size());
}

void LogArchive::MaintenanceLoop() {
  for (;;) {
    RunMaintenance();
    std::unique_lock lock(maintenance_mu_);
    if (maintenance_wake_.wait_for(lock, kMaintenanceEvery, [&] { return maintenance_stop_; }))
      return;
  }
}

void LogArchive::RunMaintenance() {
  namespace fs = std::filesystem;
  const std::int64_t today = ArchiveDayIndex(system_clock::now());
  const auto keep_days = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::hours>(options_.retention).count() / 24);
  std::error_code ec;
  if (!fs::is_directory(options_.root, ec)) return;
  for (const fs::directory_entry& host : fs::directory_iterator(options_.root, ec)) {
    if (!host.is_directory(ec)) continue;
    std::vector<fs::path> files;
    for (const fs::directory_entry& f : fs::directory_iterator(host.path(), ec)) {
      if (f.is_regular_file(ec)) files.push_back(f.path());
    }
    for (const fs::path& path : files) {
      const std::string name = path.filename().string();
      const std::int64_t day = ArchiveDayOfFile(name);
      if (day < 0) continue;
      if (day <= today - keep_days) {
        if (fs::remove(path, ec)) {
          ++stats_.files_removed;
        } else {
          ++stats_.maintenance_errors;
        }
        continue;
      }
      if (!options_.compress || !name.ends_with(".log") || day >= today) continue;
      const auto mtime = fs::last_write_time(path, ec);
      if (ec || fs::file_time_type::clock::now() - mtime < kCompressAfter) continue;
      fs::path gz = path;
      gz += ".gz";
      fs::path tmp = path;
      tmp += ".gz.tmp";
      if (fs::exists(gz, ec)) continue;  // a late reopen: leave both, search reads both
      if (Gzip(path, tmp)) {
        fs::rename(tmp, gz, ec);
        if (!ec) fs::remove(path, ec);
        if (!ec) {
          ++stats_.files_compressed;
          continue;
        }
      }
      fs::remove(tmp, ec);
      ++stats_.maintenance_errors;
    }
    // A host directory emptied by retention goes, but only once it has been left alone for a
    // while: the writer may have just made it for a file it is about to open.
    if (fs::is_empty(host.path(), ec)) {
      const auto mtime = fs::last_write_time(host.path(), ec);
      if (!ec && fs::file_time_type::clock::now() - mtime >= kCompressAfter) {
        fs::remove(host.path(), ec);
      }
    }
  }
}

}  // namespace gs::collector::syslog
