#!/bin/sh
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests (Playwright cannot
# download its own browsers here). Idempotent and quiet: does nothing when Chromium is present,
# runs `apt-get update` only when the package lists do not know chromium yet, and prints apt's
# output only if something fails. Needs root (or password-less sudo) to install; never reads
# stdin, so it is safe in CI. A font comes along so that screenshots show text in bare images.
set -eu

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "ensure-chromium: $CHROMIUM is missing and installing it needs root;" \
        "run this script as root, or: apt-get install -y chromium" >&2
    exit 1
fi

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
fail() {
    cat "$LOG" >&2
    echo "ensure-chromium: $1" >&2
    exit 1
}

export DEBIAN_FRONTEND=noninteractive
# A fresh container has empty package lists: only then is an update needed.
if ! apt-cache show chromium >/dev/null 2>&1; then
    $SUDO apt-get -q update </dev/null >"$LOG" 2>&1 || fail "apt-get update failed"
fi
$SUDO apt-get -q install -y --no-install-recommends chromium fonts-dejavu-core \
    </dev/null >"$LOG" 2>&1 || fail "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || fail "installed the chromium package but $CHROMIUM is still missing"
