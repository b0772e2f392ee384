# Shared by scripts/rtmp-top and scripts/test: install missing Debian packages.
# Sourced, not run.

# need_packages PKG... : installs the packages that dpkg does not report as
# installed, when apt-get is available and we may use it.
need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "rtmp-top: missing packages: ${missing[*]} (no apt-get here; install them by hand)" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  echo "rtmp-top: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
