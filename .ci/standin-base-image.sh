#!/usr/bin/env bash
# Build a local stand-in for python:<version>-slim from Debian packages and
# import it under that tag, for engines that cannot reach a registry.
# With a registry you never need this: `docker pull python:3.13-slim`.
#
#   .ci/standin-base-image.sh 3.13         # Debian trixie's Python 3.13
#   .ci/standin-base-image.sh 3.11         # Debian bookworm's Python 3.11
#   .ci/standin-base-image.sh 3.15         # Debian forky's Python 3.15 (3.14 too)
#   .ci/standin-base-image.sh 3.13 arm64   # python:3.13-slim-arm64, under qemu
#
# Another architecture than the machine's is debootstrapped under emulation
# (qemu-user-static, registered with binfmt_misc) and built with BuildKit for
# its platform: the engine's `docker import --platform` would label it with
# the machine's own.
#
# The host's CA bundle is copied in so pip trusts the same authorities as the
# host (the same step a build behind a TLS-intercepting proxy needs). A failure
# is one line (with debootstrap's last lines after it), and nothing is left in
# TMPDIR, whether the script ends well, fails or is stopped.
set -euo pipefail

version=${1:-3.13}
native=$(dpkg --print-architecture)
arch=${2:-$native}
DOCKER=${DOCKER:-/usr/bin/docker}
tag="python:${version}-slim"
[ "$arch" = "$native" ] || tag="$tag-$arch"
fail() { echo "standin-base-image: $*" >&2; exit 1; }

case "$version" in
    3.11) suite=bookworm ;;
    3.13) suite=trixie ;;
    3.14 | 3.15) suite=forky ;;
    *) echo "standin-base-image: no Debian release ships Python $version; use 3.11, 3.13, 3.14 or 3.15" >&2; exit 2 ;;
esac

if "$DOCKER" image inspect "$tag" >/dev/null 2>&1; then
    echo "standin-base-image: $tag already present"
    exit 0
fi

bash "$(dirname "$0")/system-tools.sh" debootstrap || exit 1
if [ "$arch" != "$native" ]; then
    bash "$(dirname "$0")/emulation.sh" "$arch" || exit 1
fi

# A debootstrap cut short leaves /proc and /sys mounted in the rootfs: unmount
# what is mounted, never let the removal cross into another file system, and
# keep the script's own status (cleanup never decides it). Set before the
# folder is made, and deaf to a second signal, so that a stop at any moment
# (.ci/run stops a job's whole group) still removes it.
work=""
cleanup() {
    local status=$?
    trap '' TERM INT HUP
    if [ -n "$work" ]; then
        for mount in "$work/rootfs/proc" "$work/rootfs/sys"; do
            if mountpoint -q "$mount" 2>/dev/null; then umount -l "$mount" || true; fi
        done
        rm -rf --one-file-system "$work" || true
    fi
    exit "$status"
}
trap cleanup EXIT
work=$(mktemp -d "${TMPDIR:-/tmp}/standin-base.XXXXXX")
rootfs="$work/rootfs"

# Every Debian release bootstraps with sid's script: the machine's debootstrap
# may predate the release (bookworm's has no forky). forky's python3 is 3.14;
# its python3.15 sits beside it, and python3 is made to point at the one asked
# for, as in python:<version>-slim (Debian's pip runs on either).
debootstrap --variant=minbase --arch="$arch" \
    --include="python$version,python$version-venv,python3-pip,ca-certificates" \
    "$suite" "$rootfs" http://deb.debian.org/debian /usr/share/debootstrap/scripts/sid \
    >"$work/debootstrap.log" 2>&1 \
    || { echo "standin-base-image: debootstrap of $suite failed; its last lines:" >&2
         tail -n 20 "$work/debootstrap.log" >&2; exit 1; }

ln -sf "python$version" "$rootfs/usr/bin/python3"
ln -sf python3 "$rootfs/usr/bin/python"
ln -sf pip3 "$rootfs/usr/bin/pip"
rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

environment=('ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    'ENV LANG=C.UTF-8' 'CMD ["python3"]')
if [ "$arch" = "$native" ]; then
    import=()
    for line in "${environment[@]}"; do import+=(-c "$line"); done
    tar -C "$rootfs" -c . | "$DOCKER" import "${import[@]}" - "$tag" >/dev/null \
        || fail "docker import of $tag failed"
else
    mkdir "$work/context"
    tar -C "$rootfs" -c -f "$work/context/rootfs.tar" .
    printf '%s\n' "FROM scratch" "ADD rootfs.tar /" "${environment[@]}" >"$work/context/Dockerfile"
    DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --platform "linux/$arch" --tag "$tag" "$work/context" \
        >"$work/build.log" 2>&1 \
        || { echo "standin-base-image: the BuildKit build of $tag failed; its last lines:" >&2
             tail -n 5 "$work/build.log" >&2; exit 1; }
fi
echo "standin-base-image: imported $tag"
