#!/bin/sh
# /init of the Demo Engine initrd (busybox sh): load the disk drivers,
# find the root partition named by root=PARTUUID=, mount it read-only and
# hand over to its /sbin/init. On failure: a message and a shell, not a
# kernel panic.

PATH=/bin
export PATH
/bin/busybox mkdir -p /dev /proc /sys /newroot
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin
exec </dev/console >/dev/console 2>&1

# The disk drivers: the boot list, then the controllers this machine has.
ferry-load-modules

ROOT=""
for p in $(cat /proc/cmdline); do
    case "$p" in
    root=PARTUUID=*) ROOT="${p#root=PARTUUID=}" ;;
    esac
done
ROOT="$(echo "$ROOT" | tr 'A-F' 'a-f')"

fail() {
    echo "DEMO-ENGINE-INITRD error: $*"
    for t in $(cat /sys/class/tty/console/active); do
        [ "$t" = tty0 ] && t=tty1
        echo "DEMO-ENGINE-INITRD error: $*" >"/dev/$t" 2>/dev/null
    done
    while :; do setsid -c sh </dev/console >/dev/console 2>&1; done
}

[ -n "$ROOT" ] || fail "no root=PARTUUID= on the kernel command line"

# The unique GUID of partition number $2 of disk $1, from its GPT entry
# (mixed-endian: the first three fields little-endian).
partuuid() {
    disk="/dev/$1"
    ss="$(cat "/sys/block/$1/queue/logical_block_size")"
    hdr="$(dd if="$disk" bs="$ss" skip=1 count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n')"
    [ "${hdr:0:16}" = "4546492050415254" ] || return 1
    lba=0; size=0
    for i in 7 6 5 4 3 2 1 0; do lba=$((lba * 256 + 0x${hdr:$((144 + i * 2)):2})); done
    for i in 3 2 1 0; do size=$((size * 256 + 0x${hdr:$((168 + i * 2)):2})); done
    off=$((lba * ss + ($2 - 1) * size + 16))
    g="$(dd if="$disk" bs=1 skip="$off" count=16 2>/dev/null | od -An -tx1 -v | tr -d ' \n')"
    echo "${g:6:2}${g:4:2}${g:2:2}${g:0:2}-${g:10:2}${g:8:2}-${g:14:2}${g:12:2}-${g:16:4}-${g:20:12}"
}

dev=""
i=0
while [ -z "$dev" ] && [ "$i" -lt 40 ]; do
    for u in /sys/class/block/*/uevent; do
        n="$(sed -n 's/^PARTN=//p' "$u")"
        [ -n "$n" ] || continue
        part="$(basename "$(dirname "$u")")"
        disk="$(basename "$(dirname "$(readlink -f "$(dirname "$u")")")")"
        if [ "$(partuuid "$disk" "$n")" = "$ROOT" ]; then
            dev="/dev/$part"
            break
        fi
    done
    [ -n "$dev" ] && break
    i=$((i + 1))
    usleep 250000
done
[ -n "$dev" ] || fail "no partition with PARTUUID $ROOT"

mount -t ext4 -o ro "$dev" /newroot || fail "cannot mount $dev (PARTUUID $ROOT)"
[ -x /newroot/sbin/init ] || fail "$dev has no /sbin/init"
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot /sbin/init
fail "switch_root failed"
