#!/usr/bin/env bash
# Install, from Debian's packages, the commands the test tiers need that this
# machine lacks; ask apt for nothing that is already here.
#
#   .ci/system-tools.sh              # every command below
#   .ci/system-tools.sh debootstrap  # just these
#
# A machine's own Node.js may carry its npm: Debian's npm package conflicts
# with it, so it is asked for only when there is no npm at all. Each package
# that cannot be installed is named in one line, with apt's reason, and the
# script fails once it has tried them all.
set -uo pipefail

# command -> the Debian package that provides it
declare -A package_of=(
    [dockerd]=docker.io      # the engine, and /usr/bin/docker, the BuildKit client
    [debootstrap]=debootstrap  # stand-in base images (standin-base-image.sh)
    [npm]=npm                # Node.js 22 for the MCP Inspector (tests/support/commands.py)
    [prometheus]=prometheus  # the server that scrapes the generated metrics endpoint (test_slow_observability.py)
    [docker-registry]=docker-registry  # a real registry to release images into (tests/support/registry.py)
    [htpasswd]=apache2-utils  # its passwords, for the registry that asks for one
    [openssl]=openssl        # and its TLS certificate
    [podman]=podman          # the recipes with DOCKER=podman (test_docker_podman.py)
    [qemu-aarch64-static]=qemu-user-static  # arm64 under emulation (emulation.sh), asked for by name only
    [update-binfmts]=binfmt-support
)
# Asked for only by name (emulation.sh): not every run needs a second architecture.
by_name_only=(qemu-aarch64-static update-binfmts)

commands=("$@")
if [ "$#" -eq 0 ]; then
    for command in "${!package_of[@]}"; do
        [[ " ${by_name_only[*]} " == *" $command "* ]] || commands+=("$command")
    done
fi
missing=()
for command in "${commands[@]}"; do
    [ -n "${package_of[$command]:-}" ] || { echo "system-tools: no package known for $command" >&2; exit 2; }
    command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "system-tools: not root, cannot install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=""
trap 'if [ -n "$log" ]; then rm -f "$log"; fi' EXIT
log=$(mktemp "${TMPDIR:-/tmp}/system-tools.XXXXXX")
reason() { grep -m1 '^E:' "$log" || tail -n 1 "$log"; }
apt-get update -qq >"$log" 2>&1 || echo "system-tools: apt-get update failed: $(reason)" >&2
# One package at a time, so that one that cannot be had does not hold back the rest.
failed=()
for package in "${missing[@]}"; do
    if ! apt-get install -y -qq --no-install-recommends "$package" >"$log" 2>&1; then
        echo "system-tools: could not install $package: $(reason)" >&2
        failed+=("$package")
    fi
done
[ "${#failed[@]}" -eq 0 ]
