#!/usr/bin/env bash
# Start a local Docker Engine for the Docker test tier, if none answers yet.
# Only for machines without one (CI here); a developer with Docker Desktop or a
# running dockerd never needs this. Prints the pid of a daemon it started, so
# the caller can stop exactly that one; a daemon that does not answer within
# DOCKERD_WAIT seconds (60) is stopped again, and the script fails in one line.
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}
wait_seconds=${DOCKERD_WAIT:-60}
log="${TMPDIR:-/tmp}/chora-dockerd.log"
fail() { echo "docker-engine: $*" >&2; exit 1; }

if "$DOCKER" info >/dev/null 2>&1; then
    exit 0
fi

bash "$(dirname "$0")/system-tools.sh" dockerd || exit 1

# A daemon started here that is not answering when the script ends (it
# failed, or it was stopped) is stopped too: only a ready one outlives it.
pid=""
ready=false
trap 'if [ -n "$pid" ] && ! $ready; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi' EXIT
setsid dockerd >"$log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1 "$wait_seconds"); do
    if "$DOCKER" info >/dev/null 2>&1; then
        ready=true
        echo "$pid"
        exit 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "dockerd exited: $(tail -n 1 "$log")"
    sleep 1
done
fail "dockerd did not answer within $wait_seconds s; see $log"
