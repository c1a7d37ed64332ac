# Sourced by tests/kit/provision.sh and bench/provision.sh.
# missing_packages PKG...: prints each Debian package that is not installed, one per line.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
