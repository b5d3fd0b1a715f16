#include "hub/audit/witness.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hub/audit/merkle.h"

namespace confide::hub {

std::string DescribeTreeHead(const v1::SignedTreeHead& head) {
  return absl::StrCat(
      "size ", head.tree_size(), ", root ", absl::BytesToHexString(head.root_hash()).substr(0, 16),
      ", signed ",
      absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixMicros(head.timestamp_micros()),
                       absl::UTCTimeZone()));
}

absl::Status CheckTreeHeadExtends(const TreeHeadVerifier& verifier, const v1::SignedTreeHead& last,
                                  const v1::SignedTreeHead& current,
                                  absl::Span<const std::string> proof) {
  if (absl::Status signed_ok = verifier.Verify(current); !signed_ok.ok()) {
    return absl::DataLossError(
        absl::StrCat("the hub's tree head (", DescribeTreeHead(current),
                     ") is not validly signed by the pinned audit key: ", signed_ok.message()));
  }
  if (current.tree_size() < last.tree_size()) {
    return absl::DataLossError(absl::StrCat(
        "the hub's audit log went back from ", last.tree_size(), " to ", current.tree_size(),
        " events: its store was rolled back or truncated (last verified head: ",
        DescribeTreeHead(last), "; now: ", DescribeTreeHead(current), ")"));
  }
  if (current.tree_size() == last.tree_size()) {
    if (current.root_hash() != last.root_hash()) {
      return absl::DataLossError(absl::StrCat(
          "the hub signed two different audit histories of the same size ", last.tree_size(),
          ": events were rewritten, or witnesses are being shown different views (",
          DescribeTreeHead(last), " against ", DescribeTreeHead(current), ")"));
    }
    return absl::OkStatus();
  }
  absl::Status consistent = VerifyMerkleConsistency(last.tree_size(), current.tree_size(),
                                                    last.root_hash(), current.root_hash(), proof);
  if (!consistent.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the hub's audit log of ", current.tree_size(),
        " events does not extend the one this witness verified at ", last.tree_size(),
        " events: history before that point was rewritten, or witnesses are being shown "
        "different views (",
        consistent.message(), "; last verified head: ", DescribeTreeHead(last),
        "; now: ", DescribeTreeHead(current), ")"));
  }
  return absl::OkStatus();
}

}  // namespace confide::hub
