#include "policy/disclosure/margins.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace confide::policy {

absl::Status CheckFlaggedMargins(const std::vector<TableCell>& cells,
                                 const PublishedTable& published, const DisclosureRules& rules) {
  for (const std::vector<std::string>& margin : published.disclosive_margins) {
    int64_t total = 0;
    for (const TableCell& cell : cells) {
      bool in_line = cell.dims.size() == margin.size();
      for (size_t d = 0; in_line && d < margin.size(); ++d) {
        in_line = margin[d] == "*" || margin[d] == cell.dims[d];
      }
      if (in_line) {
        total += cell.count;
      }
    }
    if (total >= rules.threshold) {
      return absl::FailedPreconditionError(absl::StrCat(
          "this table cannot be released: a small count in it could be worked out from the total "
          "for (",
          absl::StrJoin(margin, ", "),
          "), which a coarser query publishes. Remove a dimension or widen the filter."));
    }
  }
  return absl::OkStatus();
}

}  // namespace confide::policy
