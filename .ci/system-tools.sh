#!/usr/bin/env bash
# Install, from Debian's packages, the commands the test tiers need that this
# machine lacks; ask apt for nothing that is already here. A machine's own
# Node.js may carry its npm: Debian's npm package conflicts with it, so it is
# asked for only when there is no npm at all. A package that cannot be
# installed is named in one line; the tests that need it then fail saying so.
set -uo pipefail

# command -> the Debian package that provides it
declare -A package_of=(
    [dockerd]=docker.io      # the engine, and /usr/bin/docker, the BuildKit client
    [debootstrap]=debootstrap  # stand-in base images (standin-base-image.sh)
    [npm]=npm                # Node.js 22 for the MCP Inspector (tests/support/commands.py)
    [prometheus]=prometheus  # the server that scrapes the generated metrics endpoint (test_slow_observability.py)
)

missing=()
for command in "${!package_of[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "system-tools: not root, cannot install: ${missing[*]}" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || echo "system-tools: apt-get update failed" >&2
# One package at a time, so that one that cannot be had does not hold back the rest.
for package in "${missing[@]}"; do
    if ! apt-get install -y -qq --no-install-recommends "$package" >/tmp/system-tools-apt.log 2>&1; then
        echo "system-tools: could not install $package: $(grep -m1 '^E:' /tmp/system-tools-apt.log)" >&2
    fi
done
exit 0
