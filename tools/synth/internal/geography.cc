#include "tools/synth/internal/geography.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace confide::synth::internal {
namespace {

constexpr absl::string_view kLiverpool[] = {"L1",  "L2",  "L3",  "L4",  "L5",  "L6",  "L7",
                                            "L8",  "L9",  "L11", "L12", "L13", "L15", "L16",
                                            "L17", "L18", "L19", "L24", "L25", "L27"};
constexpr absl::string_view kKnowsley[] = {"L14", "L26", "L28", "L32", "L33", "L34", "L36"};
constexpr absl::string_view kSefton[] = {"L20", "L21", "L22", "L23", "L29", "L30",
                                         "L31", "L37", "L38", "PR8", "PR9"};
constexpr absl::string_view kStHelens[] = {"WA9", "WA10", "WA11", "L35"};
constexpr absl::string_view kWirral[] = {"CH41", "CH42", "CH43", "CH44", "CH45", "CH46", "CH47",
                                         "CH48", "CH49", "CH60", "CH61", "CH62", "CH63"};

constexpr std::array<Borough, 5> kBoroughs = {{
    {"Liverpool", 486000, kLiverpool},
    {"Wirral", 320000, kWirral},
    {"Sefton", 280000, kSefton},
    {"Knowsley", 154000, kKnowsley},
    {"St Helens", 183000, kStHelens},
}};

constexpr absl::string_view kHotSpots[] = {"L1", "L2", "L3", "CH41", "PR8"};
constexpr double kHotSpotWeights[] = {4.0, 2.0, 2.5, 1.5, 1.0};

// Royal Mail never uses C I K M O V in the unit part of a postcode.
constexpr absl::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";

}  // namespace

std::span<const Borough> Boroughs() { return kBoroughs; }

int PickBorough(Rng& rng) {
  std::array<double, kBoroughs.size()> weights;
  for (size_t i = 0; i < kBoroughs.size(); ++i) {
    weights[i] = kBoroughs[i].population;
  }
  return static_cast<int>(rng.Pick(weights));
}

absl::string_view PickDistrict(Rng& rng, int borough) {
  const auto& districts = kBoroughs[static_cast<size_t>(borough)].districts;
  return districts[rng.Below(districts.size())];
}

absl::string_view PickHotSpot(Rng& rng) { return kHotSpots[rng.Pick(kHotSpotWeights)]; }

std::string MakePostcode(Rng& rng, absl::string_view district) {
  const char sector = static_cast<char>('0' + rng.Below(10));
  const char unit[2] = {kUnitLetters[rng.Below(kUnitLetters.size())],
                        kUnitLetters[rng.Below(kUnitLetters.size())]};
  return absl::StrCat(district, " ", absl::string_view(&sector, 1), absl::string_view(unit, 2));
}

bool IsMerseysideDistrict(absl::string_view district) {
  for (const Borough& borough : kBoroughs) {
    for (absl::string_view d : borough.districts) {
      if (d == district) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace confide::synth::internal
