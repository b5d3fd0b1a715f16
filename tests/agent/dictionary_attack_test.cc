// Why tokens are keyed: an NHS number has ten digits, one of them a check digit, so any block of
// candidates is small enough to enumerate. Plain SHA-256 "pseudonyms" of NHS numbers are all
// reversed by hashing every candidate; the Pseudonymiser's HMAC tokens are not, whether the
// attacker hashes the candidates plainly, hashes them in the token's own message format, or tries
// HMAC under an empty (equivalently, all-zero) key. As a control, tokens made under that guessable
// key are all reversed by the same enumeration, so the enumeration itself is shown to work.
//
// Plain SHA-256 of an identifier appears only here, as the attacker's tool.

// The attacker's loop uses OpenSSL's low-level SHA-256 (deprecated, but several times faster
// than EVP for one-block messages), so that 10^7 candidates take seconds.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "agent/normalise.h"
#include "agent/pseudonymiser.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::agent {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

// The block: every valid NHS number 94x xxx xxxx, i.e. 10^7 nine-digit stems 940000000 ..
// 949999999 each completed by its check digit (about 9.1 million numbers).
constexpr char kPrefix[] = "94";
constexpr int kFreeDigits = 7;
constexpr int kStems = 10000000;
constexpr int kTargets = 20;

// Sets number[9] to the check digit of number[0..8]; false if no check digit exists.
bool CompleteCheckDigit(char* number) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (number[i] - '0') * (10 - i);
  }
  int check = 11 - sum % 11;
  if (check == 11) {
    check = 0;
  }
  number[9] = static_cast<char>('0' + check);
  return check != 10;
}

std::string NumberForStem(int stem) {
  std::string number = absl::StrFormat("%s%07d0", kPrefix, stem);
  return CompleteCheckDigit(number.data()) ? number : "";
}

// Twenty valid numbers spread over the block.
std::vector<std::string> Victims() {
  std::vector<std::string> victims;
  for (int64_t i = 1; static_cast<int>(victims.size()) < kTargets; ++i) {
    std::string number = NumberForStem(static_cast<int>(i * 482711 % kStems));
    if (!number.empty()) {
      victims.push_back(number);
    }
  }
  return victims;
}

Digest Sha256(const void* data, size_t size) {
  Digest digest;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data, size);
  SHA256_Final(digest.data(), &ctx);
  return digest;
}

// HMAC-SHA256 from precomputed inner and outer states: two compressions per message.
class FastHmac {
 public:
  explicit FastHmac(const std::string& key) {
    unsigned char ipad[SHA256_CBLOCK];
    unsigned char opad[SHA256_CBLOCK];
    for (size_t i = 0; i < SHA256_CBLOCK; ++i) {
      const unsigned char k = i < key.size() ? static_cast<unsigned char>(key[i]) : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, ipad, sizeof(ipad));
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, opad, sizeof(opad));
  }
  Digest Sign(const void* data, size_t size) const {
    Digest inner_digest;
    SHA256_CTX ctx = inner_;
    SHA256_Update(&ctx, data, size);
    SHA256_Final(inner_digest.data(), &ctx);
    Digest digest;
    ctx = outer_;
    SHA256_Update(&ctx, inner_digest.data(), inner_digest.size());
    SHA256_Final(digest.data(), &ctx);
    return digest;
  }

 private:
  SHA256_CTX inner_;
  SHA256_CTX outer_;
};

// The digests the attacker holds, indexed by their first 8 bytes for a cheap membership test.
class TargetSet {
 public:
  void Add(const std::string& digest) {
    ASSERT_EQ(digest.size(), SHA256_DIGEST_LENGTH);
    Digest full;
    std::memcpy(full.data(), digest.data(), full.size());
    targets_[Prefix(full)] = full;
  }
  bool Contains(const Digest& digest) const {
    auto it = targets_.find(Prefix(digest));
    return it != targets_.end() && it->second == digest;
  }

 private:
  static uint64_t Prefix(const Digest& digest) {
    uint64_t prefix;
    std::memcpy(&prefix, digest.data(), sizeof(prefix));
    return prefix;
  }
  absl::flat_hash_map<uint64_t, Digest> targets_;
};

// What one enumeration of the block recovered: digest -> candidate, per attack.
struct Recovered {
  std::map<Digest, std::string> plain_of_plain;     // SHA-256(number) vs plain hashes
  std::map<Digest, std::string> plain_of_tokens;    // SHA-256(number) vs tokens
  std::map<Digest, std::string> format_of_tokens;   // SHA-256("nhs" 0x00 number) vs tokens
  std::map<Digest, std::string> guessed_of_tokens;  // HMAC(zero key, "nhs" 0x00 number) vs tokens
  std::map<Digest, std::string> guessed_of_control;
  int candidates = 0;
};

