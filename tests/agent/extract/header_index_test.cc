#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/extract/csv_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

// gtest names allow only [A-Za-z0-9_]; the index keeps them unique.
std::string CaseName(size_t index, absl::string_view a, absl::string_view b = "") {
  std::string name = absl::StrCat(index, "_", a, b.empty() ? "" : "_", b);
  for (char& c : name) {
    c = absl::ascii_isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

struct FindCase {
  std::vector<std::string> header;
  std::string name;
  std::vector<std::string> aliases;
  absl::optional<size_t> expected;
};

class HeaderIndexFindTest : public ::testing::TestWithParam<FindCase> {};

TEST_P(HeaderIndexFindTest, FindsExpectedPosition) {
  const FindCase& c = GetParam();
  EXPECT_EQ(HeaderIndex::Build(c.header).Find(c.name, c.aliases), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HeaderIndexFindTest,
    ::testing::Values(FindCase{{"id", "date_of_birth"}, "date_of_birth", {}, 1},
                      FindCase{{"ID", "Date Of Birth"}, "date_of_birth", {}, 1},
                      FindCase{{"  Date   of_Birth  "}, "date of birth", {}, 0},
                      FindCase{{"Date\tof\tBirth"}, "date_of_birth", {}, 0},
                      FindCase{{"Date\xC2\xA0of Birth"}, "date_of_birth", {}, 0},  // no-break space
                      FindCase{{"\xEF\xBB\xBFid", "x"}, "id", {}, 0},  // BOM on first header
                      FindCase{{"a", "DOB"}, "date_of_birth", {"birth_date", "dob"}, 1},
                      FindCase{
                          {"dob", "date of birth"}, "date_of_birth", {"dob"}, 0},  // leftmost wins
                      FindCase{{"a", "b"}, "c", {"d"}, absl::nullopt},
                      FindCase{{"", "a"}, "", {}, absl::nullopt},
                      FindCase{{"date of birth"}, "dateofbirth", {}, absl::nullopt},
                      FindCase{{"Siobhán"}, "SIOBHáN", {}, 0},  // ASCII case only; other bytes kept
                      FindCase{{}, "a", {}, absl::nullopt}),
    [](const ::testing::TestParamInfo<FindCase>& param_info) {
      return CaseName(param_info.index, param_info.param.name);
    });
;

TEST(HeaderIndexTest, FirstOfDuplicatesIsFoundAndDuplicatesReported) {
  const HeaderIndex index =
      HeaderIndex::Build({"NHS Number", "nhs_number", "Postcode", "", "", "POSTCODE ", "x"});
  EXPECT_THAT(index.Find("nhs number"), Optional(0u));
  EXPECT_THAT(index.duplicates(), ElementsAre("nhs number", "postcode"));
}

TEST(HeaderIndexTest, NoDuplicatesForDistinctOrEmptyNames) {
  EXPECT_THAT(HeaderIndex::Build({"a", "b", "", ""}).duplicates(), IsEmpty());
}

TEST(HeaderIndexTest, NormalizeCollapsesCaseSpacesAndUnderscores) {
  EXPECT_EQ(HeaderIndex::Normalize("\xEF\xBB\xBF  Incident__Date_ \r\n"), "incident date");
}

}  // namespace
}  // namespace confide::agent
