#include "agent/record_builder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/extract/value_parser.h"
#include "agent/normalise.h"

namespace confide::agent {
namespace {

constexpr size_t kMaxAttributeBytes = 256;

int64_t CivilSecondsSinceEpoch(absl::CivilSecond time) {
  return time - absl::CivilSecond(1970, 1, 1);
}

EnumSpec EnumSpecFor(const v1::Field& field, const v1::ColumnMapping& mapping) {
  EnumSpec spec;
  spec.codes.assign(field.codes().begin(), field.codes().end());
  for (const auto& [synonym, code] : mapping.synonyms()) {
    spec.synonyms.emplace_back(synonym, code);
  }
  return spec;
}

// A date of birth written with a two-digit year falls in the century before when the usual pivot
// (yy <= 30 is 20yy) would put it after the event: "03/04/29" is 1929 for an event in 2026.
absl::CivilDay BirthDate(absl::CivilDay parsed, absl::string_view format, absl::CivilDay event) {
  if (format != "dd/mm/yy" || parsed <= event) {
    return parsed;
  }
  const absl::CivilDay earlier(parsed.year() - 100, parsed.month(), parsed.day());
  return earlier.day() == parsed.day() ? earlier : parsed;  // 29 February may not exist then
}

// Per-row parsed state shared between fields (event date is needed for age at event).
struct RowState {
  absl::optional<absl::CivilSecond> event_time;
  absl::optional<absl::CivilDay> birth_date;
  const v1::Field* birth_field = nullptr;
  std::string source_reference;
  PersonElements elements;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordBuilder>> RecordBuilder::Create(
    const v1::Dataset& dataset, const v1::DatasetMapping& mapping,
    const std::vector<std::string>& header) {
  std::unique_ptr<RecordBuilder> builder(new RecordBuilder);
  builder->dataset_ = dataset;
  builder->mapping_ = mapping;
  builder->header_size_ = header.size();
  HeaderIndex index = HeaderIndex::Build(header);
  auto header_list = [&]() { return absl::StrJoin(header, ", "); };
  for (const v1::ColumnMapping& column : builder->mapping_.columns()) {
    bool known = false;
    for (const v1::Field& field : builder->dataset_.fields()) {
      known = known || field.name() == column.field();
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("the mapping for '", dataset.id(),
                                                     "' names field '", column.field(),
                                                     "', which the dataset does not have"));
    }
  }
  // A first row that matches no mapped column at all is not a header: most likely the export
  // left the header out, so the row holds personal data and must not be echoed.
  bool any_mapped = false;
  for (const v1::ColumnMapping& column : builder->mapping_.columns()) {
    std::vector<std::string> aliases(column.aliases().begin(), column.aliases().end());
    any_mapped = any_mapped || index.Find(column.column(), aliases).has_value();
  }
  if (!any_mapped && !builder->mapping_.columns().empty()) {
    std::vector<std::string> expected;
    for (const v1::ColumnMapping& column : builder->mapping_.columns()) {
      expected.push_back(column.column());
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "none of the mapped columns (", absl::StrJoin(expected, ", "),
        ") is in the file's first row: is the header row missing, or is this the wrong file? "
        "(the row is not shown: it may hold personal data)"));
  }
  for (const v1::Field& field : builder->dataset_.fields()) {
    const v1::ColumnMapping* column = nullptr;
    for (const v1::ColumnMapping& candidate : builder->mapping_.columns()) {
      if (candidate.field() == field.name()) {
        column = &candidate;
      }
    }
    bool needed = field.required() || field.name() == dataset.event_time_field() ||
                  field.name() == dataset.record_reference_field();
    if (column == nullptr) {
      if (needed) {
        return absl::InvalidArgumentError(absl::StrCat("field '", field.name(), "' of '",
                                                       dataset.id(),
                                                       "' is required but not mapped to a column"));
      }
      continue;
    }
    std::vector<std::string> aliases(column->aliases().begin(), column->aliases().end());
    absl::optional<size_t> position = index.Find(column->column(), aliases);
    if (!position.has_value() && column->optional() && !needed) {
      continue;  // an optional column this export leaves out: the field is empty throughout
    }
    if (!position.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", column->column(), "' (for field '", field.name(),
                       "') is not in the file's header; the header has: ", header_list()));
    }
    MappedField mapped{&field, column, *position, absl::nullopt,
                       field.type() == v1::Field::ENUM ? EnumSpecFor(field, *column) : EnumSpec()};
    if (!column->time_column().empty()) {
      mapped.time_column = index.Find(column->time_column());
      if (!mapped.time_column.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("time column '", column->time_column(),
                         "' is not in the file's header; the header has: ", header_list()));
      }
    }
    if ((field.type() == v1::Field::DATE || field.type() == v1::Field::DATETIME) &&
        column->format().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field '", field.name(),
                       "' is a date: set its format in the mapping (e.g. \"dd/mm/yyyy\"); "
                       "formats are never guessed"));
    }
    builder->fields_.push_back(mapped);
  }
  return builder;
}

