#include "tests/e2e/csv_oracle.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "confide/v1/policy.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace confide::e2e {

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

std::string DistrictOf(const std::string& postcode) {
  std::string compact;
  for (char c : postcode) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return compact.size() > 3 ? compact.substr(0, compact.size() - 3) : "";
}

std::map<std::string, std::string> BoroughByDistrict(const std::string& policy_path) {
  std::ifstream in(policy_path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  v1::Policy policy;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(buffer.str(), &policy));
  std::map<std::string, std::string> boroughs;
  for (const v1::Area& area : policy.reference().areas()) {
    boroughs[area.code()] = area.borough();
  }
  return boroughs;
}

std::string Published(long count, long threshold, long base) {
  if (count > 0 && count < threshold) {
    return "*";
  }
  return std::to_string((count + base / 2) / base * base);
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) {
      return i;
    }
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

}  // namespace confide::e2e
