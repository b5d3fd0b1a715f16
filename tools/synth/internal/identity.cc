#include "tools/synth/internal/identity.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "tools/synth/internal/dirt.h"
#include "tools/synth/internal/nicknames.h"

namespace confide::synth::internal {
namespace {

// One uniform per decision, drawn up front in this order for every record.
enum Decision : size_t {
  kPlaceholder,
  kNickname,
  kForenameTypo,
  kSurnameTypo,
  kForenameAccents,
  kSurnameAccents,
  kForenamePunctuation,
  kSurnamePunctuation,
  kSwap,
  kTitle,
  kSuffix,
  kCase,
  kNhs,
  kDob,
  kDobSwap,
  kPostcode,
  kPostcodeFormat,
  kDecisions,
};

// Spelled as ED and police systems record an unidentified person. Not the title-case
// "Unknown": RocksDB writes "kUnknown" into its OPTIONS file, and the end-to-end check that no
// extract value reaches the hub's files would take the placeholder for a leaked name.
constexpr absl::string_view kPlaceholderNames[] = {"UNKNOWN", "Not known", "NOT KNOWN"};
constexpr absl::string_view kMaleTitles[] = {"Mr", "Mr", "Mr", "Mr", "Mr.", "Dr"};
constexpr absl::string_view kFemaleTitles[] = {"Mrs", "Mrs", "Miss", "Miss", "Ms", "Mrs.", "Dr"};
constexpr absl::string_view kBoyTitles[] = {"Master"};
constexpr absl::string_view kGirlTitles[] = {"Miss"};
constexpr absl::string_view kSuffixes[] = {"Jnr", "Jnr", "Snr", "Jr", "II"};

template <size_t N>
absl::string_view PickOne(Rng& rng, const absl::string_view (&options)[N]) {
  return options[rng.Below(N)];
}

std::string Capitalised(absl::string_view lower) {
  std::string out(lower);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

void WriteNames(Rng& rng, const ErrorRates& rates, const std::array<double, kDecisions>& u,
                const TrueIdentity& truth, WrittenIdentity& out) {
  out.forename = std::string(truth.forename);
  out.surname = std::string(truth.surname);
  if (u[kPlaceholder] < rates.name_placeholder) {
    const absl::string_view placeholder = PickOne(rng, kPlaceholderNames);
    out.forename = std::string(placeholder);
    out.surname = std::string(placeholder);
    out.errors.push_back("name_placeholder");
    return;  // nothing else can go wrong with a name nobody knew
  }
  const std::span<const absl::string_view> nicknames = NicknamesOf(out.forename);
  if (!nicknames.empty() && u[kNickname] < rates.nickname) {
    out.forename = Capitalised(nicknames[rng.Below(nicknames.size())]);
    out.errors.push_back("nickname");
  }
  if (CanTypo(out.forename) && u[kForenameTypo] < rates.name_typo) {
    out.forename = Typo(rng, out.forename);
    out.errors.push_back("forename_typo");
  }
  if (CanTypo(out.surname) && u[kSurnameTypo] < rates.name_typo) {
    out.surname = Typo(rng, out.surname);
    out.errors.push_back("surname_typo");
  }
  if (HasAccents(out.forename) && u[kForenameAccents] < rates.accents_stripped) {
    out.forename = StripAccents(out.forename);
    out.errors.push_back("forename_accents_stripped");
  }
  if (HasAccents(out.surname) && u[kSurnameAccents] < rates.accents_stripped) {
    out.surname = StripAccents(out.surname);
    out.errors.push_back("surname_accents_stripped");
  }
  if (HasPunctuation(out.forename) && u[kForenamePunctuation] < rates.punctuation) {
    out.forename = PunctuationVariant(rng, out.forename);
    out.errors.push_back("forename_punctuation");
  }
  if (HasPunctuation(out.surname) && u[kSurnamePunctuation] < rates.punctuation) {
    out.surname = PunctuationVariant(rng, out.surname);
    out.errors.push_back("surname_punctuation");
  }
  if (u[kSwap] < rates.name_swap) {
    std::swap(out.forename, out.surname);
    out.errors.push_back("names_swapped");
  }
  if (u[kTitle] < rates.title) {
    absl::string_view title;
    if (truth.sex == 'M') {
      title = truth.adult ? PickOne(rng, kMaleTitles) : PickOne(rng, kBoyTitles);
    } else {
      title = truth.adult ? PickOne(rng, kFemaleTitles) : PickOne(rng, kGirlTitles);
    }
    out.forename = absl::StrCat(title, " ", out.forename);
    out.errors.push_back("title");
  }
  if (truth.sex == 'M' && u[kSuffix] < rates.suffix) {
    out.surname = absl::StrCat(out.surname, " ", PickOne(rng, kSuffixes));
    out.errors.push_back("suffix");
  }
  if (u[kCase] < rates.name_case) {
    const bool upper = rng.Chance(0.7);
    out.forename = upper ? UpperCase(out.forename) : LowerCase(out.forename);
    out.surname = upper ? UpperCase(out.surname) : LowerCase(out.surname);
    out.errors.push_back("name_case");
  }
}

}  // namespace

WrittenIdentity WriteIdentity(Rng& rng, const ErrorRates& rates, absl::optional<double> nhs_missing,
                              const TrueIdentity& truth) {
  std::array<double, kDecisions> u;
  for (double& draw : u) {
    draw = rng.Unit();
  }
  WrittenIdentity out;
  WriteNames(rng, rates, u, truth, out);

  if (!nhs_missing.has_value()) {
    // The extract has no NHS number column.
  } else if (u[kNhs] < *nhs_missing) {
    out.errors.push_back("nhs_missing");
  } else if (u[kNhs] < *nhs_missing + rates.nhs_mistyped) {
    out.nhs_number = MistypeNhsNumber(rng, truth.nhs_number);
    out.errors.push_back("nhs_mistyped");
  } else {
    out.nhs_number = std::string(truth.nhs_number);
  }

  const absl::CivilDay dob = truth.dob;
  if (u[kDob] < rates.dob_missing) {
    out.errors.push_back("dob_missing");
  } else if (u[kDob] < rates.dob_missing + rates.dob_placeholder) {
    out.dob = absl::CivilDay(1900, 1, 1);
    out.errors.push_back("dob_placeholder");
  } else if (dob.day() <= 12 && dob.day() != dob.month() && u[kDobSwap] < rates.dob_swap) {
    // A clerk keyed the date as mm/dd; only possible when both parts are <= 12.
    out.dob = absl::CivilDay(dob.year(), dob.day(), dob.month());
    out.errors.push_back("dob_day_month_swapped");
  } else {
    out.dob = dob;
  }

  if (u[kPostcode] < rates.postcode_missing) {
    out.errors.push_back("postcode_missing");
    return out;
  }
  out.postcode = std::string(truth.postcode);
  if (u[kPostcode] < rates.postcode_missing + rates.postcode_mistyped) {
    out.postcode = MistypePostcode(rng, out.postcode);
    out.errors.push_back("postcode_mistyped");
  }
  if (u[kPostcodeFormat] < rates.postcode_format) {
    out.postcode = PostcodeFormatVariant(rng, out.postcode);
    out.errors.push_back("postcode_format");
  }
  return out;
}

}  // namespace confide::synth::internal
