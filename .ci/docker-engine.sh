#!/usr/bin/env bash
# Start a local Docker Engine for the Docker test tier, if none answers yet.
# Only for machines without one (CI here); a developer with Docker Desktop or a
# running dockerd never needs this. Prints the pid of a daemon it started, so
# the caller can stop exactly that one.
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}

if "$DOCKER" info >/dev/null 2>&1; then
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "docker-engine: no dockerd and not root; install Docker first" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
fi

setsid dockerd >/tmp/chora-dockerd.log 2>&1 < /dev/null &
pid=$!
for _ in $(seq 1 60); do
    if "$DOCKER" info >/dev/null 2>&1; then
        echo "$pid"
        exit 0
    fi
    sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; see /tmp/chora-dockerd.log" >&2
exit 1
