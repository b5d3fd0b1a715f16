#include "agent/extract/csv_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/extract/internal/text_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Fields = std::vector<std::string>;

namespace fs = std::filesystem;

std::vector<CsvRow> ReadAll(CsvReader& reader) {
  std::vector<CsvRow> rows;
  CsvRow row;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&row);
    EXPECT_THAT(more, IsOk());
    if (!more.ok() || !*more) {
      return rows;
    }
    rows.push_back(row);
  }
}

std::vector<CsvRow> ReadString(std::string data, const CsvOptions& options = {}) {
  std::unique_ptr<CsvReader> reader = CsvReader::FromString(std::move(data), options);
  return ReadAll(*reader);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "csv_reader_test.XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  fs::path Write(const std::string& name, const std::string& data) const {
    fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << data;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Case {
  std::string name;
  std::string input;
  std::vector<Fields> records;
  std::vector<std::string> problems = {};  // all problems of all records, in order
  CsvOptions options = {};
};

class CsvReaderTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(CsvReaderTableTest, ReadsExpectedRecordsAndProblems) {
  const Case& c = GetParam();
  std::vector<Fields> records;
  std::vector<std::string> problems;
  for (const CsvRow& row : ReadString(c.input, c.options)) {
    records.push_back(row.fields);
    problems.insert(problems.end(), row.problems.begin(), row.problems.end());
  }
  EXPECT_EQ(records, c.records);
  EXPECT_EQ(problems, c.problems);
}

CsvOptions WithDelimiter(char delimiter) {
  CsvOptions options;
  options.delimiter = delimiter;
  return options;
}
CsvOptions WithEncoding(Encoding encoding) {
  CsvOptions options;
  options.encoding = encoding;
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CsvReaderTableTest,
    ::testing::Values(
        Case{"Simple", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
        Case{"NoFinalNewline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
        Case{"Bom",
             "\xEF\xBB\xBF"
             "a\n",
             {{"a"}}},
        Case{"BomOnlyStrippedAtStart",
             "a\n\xEF\xBB\xBF"
             "b\n",
             {{"a"},
              {"\xEF\xBB\xBF"
               "b"}}},
        Case{"Crlf", "a\r\nb\r\n", {{"a"}, {"b"}}}, Case{"CrOnly", "a\rb\r", {{"a"}, {"b"}}},
        Case{"Semicolon", "a;b,c\n", {{"a", "b,c"}}, {}, WithDelimiter(';')},
        Case{"Tab", "a\tb c\n", {{"a", "b c"}}, {}, WithDelimiter('\t')},
        Case{"Pipe", "a|\"b|c\"\n", {{"a", "b|c"}}, {}, WithDelimiter('|')},
        Case{"QuotedDelimiter", "\"a,b\",c\n", {{"a,b", "c"}}},
        Case{"DoubledQuotes", "\"a\"\"b\"\n", {{"a\"b"}}},
        Case{"EmbeddedNewline", "\"a\nb\",c\n", {{"a\nb", "c"}}},
        Case{"QuotedEmpty", "\"\",\"\"\n", {{"", ""}}},
        Case{"Ragged", "a,b,c\n1\n1,2,3,4\n", {{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}}},
        Case{"BlankLinesSkipped", "\n\r\n\ra\n\n\nb\n\n", {{"a"}, {"b"}}},
        Case{"WhitespaceLineIsARecord", "a\n  \n", {{"a"}, {"  "}}},
        Case{"TrailingDelimiter", "a,\n", {{"a", ""}}},
        Case{"TrailingDelimiterAtEof", "a,", {{"a", ""}}},
        Case{"StrayQuoteKept", "a\"b,c\"\n", {{"a\"b", "c\""}}},
        Case{"TextAfterClosingQuote",
             "\"a\"b,c\n",
             {{"ab", "c"}},
             {"column 1: unexpected text after closing quote"}},
        Case{"UnterminatedQuote",
             "a,\"b\nc",
             {{"a", "b\nc"}},
             {"column 2: unterminated quoted field at end of file"}},
        Case{"LoneQuote", "\"", {{""}}, {"column 1: unterminated quoted field at end of file"}},
        Case{"Nul",
             std::string("a,b\0c\n", 6),
             {{"a",
               "b\xEF\xBF\xBD"
               "c"}},
             {"column 2: NUL byte"}},
        Case{"InvalidUtf8",
             "Siobh\xE1n,x\n",
             {{"Siobh\xEF\xBF\xBDn", "x"}},
             {"column 1: invalid UTF-8 byte 0xE1"}},
        Case{"ValidUtf8FourByte", "\xF0\x9F\x98\x80\n", {{"\xF0\x9F\x98\x80"}}},
        Case{"Windows1252",
             "Siobh\xE1n,\x80\x92\n",
             {{"Siobh\xC3\xA1n", "\xE2\x82\xAC\xE2\x80\x99"}},
             {},
             WithEncoding(Encoding::kWindows1252)},
        Case{"Windows1252Undefined",
             "a\x81\n",
             {{"a\xEF\xBF\xBD"}},
             {"column 1: byte 0x81 is undefined in Windows-1252"},
             WithEncoding(Encoding::kWindows1252)},
        Case{"Latin1C1Controls",
             "\xE1\x81\n",
             {{"\xC3\xA1\xC2\x81"}},
             {},
             WithEncoding(Encoding::kLatin1)}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

TEST(CsvReaderTest, RecordAndLineNumbersCountRecordsAndPhysicalLines) {
  const std::vector<CsvRow> rows = ReadString("h\n\n\"a\r\nb\"\r\nc\rd\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].record_number, 1);
  EXPECT_EQ(rows[0].line_number, 1);
  EXPECT_EQ(rows[1].record_number, 2);
  EXPECT_EQ(rows[1].line_number, 3);
  EXPECT_EQ(rows[2].line_number, 5);
  EXPECT_EQ(rows[3].record_number, 4);
  EXPECT_EQ(rows[3].line_number, 6);
}

// What a careful writer produces (every field quoted, quotes doubled) must come
// back unchanged, whatever the fields contain.
TEST(CsvReaderTest, QuotedRecordsRoundTrip) {
  std::mt19937 random(20240601);  // fixed seed: deterministic
  const std::vector<std::string> pieces = {"a",    ",", "\"",       "\n", "\r",
                                           "\r\n", " ", "\xC3\xA9", ";"};
  std::vector<Fields> written;
  std::string data;
  for (int r = 0; r < 300; ++r) {
    Fields record(1 + random() % 6);
    for (std::string& field : record) {
      for (size_t n = random() % 8; n > 0; --n) {
        field += pieces[random() % pieces.size()];
      }
      absl::StrAppend(&data, &field == &record.front() ? "" : ",", "\"");
      for (char c : field) {
        data += c == '"' ? std::string("\"\"") : std::string(1, c);
      }
      data += "\"";
    }
    data += random() % 2 == 0 ? "\r\n" : "\n";
    written.push_back(std::move(record));
  }
  std::vector<Fields> read;
  for (const CsvRow& row : ReadString(data)) {
    EXPECT_THAT(row.problems, IsEmpty());
    read.push_back(row.fields);
  }
  EXPECT_EQ(read, written);
}

// Arbitrary bytes never break the output contract: fields are valid UTF-8
// without NUL, and the whole input is consumed.
TEST(CsvReaderTest, RandomBytesKeepInvariants) {
  std::mt19937 random(7);
  const std::string alphabet("a,;\"\r\n\0\xC3\xA9\xE1\x81\xFF ", 13);
  for (int i = 0; i < 500; ++i) {
    std::string data;
    for (size_t n = random() % 200; n > 0; --n) {
      data += alphabet[random() % alphabet.size()];
    }
    for (Encoding encoding : {Encoding::kUtf8, Encoding::kWindows1252, Encoding::kLatin1}) {
      std::unique_ptr<CsvReader> reader = CsvReader::FromString(data, WithEncoding(encoding));
      for (const CsvRow& row : ReadAll(*reader)) {
        for (const std::string& field : row.fields) {
          internal::ConversionIssues issues;
          std::string copy;
          internal::AppendAsUtf8(field, Encoding::kUtf8, &copy, &issues);
          EXPECT_EQ(issues.bad_sequences + issues.nul_bytes, 0u);
        }
      }
      EXPECT_EQ(reader->bytes_consumed(), static_cast<int64_t>(data.size()));
    }
  }
}

TEST(CsvReaderTest, ProblemsNeverContainFieldValues) {
  const std::string secret = "SECRET9434765919";
  const std::string input = absl::StrCat(secret, "\xE1,", secret, std::string(1, '\0'), ",\"",
                                         secret, "\"", secret, ",\"", secret, "\n", secret);
  CsvOptions options;
  options.max_field_bytes = 20;
  for (const CsvRow& row : ReadString(input, options)) {
    EXPECT_THAT(row.problems, Not(IsEmpty()));
    for (const std::string& problem : row.problems) {
      EXPECT_THAT(problem, Not(HasSubstr("SECRET")));
      EXPECT_THAT(problem, Not(HasSubstr("9434")));
    }
  }
}

TEST(CsvReaderTest, TenThousandColumnRow) {
  std::string header;
  std::string values;
  for (int i = 0; i < 10000; ++i) {
    absl::StrAppend(&header, i == 0 ? "" : ",", "c", i);
    absl::StrAppend(&values, i == 0 ? "" : ",", i);
  }
  const std::vector<CsvRow> rows = ReadString(absl::StrCat(header, "\n", values, "\n"));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].fields.size(), 10000u);
  ASSERT_EQ(rows[1].fields.size(), 10000u);
  EXPECT_EQ(rows[0].fields[9999], "c9999");
  EXPECT_EQ(rows[1].fields[4321], "4321");
  EXPECT_THAT(rows[1].problems, IsEmpty());
}

TEST(CsvReaderTest, TooManyFieldsAreDiscardedAndReported) {
  CsvOptions options;
  options.max_fields_per_row = 2;
  const std::vector<CsvRow> rows = ReadString("a,b,c,\"d\ne\",f\ng,h\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT(rows[0].problems, ElementsAre("more than 2 fields; the rest were discarded"));
  EXPECT_THAT(rows[1].fields, ElementsAre("g", "h"));
  EXPECT_EQ(rows[1].line_number, 3);
}

TEST(CsvReaderTest, OneMegabyteFieldsAreReadWhole) {
  TempDir dir;
  const std::string big(1 << 20, 'x');
  const fs::path path = dir.Write("big.csv", absl::StrCat("a,b\n", big, ",\"", big, "\"\nc,d\n"));
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, {});
  ASSERT_THAT(reader, IsOk());
  const std::vector<CsvRow> rows = ReadAll(**reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields[0], big);
  EXPECT_EQ(rows[1].fields[1], big);
  EXPECT_THAT(rows[1].problems, IsEmpty());
  EXPECT_THAT(rows[2].fields, ElementsAre("c", "d"));
}

TEST(CsvReaderTest, FieldOverDefaultLimitIsTruncatedAndTheRecordEndFound) {
  TempDir dir;
  // Quoted, with embedded line breaks past the limit, so that the reader has to
  // keep scanning quotes and newlines after it stops keeping bytes.
  std::string big(5 << 20, 'y');
  big[(4 << 20) + 10] = '\n';
  const fs::path path = dir.Write("huge.csv", absl::StrCat("a,\"", big, "\",z\nnext,row\n"));
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, {});
  ASSERT_THAT(reader, IsOk());
  const std::vector<CsvRow> rows = ReadAll(**reader);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].fields.size(), 3u);
  EXPECT_EQ(rows[0].fields[1].size(), 4194304u);
  EXPECT_EQ(rows[0].fields[2], "z");
  EXPECT_THAT(rows[0].problems, ElementsAre("column 2: field longer than 4194304 bytes"));
  EXPECT_THAT(rows[1].fields, ElementsAre("next", "row"));
  EXPECT_EQ(rows[1].line_number, 3);
}

TEST(CsvReaderTest, RecordOverLimitIsTruncatedAndReported) {
  CsvOptions options;
  options.max_record_bytes = 5;
  const std::vector<CsvRow> rows = ReadString("abc,def,ghi\nx\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("abc", "de", ""));
  EXPECT_THAT(rows[0].problems, ElementsAre("record longer than 5 bytes; the rest was discarded"));
  EXPECT_THAT(rows[1].fields, ElementsAre("x"));
}

TEST(CsvReaderTest, ProblemListIsBounded) {
  std::string line;
  for (int i = 0; i < 120; ++i) {
    line += std::string(1, '\0') + ",";
  }
  const std::vector<CsvRow> rows = ReadString(line);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].problems.size(), 51u);
  EXPECT_EQ(rows[0].problems[0], "column 1: NUL byte");
  EXPECT_EQ(rows[0].problems[50], "70 more problems not listed");
}

