// Checks every tests/agent/extract/corpus/NAME.csv against NAME.expected.
//
// NAME.expected lists, one per line: an optional "options: key=value ..."
// line (delimiter=comma|semicolon|tab|pipe, encoding=utf-8|windows-1252|
// latin-1, max_field_bytes=N, max_fields_per_row=N), then for each record
// "record: R line L", one "field: VALUE" per field and one "problem: TEXT" per
// problem. VALUE escapes backslash, control characters (\n, \r, \t, \xNN) and
// trailing spaces (\x20). Lines starting with '#' are comments.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/extract/csv_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  // Single-threaded here; ctest sets it, a manual run falls back to the cwd.
  const char* root = std::getenv("CONFIDE_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  return fs::path(root != nullptr ? root : ".") / "tests/agent/extract/corpus";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string Escape(absl::string_view value) {
  size_t keep = value.size();
  while (keep > 0 && value[keep - 1] == ' ') {
    --keep;
  }
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (i >= keep) {
      out += "\\x20";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool ParseOptions(absl::string_view line, CsvOptions* options) {
  for (absl::string_view item : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    const std::string& value = kv.second;
    if (kv.first == "delimiter") {
      options->delimiter = value == "semicolon" ? ';'
                           : value == "tab"     ? '\t'
                           : value == "pipe"    ? '|'
                                                : ',';
    } else if (kv.first == "encoding") {
      options->encoding = value == "windows-1252" ? Encoding::kWindows1252
                          : value == "latin-1"    ? Encoding::kLatin1
                                                  : Encoding::kUtf8;
    } else if (kv.first == "max_field_bytes") {
      if (!absl::SimpleAtoi(value, &options->max_field_bytes)) {
        return false;
      }
    } else if (kv.first == "max_fields_per_row") {
      if (!absl::SimpleAtoi(value, &options->max_fields_per_row)) {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

struct Expectation {
  CsvOptions options;
  std::string text;  // expected rendering, comments and options removed
};

Expectation LoadExpectation(const fs::path& path) {
  Expectation expectation;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (absl::ConsumePrefix(&line, "options:")) {
      EXPECT_TRUE(ParseOptions(line, &expectation.options)) << path << ": bad options line";
      continue;
    }
    absl::StrAppend(&expectation.text, line, "\n");
  }
  return expectation;
}

// Renders everything the reader returns in the .expected syntax.
std::string Render(CsvReader& reader) {
  std::string out;
  CsvRow row;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&row);
    if (!more.ok()) {
      return absl::StrCat(out, "I/O error: ", more.status().ToString(), "\n");
    }
    if (!*more) {
      return out;
    }
    absl::StrAppend(&out, "record: ", row.record_number, " line ", row.line_number, "\n");
    for (const std::string& field : row.fields) {
      absl::StrAppend(&out, "field:", field.empty() ? "" : " ", Escape(field), "\n");
    }
    for (const std::string& problem : row.problems) {
      absl::StrAppend(&out, "problem: ", problem, "\n");
    }
  }
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusDir())) {
    if (entry.path().extension() == ".csv") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(CsvCorpusTest, CorpusHasAtLeastThirtyFilesEachWithAnExpectation) {
  const std::vector<fs::path> files = CorpusFiles();
  EXPECT_GE(files.size(), 30u);
  for (const fs::path& csv : files) {
    fs::path expected = csv;
    expected.replace_extension(".expected");
    EXPECT_TRUE(fs::exists(expected)) << expected;
  }
}

TEST(CsvCorpusTest, EveryFileMatchesItsExpectationWhenReadFromDisk) {
  for (const fs::path& csv : CorpusFiles()) {
    SCOPED_TRACE(csv.filename().string());
    fs::path expected_path = csv;
    const Expectation expected = LoadExpectation(expected_path.replace_extension(".expected"));
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(csv, expected.options);
    ASSERT_THAT(reader, ::confide::testing::IsOk());
    EXPECT_EQ(Render(**reader), expected.text);
    EXPECT_EQ((*reader)->bytes_consumed(), (*reader)->total_bytes());
    EXPECT_EQ((*reader)->total_bytes(), static_cast<int64_t>(fs::file_size(csv)));
  }
}

TEST(CsvCorpusTest, EveryFileMatchesItsExpectationWhenReadFromString) {
  for (const fs::path& csv : CorpusFiles()) {
    SCOPED_TRACE(csv.filename().string());
    fs::path expected_path = csv;
    const Expectation expected = LoadExpectation(expected_path.replace_extension(".expected"));
    std::unique_ptr<CsvReader> reader = CsvReader::FromString(ReadFile(csv), expected.options);
    EXPECT_EQ(Render(*reader), expected.text);
  }
}

}  // namespace
}  // namespace confide::agent
