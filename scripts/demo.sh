#!/usr/bin/env bash
# Sets up Risala and starts it on the embedded default: a relay on loopback with its data
# in the user's data directory, and the desktop client connected to it, ready to sign up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/risala --demo "$@"
