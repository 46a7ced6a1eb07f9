#!/usr/bin/env bash
# Run programs of another architecture on this machine, as the engine's
# containers and debootstrap's second stage do: qemu-user-static, registered
# with binfmt_misc with the F flag (the interpreter is opened at registration,
# so it works inside a container's or a chroot's file system too).
#
#   .ci/emulation.sh arm64
set -euo pipefail

arch=${1:?usage: emulation.sh ARCH (arm64)}
case "$arch" in
    arm64) machine=aarch64 ;;
    *) echo "emulation: no emulator known for $arch; use arm64" >&2; exit 2 ;;
esac
# Where the kernel's binfmt_misc is (or is mounted); BINFMT_MISC names another
# folder for the stub machine of tests/ci/.
binfmt=${BINFMT_MISC:-/proc/sys/fs/binfmt_misc}

bash "$(dirname "$0")/system-tools.sh" "qemu-$machine-static" update-binfmts || exit 1
if [ ! -e "$binfmt/register" ]; then
    mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null \
        || { echo "emulation: cannot mount binfmt_misc at $binfmt" >&2; exit 1; }
fi
if [ ! -e "$binfmt/qemu-$machine" ]; then
    update-binfmts --enable "qemu-$machine" >/dev/null 2>&1 \
        || { echo "emulation: update-binfmts cannot register qemu-$machine" >&2; exit 1; }
fi
grep -q '^flags: .*F' "$binfmt/qemu-$machine" \
    || { echo "emulation: qemu-$machine is registered without the F flag" >&2; exit 1; }
