#pragma once

// An independent reading of the generated extracts and the policy's reference data, for checking
// the hub's answers. Deliberately shares no code with the agent or the hub.

#include <map>
#include <string>
#include <vector>

namespace confide::e2e {

// Minimal RFC 4180 reader: returns rows of fields (header included).
std::vector<std::vector<std::string>> ReadCsv(const std::string& path);

// Postcode district (outward code) of a full postcode in any case/spacing.
std::string DistrictOf(const std::string& postcode);

// district -> borough from the policy's reference areas, parsed with protobuf directly.
std::map<std::string, std::string> BoroughByDistrict(const std::string& policy_path);

// The default disclosure rule applied to one exact count: 1..threshold-1 -> "*", else rounded
// to the nearest `base` (halves up).
std::string Published(long count, long threshold = 8, long base = 5);

// Column index by header name; aborts the test if missing.
size_t Column(const std::vector<std::string>& header, const std::string& name);

}  // namespace confide::e2e
