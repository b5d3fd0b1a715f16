// confide-agent-bench: how fast the agent turns an extract into de-identified batches (parse,
// map, validate, normalise, tokenise; no network), and how much memory it needs to stream a
// large file. Peers on the same data in the same run: the CSV reader alone, and OpenSSL's own
// HMAC-SHA256 speed (the pseudonymisation floor).
//
// Tokens follow the example partnership's linkage recipe (five match keys, nickname table), read
// from --policy.
//
//   confide-agent-bench [--rows 1000000] [--stream_gb 0] [--dir /tmp] [--keep] [--policy FILE]

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "agent/extract/csv_reader.h"
#include "agent/extract_processor.h"
#include "agent/pseudonymiser.h"
#include "common/crypto/hash.h"
#include "common/files.h"
#include "confide/v1/config.pb.h"
#include "confide/v1/policy.pb.h"
#include "google/protobuf/text_format.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

ABSL_FLAG(int64_t, rows, 1000000, "Rows in the 20-column extract for the throughput run.");
ABSL_FLAG(double, stream_gb, 0,
          "If > 0, also generate an extract of this many GB and report peak RSS while streaming "
          "it (the file is written to --dir and removed afterwards unless --keep).");
ABSL_FLAG(std::string, dir, "", "Directory for the generated extracts (default: $TMPDIR or /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the generated extracts.");
ABSL_FLAG(std::string, policy, CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb",
          "Policy whose linkage recipe the agent tokenises with.");

namespace {

namespace v1 = ::confide::v1;

using Clock = std::chrono::steady_clock;

// A 21-column dataset shaped like a police extract with an NHS number and the victim's home
// postcode: 5 direct identifiers, 3 quasi-identifiers, 12 attributes and the reference.
constexpr char kDataset[] = R"pb(
  id: "bench_incident"
  event_time_field: "occurred_at"
  record_reference_field: "reference"
  location_field: "postcode"
  fields { name: "reference" type: STRING class: DIRECT_IDENTIFIER required: true }
  fields { name: "occurred_at" type: DATETIME class: ATTRIBUTE required: true }
  fields {
    name: "postcode"
    type: STRING
    class: QUASI_IDENTIFIER
    generalisation: POSTCODE_DISTRICT
    output_name: "district"
  }
  fields { name: "forename" type: STRING class: DIRECT_IDENTIFIER person_element: FORENAME }
  fields { name: "surname" type: STRING class: DIRECT_IDENTIFIER person_element: SURNAME }
  fields {
    name: "dob"
    type: DATE
    class: QUASI_IDENTIFIER
    generalisation: AGE_AT_EVENT
    output_name: "age"
    person_element: DATE_OF_BIRTH
  }
  fields {
    name: "sex"
    type: ENUM
    class: ATTRIBUTE
    codes: [ "m", "f" ]
    person_element: SEX
  }
  fields { name: "nhs_number" type: STRING class: DIRECT_IDENTIFIER person_element: NHS_NUMBER }
  fields { name: "home_postcode" type: STRING class: DIRECT_IDENTIFIER person_element: POSTCODE }
  fields {
    name: "offence_group"
    type: ENUM
    class: ATTRIBUTE
    required: true
    codes: [ "homicide", "wounding_gbh", "assault_with_injury", "robbery", "threats_to_kill" ]
  }
  fields { name: "offence_code" type: STRING class: ATTRIBUTE }
  fields { name: "knife" type: BOOLEAN class: ATTRIBUTE }
  fields { name: "firearm" type: BOOLEAN class: ATTRIBUTE }
  fields { name: "domestic" type: BOOLEAN class: ATTRIBUTE }
  fields { name: "injury_score" type: INTEGER class: ATTRIBUTE }
  fields {
    name: "location_type"
    type: ENUM
    class: ATTRIBUTE
    codes: [ "street", "dwelling", "licensed_premises", "other" ]
  }
  fields { name: "officers" type: INTEGER class: ATTRIBUTE }
  fields {
    name: "weapon"
    type: ENUM
    class: ATTRIBUTE
    codes: [ "knife", "blunt_object", "firearm", "none" ]
  }
  fields {
    name: "outcome"
    type: ENUM
    class: ATTRIBUTE
    codes: [ "charged", "no_further_action", "under_investigation" ]
  }
  fields { name: "victim_count" type: INTEGER class: ATTRIBUTE }
)pb";

