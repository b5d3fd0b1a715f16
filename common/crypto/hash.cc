#include "common/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace confide::crypto {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// Fetching the algorithm is costly; do it once per process.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) {
    abort();  // OpenSSL without HMAC is a broken installation, not a runtime condition.
  }
  return mac;
}

MacCtxPtr NewKeyedContext(absl::string_view key) {
  MacCtxPtr ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (ctx == nullptr || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()),
                                     key.size(), params) != 1) {
    abort();
  }
  return ctx;
}

}  // namespace

struct HmacSha256Signer::State {
  MacCtxPtr keyed;    // initialised with the key, never updated: the template
  MacCtxPtr working;  // duplicated from `keyed` for each message
};

HmacSha256Signer::HmacSha256Signer(absl::string_view key) : state_(new State) {
  state_->keyed = NewKeyedContext(key);
}

HmacSha256Signer::~HmacSha256Signer() { delete state_; }

std::string HmacSha256Signer::Sign(absl::string_view message) { return Sign(message, {}); }

std::string HmacSha256Signer::Sign(absl::string_view a, absl::string_view b) {
  state_->working.reset(EVP_MAC_CTX_dup(state_->keyed.get()));
  EVP_MAC_CTX* ctx = state_->working.get();
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  if (ctx == nullptr ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(a.data()), a.size()) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(b.data()), b.size()) != 1 ||
      EVP_MAC_final(ctx, out, &out_len, sizeof(out)) != 1) {
    abort();
  }
  return std::string(reinterpret_cast<char*>(out), out_len);
}

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  HmacSha256Signer signer(key);
  return signer.Sign(message);
}

std::string Sha256(absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &out_len, EVP_sha256(), nullptr) != 1) {
    abort();
  }
  return std::string(reinterpret_cast<char*>(out), out_len);
}

absl::StatusOr<std::string> RandomBytes(size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return absl::UnavailableError("OpenSSL random generator failed");
  }
  return out;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace confide::crypto
