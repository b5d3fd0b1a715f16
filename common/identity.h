#pragma once

// Identities carried in certificate URI SANs:
//   confide://agency/<agency-id>/agent   an agency's push agent
//   confide://user/<role>/<name>         a person (role "analyst" or "ig")

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confide {

struct Identity {
  enum class Kind { kAgent, kUser };
  Kind kind = Kind::kAgent;
  std::string uri;
  std::string agency;  // kAgent only
  std::string role;    // "agent" for agents, else the user's role
  std::string name;    // kUser only
};

// InvalidArgument when `uri` is not one of the two forms above.
absl::StatusOr<Identity> ParseIdentity(absl::string_view uri);

}  // namespace confide
