#include "agent/pseudonymiser.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace confide::agent {
namespace {

// Sub-key for record ids and batch ids, so they can never equal a match token.
std::string DeriveRecordKey(absl::string_view linkage_key) {
  return crypto::HmacSha256(linkage_key, "confide-record-id-key-v1");
}

}  // namespace

Pseudonymiser::Pseudonymiser(absl::string_view linkage_key, std::string key_version,
                             v1::LinkageRecipe recipe)
    : tokens_(linkage_key),
      record_ids_(DeriveRecordKey(linkage_key)),
      key_version_(std::move(key_version)),
      recipe_(std::move(recipe)) {}

std::vector<v1::MatchToken> Pseudonymiser::Tokens(const PersonElements& elements) {
  std::vector<v1::MatchToken> tokens;
  for (const v1::MatchKey& key : recipe_.match_keys()) {
    std::string value;
    bool complete = !key.elements().empty();
    for (int element : key.elements()) {
      auto it = elements.find(static_cast<v1::PersonElement>(element));
      if (it == elements.end() || it->second.empty()) {
        complete = false;
        break;
      }
      absl::StrAppend(&value, value.empty() ? "" : "|", it->second);
    }
    if (!complete) {
      continue;
    }
    v1::MatchToken& token = tokens.emplace_back();
    token.set_key_id(key.id());
    token.set_key_version(key_version_);
    token.set_token(tokens_.Sign(absl::StrCat(key.id(), std::string(1, '\0')), value));
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
