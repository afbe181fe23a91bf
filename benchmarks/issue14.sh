#!/usr/bin/env bash
# The measurements of issue 14 in one command (about an hour on 2 free cores):
# batch against predict on the 75 PTC dev articles, then 10,000 synthetic articles through batch
# on SQLite, PostgreSQL and Ray with `stats` timed on each store.
#   bash benchmarks/issue14.sh [ARTICLES]      # ARTICLES: the scale corpus' size (10000)
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python benchmarks/batch.py --workers 1,2
.venv/bin/python benchmarks/scale.py --articles "${1:-10000}" --runs sqlite,postgresql,ray