constexpr const char* kColumns[] = {
    "Reference", "Date",     "Time",     "Postcode", "Forename", "Surname", "DOB",
    "Sex",       "NHS",      "Group",    "Code",     "Knife",    "Firearm", "Domestic",
    "Injury",    "Location", "Officers", "Weapon",   "Outcome",  "Victims", "Home"};

v1::DatasetMapping Mapping() {
  v1::DatasetMapping mapping;
  mapping.set_dataset("bench_incident");
  const char* fields[] = {"reference",     "occurred_at", "",        "postcode",   "forename",
                          "surname",       "dob",         "sex",     "nhs_number", "offence_group",
                          "offence_code",  "knife",       "firearm", "domestic",   "injury_score",
                          "location_type", "officers",    "weapon",  "outcome",    "victim_count",
                          "home_postcode"};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (fields[i][0] == '\0') {
      continue;  // "Time" is the time column of occurred_at
    }
    v1::ColumnMapping* column = mapping.add_columns();
    column->set_field(fields[i]);
    column->set_column(kColumns[i]);
    if (std::string(fields[i]) == "occurred_at") {
      column->set_format("dd/mm/yyyy");
      column->set_time_column("Time");
    } else if (std::string(fields[i]) == "dob") {
      column->set_format("dd/mm/yyyy");
    } else if (std::string(fields[i]) == "sex") {
      (*column->mutable_synonyms())["M"] = "m";
      (*column->mutable_synonyms())["F"] = "f";
    }
  }
  return mapping;
}

// A valid NHS number (modulus 11) derived from `n`.
std::string NhsNumber(uint64_t n) {
  while (true) {
    std::string digits = absl::StrFormat("%09d", n % 1000000000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) {
      sum += (digits[i] - '0') * (10 - i);
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      check = 0;
    }
    if (check != 10) {
      return absl::StrCat(digits.substr(0, 3), " ", digits.substr(3, 3), " ", digits.substr(6),
                          check);
    }
    ++n;
  }
}

// Writes rows until `rows` rows or `bytes` bytes (whichever comes first; 0 = unlimited).
int64_t WriteExtract(const std::string& path, int64_t rows, int64_t bytes) {
  // Some forenames go through the nickname table or lose a title on the way.
  static const char* kForenames[] = {"Aisha",  "Ben",   "Catherine", "Declan", "Emma",
                                     "Finlay", "Grace", "Mr Harry",  "Isla",   "Bill"};
  static const char* kSurnames[] = {"Smith", "Jones",  "O'Neill", "Walker",  "Dunne",
                                    "Khan",  "Hughes", "Murphy",  "Roberts", "Evans"};
  static const char kInward[] = "ABDEFGHJLNPQRSTUWXYZ";  // letters a postcode's inward code may use
  static const char* kGroups[] = {"homicide", "wounding_gbh", "assault_with_injury", "robbery",
                                  "threats_to_kill"};
  static const char* kLocations[] = {"street", "dwelling", "licensed_premises", "other"};
  static const char* kWeapons[] = {"knife", "blunt_object", "firearm", "none"};
  static const char* kOutcomes[] = {"charged", "no_further_action", "under_investigation"};
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::string header;
  for (const char* column : kColumns) {
    absl::StrAppend(&header, header.empty() ? "" : ",", column);
  }
  std::fputs((header + "\n").c_str(), out);
  int64_t written = static_cast<int64_t>(header.size()) + 1, n = 0;
  std::string line;
  for (; (rows == 0 || n < rows) && (bytes == 0 || written < bytes); ++n) {
    uint64_t h = static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ull;
    line = absl::StrFormat(
        "INC/%010d,%02d/%02d/2025,%02d:%02d,L%d %d%c%c,%s,%s,%02d/%02d/%d,%s,%s,%s,%d/%d,%s,%s,"
        "%s,%d,%s,%d,%s,%s,%d,L%d %d%c%c\n",
        n, 1 + h % 28, 1 + (h >> 8) % 12, (h >> 12) % 24, (h >> 17) % 60, 1 + (h >> 20) % 30,
        (h >> 25) % 10, 'A' + (h >> 29) % 26, 'A' + (h >> 34) % 26, kForenames[(h >> 38) % 10],
        kSurnames[(h >> 42) % 10], 1 + (h >> 46) % 28, 1 + (h >> 50) % 12, 1950 + (h >> 54) % 60,
        (h >> 60) % 2 ? "M" : "F", NhsNumber(h >> 7), kGroups[(h >> 3) % 5], (h >> 5) % 20,
        (h >> 9) % 10, (h >> 13) % 7 == 0 ? "Y" : "N", (h >> 15) % 50 == 0 ? "Y" : "N",
        (h >> 19) % 4 == 0 ? "Y" : "N", (h >> 23) % 10, kLocations[(h >> 27) % 4],
        1 + (h >> 31) % 4, kWeapons[(h >> 33) % 4], kOutcomes[(h >> 35) % 3], 1 + (h >> 37) % 3,
        1 + (h >> 40) % 30, (h >> 44) % 10, kInward[(h >> 48) % 20], kInward[(h >> 53) % 20]);
    std::fputs(line.c_str(), out);
    written += static_cast<int64_t>(line.size());
  }
  std::fclose(out);
  return n;
}

