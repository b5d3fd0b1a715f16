#pragma once

// Shared by the store contract tests: a fresh, unique temp directory per test, and a factory that
// builds either the RocksDB store (in such a directory, removed afterwards) or the in-memory fake.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "hub/storage/rocksdb_store.h"
#include "tests/fakes/in_memory_record_store.h"

namespace confide::testing {

// A path under the test temp dir unique to this test, process and call; nothing exists there yet.
inline std::string UniqueTempDir(absl::string_view label) {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      absl::StrCat("confide_", label, "_", info->name(), "_", getpid(), "_", counter.fetch_add(1));
  std::filesystem::remove_all(dir);
  return dir.string();
}

template <typename Store>
struct StoreFactory;

template <>
struct StoreFactory<hub::RocksDbStore> {
  std::string dir = UniqueTempDir("store");
  std::unique_ptr<hub::RocksDbStore> Make() {
    absl::StatusOr<std::unique_ptr<hub::RocksDbStore>> store = hub::RocksDbStore::Open(dir);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  ~StoreFactory() { std::filesystem::remove_all(dir); }
};

template <>
struct StoreFactory<InMemoryRecordStore> {
  std::unique_ptr<InMemoryRecordStore> Make() { return std::make_unique<InMemoryRecordStore>(); }
};

}  // namespace confide::testing
