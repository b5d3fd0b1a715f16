// ParseDate and ParseDateTime from value_parser.h.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "agent/extract/internal/uk_time.h"
#include "agent/extract/value_parser.h"
#include "common/status_macros.h"

namespace confide::agent {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;

// Reads the fixed grammar of one format; every method returns false when the
// text does not have the expected shape.
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  bool Digits(int min_digits, int max_digits, int64_t* value) {
    int64_t result = 0;
    int count = 0;
    while (count < max_digits && pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) {
      result = result * 10 + (text_[pos_] - '0');
      ++pos_;
      ++count;
    }
    *value = result;
    return count >= min_digits && !(pos_ < text_.size() && absl::ascii_isdigit(text_[pos_]));
  }
  bool Int(int min_digits, int max_digits, int* value) {
    int64_t wide = 0;
    const bool ok = Digits(min_digits, max_digits, &wide);
    *value = static_cast<int>(wide);
    return ok;
  }
  bool Literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Consumes and returns a possibly empty run of digits.
  absl::string_view DigitRun() {
    const size_t start = pos_;
    while (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

struct Ymd {
  int year = 0;
  int month = 0;
  int day = 0;
};

enum class Order { kDmy, kMdy, kYmd, kCompact };
struct DateLayout {
  Order order;
  char separator;
  int year_digits;
};

struct NamedLayout {
  absl::string_view name;
  DateLayout layout;
};
constexpr NamedLayout kDateLayouts[] = {
    {"dd/mm/yyyy", {Order::kDmy, '/', 4}}, {"mm/dd/yyyy", {Order::kMdy, '/', 4}},
    {"yyyy-mm-dd", {Order::kYmd, '-', 4}}, {"dd-mm-yyyy", {Order::kDmy, '-', 4}},
    {"dd.mm.yyyy", {Order::kDmy, '.', 4}}, {"dd/mm/yy", {Order::kDmy, '/', 2}},
    {"yyyymmdd", {Order::kCompact, 0, 4}},
};

absl::optional<DateLayout> FindDateLayout(absl::string_view format) {
  for (const NamedLayout& named : kDateLayouts) {
    if (named.name == format) {
      return named.layout;
    }
  }
  return absl::nullopt;
}

bool ScanDate(Scanner& s, const DateLayout& layout, Ymd* date) {
  switch (layout.order) {
    case Order::kDmy:
      return s.Int(1, 2, &date->day) && s.Literal(layout.separator) && s.Int(1, 2, &date->month) &&
             s.Literal(layout.separator) &&
             s.Int(layout.year_digits, layout.year_digits, &date->year);
    case Order::kMdy:
      return s.Int(1, 2, &date->month) && s.Literal(layout.separator) && s.Int(1, 2, &date->day) &&
             s.Literal(layout.separator) &&
             s.Int(layout.year_digits, layout.year_digits, &date->year);
    case Order::kYmd:
      return s.Int(4, 4, &date->year) && s.Literal(layout.separator) && s.Int(1, 2, &date->month) &&
             s.Literal(layout.separator) && s.Int(1, 2, &date->day);
    case Order::kCompact: {
      int64_t all = 0;
      if (!s.Digits(8, 8, &all)) {
        return false;
      }
      *date = Ymd{static_cast<int>(all / 10000), static_cast<int>(all / 100 % 100),
                  static_cast<int>(all % 100)};
      return true;
    }
  }
  return false;
}

absl::StatusOr<absl::CivilDay> ValidDay(Ymd date) {
  if (date.year < kMinYear || date.year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("year ", date.year, " is outside ", kMinYear, "..", kMaxYear));
  }
  if (date.month < 1 || date.month > 12) {
    return absl::InvalidArgumentError(absl::StrCat("month ", date.month, " is not valid"));
  }
  // CivilDay normalises 31/02 to 03/03; a round trip detects impossible days.
  const absl::CivilDay day(date.year, date.month, date.day);
  if (date.day < 1 || day.month() != date.month || day.day() != date.day) {
    std::string message = absl::StrCat("day ", date.day, " is not valid for month ", date.month);
    if (date.month == 2 && date.day == 29) {
      absl::StrAppend(&message, " of ", date.year);
    }
    return absl::InvalidArgumentError(message);
  }
  return day;
}

absl::Status ValidTime(int hour, int minute, int second) {
  if (hour > 23) {
    return absl::InvalidArgumentError(absl::StrCat("hour ", hour, " is not valid"));
  }
  if (minute > 59) {
    return absl::InvalidArgumentError(absl::StrCat("minute ", minute, " is not valid"));
  }
  if (second > 59) {
    return absl::InvalidArgumentError(absl::StrCat("second ", second, " is not valid"));
  }
  return absl::OkStatus();
}

// Excel's 1900 date system counts 1900-01-01 as 1 and, copying Lotus 1-2-3,
// has a phantom 1900-02-29 as 60; from 61 on, serial N is 1899-12-30 + N.
absl::StatusOr<absl::CivilSecond> ParseExcelSerial(absl::string_view text, bool with_time) {
  const absl::Status shape = absl::InvalidArgumentError("expected an Excel serial date number");
  Scanner s(text);
  int64_t serial = 0;
  if (!s.Digits(1, 7, &serial)) {
    return shape;
  }
  int64_t seconds = 0;
  if (s.Literal('.')) {
    const absl::string_view digits = s.DigitRun();
    if (digits.empty()) {
      return shape;
    }
    // 12 fraction digits resolve far below a second and keep the sum exact.
    int64_t fraction = 0;
    int64_t scale = 1;
    for (char digit : digits.substr(0, 12)) {
      fraction = fraction * 10 + (digit - '0');
      scale *= 10;
    }
    seconds = (fraction * 86400 * 2 + scale) / (scale * 2);  // round half up
  }
  if (!s.AtEnd()) {
    return shape;
  }
  if (serial == 60) {
    return absl::InvalidArgumentError("Excel serial 60 is the non-existent date 1900-02-29");
  }
  if (serial < 1) {
    return absl::InvalidArgumentError("Excel serial 0 is not a date");
  }
  const absl::CivilDay base =
      serial < 60 ? absl::CivilDay(1899, 12, 31) : absl::CivilDay(1899, 12, 30);
  absl::CivilSecond result = absl::CivilSecond(base + serial);
  if (with_time) {
    result += seconds;
  }
  if (result.year() > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("year ", result.year(), " is outside ", kMinYear, "..", kMaxYear));
  }
  return result;
}

// hh:mm[:ss] with 1- or 2-digit hours, as Excel writes them.
bool ScanTime(Scanner& s, int hour_digits_min, int* hour, int* minute, int* second) {
  *second = 0;
  if (!s.Int(hour_digits_min, 2, hour) || !s.Literal(':') || !s.Int(2, 2, minute)) {
    return false;
  }
  return !s.Literal(':') || s.Int(2, 2, second);
}

// Zone designator: Z, ±hh:mm, ±hhmm or ±hh. Returns the offset in seconds.
bool ScanOffset(Scanner& s, absl::optional<int>* offset) {
  if (s.AtEnd()) {
    return true;
  }
  if (s.Literal('Z') || s.Literal('z')) {
    *offset = 0;
    return true;
  }
  const int sign = s.Literal('+') ? 1 : (s.Literal('-') ? -1 : 0);
  int hours = 0;
  int minutes = 0;
  const absl::string_view digits = s.DigitRun();
  if (sign == 0 || (digits.size() != 2 && digits.size() != 4)) {
    return false;
  }
  hours = (digits[0] - '0') * 10 + (digits[1] - '0');
  if (digits.size() == 4) {
    minutes = (digits[2] - '0') * 10 + (digits[3] - '0');
  } else if (s.Literal(':') && !s.Int(2, 2, &minutes)) {
    return false;
  }
  if (hours > 18 || minutes > 59) {
    return false;
  }
  *offset = sign * (hours * 3600 + minutes * 60);
  return true;
}

absl::StatusOr<absl::CivilSecond> ParseIso8601(absl::string_view text) {
  const absl::Status shape = absl::InvalidArgumentError(
      "expected a date-time in format iso8601 (yyyy-mm-ddThh:mm[:ss[.fff]][Z|+hh:mm])");
  Scanner s(text);
  Ymd date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!s.Int(4, 4, &date.year) || !s.Literal('-') || !s.Int(2, 2, &date.month) || !s.Literal('-') ||
      !s.Int(2, 2, &date.day) || !(s.Literal('T') || s.Literal('t') || s.Literal(' ')) ||
      !ScanTime(s, 2, &hour, &minute, &second)) {
    return shape;
  }
  if (s.Literal('.') || s.Literal(',')) {
    int64_t ignored = 0;  // sub-second precision is dropped, not rounded
    if (!s.Digits(1, 9, &ignored)) {
      return shape;
    }
  }
  absl::optional<int> offset;
  if (!ScanOffset(s, &offset) || !s.AtEnd()) {
    return shape;
  }
  CONFIDE_ASSIGN_OR_RETURN(const absl::CivilDay day, ValidDay(date));
  CONFIDE_RETURN_IF_ERROR(ValidTime(hour, minute, second));
  const absl::CivilSecond civil(day.year(), day.month(), day.day(), hour, minute, second);
  if (!offset.has_value()) {
    return civil;
  }
  return internal::UkCivilFromUtc(civil - *offset);
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view format) {
  text = absl::StripAsciiWhitespace(text);
  if (format == "excel_serial") {
    CONFIDE_ASSIGN_OR_RETURN(const absl::CivilSecond when,
                             ParseExcelSerial(text, /*with_time=*/false));
    return absl::CivilDay(when);
  }
  const absl::optional<DateLayout> layout = FindDateLayout(format);
  if (!layout.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown date format \"", format, "\""));
  }
  Scanner s(text);
  Ymd date;
  if (!ScanDate(s, *layout, &date) || !s.AtEnd()) {
    return absl::InvalidArgumentError(absl::StrCat("expected a date in format ", format));
  }
  if (layout->year_digits == 2) {
    date.year += date.year <= 30 ? 2000 : 1900;
  }
  return ValidDay(date);
}

