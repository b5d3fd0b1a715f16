#include "tools/synth/internal/names.h"

#include <algorithm>
#include <span>
#include <vector>

namespace confide::synth::internal {
namespace {

constexpr absl::string_view kMaleForenames[] = {
    "Jack",    "Thomas", "James",  "Daniel",  "Joshua",      "Ryan",     "Liam",      "Callum",
    "Connor",  "Jake",   "Lewis",  "Adam",    "Michael",     "Matthew",  "Luke",      "Kieran",
    "Sean",    "Jamie",  "Nathan", "Jordan",  "Ben",         "Samuel",   "Harry",     "Joseph",
    "Dylan",   "Alfie",  "Oliver", "Charlie", "George",      "David",    "Paul",      "Mark",
    "Steven",  "John",   "Peter",  "Anthony", "Christopher", "Andrew",   "Gary",      "Kevin",
    "Lee",     "Craig",  "Darren", "Wayne",   "Carl",        "Stephen",  "Robert",    "William",
    "Richard", "Ian",    "Brian",  "Kenneth", "Keith",       "Terence",  "Francis",   "Patrick",
    "Dominic", "Declan", "Conor",  "Cian",    "Oisín",       "Seán",     "Ciarán",    "Eoin",
    "Niall",   "Rory",   "Aidan",  "Brendan", "Kyle",        "Reece",    "Bradley",   "Aaron",
    "Tyler",   "Mason",  "Kai",    "Harvey",  "Finley",      "Leo",      "Noah",      "Ethan",
    "Logan",   "Max",    "Toby",   "Archie",  "Theo",        "Freddie",  "Elliot",    "Owen",
    "Rhys",    "Dafydd", "Gareth", "Huw",     "Tomás",       "Billy",    "Tony",      "Danny",
    "Jimmy",   "Scott",  "Shaun",  "Dean",    "Neil",        "Colin",    "Graham",    "Barry",
    "Philip",  "Martin", "Simon",  "Jason",   "Stuart",      "Mohammed", "Ahmed",     "Omar",
    "Yusuf",   "Abdi",   "Piotr",  "Kacper",  "Chinedu",     "Kwame",    "Jean-Paul", "Dónal",
};

constexpr absl::string_view kFemaleForenames[] = {
    "Olivia",   "Amelia",    "Isla",       "Ava",          "Emily",    "Sophie",     "Grace",
    "Mia",      "Ella",      "Lily",       "Chloe",        "Jessica",  "Lucy",       "Hannah",
    "Megan",    "Holly",     "Charlotte",  "Emma",         "Rebecca",  "Laura",      "Sarah",
    "Rachel",   "Amy",       "Jade",       "Stacey",       "Kelly",    "Gemma",      "Danielle",
    "Natalie",  "Leanne",    "Lisa",       "Michelle",     "Nicola",   "Joanne",     "Claire",
    "Helen",    "Karen",     "Julie",      "Tracey",       "Susan",    "Linda",      "Christine",
    "Margaret", "Patricia",  "Jean",       "Pauline",      "Maureen",  "Brenda",     "Carol",
    "Janet",    "Elizabeth", "Catherine",  "Anne",         "Mary",     "Bernadette", "Theresa",
    "Siobhán",  "Niamh",     "Aoife",      "Róisín",       "Sinéad",   "Caoimhe",    "Orla",
    "Saoirse",  "Ciara",     "Bridget",    "Zoë",          "Chloë",    "Ellie",      "Freya",
    "Poppy",    "Evie",      "Ruby",       "Daisy",        "Scarlett", "Phoebe",     "Millie",
    "Molly",    "Erin",      "Abbie",      "Courtney",     "Paige",    "Shannon",    "Chelsea",
    "Jodie",    "Kayleigh",  "Leah",       "Caitlin",      "Katie",    "Georgia",    "Bethany",
    "Eleanor",  "Amber",     "Summer",     "Nia",          "Seren",    "Ffion",      "Carys",
    "Aisha",    "Fatima",    "Amira",      "Zainab",       "Maryam",   "Agnieszka",  "Zuzanna",
    "Ngozi",    "Adaeze",    "Anne-Marie", "Marie-Claire", "Renée",    "Éilís",      "Noémie",
};

constexpr absl::string_view kSurnames[] = {
    "Jones",          "Smith",      "Williams",    "Roberts",     "Hughes",
    "Davies",         "Evans",      "Taylor",      "Johnson",     "Brown",
    "Wilson",         "Thomas",     "Murphy",      "Kelly",       "Wright",
    "Walker",         "Edwards",    "Thompson",    "Jackson",     "Lewis",
    "Green",          "Hall",       "Harrison",    "Wood",        "White",
    "Martin",         "Clarke",     "Moore",       "Robinson",    "Morris",
    "Ward",           "Parry",      "Owen",        "Griffiths",   "Doyle",
    "McDonald",       "McCarthy",   "O'Neill",     "O'Brien",     "Byrne",
    "Ryan",           "Gallagher",  "Quinn",       "Lynch",       "Burke",
    "Doherty",        "Brennan",    "Kennedy",     "Walsh",       "Connolly",
    "Dunne",          "Flanagan",   "Fitzpatrick", "Reilly",      "Kavanagh",
    "O'Connor",       "O'Sullivan", "O'Hara",      "O'Donnell",   "McGuinness",
    "McKenna",        "Maguire",    "Nolan",       "Hanlon",      "Carroll",
    "Keegan",         "Sheridan",   "Fowler",      "Baker",       "Cooper",
    "Turner",         "Hill",       "Scott",       "Young",       "King",
    "Allen",          "Mitchell",   "Campbell",    "Anderson",    "Stewart",
    "Cunningham",     "Marshall",   "Bell",        "Rimmer",      "Leatherbarrow",
    "Tyrer",          "Ashcroft",   "Swift",       "Atherton",    "Gaskell",
    "Rigby",          "Pennington", "Formby",      "Birchall",    "Culshaw",
    "Halsall",        "Sutcliffe",  "Fairclough",  "Molyneux",    "Blundell",
    "Aspinall",       "Melling",    "Kirkby",      "Prescott",    "Heaton",
    "Greenall",       "Lowe",       "Platt",       "Houghton",    "Sephton",
    "Gregson",        "Critchley",  "Dickinson",   "Seddon",      "Bradshaw",
    "Fletcher",       "Holden",     "Hesketh",     "Pilkington",  "Makin",
    "Naylor",         "Tomlinson",  "Chan",        "Wong",        "Lee",
    "Cheung",         "Li",         "Ali",         "Ahmed",       "Hassan",
    "Mohamed",        "Abdi",       "Nowak",       "Kowalski",    "Wiśniewski",
    "Okafor",         "Adeyemi",    "Mensah",      "Smith-Jones", "Lloyd-Davies",
    "Hughes-Roberts", "Owen-Jones", "D'Arcy",      "Ó Briain",    "MacLeod",
    "Mac Giolla",     "Ní Bhriain", "Brontë",      "Loughlin",    "Rourke",
    "Devine",         "Costello",   "Gorman",      "Mulholland",  "Cassidy",
    "Duffy",
};

// Cumulative Zipf-like weights (1 / (rank + 8)) so that a draw is one binary search.
class ZipfTable {
 public:
  explicit ZipfTable(std::span<const absl::string_view> names) : names_(names) {
    double total = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      total += 1.0 / static_cast<double>(i + 8);
      cumulative_.push_back(total);
    }
  }

