#include "common/identity.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace confide {
namespace {

constexpr absl::string_view kScheme = "confide://";

bool IsValidSegment(absl::string_view segment) {
  if (segment.empty() || segment.size() > 64) {
    return false;
  }
  for (char c : segment) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Identity> ParseIdentity(absl::string_view uri) {
  auto invalid = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an identity of the form confide://agency/<id>/agent or "
                     "confide://user/<role>/<name>, got '",
                     uri.size() > 100 ? "(too long)" : uri, "'"));
  };
  if (!absl::StartsWith(uri, kScheme)) {
    return invalid();
  }
  std::vector<absl::string_view> parts = absl::StrSplit(uri.substr(kScheme.size()), '/');
  if (parts.size() != 3) {
    return invalid();
  }
  for (absl::string_view part : parts) {
    if (!IsValidSegment(part)) {
      return invalid();
    }
  }
  Identity identity;
  identity.uri = std::string(uri);
  if (parts[0] == "agency" && parts[2] == "agent") {
    identity.kind = Identity::Kind::kAgent;
    identity.agency = std::string(parts[1]);
    identity.role = "agent";
    return identity;
  }
  if (parts[0] == "user") {
    identity.kind = Identity::Kind::kUser;
    identity.role = std::string(parts[1]);
    identity.name = std::string(parts[2]);
    return identity;
  }
  return invalid();
}

}  // namespace confide