Recovered Enumerate(const TargetSet& plain, const TargetSet& tokens, const TargetSet& control) {
  const FastHmac guessed_key(std::string(32, '\0'));  // HMAC pads keys with zeros: "" is the same
  Recovered recovered;
  // The token message: key id, 0x00, then the normalised NHS number.
  char message[] =
      "nhs\0"
      "0000000000";
  char* number = message + 4;
  std::memcpy(number, kPrefix, 2);
  for (int stem = 0; stem < kStems; ++stem) {
    int rest = stem;
    for (int i = 2 + kFreeDigits - 1; i >= 2; --i, rest /= 10) {
      number[i] = static_cast<char>('0' + rest % 10);
    }
    if (!CompleteCheckDigit(number)) {
      continue;
    }
    ++recovered.candidates;
    const Digest plain_digest = Sha256(number, 10);
    if (plain.Contains(plain_digest)) {
      recovered.plain_of_plain[plain_digest] = std::string(number, 10);
    }
    if (tokens.Contains(plain_digest)) {
      recovered.plain_of_tokens[plain_digest] = std::string(number, 10);
    }
    const Digest format_digest = Sha256(message, sizeof(message) - 1);
    if (tokens.Contains(format_digest)) {
      recovered.format_of_tokens[format_digest] = std::string(number, 10);
    }
    const Digest guessed_digest = guessed_key.Sign(message, sizeof(message) - 1);
    if (tokens.Contains(guessed_digest)) {
      recovered.guessed_of_tokens[guessed_digest] = std::string(number, 10);
    }
    if (control.Contains(guessed_digest)) {
      recovered.guessed_of_control[guessed_digest] = std::string(number, 10);
    }
  }
  return recovered;
}

v1::LinkageRecipe NhsRecipe() {
  v1::LinkageRecipe recipe;
  v1::MatchKey* key = recipe.add_match_keys();
  key->set_id("nhs");
  key->add_elements(v1::NHS_NUMBER);
  return recipe;
}

Digest AsDigest(const std::string& bytes) {
  Digest digest;
  std::memcpy(digest.data(), bytes.data(), digest.size());
  return digest;
}

TEST(DictionaryAttackTest, TheAttackersToolsComputeWhatTheyClaimTo) {
  const std::string message = std::string("nhs\0", 4) + "9434765919";
  EXPECT_EQ(FastHmac(std::string(32, '\0')).Sign(message.data(), message.size()),
            AsDigest(crypto::HmacSha256(std::string(32, '\0'), message)));
  EXPECT_EQ(FastHmac(std::string(32, '\0')).Sign(message.data(), message.size()),
            FastHmac("").Sign(message.data(), message.size()));
  EXPECT_EQ(Sha256(message.data(), message.size()), AsDigest(crypto::Sha256(message)));
}

TEST(DictionaryAttackTest, PlainHashesFallToEnumerationKeyedTokensDoNot) {
  const std::vector<std::string> victims = Victims();
  ASSERT_THAT(victims, SizeIs(kTargets));
  absl::StatusOr<std::string> secret = crypto::RandomBytes(32);
  ASSERT_TRUE(secret.ok());
  Pseudonymiser real(*secret, "2026-1", NhsRecipe());
  Pseudonymiser guessable(std::string(32, '\0'), "2026-1", NhsRecipe());
  TargetSet plain, tokens, control;
  std::map<Digest, std::string> victim_of;
  for (const std::string& victim : victims) {
    ASSERT_TRUE(NormaliseNhsNumber(victim).has_value()) << "not a usable NHS number";
    plain.Add(crypto::Sha256(victim));
    victim_of[AsDigest(crypto::Sha256(victim))] = victim;
    std::vector<v1::MatchToken> real_tokens = real.Tokens({{v1::NHS_NUMBER, victim}});
    std::vector<v1::MatchToken> control_tokens = guessable.Tokens({{v1::NHS_NUMBER, victim}});
    ASSERT_THAT(real_tokens, SizeIs(1));
    ASSERT_THAT(control_tokens, SizeIs(1));
    tokens.Add(real_tokens[0].token());
    control.Add(control_tokens[0].token());
    victim_of[AsDigest(control_tokens[0].token())] = victim;
  }

  const Recovered recovered = Enumerate(plain, tokens, control);

  EXPECT_GT(recovered.candidates, 9000000);
  // Every plain hash is reversed, to the right number.
  ASSERT_THAT(recovered.plain_of_plain, SizeIs(kTargets));
  for (const auto& [digest, number] : recovered.plain_of_plain) {
    EXPECT_EQ(number, victim_of.at(digest));
  }
  // Under a guessable key, HMAC is no better than a plain hash.
  ASSERT_THAT(recovered.guessed_of_control, SizeIs(kTargets));
  for (const auto& [digest, number] : recovered.guessed_of_control) {
    EXPECT_EQ(number, victim_of.at(digest));
  }
  // Under the partnership's secret key, nothing is reversed.
  EXPECT_THAT(recovered.plain_of_tokens, IsEmpty());
  EXPECT_THAT(recovered.format_of_tokens, IsEmpty());
  EXPECT_THAT(recovered.guessed_of_tokens, IsEmpty());
}

}  // namespace
}  // namespace confide::agent