  absl::string_view Pick(Rng& rng) const {
    const double target = rng.Unit() * cumulative_.back();
    const size_t i = static_cast<size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), target) - cumulative_.begin());
    return names_[std::min(i, names_.size() - 1)];
  }

 private:
  std::span<const absl::string_view> names_;
  std::vector<double> cumulative_;
};

}  // namespace

absl::string_view PickForename(Rng& rng, char sex) {
  static const ZipfTable* const kMale = new ZipfTable(kMaleForenames);
  static const ZipfTable* const kFemale = new ZipfTable(kFemaleForenames);
  return (sex == 'M' ? kMale : kFemale)->Pick(rng);
}

absl::string_view PickTwinForename(Rng& rng, char sex, absl::string_view sibling,
                                   bool same_initial) {
  // Drawing from the usual curve keeps common names common; the attempt cap keeps the loop
  // bounded for initials that few names share.
  for (int attempt = 0; attempt < 200; ++attempt) {
    const absl::string_view name = PickForename(rng, sex);
    if (name != sibling && (!same_initial || name.front() == sibling.front())) {
      return name;
    }
  }
  absl::string_view name = PickForename(rng, sex);
  while (name == sibling) {
    name = PickForename(rng, sex);
  }
  return name;
}

absl::string_view PickSurname(Rng& rng) {
  static const ZipfTable* const kTable = new ZipfTable(kSurnames);
  return kTable->Pick(rng);
}

}  // namespace confide::synth::internal
