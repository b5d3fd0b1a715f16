#include "agent/preview.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace confide::agent {

std::string EventHour(int64_t event_time) {
  absl::CivilSecond time = absl::CivilSecond(1970, 1, 1) + event_time;
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d", time.year(), time.month(), time.day(),
                         time.hour(), time.minute());
}

std::vector<std::string> PreviewFile::ValueColumns(const v1::Dataset& dataset) {
  std::vector<std::string> columns;
  for (const v1::Field& field : dataset.fields()) {
    if (field.class_() == v1::Field::ATTRIBUTE && field.name() != dataset.event_time_field()) {
      columns.push_back(field.name());
    } else if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
      columns.push_back(field.output_name());
    }
  }
  return columns;
}

absl::StatusOr<std::unique_ptr<PreviewFile>> PreviewFile::Create(const std::string& path,
                                                                 const v1::Dataset& dataset,
                                                                 const v1::LinkageRecipe& linkage) {
  absl::StatusOr<std::unique_ptr<PrivateFileWriter>> file = PrivateFileWriter::Create(path);
  if (!file.ok()) {
    return file.status();
  }
  std::vector<std::string> values = ValueColumns(dataset);
  std::vector<std::string> keys;
  for (const v1::MatchKey& key : linkage.match_keys()) {
    keys.push_back(key.id());
  }
  std::vector<std::string> header = {"batch_id", "record_id", "event_hour"};
  header.insert(header.end(), values.begin(), values.end());
  header.push_back("key_version");
  for (const std::string& key : keys) {
    header.push_back(absl::StrCat("token:", key));
  }
  (*file)->Write(CsvLine(header));
  return std::unique_ptr<PreviewFile>(
      new PreviewFile(*std::move(file), std::move(values), std::move(keys)));
}

void PreviewFile::Add(const v1::Batch& batch) {
  std::vector<std::string> line;
  for (const v1::WireRecord& record : batch.records()) {
    line.clear();
    line.push_back(batch.batch_id());
    line.push_back(absl::BytesToHexString(record.record_id()));
    line.push_back(EventHour(record.event_time()));
    for (const std::string& name : values_) {
      auto value = record.values().find(name);
      line.push_back(value == record.values().end() ? "" : value->second);
    }
    std::string version;
    std::vector<std::string> tokens(keys_.size());
    for (const v1::MatchToken& token : record.tokens()) {
      version = token.key_version();
      for (size_t i = 0; i < keys_.size(); ++i) {
        if (keys_[i] == token.key_id()) {
          tokens[i] = absl::BytesToHexString(token.token());
        }
      }
    }
    line.push_back(version);
    line.insert(line.end(), tokens.begin(), tokens.end());
    file_->Write(CsvLine(line));
  }
}

}  // namespace confide::agent
