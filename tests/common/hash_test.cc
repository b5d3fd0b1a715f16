#include "common/crypto/hash.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::crypto {
namespace {

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }
std::string Bytes(absl::string_view hex) { return absl::HexStringToBytes(hex); }

struct HmacVector {
  const char* name;
  std::string key;
  std::string data;
  const char* mac_hex;
};

// RFC 4231 section 4, HMAC-SHA-256 outputs (case 5 is a truncation test and does not apply).
std::vector<HmacVector> Rfc4231Vectors() {
  return {
      {"case1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"case4", Bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       std::string(50, '\xcd'), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"case6", std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"case7", std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(HmacSha256Test, MatchesRfc4231) {
  for (const HmacVector& vector : Rfc4231Vectors()) {
    SCOPED_TRACE(vector.name);
    std::string mac = HmacSha256(vector.key, vector.data);
    EXPECT_EQ(mac.size(), kSha256Bytes);
    EXPECT_EQ(Hex(mac), vector.mac_hex);
  }
}

TEST(HmacSha256Test, SignerMatchesRfc4231) {
  for (const HmacVector& vector : Rfc4231Vectors()) {
    SCOPED_TRACE(vector.name);
    HmacSha256Signer signer(vector.key);
    EXPECT_EQ(Hex(signer.Sign(vector.data)), vector.mac_hex);
  }
}

TEST(HmacSha256Test, SignerIsReusableAcrossMessages) {
  HmacSha256Signer signer("Jefe");
  std::string first = signer.Sign("what do ya want for nothing?");
  std::string other = signer.Sign("something else");
  std::string again = signer.Sign("what do ya want for nothing?");
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_EQ(Hex(again), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, TwoPartSignEqualsOneShotOnConcatenationAtEverySplit) {
  const std::string key = "partnership linkage key";
  const std::string message = std::string("nhs") + '\0' + "9434765919";
  HmacSha256Signer signer(key);
  const std::string expected = HmacSha256(key, message);
  for (size_t split = 0; split <= message.size(); ++split) {
    SCOPED_TRACE(split);
    EXPECT_EQ(signer.Sign(message.substr(0, split), message.substr(split)), expected);
  }
}

TEST(HmacSha256Test, TwoPartSignMatchesRfc4231Case2) {
  HmacSha256Signer signer("Jefe");
  EXPECT_EQ(Hex(signer.Sign("what do ya want ", "for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, EmptyKeyAndMessageAreAccepted) {
  // HMAC-SHA256("", "") is a well-known constant.
  EXPECT_EQ(Hex(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256Test, DifferentKeysGiveDifferentMacs) {
  EXPECT_NE(HmacSha256("key-a", "9434765919"), HmacSha256("key-b", "9434765919"));
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, HandlesEmbeddedNul) {
  EXPECT_NE(Sha256(std::string("a\0b", 3)), Sha256("a"));
  EXPECT_EQ(Sha256(std::string("a\0b", 3)).size(), kSha256Bytes);
}

TEST(RandomBytesTest, ReturnsRequestedLengthAndDiffers) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string a, RandomBytes(32));
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string b, RandomBytes(32));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(b.size(), 32u);
  EXPECT_NE(a, b);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string none, RandomBytes(0));
  EXPECT_EQ(none, "");
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("token", "token"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals("token", "tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("token", "Token"));
  EXPECT_FALSE(ConstantTimeEquals("token", "token2"));
  EXPECT_FALSE(ConstantTimeEquals("token", "toke"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  std::string mac = HmacSha256("k", "m");
  std::string flipped = mac;
  flipped[31] = static_cast<char>(flipped[31] ^ 0x01);
  EXPECT_TRUE(ConstantTimeEquals(mac, HmacSha256("k", "m")));
  EXPECT_FALSE(ConstantTimeEquals(mac, flipped));
}

}  // namespace
}  // namespace confide::crypto
