#include "common/text_escaping.h"

#include "gtest/gtest.h"

namespace confide {
namespace {

TEST(TextEscapingTest, CsvFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

TEST(TextEscapingTest, JsonQuotedEscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonQuoted("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuoted("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(JsonQuoted(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonQuoted("Siobh\xC3\xA1n"), "\"Siobh\xC3\xA1n\"");
}

}  // namespace
}  // namespace confide
