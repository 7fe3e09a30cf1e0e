#!/bin/sh
# /bin/ferry-load-modules: loads the disk drivers of an initramfs the boot
# kit made (docs/bootkit.md). First every module in /etc/ferry/modules,
# dependencies first; then the controllers the machine has: each device's
# modalias is offered to modprobe, which loads the module whose alias
# matches (modules.alias), as udev would at boot. Again while that loads
# something: a controller may bring devices of its own (Intel VMD a PCI
# bus). Errors go to the file named by $1.

log="${1:-/dev/null}"
dir="/lib/modules/$(uname -r)"
while read -r m; do
    insmod "$dir/$m" 2>>"$log"
done </etc/ferry/modules

before=""
i=0
while [ "$i" -lt 4 ]; do
    now="$(wc -l </proc/modules)"
    [ "$now" = "$before" ] && break
    before="$now"
    aliases="$(cat /sys/bus/*/devices/*/modalias 2>/dev/null | sort -u)"
    [ -n "$aliases" ] && modprobe -a -q $aliases 2>>"$log"
    i=$((i + 1))
done
exit 0
