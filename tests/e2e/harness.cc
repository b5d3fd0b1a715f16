#include "tests/e2e/harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace confide::e2e {
namespace {

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& cwd, const std::string& out,
            const std::string& err) {
  pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    _exit(126);
  }
  int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int null_fd = open("/dev/null", O_RDONLY);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
    _exit(126);
  }
  dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

}  // namespace

std::string SourceDir() { return CONFIDE_SOURCE_DIR; }
std::string BinDir() { return CONFIDE_BIN_DIR; }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "confide-e2e-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) {
    abort();
  }
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteFileOrDie(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) {
    abort();
  }
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& cwd) {
  TempDir capture;
  std::string out = capture.path() + "/out", err = capture.path() + "/err";
  pid_t pid = Spawn(argv, cwd, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  return CommandResult{ExitCodeOf(status), ReadFileOrDie(out), ReadFileOrDie(err)};
}

CommandResult RunShell(const std::string& script, const std::string& cwd) {
  return RunCommand({"/bin/bash", "-c", script}, cwd);
}

std::string FindAnyNeedle(const std::string& haystack, const std::set<std::string>& needles) {
  constexpr size_t kPrefix = 5;
  absl::flat_hash_map<std::string, std::vector<const std::string*>> by_prefix;
  for (const std::string& needle : needles) {
    if (needle.size() >= kPrefix) {
      by_prefix[needle.substr(0, kPrefix)].push_back(&needle);
    }
  }
  std::string window;
  for (size_t at = 0; at + kPrefix <= haystack.size(); ++at) {
    window.assign(haystack, at, kPrefix);
    auto found = by_prefix.find(window);
    if (found == by_prefix.end()) {
      continue;
    }
    for (const std::string* needle : found->second) {
      if (haystack.compare(at, needle->size(), *needle) == 0) {
        return *needle;
      }
    }
  }
  return "";
}

void MakeRunDir(const std::string& dir) {
  CommandResult made = RunCommand({SourceDir() + "/deploy/demo/make-run-dir", dir});
  if (made.exit_code != 0) {
    ADD_FAILURE() << "make-run-dir failed: " << made.err;
  }
}

void SetHubPort(const std::string& dir, int port) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".textpb") {
      continue;
    }
    std::string text = ReadFileOrDie(entry.path().string());
    WriteFileOrDie(entry.path().string(),
                   absl::StrReplaceAll(text, {{"HUB_PORT", absl::StrCat(port)}}));
  }
}

HubProcess::~HubProcess() {
  if (pid_ > 0) {
    Kill();
  }
}

absl::Status HubProcess::Start(const std::string& dir, const std::string& config) {
  dir_ = dir;
  log_path_ = dir + "/hub.log";
  std::string port_file = dir + "/hub.port";
  unlink(port_file.c_str());
  std::vector<std::string> argv = launcher_;
  argv.insert(argv.end(), {BinDir() + "/confide-hub", "--config", config});
  pid_ = Spawn(argv, dir, dir + "/hub.out", log_path_);
  for (int i = 0; i < 600; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::FailedPreconditionError(
          absl::StrCat("confide-hub exited with ", ExitCodeOf(status), ": ", log()));
    }
    std::string text = ReadFileOrDie(port_file);
    if (!text.empty() && absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port_) && port_ > 0) {
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError("confide-hub did not write its port file in 30 s");
}

int HubProcess::Stop() {
  if (pid_ <= 0) {
    return -1;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCodeOf(status);
}

void HubProcess::Kill() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void HubProcess::Signal(int signal_number) {
  if (pid_ > 0) {
    kill(pid_, signal_number);
  }
}

std::string HubProcess::log() const { return ReadFileOrDie(log_path_); }

}  // namespace confide::e2e
