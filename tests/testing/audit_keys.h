#pragma once

// A fresh Ed25519 audit signing key for tests, as `openssl genpkey -algorithm ed25519` would
// write it.

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "hub/audit/tree_head.h"

namespace confide::testing {

inline std::string NewEd25519PrivateKeyPem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

inline std::unique_ptr<hub::TreeHeadSigner> NewAuditSigner() {
  return *hub::TreeHeadSigner::FromPem(NewEd25519PrivateKeyPem());
}

}  // namespace confide::testing
