#pragma once

#include <span>
#include <string>

#include "absl/strings/string_view.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// A Merseyside local authority and the postcode districts (outward codes) that fall in it. The
// district lists match the hub's reference data.
struct Borough {
  absl::string_view name;
  int population;
  std::span<const absl::string_view> districts;
};

// The five boroughs, in a fixed order.
std::span<const Borough> Boroughs();

// A borough index drawn in proportion to population.
int PickBorough(Rng& rng);

// A district of `borough`, uniformly.
absl::string_view PickDistrict(Rng& rng, int borough);

// A town-centre district (L1, L2, L3, CH41, PR8), weighted by night-time economy size.
absl::string_view PickHotSpot(Rng& rng);

// A full postcode in `district`: district, space, sector digit, two unit letters.
std::string MakePostcode(Rng& rng, absl::string_view district);

// True if `district` is one of the Merseyside districts above.
bool IsMerseysideDistrict(absl::string_view district);

}  // namespace confide::synth::internal
