#!/bin/busybox sh
# /sbin/init of a Demo Engine root image: report what runs, with which
# configuration, on the serial console and the screen; mark the boot good
# (systemd boot counting); stay up. See docs/demo.md.

/bin/busybox mkdir -p /dev /proc /sys /run
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t tmpfs tmpfs /run
/bin/busybox mkdir -p /run/bin /run/esp /run/config
/bin/busybox --install -s /run/bin
PATH=/run/bin
export PATH
exec </dev/console >/dev/console 2>&1

# Every active console gets each line (the loader entry makes tty0
# /dev/console; the tests read ttyS0).
say() {
    for t in $(cat /sys/class/tty/console/active); do
        [ "$t" = tty0 ] && t=tty1
        echo "$*" >"/dev/$t" 2>/dev/null
    done
}

# value FILE TABLE KEY: a TOML scalar (strings unquoted), enough for the
# flat documents Demo Engine writes.
value() {
    awk -v want_t="$2" -v want_k="$3" '
        /^[ \t]*\[/ { t = $0; gsub(/[][ \t]/, "", t); next }
        {
            line = $0; sub(/#.*/, "", line)
            n = index(line, "="); if (n == 0) next
            k = substr(line, 1, n - 1); v = substr(line, n + 1)
            gsub(/[ \t"]/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v); gsub(/"/, "", v)
            if (t == want_t && k == want_k) { print v; exit }
        }' "$1" 2>/dev/null
}

. /etc/demo-engine/release
HOTFIXES="$(cat /etc/demo-engine/hotfixes 2>/dev/null | tr '\n' ',' | sed 's/,$//')"
SLOT=""
MARKED=""
for p in $(cat /proc/cmdline); do
    case "$p" in ferry.slot=*) SLOT="${p#ferry.slot=}" ;; esac
done

part_named() {
    for u in /sys/class/block/*/uevent; do
        if grep -qx "PARTNAME=$1" "$u"; then
            echo "/dev/$(sed -n 's/^DEVNAME=//p' "$u")"
            return 0
        fi
    done
    return 1
}

ESP="$(part_named ferry-esp)"
CONFIG="$(part_named ferry-config)"
[ -n "$ESP" ] && mount -t vfat "$ESP" /run/esp || ESP=""
[ -n "$CONFIG" ] && mount -t vfat -o ro "$CONFIG" /run/config || CONFIG=""

cfg="/run/config/config/$SLOT"
SCHEMA="$(value "$cfg/ferry.toml" "" schema)"
HOSTNAME="$(value "$cfg/engine.toml" host hostname)"
[ -n "$HOSTNAME" ] || HOSTNAME="$(value "$cfg/engine.toml" host name)"
MGMT="$(value "$cfg/engine.toml" management server):$(value "$cfg/engine.toml" management port)"
MTU="$(value "$cfg/engine.toml" network mtu)"
STATE="$(value /run/config/state.toml "slots.$SLOT" state)"
VMS="$(awk '
    /^\[\[vm\]\]/ { n++ }
    /^name *=/ { v = $0; sub(/^name *= */, "", v); gsub(/"/, "", v); name[n] = v }
    /^pv_drivers_not_upgradable *=/ { v = $0; sub(/^[^=]*= */, "", v); pv[n] = v }
    END { s = n + 0; for (i = 1; i <= n; i++) s = s " " name[i] ":pv_drivers_not_upgradable=" pv[i]; print s }
' "$cfg/vms.toml" 2>/dev/null)"
[ -n "$VMS" ] || VMS=0
VM_COUNT="${VMS%% *}"
VM_LIST="$(echo "$VMS" | cut -s -d' ' -f2- | tr ' ' ',')"

[ -n "$HOSTNAME" ] && hostname "$HOSTNAME"
say "DEMO-ENGINE version=$version slot=${SLOT:-none} hotfixes=${HOTFIXES:-none} config-schema=${SCHEMA:-none} hostname=${HOSTNAME:-none} state=${STATE:-none} management=$MGMT mtu=${MTU:-none} vms=$VM_COUNT vm-flags=${VM_LIST:-none}"

if [ -e /etc/demo-engine/broken ]; then
    say "DEMO-ENGINE boot-not-marked reason=broken-release"
    sleep 5
    say "DEMO-ENGINE rebooting"
    umount /run/esp /run/config 2>/dev/null
    reboot -f
fi

# Boot counting: drop the counter from our entry (ferry-7-b+2-1.conf ->
# ferry-7-b.conf), as systemd-bless-boot does.
if [ -z "$ESP" ]; then
    say "DEMO-ENGINE boot-not-marked reason=no-esp"
elif [ -z "$SLOT" ]; then
    say "DEMO-ENGINE boot-not-marked reason=no-ferry.slot"
else
    entries=/run/esp/loader/entries
    counted="$(ls "$entries" 2>/dev/null | grep "^ferry-[0-9]*-$SLOT+[0-9-]*\.conf$" | head -n 1)"
    good="$(ls "$entries" 2>/dev/null | grep "^ferry-[0-9]*-$SLOT\.conf$" | head -n 1)"
    if [ -n "$counted" ]; then
        blessed="${counted%%+*}.conf"
        mv "$entries/$counted" "$entries/$blessed" && sync && MARKED=1
        say "DEMO-ENGINE boot-marked-good entry=$blessed was=$counted"
    elif [ -n "$good" ]; then
        MARKED=1
        say "DEMO-ENGINE boot-marked-good entry=$good was=good"
    else
        say "DEMO-ENGINE boot-not-marked reason=no-entry"
    fi
fi
# An unattended upgrade of several steps left ferry/continue naming this
# release: it has started good, so the machine goes back to the medium
# for the next step (docs/answer-file.md). Only the release named acts
# on it, and only once.
if [ -n "$MARKED" ] && [ "$(cat /run/esp/ferry/continue 2>/dev/null)" = "$version" ]; then
    rm -f /run/esp/ferry/continue && sync
    say "DEMO-ENGINE continuing-with-the-medium release=$version"
    umount /run/esp /run/config 2>/dev/null
    reboot -f
fi
umount /run/esp 2>/dev/null

# A shell on the screen; the serial console just shows the lines above.
(while :; do setsid -c sh </dev/tty1 >/dev/tty1 2>&1; sleep 1; done) &
while :; do sleep 3600; done
