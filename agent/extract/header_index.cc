#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "agent/extract/csv_reader.h"

namespace confide::agent {

std::string HeaderIndex::Normalize(absl::string_view name) {
  absl::ConsumePrefix(&name, "\xEF\xBB\xBF");  // Excel's UTF-8 BOM
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    bool space = c == ' ' || c == '_' || c == '\t' || c == '\r' || c == '\n';
    // U+00A0 NO-BREAK SPACE, which Excel users type without knowing.
    if (c == '\xC2' && i + 1 < name.size() && name[i + 1] == '\xA0') {
      space = true;
      ++i;
    }
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

HeaderIndex HeaderIndex::Build(const std::vector<std::string>& header) {
  HeaderIndex index;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = Normalize(header[i]);
    if (name.empty()) {
      continue;  // unnamed columns cannot be mapped, so they are never ambiguous
    }
    auto [it, inserted] = index.first_position_.try_emplace(name, i);
    if (!inserted && std::find(index.duplicates_.begin(), index.duplicates_.end(), name) ==
                         index.duplicates_.end()) {
      index.duplicates_.push_back(std::move(name));
    }
  }
  return index;
}

absl::optional<size_t> HeaderIndex::Find(absl::string_view name,
                                         const std::vector<std::string>& aliases) const {
  absl::optional<size_t> best;
  auto consider = [&](absl::string_view candidate) {
    const std::string key = Normalize(candidate);
    if (key.empty()) {
      return;
    }
    auto it = first_position_.find(key);
    if (it != first_position_.end() && (!best.has_value() || it->second < *best)) {
      best = it->second;
    }
  };
  consider(name);
  for (const std::string& alias : aliases) {
    consider(alias);
  }
  return best;
}

}  // namespace confide::agent
