#!/bin/sh
# Installs Debian's chromium and chromium-driver for the console's browser tests, unless both are there.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo -n"
else
  echo "install-chromium: /usr/bin/chromium or /usr/bin/chromedriver is missing, and installing them needs root or sudo." >&2
  echo "install-chromium: install them with: apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
install() {
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends chromium chromium-driver
}
echo "install-chromium: installing Debian's chromium and chromium-driver for the browser tests"
if ! install; then
  $as_root apt-get update -q && install
fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
echo "install-chromium: could not install chromium and chromium-driver (apt-get failed); the browser tests need /usr/bin/chromium and /usr/bin/chromedriver." >&2
exit 1
