# Shared by scripts/demo and scripts/test: install what is missing (Debian 12), then configure
# once and build incrementally into build/.

CONFIDE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIDE_BUILD=${CONFIDE_BUILD:-$CONFIDE_ROOT/build}
CONFIDE_PACKAGES=(
  build-essential cmake pkg-config openssl clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev libgtest-dev libgmock-dev libsqlite3-dev
  fiu-utils  # fault injection for the fail-closed tests (TEST-MATRIX row 7)
  chromium   # headless browser check of the analyst's HTML report (label "browser")
)

confide_install_packages() {
  local missing=()
  for package in "${CONFIDE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing missing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: installing packages needs root (sudo $0)" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# confide_build [TARGET...]: everything by default.
confide_build() {
  if [ ! -f "$CONFIDE_BUILD/CMakeCache.txt" ]; then
    cmake -S "$CONFIDE_ROOT" -B "$CONFIDE_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  local targets=()
  for target in "$@"; do targets+=(--target "$target"); done
  cmake --build "$CONFIDE_BUILD" -j "$(nproc)" "${targets[@]}"
  ln -sf "$CONFIDE_BUILD/compile_commands.json" "$CONFIDE_ROOT/compile_commands.json"
}