struct Run {
  int64_t rows = 0, records = 0, bad = 0, batches = 0, bytes = 0, tokens = 0;
  double seconds = 0;
};

Run Process(const std::string& path, const v1::Dataset& dataset, const v1::DatasetMapping& mapping,
            confide::agent::Pseudonymiser& pseudonymiser) {
  auto start = Clock::now();
  auto reader = confide::agent::CsvReader::Open(path, confide::agent::CsvOptions());
  if (!reader.ok()) {
    std::cerr << reader.status() << "\n";
    std::exit(1);
  }
  auto processor = confide::agent::ExtractProcessor::Create(*std::move(reader), dataset, mapping,
                                                            pseudonymiser, 1000);
  if (!processor.ok()) {
    std::cerr << processor.status() << "\n";
    std::exit(1);
  }
  Run run;
  v1::Batch batch;
  while (true) {
    absl::StatusOr<bool> more =
        (*processor)->NextBatch(&batch, [](const confide::agent::BadRow&) {});
    if (!more.ok() || !*more) {
      break;
    }
    run.records += batch.records_size();
    for (const v1::WireRecord& record : batch.records()) {
      run.tokens += record.tokens_size();
    }
    ++run.batches;
  }
  run.rows = (*processor)->rows_read();
  run.bad = (*processor)->rows_quarantined();
  run.bytes = (*processor)->bytes_consumed();
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

double ReaderOnly(const std::string& path, int64_t* rows) {
  auto start = Clock::now();
  auto reader = confide::agent::CsvReader::Open(path, confide::agent::CsvOptions());
  confide::agent::CsvRow row;
  *rows = 0;
  while (reader.ok()) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    if (!more.ok() || !*more) {
      break;
    }
    ++*rows;
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// OpenSSL's one-shot HMAC() on the same message: the pseudonymisation floor.
double OpenSslHmacPerSecond() {
  const std::string key(32, 'k');
  const std::string message = "name_dob_sex\0siobhanoneill|19900312|f";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  constexpr int kCount = 2000000;
  auto start = Clock::now();
  size_t sink = 0;
  for (int i = 0; i < kCount; ++i) {
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &size);
    sink += size;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return sink > 0 ? kCount / seconds : 0;
}

// The agent's reusable HmacSha256Signer (common/crypto) on the same message.
double SignerPerSecond() {
  confide::crypto::HmacSha256Signer signer(std::string(32, 'k'));
  const std::string message = "name_dob_sex\0siobhanoneill|19900312|f";
  constexpr int kCount = 2000000;
  auto start = Clock::now();
  size_t sink = 0;
  for (int i = 0; i < kCount; ++i) {
    sink += signer.Sign(message).size();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return sink > 0 ? kCount / seconds : 0;
}

// Peak resident set size (VmHWM) in MB, from /proc.
double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so the next reading covers only what follows.
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = tmp != nullptr ? tmp : "/tmp";
  }
  v1::Dataset dataset;
  if (!google::protobuf::TextFormat::ParseFromString(kDataset, &dataset)) {
    std::cerr << "bad built-in schema\n";
    return 1;
  }
  v1::Policy policy;
  if (absl::Status read = confide::ParseTextProtoFile(absl::GetFlag(FLAGS_policy), &policy);
      !read.ok()) {
    std::cerr << read << "\n";
    return 1;
  }
  const v1::LinkageRecipe& linkage = policy.linkage();
  const v1::DatasetMapping mapping = Mapping();
  confide::agent::Pseudonymiser pseudonymiser(std::string(32, '\x5a'), "bench", linkage);

  const int64_t rows = absl::GetFlag(FLAGS_rows);
  const std::string path = absl::StrCat(dir, "/confide-agent-bench-", getpid(), ".csv");
  WriteExtract(path, rows, 0);
  int64_t reader_rows = 0;
  double reader_seconds = ReaderOnly(path, &reader_rows);
  Run run = Process(path, dataset, mapping, pseudonymiser);
  double hmac = OpenSslHmacPerSecond();
  double signer = SignerPerSecond();
  // Per good row: one record-id HMAC and one per token (a match key whose elements are all
  // present); plus one batch-id HMAC per 1000 rows.
  const double tokens_per_row = static_cast<double>(run.tokens) / run.records;
  const double hmacs_per_row = 1.0 + tokens_per_row + 1.0 / 1000;
  absl::PrintF(
      "extract: %d rows x %d columns, %.1f MB; recipe: %d match keys, %.2f tokens per record\n",
      run.rows, std::size(kColumns), run.bytes / 1e6, linkage.match_keys_size(), tokens_per_row);
  absl::PrintF(
      "agent (parse+validate+normalise+tokenise): %.0f rows/s, %.1f MB/s (%d records, "
      "%d bad, %d batches, %.2f s)\n",
      run.rows / run.seconds, run.bytes / 1e6 / run.seconds, run.records, run.bad, run.batches,
      run.seconds);
  absl::PrintF("peer: CSV reader alone: %.0f rows/s (agent at %.2fx of it)\n",
               reader_rows / reader_seconds,
               (run.rows / run.seconds) / (reader_rows / reader_seconds));
  absl::PrintF(
      "peer: OpenSSL HMAC-SHA256 (one-shot HMAC()): %.0f/s; at %.2f HMACs per row that bounds the "
      "agent at %.0f rows/s (agent at %.2fx of that bound)\n",
      hmac, hmacs_per_row, hmac / hmacs_per_row, (run.rows / run.seconds) / (hmac / hmacs_per_row));
  absl::PrintF("      the agent's HmacSha256Signer: %.0f/s (%.2fx OpenSSL one-shot)\n", signer,
               signer / hmac);
  if (!absl::GetFlag(FLAGS_keep)) {
    std::filesystem::remove(path);
  }

  const double stream_gb = absl::GetFlag(FLAGS_stream_gb);
  if (stream_gb > 0) {
    const std::string big = absl::StrCat(dir, "/confide-agent-bench-", getpid(), "-large.csv");
    int64_t big_rows = WriteExtract(big, 0, static_cast<int64_t>(stream_gb * 1e9));
    ResetPeakRss();
    double before = PeakRssMb();
    Run streamed = Process(big, dataset, mapping, pseudonymiser);
    double peak = PeakRssMb();
    absl::PrintF(
        "stream: %.2f GB, %d rows in %.1f s (%.0f rows/s); peak RSS %.1f MB while "
        "streaming (%.1f MB before)\n",
        streamed.bytes / 1e9, big_rows, streamed.seconds, streamed.rows / streamed.seconds, peak,
        before);
    if (!absl::GetFlag(FLAGS_keep)) {
      std::filesystem::remove(big);
    }
  }
  return 0;
}
