#include "policy/internal/validate_linkage.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace confide::policy::internal {
namespace {

// The element a derived element is computed from, or the element itself when it is not derived.
v1::PersonElement SourceOf(v1::PersonElement element) {
  switch (element) {
    case v1::SURNAME_PHONETIC:
      return v1::SURNAME;
    case v1::FORENAME_INITIAL:
      return v1::FORENAME;
    case v1::BIRTH_YEAR:
    case v1::DATE_OF_BIRTH_UNORDERED:
      return v1::DATE_OF_BIRTH;
    case v1::POSTCODE_DISTRICT_OF_PERSON:
      return v1::POSTCODE;
    default:
      return element;
  }
}

bool IsDerived(v1::PersonElement element) { return SourceOf(element) != element; }

std::string NameOf(int element) {
  return v1::PersonElement_IsValid(element)
             ? v1::PersonElement_Name(static_cast<v1::PersonElement>(element))
             : absl::StrCat(element);
}

// Nickname entries are compared with normalised forenames, which are lower-case ASCII letters.
bool IsNormalisedName(absl::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

void CheckMatchKeys(const v1::Policy& policy, FindingSink& findings) {
  absl::flat_hash_set<v1::PersonElement> provided;
  for (const v1::Dataset& dataset : policy.datasets()) {
    for (const v1::Field& field : dataset.fields()) {
      provided.insert(field.person_element());
    }
  }
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < policy.linkage().match_keys_size(); ++i) {
    const v1::MatchKey& key = policy.linkage().match_keys(i);
    const FieldPath at = {{"linkage", -1}, {"match_keys", i}};
    if (key.id().empty()) {
      findings.Error(at, "match key has no id");
    } else if (!ids.insert(key.id()).second) {
      findings.Error({{"linkage", -1}, {"match_keys", i}, {"id", -1}},
                     absl::StrCat("duplicate match key id '", key.id(), "'"));
    }
    if (key.elements().empty()) {
      findings.Error(at, absl::StrCat("match key '", key.id(), "' has no elements"));
    }
    if (key.exclusive() && key.weak()) {
      findings.Error(at, absl::StrCat("match key '", key.id(),
                                      "' is both exclusive and weak: an exclusive key keeps "
                                      "people apart on its own, so it must be a strong key"));
    }
    absl::flat_hash_set<int> seen;
    for (int j = 0; j < key.elements_size(); ++j) {
      const int element = key.elements(j);
      const FieldPath element_at = {{"linkage", -1}, {"match_keys", i}, {"elements", j}};
      if (element == v1::PERSON_ELEMENT_UNSPECIFIED || !v1::PersonElement_IsValid(element)) {
        findings.Error(element_at,
                       absl::StrCat("match key '", key.id(), "' has an unspecified element"));
        continue;
      }
      if (!seen.insert(element).second) {
        findings.Error(element_at, absl::StrCat("match key '", key.id(), "' lists ",
                                                NameOf(element), " twice"));
        continue;
      }
      const v1::PersonElement source = SourceOf(static_cast<v1::PersonElement>(element));
      if (!provided.contains(source)) {
        findings.Warning(element_at, absl::StrCat("match key '", key.id(),
                                                  "' can never be computed: no dataset has a field "
                                                  "with person_element ",
                                                  NameOf(source),
                                                  IsDerived(static_cast<v1::PersonElement>(element))
                                                      ? absl::StrCat(" (", NameOf(element),
                                                                     " is derived from it)")
                                                      : ""));
      }
    }
  }
}

void CheckNicknames(const v1::LinkageRecipe& linkage, FindingSink& findings) {
  absl::flat_hash_map<std::string, int> names;     // canonical name -> entry
  absl::flat_hash_map<std::string, int> variants;  // variant -> entry
  for (int i = 0; i < linkage.nicknames_size(); ++i) {
    const std::string& name = linkage.nicknames(i).name();
    if (!IsNormalisedName(name)) {
      findings.Error({{"linkage", -1}, {"nicknames", i}, {"name", -1}},
                     absl::StrCat("expected a nickname entry's name in lower-case letters a-z "
                                  "only (as forenames are normalised), got '",
                                  name, "'"));
    } else if (!names.emplace(name, i).second) {
      findings.Error({{"linkage", -1}, {"nicknames", i}, {"name", -1}},
                     absl::StrCat("nicknames for '", name, "' are given in two entries"));
    }
  }
  for (int i = 0; i < linkage.nicknames_size(); ++i) {
    const v1::Nickname& entry = linkage.nicknames(i);
    for (int j = 0; j < entry.variants_size(); ++j) {
      const std::string& variant = entry.variants(j);
      const FieldPath at = {{"linkage", -1}, {"nicknames", i}, {"variants", j}};
      if (!IsNormalisedName(variant)) {
        findings.Error(at, absl::StrCat("expected nickname variants of '", entry.name(),
                                        "' in lower-case letters a-z only (as forenames are "
                                        "normalised), got '",
                                        variant, "'"));
        continue;
      }
      if (auto name = names.find(variant); name != names.end()) {
        findings.Error(
            at, name->second == i
                    ? absl::StrCat("'", variant, "' lists itself as a variant")
                    : absl::StrCat("'", variant, "' is listed as a variant of '", entry.name(),
                                   "' but is itself a name with variants; a name maps "
                                   "to exactly one canonical name"));
        continue;
      }
      auto [earlier, inserted] = variants.emplace(variant, i);
      if (!inserted) {
        findings.Error(at, absl::StrCat("nickname '", variant, "' is listed under both '",
                                        linkage.nicknames(earlier->second).name(), "' and '",
                                        entry.name(), "'"));
      }
    }
  }
}

}  // namespace

void CheckLinkageRecipe(const v1::Policy& policy, FindingSink& findings) {
  for (int i = 0; i < policy.datasets_size(); ++i) {
    const v1::Dataset& dataset = policy.datasets(i);
    for (int j = 0; j < dataset.fields_size(); ++j) {
      const v1::Field& field = dataset.fields(j);
      if (IsDerived(field.person_element())) {
        findings.Error({{"datasets", i}, {"fields", j}, {"person_element", -1}},
                       absl::StrCat("field '", field.name(), "' has person_element ",
                                    NameOf(field.person_element()), ", which agents derive from ",
                                    NameOf(SourceOf(field.person_element())), "; map the field to ",
                                    NameOf(SourceOf(field.person_element())), " instead"));
      }
    }
  }
  CheckMatchKeys(policy, findings);
  const v1::LinkageRecipe& linkage = policy.linkage();
  if (linkage.max_records_per_token() < 0) {
    findings.Error({{"linkage", -1}, {"max_records_per_token", -1}},
                   absl::StrCat("expected max_records_per_token >= 0 (0 means the default, 50), "
                                "got ",
                                linkage.max_records_per_token()));
  }
  CheckNicknames(linkage, findings);
  absl::flat_hash_set<std::string> versions;
  for (int i = 0; i < linkage.key_versions_size(); ++i) {
    const std::string& version = linkage.key_versions(i);
    if (version.empty()) {
      findings.Error({{"linkage", -1}, {"key_versions", i}}, "key version is empty");
    } else if (!versions.insert(version).second) {
      findings.Error({{"linkage", -1}, {"key_versions", i}},
                     absl::StrCat("key version '", version, "' is listed twice"));
    }
  }
}

}  // namespace confide::policy::internal