absl::StatusOr<absl::CivilSecond> ParseDateTime(absl::string_view text, absl::string_view format) {
  text = absl::StripAsciiWhitespace(text);
  if (format == "excel_serial") {
    return ParseExcelSerial(text, /*with_time=*/true);
  }
  if (format == "iso8601") {
    return ParseIso8601(text);
  }
  absl::string_view date_format;
  for (absl::string_view candidate : {"yyyy-mm-dd", "dd/mm/yyyy"}) {
    for (absl::string_view suffix : {" hh:mm[:ss]", " hh:mm:ss", " hh:mm"}) {
      if (format.size() == candidate.size() + suffix.size() &&
          format.substr(0, candidate.size()) == candidate &&
          format.substr(candidate.size()) == suffix) {
        date_format = candidate;
      }
    }
  }
  if (date_format.empty()) {
    if (FindDateLayout(format).has_value()) {
      CONFIDE_ASSIGN_OR_RETURN(const absl::CivilDay day, ParseDate(text, format));
      return absl::CivilSecond(day);
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown date-time format \"", format, "\""));
  }
  Scanner s(text);
  Ymd date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ScanDate(s, *FindDateLayout(date_format), &date) || !s.Literal(' ') ||
      !ScanTime(s, 1, &hour, &minute, &second) || !s.AtEnd()) {
    return absl::InvalidArgumentError(absl::StrCat("expected a date-time in format ", format));
  }
  CONFIDE_ASSIGN_OR_RETURN(const absl::CivilDay day, ValidDay(date));
  CONFIDE_RETURN_IF_ERROR(ValidTime(hour, minute, second));
  return absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second);
}

}  // namespace confide::agent
