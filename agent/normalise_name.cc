// Name normalisation from normalise.h: folding to ASCII, titles and suffixes, placeholders and
// nicknames.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "agent/normalise.h"

namespace confide::agent {
namespace {

// Lower-case ASCII for the Latin-1 Supplement letters U+00C0..U+00FF; '*' marks letters that
// fold to two ASCII letters (see FoldTwoLetters) and '-' marks the two signs (× and ÷).
constexpr char kLatin1[] =
    "aaaaaa*ceeeeiiii"   // C0..CF
    "dnooooo-ouuuuy**"   // D0..DF
    "aaaaaa*ceeeeiiii"   // E0..EF
    "dnooooo-ouuuuy*y";  // F0..FF
// The same for Latin Extended-A, U+0100..U+017F (Polish, Czech, Hungarian, Turkish, Baltic...).
constexpr char kLatinExtendedA[] =
    "aaaaaaccccccccdd"   // 0100..010F
    "ddeeeeeeeeeegggg"   // 0110..011F
    "gggghhhhiiiiiiii"   // 0120..012F
    "ii**jjkkklllllll"   // 0130..013F
    "lllnnnnnnnnnoooo"   // 0140..014F
    "oo**rrrrrrssssss"   // 0150..015F
    "ssttttttuuuuuuuu"   // 0160..016F
    "uuuuwwyyyzzzzzzs";  // 0170..017F

absl::string_view FoldTwoLetters(uint32_t code_point) {
  switch (code_point) {
    case 0xC6:  // Æ
    case 0xE6:
      return "ae";
    case 0xDE:  // Þ
    case 0xFE:
      return "th";
    case 0xDF:  // ß
      return "ss";
    case 0x132:  // Ĳ
    case 0x133:
      return "ij";
    case 0x152:  // Œ
    case 0x153:
      return "oe";
    default:
      return "";
  }
}

// What one code point contributes to a name.
enum class Kind { kLetters, kJoiner, kSeparator };

// Apostrophes in all their keyboard and word-processor forms, and combining accents (a
// decomposed "é" is "e" followed by U+0301): dropped without splitting the word.
bool IsJoiner(uint32_t code_point) {
  return code_point == '\'' || code_point == '`' || code_point == 0xB4 || code_point == 0x2018 ||
         code_point == 0x2019 || code_point == 0x02BC || code_point == 0x02BB ||
         (code_point >= 0x300 && code_point <= 0x36F);
}

Kind Classify(uint32_t code_point, absl::string_view* letters) {
  static constexpr char kOne[] = "abcdefghijklmnopqrstuvwxyz";
  auto one = [&](char c) { *letters = absl::string_view(&kOne[c - 'a'], 1); };
  if (code_point < 0x80 && absl::ascii_isalpha(static_cast<unsigned char>(code_point))) {
    one(absl::ascii_tolower(static_cast<unsigned char>(code_point)));
    return Kind::kLetters;
  }
  if (IsJoiner(code_point)) {
    return Kind::kJoiner;
  }
  char folded = 0;
  if (code_point >= 0xC0 && code_point <= 0xFF) {
    folded = kLatin1[code_point - 0xC0];
  } else if (code_point >= 0x100 && code_point <= 0x17F) {
    folded = kLatinExtendedA[code_point - 0x100];
  } else if (code_point == 0x218 || code_point == 0x219) {  // Ș ș (Romanian)
    folded = 's';
  } else if (code_point == 0x21A || code_point == 0x21B) {  // Ț ț
    folded = 't';
  }
  if (folded == '*') {
    *letters = FoldTwoLetters(code_point);
    return Kind::kLetters;
  }
  if (folded >= 'a' && folded <= 'z') {
    one(folded);
    return Kind::kLetters;
  }
  return Kind::kSeparator;
}

// Decodes the UTF-8 sequence at text[*i] and advances past it. A malformed or truncated sequence
// consumes one byte and decodes as U+FFFD, which separates words.
uint32_t NextCodePoint(absl::string_view text, size_t* i) {
  constexpr uint32_t kReplacement = 0xFFFD;
  const auto lead = static_cast<unsigned char>(text[*i]);
  ++*i;
  if (lead < 0x80) {
    return lead;
  }
  int continuation = 0;
  uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    continuation = 1;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    continuation = 2;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    continuation = 3;
    code_point = lead & 0x07;
  } else {
    return kReplacement;
  }
  if (*i + continuation > text.size()) {
    return kReplacement;
  }
  for (int k = 0; k < continuation; ++k) {
    const auto next = static_cast<unsigned char>(text[*i + k]);
    if ((next & 0xC0) != 0x80) {
      return kReplacement;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  *i += continuation;
  return code_point;
}

bool IsTitle(absl::string_view word) {
  for (absl::string_view title :
       {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "rev", "revd",
        "reverend", "sir", "dame", "master", "mstr"}) {
    if (word == title) {
      return true;
    }
  }
  return false;
}

bool IsSuffix(absl::string_view word) {
  for (absl::string_view suffix : {"jr", "jnr", "sr", "snr", "ii", "iii", "iv"}) {
    if (word == suffix) {
      return true;
    }
  }
  return false;
}

// Values that systems and people type when the name is not known, folded and run together.
bool IsBuiltInPlaceholderName(absl::string_view folded) {
  for (absl::string_view placeholder :
       {"unknown",      "unkown",      "unk",         "unkn",         "notknown",
        "nk",           "na",          "none",        "null",         "notstated",
        "notrecorded",  "notgiven",    "notprovided", "notspecified", "notapplicable",
        "notavailable", "tbc",         "tba",         "tbd",          "x",
        "noname",       "nofirstname", "noforename",  "nosurname",    "anon",
        "anonymous",    "baby",        "infant",      "newborn",      "babyboy",
        "babygirl",     "unnamed",     "patient",     "test",         "testpatient",
        "dummy",        "refused",     "declined",    "withheld",     "missing",
        "name",         "forename",    "surname",     "firstname",    "lastname"}) {
    if (folded == placeholder) {
      return true;
    }
  }
  // A run of one letter ("xx", "aaaa") is a key held down, not a name.
  return folded.size() >= 2 && folded.find_first_not_of(folded[0]) == absl::string_view::npos;
}

}  // namespace

std::vector<std::string> FoldNameWords(absl::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < text.size();) {
    absl::string_view letters;
    switch (Classify(NextCodePoint(text, &i), &letters)) {
      case Kind::kLetters:
        word.append(letters.data(), letters.size());
        break;
      case Kind::kJoiner:
        break;
      case Kind::kSeparator:
        if (!word.empty()) {
          words.push_back(std::move(word));
          word.clear();
        }
        break;
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

bool PersonNormaliser::IsPlaceholderName(absl::string_view folded) const {
  return folded.empty() || IsBuiltInPlaceholderName(folded) || placeholder_names_.contains(folded);
}

std::vector<std::string> PersonNormaliser::NameWords(absl::string_view text) const {
  std::vector<std::string> words = FoldNameWords(text);
  // "Mr Unknown" and "Unknown" are the same placeholder, so test before and after the titles go.
  if (IsPlaceholderName(absl::StrJoin(words, ""))) {
    return {};
  }
  size_t begin = 0;
  size_t end = words.size();
  while (begin < end && IsTitle(words[begin])) {
    ++begin;
  }
  while (end > begin && IsSuffix(words[end - 1])) {
    --end;
  }
  words.erase(words.begin() + static_cast<std::ptrdiff_t>(end), words.end());
  words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(begin));
  if (IsPlaceholderName(absl::StrJoin(words, ""))) {
    return {};
  }
  return words;
}

absl::optional<std::string> PersonNormaliser::Surname(absl::string_view text) const {
  std::vector<std::string> words = NameWords(text);
  if (words.empty()) {
    return absl::nullopt;
  }
  return absl::StrJoin(words, "");
}

absl::optional<std::string> PersonNormaliser::Forename(absl::string_view text) const {
  std::vector<std::string> words = NameWords(text);
  // The first given name only: middle names are recorded inconsistently across agencies.
  if (words.empty() || IsPlaceholderName(words.front())) {
    return absl::nullopt;
  }
  auto canonical = nicknames_.find(words.front());
  return canonical == nicknames_.end() ? words.front() : canonical->second;
}

}  // namespace confide::agent
