#include "tools/synth/internal/csv.h"

#include "absl/strings/str_replace.h"

namespace confide::synth::internal {

void AppendCsvRow(std::string& out, std::initializer_list<absl::string_view> fields) {
  bool first = true;
  for (absl::string_view field : fields) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
      out.append(field.data(), field.size());
    } else {
      out.push_back('"');
      out.append(absl::StrReplaceAll(field, {{"\"", "\"\""}}));
      out.push_back('"');
    }
  }
  out.append("\r\n");
}

}  // namespace confide::synth::internal
