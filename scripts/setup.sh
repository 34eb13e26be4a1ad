#!/usr/bin/env bash
# Sets up everything Risala needs on a Debian machine: system libraries (Qt's xcb
# platform, PulseAudio client, fonts), a virtual environment in .venv and the project.
#   scripts/setup.sh            runtime only
#   scripts/setup.sh --test     also the test tools and servers (Xvfb, PostgreSQL, coturn)
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

sudo_cmd=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
        echo "setup: not root and no sudo; install the Debian packages listed in scripts/setup.sh yourself" >&2
    fi
fi

apt_packages=(
    python3 python3-venv python3-dev gcc
    libpulse0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0
    libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-image0
    libxcb-render-util0 fonts-noto-core fonts-dejavu-core fonts-noto-color-emoji
)
if [ "$with_test" = 1 ]; then
    apt_packages+=(xvfb xauth x11-utils xdotool postgresql coturn dpkg-dev binutils
                   pulseaudio pulseaudio-utils)
fi

if [ -n "$sudo_cmd" ] || [ "$(id -u)" = "0" ]; then
    missing=()
    for p in "${apt_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        $sudo_cmd apt-get update -qq
        $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$with_test" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test,package]"
else
    .venv/bin/python -m pip install -q -e .
fi
