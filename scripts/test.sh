#!/usr/bin/env bash
# Sets up Risala with its test tools and servers, then runs the whole test suite:
# import-layer contracts, unit, integration (real relay, PostgreSQL, coturn on loopback),
# GUI (pytest-qt offscreen, screenshots under Xvfb) and the packaged-build test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

# A local PostgreSQL for the relay's PostgreSQL backend test.
if [ -z "${RISALA_TEST_POSTGRES_DSN:-}" ] && command -v pg_lsclusters >/dev/null 2>&1 \
        && [ "$(id -u)" = "0" ]; then
    cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
    if [ -n "$cluster" ]; then
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start 2>/dev/null || true
        port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
        su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='risala'\"" | grep -q 1 \
            || su postgres -c "psql -qc \"CREATE ROLE risala LOGIN PASSWORD 'risala' CREATEDB\""
        su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='risala_test'\"" \
            | grep -q 1 || su postgres -c "createdb -O risala risala_test"
        export RISALA_TEST_POSTGRES_DSN="postgresql+asyncpg://risala:risala@127.0.0.1:${port}/risala_test"
    fi
fi

# A PulseAudio server with a null speaker and microphone, for the audio playback test and
# the packaged build's self-test (tests skip the audio checks when none is reachable).
if [ -z "${PULSE_SERVER:-}" ] && command -v pulseaudio >/dev/null 2>&1; then
    pulse_dir=$(mktemp -d /tmp/risala-pulse.XXXXXX)
    # Its own runtime directory, so a daemon left by another run does not stop this one.
    if PULSE_RUNTIME_PATH="$pulse_dir" pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit -n \
            --load="module-native-protocol-unix socket=$pulse_dir/native auth-anonymous=1" \
            --load="module-null-sink sink_name=risala_null" \
            --load="module-null-source source_name=risala_mic" \
            --log-target="file:$pulse_dir/pulse.log" 2>/dev/null; then
        export PULSE_SERVER="unix:$pulse_dir/native"
        pactl info >/dev/null 2>&1 || echo "test: PulseAudio did not answer; audio tests skip" >&2
    fi
fi

# Static checks first: layer contracts, lint and formatting, strict types on the core.
.venv/bin/lint-imports
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy --strict app relay
exec .venv/bin/python -m pytest -q -rs --durations=15 -p no:cacheprovider "$@"
