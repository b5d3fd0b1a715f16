#pragma once

// `confide-agent withdraw`: remove records this agency pushed earlier, either by source
// reference (the agent computes the keyed record ids; references never leave the agency) or a
// whole earlier push by its receipt (batch ids). The hub only ever removes the calling agency's
// own records, and audits each request as one event with counts.

#include <string>

namespace confide::agent {

struct WithdrawOptions {
  std::string config_path;
  std::string dataset;
  // A CSV whose column named like the mapped record reference column (e.g. "Crime Reference",
  // or one of its aliases) lists the references (the original extract works), or a plain list
  // with one reference per line.
  std::string references_path;
  std::string receipt_path;  // a receipt written by `push --receipt`
};

// Returns the process exit code (0 ok, 1 usage/config/file problem, 2 denied, 4 hub unreachable)
// and prints one summary line of counts to stdout; never prints a reference.
int RunWithdraw(const WithdrawOptions& options);

}  // namespace confide::agent
