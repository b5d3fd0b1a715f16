#include "agent/pseudonymiser.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "openssl/crypto.h"

namespace confide::agent {
namespace {

bool HasElement(const v1::MatchKey& key, v1::PersonElement element) {
  return std::find(key.elements().begin(), key.elements().end(), element) != key.elements().end();
}

void Wipe(std::string* secret) { OPENSSL_cleanse(secret->data(), secret->size()); }

}  // namespace

std::string DeriveRecordIdKey(absl::string_view linkage_key) {
  // Sub-key for record ids and batch ids, so they can never equal a match token.
  return crypto::HmacSha256(linkage_key, "confide-record-id-key-v1");
}

absl::Status ValidateLinkageKeys(const LinkageKeys& keys) {
  if (keys.versions.empty()) {
    return absl::InvalidArgumentError("expected at least one linkage key version, got none");
  }
  absl::flat_hash_set<std::string> versions;
  for (size_t i = 0; i < keys.versions.size(); ++i) {
    const LinkageKey& key = keys.versions[i];
    if (key.version.empty() || key.secret.empty()) {
      return absl::InvalidArgumentError("every linkage key needs a version name and key bytes");
    }
    if (!versions.insert(key.version).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("linkage key version '", key.version,
                       "' is configured twice; a rotation adds a new version next to the current "
                       "one"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (crypto::ConstantTimeEquals(keys.versions[j].secret, key.secret)) {
        return absl::InvalidArgumentError(
            absl::StrCat("linkage key versions '", keys.versions[j].version, "' and '", key.version,
                         "' hold the same key; a new version needs a newly generated key"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Pseudonymiser>> Pseudonymiser::Create(LinkageKeys keys,
                                                                     v1::LinkageRecipe recipe) {
  if (absl::Status valid = ValidateLinkageKeys(keys); !valid.ok()) {
    return valid;
  }
  return std::unique_ptr<Pseudonymiser>(new Pseudonymiser(std::move(keys), std::move(recipe)));
}

Pseudonymiser::Pseudonymiser(absl::string_view linkage_key, std::string key_version,
                             v1::LinkageRecipe recipe)
    : Pseudonymiser(LinkageKeys{{LinkageKey{std::move(key_version), std::string(linkage_key)}}, ""},
                    std::move(recipe)) {}

Pseudonymiser::Pseudonymiser(LinkageKeys keys, v1::LinkageRecipe recipe)
    : record_ids_(keys.record_id_secret.empty() ? DeriveRecordIdKey(keys.versions.front().secret)
                                                : keys.record_id_secret),
      recipe_(std::move(recipe)),
      normaliser_(recipe_) {
  for (const v1::MatchKey& key : recipe_.match_keys()) {
    key_plans_.push_back({absl::StrCat(key.id(), std::string(1, '\0')),
                          HasElement(key, v1::FORENAME) && HasElement(key, v1::SURNAME)});
  }
  for (LinkageKey& key : keys.versions) {
    token_signers_.push_back({key.version, std::make_unique<crypto::HmacSha256Signer>(key.secret)});
    Wipe(&key.secret);
  }
  Wipe(&keys.record_id_secret);
}

std::vector<v1::MatchToken> Pseudonymiser::Tokens(const PersonElements& elements) {
  scratch_ = elements;
  AddDerivedElements(&scratch_);
  auto present = [&](int element) -> const std::string* {
    auto it = scratch_.find(static_cast<v1::PersonElement>(element));
    return it == scratch_.end() || it->second.empty() ? nullptr : &it->second;
  };
  const std::string* given_forename = present(v1::FORENAME);
  const std::string* given_surname = present(v1::SURNAME);
  std::vector<v1::MatchToken> tokens;
  for (const Signer& signer : token_signers_) {
    for (int k = 0; k < recipe_.match_keys_size(); ++k) {
      const v1::MatchKey& key = recipe_.match_keys(k);
      const KeyPlan& plan = key_plans_[k];
      const std::string* forename = given_forename;
      const std::string* surname = given_surname;
      if (plan.sorts_names && forename != nullptr && surname != nullptr && *surname < *forename) {
        std::swap(forename, surname);
      }
      value_.clear();
      bool complete = !key.elements().empty();
      for (int element : key.elements()) {
        const std::string* part = element == v1::FORENAME  ? forename
                                  : element == v1::SURNAME ? surname
                                                           : present(element);
        if (part == nullptr) {
          complete = false;
          break;
        }
        absl::StrAppend(&value_, value_.empty() ? "" : "|", *part);
      }
      if (!complete) {
        continue;
      }
      v1::MatchToken& token = tokens.emplace_back();
      token.set_key_id(key.id());
      token.set_key_version(signer.version);
      token.set_token(signer.hmac->Sign(plan.prefix, value_));
    }
  }
  return tokens;
}

std::string Pseudonymiser::RecordId(absl::string_view dataset, absl::string_view source_reference) {
  return record_ids_.Sign(
      absl::StrCat("record", std::string(1, '\0'), dataset, std::string(1, '\0')),
      source_reference);
}

std::string Pseudonymiser::BatchId(absl::string_view dataset, absl::string_view content) {
  std::string digest = record_ids_.Sign(
      absl::StrCat("batch", std::string(1, '\0'), dataset, std::string(1, '\0')), content);
  return absl::StrCat(dataset, ".", absl::BytesToHexString(digest).substr(0, 32));
}

}  // namespace confide::agent