// Every construct that needs look-ahead (CRLF, "" and the closing quote, a BOM
// check) must parse the same wherever the 1 MiB chunk boundary falls.
TEST(CsvReaderTest, ChunkBoundaryDoesNotChangeTheResult) {
  TempDir dir;
  const std::string tail = "\"a\"\"b\",\"c\r\nd\"\r\ne,\"\"\r\n\"x\"y,\xC3\xA1\rz\r\n";
  const std::vector<CsvRow> expected = ReadString(tail);
  ASSERT_EQ(expected.size(), 4u);
  for (size_t offset = 0; offset < 24; ++offset) {
    SCOPED_TRACE(offset);
    // Padding record: line "p...p\n" so that `tail` starts `offset` bytes
    // before the end of the first chunk.
    const std::string padding = std::string((1 << 20) - offset - 1, 'p') + "\n";
    const fs::path path = dir.Write("chunk.csv", padding + tail);
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, {});
    ASSERT_THAT(reader, IsOk());
    std::vector<CsvRow> rows = ReadAll(**reader);
    ASSERT_EQ(rows.size(), expected.size() + 1);
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(rows[i + 1].fields, expected[i].fields);
      EXPECT_EQ(rows[i + 1].problems, expected[i].problems);
      EXPECT_EQ(rows[i + 1].line_number, expected[i].line_number + 1);
    }
  }
}