bool RecordBuilder::Build(const CsvRow& row, Pseudonymiser& pseudonymiser, v1::WireRecord* record,
                          std::vector<RowProblem>* problems) const {
  problems->clear();
  record->Clear();
  for (const std::string& problem : row.problems) {
    problems->push_back({"", problem});
  }
  if (row.fields.size() > header_size_) {
    problems->push_back({"", absl::StrCat("row has ", row.fields.size(),
                                          " fields but the header has ", header_size_)});
  }
  RowState state;
  auto value_of = [&](size_t column) -> absl::string_view {
    return column < row.fields.size() ? absl::StripAsciiWhitespace(row.fields[column])
                                      : absl::string_view();
  };
  // Pass 1: the event time first, since age at event depends on it.
  for (const MappedField& mapped : fields_) {
    if (mapped.field->name() != dataset_.event_time_field()) {
      continue;
    }
    absl::string_view text = value_of(mapped.column);
    absl::StatusOr<absl::CivilSecond> time = absl::InvalidArgumentError("missing");
    if (text.empty()) {
      problems->push_back({mapped.mapping->column(), "event time is missing"});
      continue;
    }
    if (mapped.field->type() == v1::Field::DATE || mapped.time_column.has_value()) {
      absl::StatusOr<absl::CivilDay> day = ParseDate(text, mapped.mapping->format());
      time = day.ok() ? absl::StatusOr<absl::CivilSecond>(absl::CivilSecond(*day)) : day.status();
      if (day.ok() && mapped.time_column.has_value()) {
        absl::string_view clock = value_of(*mapped.time_column);
        absl::StatusOr<absl::CivilSecond> at =
            ParseDateTime(absl::StrCat("2000-01-01 ", clock), "yyyy-mm-dd hh:mm[:ss]");
        if (!at.ok()) {
          problems->push_back({mapped.mapping->time_column(), "expected a time as hh:mm"});
          continue;
        }
        time = absl::CivilSecond(day->year(), day->month(), day->day(), at->hour(), at->minute());
      }
    } else {
      time = ParseDateTime(text, mapped.mapping->format());
    }
    if (!time.ok()) {
      problems->push_back({mapped.mapping->column(), std::string(time.status().message())});
      continue;
    }
    state.event_time = *time;
  }
  for (const MappedField& mapped : fields_) {
    const v1::Field& field = *mapped.field;
    const std::string& column = mapped.mapping->column();
    if (field.name() == dataset_.event_time_field()) {
      continue;
    }
    absl::string_view text = value_of(mapped.column);
    if (text.empty()) {
      if (field.required() || field.name() == dataset_.record_reference_field()) {
        problems->push_back({column, "required value is missing"});
      }
      continue;
    }
    if (field.name() == dataset_.record_reference_field()) {
      state.source_reference = std::string(text);
      continue;
    }
    if (field.type() == v1::Field::DATE) {
      absl::StatusOr<absl::CivilDay> date = ParseDate(text, mapped.mapping->format());
      if (!date.ok()) {
        problems->push_back({column, std::string(date.status().message())});
        continue;
      }
      if (field.person_element() == v1::DATE_OF_BIRTH && state.event_time.has_value()) {
        const absl::CivilDay event(*state.event_time);
        state.birth_date = BirthDate(*date, mapped.mapping->format(), event);
        state.birth_field = &field;
        if (absl::optional<std::string> dob =
                pseudonymiser.normaliser().DateOfBirth(*state.birth_date, event)) {
          state.elements[v1::DATE_OF_BIRTH] = *dob;
        }
      }
      continue;  // dates are sent only as generalised values (below)
    }
    if (field.generalisation() == v1::Field::POSTCODE_DISTRICT ||
        field.generalisation() == v1::Field::POSTCODE_SECTOR ||
        field.person_element() == v1::POSTCODE) {
      absl::StatusOr<Postcode> postcode = ParsePostcode(text);
      if (!postcode.ok()) {
        if (field.required()) {
          problems->push_back({column, std::string(postcode.status().message())});
        }
        continue;
      }
      if (field.person_element() == v1::POSTCODE) {
        std::string compact = postcode->full;
        compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
        state.elements[v1::POSTCODE] = compact;
      }
      if (field.class_() == v1::Field::QUASI_IDENTIFIER) {
        (*record->mutable_values())[field.output_name()] =
            field.generalisation() == v1::Field::POSTCODE_SECTOR ? postcode->sector
                                                                 : postcode->district;
      }
      continue;
    }
    if (field.class_() == v1::Field::DIRECT_IDENTIFIER) {
      absl::optional<std::string> normalised;
      switch (field.person_element()) {
        case v1::NHS_NUMBER:
          normalised = pseudonymiser.normaliser().NhsNumber(text);
          break;
        case v1::FORENAME:
          normalised = pseudonymiser.normaliser().Forename(text);
          break;
        case v1::SURNAME:
          normalised = pseudonymiser.normaliser().Surname(text);
          break;
        case v1::SEX:
          normalised = NormaliseSex(text);
          break;
        default:
          break;
      }
      if (normalised.has_value()) {
        state.elements[field.person_element()] = *normalised;
      }
      continue;  // direct identifiers are never sent
    }
    // Attributes (and quasi-identifiers without a date or postcode rule) are typed and sent.
    std::string value;
    switch (field.type()) {
      case v1::Field::ENUM: {
        absl::StatusOr<std::string> code = ParseEnum(text, mapped.enum_spec);
        if (!code.ok()) {
          problems->push_back({column, std::string(code.status().message())});
          continue;
        }
        value = *code;
        break;
      }
      case v1::Field::INTEGER: {
        absl::StatusOr<int64_t> number = ParseInteger(text);
        if (!number.ok()) {
          problems->push_back({column, std::string(number.status().message())});
          continue;
        }
        value = absl::StrCat(*number);
        break;
      }
      case v1::Field::BOOLEAN: {
        absl::StatusOr<bool> flag = ParseBoolean(text);
        if (!flag.ok()) {
          problems->push_back({column, std::string(flag.status().message())});
          continue;
        }
        value = *flag ? "true" : "false";
        break;
      }
      default:
        if (text.size() > kMaxAttributeBytes) {
          problems->push_back({column, absl::StrCat("longer than ", kMaxAttributeBytes, " bytes")});
          continue;
        }
        value = std::string(text);
    }
    if (field.person_element() == v1::SEX) {
      // The typed value, so that synonyms the mapping defines ("1" -> "m") count for linkage too.
      if (absl::optional<std::string> sex = NormaliseSex(value)) {
        state.elements[v1::SEX] = *sex;
      }
    }
    (*record->mutable_values())[field.class_() == v1::Field::QUASI_IDENTIFIER ? field.output_name()
                                                                              : field.name()] =
        value;
  }
  if (state.birth_field != nullptr && state.event_time.has_value()) {
    absl::optional<int> age = AgeAtEvent(*state.birth_date, absl::CivilDay(*state.event_time));
    if (age.has_value() && state.birth_field->class_() == v1::Field::QUASI_IDENTIFIER) {
      (*record->mutable_values())[state.birth_field->output_name()] =
          state.birth_field->generalisation() == v1::Field::AGE_BAND ? AgeBand(*age)
                                                                     : absl::StrCat(*age);
    }
  }
  if (!problems->empty()) {
    return false;
  }
  absl::CivilSecond hour = absl::CivilHour(*state.event_time);
  record->set_event_time(CivilSecondsSinceEpoch(hour));
  record->set_record_id(pseudonymiser.RecordId(dataset_.id(), state.source_reference));
  for (v1::MatchToken& token : pseudonymiser.Tokens(state.elements)) {
    *record->add_tokens() = std::move(token);
  }
  return true;
}

}  // namespace confide::agent
