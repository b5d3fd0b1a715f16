#pragma once

// End-to-end test harness: real processes (confide-hub, confide-agent, confide), real
// certificates made by deploy/pki for each run, loopback only, temp dirs only.

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace confide::e2e {

std::string SourceDir();
std::string BinDir();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with the given arguments in `cwd`, capturing stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& cwd = "");

// Runs a command through bash -c (for the shell scripts in deploy/).
CommandResult RunShell(const std::string& script, const std::string& cwd = "");

std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& contents);

// The first of `needles` (each at least 5 bytes) that occurs in `haystack`, or "" if none does.
// One pass over the haystack, so scanning megabytes of hub files for tens of thousands of
// identifiers stays fast.
std::string FindAnyNeedle(const std::string& haystack, const std::set<std::string>& needles);

// A run directory made by deploy/demo/make-run-dir: PKI, keys, policy and configs.
void MakeRunDir(const std::string& dir);

// Replaces HUB_PORT in every *.textpb in `dir`.
void SetHubPort(const std::string& dir, int port);

class HubProcess {
 public:
  HubProcess() = default;
  ~HubProcess();
  HubProcess(const HubProcess&) = delete;
  HubProcess& operator=(const HubProcess&) = delete;

  // Starts confide-hub --config `config` (relative to `dir`) and waits for its port file.
  absl::Status Start(const std::string& dir, const std::string& config = "hub.textpb");
  // SIGTERM and wait; returns the exit code.
  int Stop();
  void Kill();
  void Signal(int signal_number);
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;
  // Runs the hub through a launcher that execs it (same pid), e.g. {"fiu-run", "-x", ...} to
  // inject I/O faults. Set before Start.
  void set_launcher(std::vector<std::string> launcher) { launcher_ = std::move(launcher); }

 private:
  std::vector<std::string> launcher_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_path_;
};

}  // namespace confide::e2e
