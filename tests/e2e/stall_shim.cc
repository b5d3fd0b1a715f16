// A test-only LD_PRELOAD shim that makes the disk stall: while the file named by
// CONFIDE_TEST_STALL_FILE exists, fsync and fdatasync block (as on a hung device), then carry on.
// libfiu can make these calls fail but not hang; the fail-closed e2e test needs both.

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

namespace {

void WaitWhileStalled() {
  const char* flag = std::getenv("CONFIDE_TEST_STALL_FILE");  // NOLINT(concurrency-mt-unsafe)
  while (flag != nullptr && ::access(flag, F_OK) == 0) {
    ::usleep(10000);
  }
}

using SyncCall = int (*)(int);

SyncCall Next(const char* name) { return reinterpret_cast<SyncCall>(::dlsym(RTLD_NEXT, name)); }

}  // namespace

extern "C" int fsync(int fd) {
  static const SyncCall real = Next("fsync");
  WaitWhileStalled();
  return real(fd);
}

extern "C" int fdatasync(int fd) {
  static const SyncCall real = Next("fdatasync");
  WaitWhileStalled();
  return real(fd);
}