TEST(CsvReaderTest, ProgressReportsConsumedAndTotalBytes) {
  TempDir dir;
  const fs::path path = dir.Write("p.csv", "a,b\n1,2\n");
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, {});
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ((*reader)->total_bytes(), 8);
  EXPECT_EQ((*reader)->bytes_consumed(), 0);
  CsvRow row;
  ASSERT_THAT((*reader)->Next(&row), IsOk());
  EXPECT_EQ((*reader)->bytes_consumed(), 4);
  EXPECT_TRUE(*(*reader)->Next(&row));
  EXPECT_FALSE(*(*reader)->Next(&row));
  EXPECT_FALSE(*(*reader)->Next(&row));  // stays at end
  EXPECT_EQ((*reader)->bytes_consumed(), 8);
}

TEST(CsvReaderTest, PipeHasUnknownSize) {
  TempDir dir;
  const fs::path fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&fifo] { std::ofstream(fifo, std::ios::binary) << "a,b\n1,2\n"; });
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(fifo, {});
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ((*reader)->total_bytes(), -1);
  EXPECT_EQ(ReadAll(**reader).size(), 2u);
  writer.join();
}

TEST(CsvReaderTest, OpenErrors) {
  TempDir dir;
  EXPECT_THAT(CsvReader::Open((dir.path() / "missing.csv").string(), {}),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CsvReader::Open(dir.path().string(), {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  const fs::path path = dir.Write("ok.csv", "a\n");
  EXPECT_THAT(CsvReader::Open(path, WithDelimiter('x')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("delimiter")));
  CsvOptions zero;
  zero.max_field_bytes = 0;
  EXPECT_THAT(CsvReader::Open(path, zero), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CsvReaderTest, FromStringWithInvalidOptionsFailsOnNext) {
  std::unique_ptr<CsvReader> reader = CsvReader::FromString("a\n", WithDelimiter('"'));
  CsvRow row;
  EXPECT_THAT(reader->Next(&row), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace confide::agent
