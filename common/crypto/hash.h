#pragma once

// Keyed and unkeyed hashing over OpenSSL 3. Identifiers must only ever be hashed with a key
// (HmacSha256); Sha256 is for content digests of already de-identified data.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confide::crypto {

inline constexpr size_t kSha256Bytes = 32;

// HMAC-SHA256(key, message). Thread-safe.
std::string HmacSha256(absl::string_view key, absl::string_view message);

// A reusable HMAC-SHA256 context for one key, faster than HmacSha256 in loops.
// Not thread-safe: use one per thread.
class HmacSha256Signer {
 public:
  explicit HmacSha256Signer(absl::string_view key);
  ~HmacSha256Signer();
  HmacSha256Signer(const HmacSha256Signer&) = delete;
  HmacSha256Signer& operator=(const HmacSha256Signer&) = delete;

  std::string Sign(absl::string_view message);
  // Sign(a || b) without building the concatenation.
  std::string Sign(absl::string_view a, absl::string_view b);

 private:
  struct State;
  State* state_;
};

std::string Sha256(absl::string_view data);

// Cryptographically secure random bytes from OpenSSL's DRBG.
absl::StatusOr<std::string> RandomBytes(size_t count);

bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace confide::crypto
