#!/bin/sh
# /init of the Ferry installer initramfs (busybox sh). It is PID 1: it must
# never exit, or the kernel panics. See docs/bootkit.md and
# docs/boot-parameters.md.

PATH=/bin
export PATH

/bin/busybox mkdir -p /dev /proc /sys /tmp /run
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin
mkdir -p /dev/pts /run/ferry
mount -t devpts devpts /dev/pts
exec </dev/console >/dev/console 2>&1

# ferry.* parameters init acts on: the kernel keeps dotted parameters away
# from init's environment, so read them from the command line. The
# installer reads its own (ferry.medium=, ferry.answer=) from
# /proc/cmdline.
FERRY_CONSOLE=""
FERRY_SETTLE=10
FERRY_MIN_MEMORY=@MIN_MEMORY@
for p in $(cat /proc/cmdline); do
    case "$p" in
    ferry.console=*) FERRY_CONSOLE="${p#ferry.console=}" ;;
    ferry.debug) FERRY_DEBUG=1 ;;
    ferry.debug=*) FERRY_DEBUG="${p#ferry.debug=}" ;;
    ferry.shell) FERRY_SHELL=1 ;;
    ferry.settle=*) FERRY_SETTLE="${p#ferry.settle=}" ;;
    ferry.min-memory=*) FERRY_MIN_MEMORY="${p#ferry.min-memory=}" ;;
    esac
done
[ -n "$FERRY_DEBUG" ] && set -x

log() { echo "ferry: $*"; }

# The init's messages come from the installer's catalog (installer-tui
# say, locales/*/boot.ftl), in the language of ferry.lang=
# (docs/boot-parameters.md): say ID ENGLISH [NAME=VALUE...]. ENGLISH is
# printed instead if the installer cannot run.
say() {
    say_id="$1"
    say_en="$2"
    shift 2
    /bin/installer-tui say "$say_id" "$@" 2>/dev/null || printf '%s\n' "$say_en"
}

# Drivers for disks, media and keyboards, dependencies first; then the
# disk controllers this machine has (RAID, SAS, VMD, eMMC/SD), by modalias.
ferry-load-modules /run/ferry/modules.log

# The console font: neither the VGA card's own font (code page 437, under
# a BIOS) nor the kernel's built-in one (under UEFI) has every letter
# French needs (É, À, Œ, ’, …). Load one that has them, with its Unicode
# table, on the consoles the installer and the rescue shell use; with a
# framebuffer each console has its own font (docs/bootkit.md, "Console
# font").
if [ -f /usr/share/ferry/console.psf ]; then
    for vt in 2 1; do
        chvt "$vt" 2>/dev/null &&
            loadfont </usr/share/ferry/console.psf 2>>/run/ferry/modules.log
    done
fi

# UEFI variables: the installer says whether Secure Boot is on
# (docs/detect.md), and an unattended upgrade of several steps sets
# BootNext (docs/answer-file.md); it writes no other variable. Only where
# UEFI started the machine.
if [ -d /sys/firmware/efi/efivars ]; then
    mount -t efivarfs -o rw,nosuid,nodev,noexec efivarfs /sys/firmware/efi/efivars \
        2>>/run/ferry/modules.log ||
        log "$(say boot-efivarfs-missing "efivarfs not mounted: Secure Boot state unknown")"
fi

# Below this much memory (MemTotal, what the kernel leaves of the RAM) the
# installer may be killed half-way: say so and start nothing
# (docs/bootkit.md, "Memory"). ferry.min-memory=MIB changes the figure.
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
if [ -n "$mem_mib" ] && [ "$mem_mib" -lt "$FERRY_MIN_MEMORY" ]; then
    for t in /dev/console /dev/tty1 /dev/ttyS0; do
        (: <"$t") 2>/dev/null || continue
        {
            echo
            say boot-too-little-memory \
                "FERRY: TOO LITTLE MEMORY. This machine has $mem_mib MiB of memory;
the installer needs at least $FERRY_MIN_MEMORY MiB. Nothing was written.
Add memory (or give the virtual machine more) and start again." \
                mem="$mem_mib" need="$FERRY_MIN_MEMORY"
        } >"$t"
    done
    while :; do sleep 3600; done
fi

# Wait until the set of block devices has not changed for a second (USB
# sticks and disks behind slow controllers appear late), at most
# ferry.settle seconds.
last=""
stable=0
i=0
while [ "$i" -lt $((FERRY_SETTLE * 4)) ]; do
    now="$(ls /sys/class/block 2>/dev/null | tr '\n' ' ')"
    if [ -n "$now" ] && [ "$now" = "$last" ]; then
        stable=$((stable + 1))
        [ "$stable" -ge 4 ] && break
    else
        stable=0
    fi
    last="$now"
    i=$((i + 1))
    usleep 250000
done
[ -n "$FERRY_DEBUG" ] && log "block devices: $last"

# The installer clears its console before its first frame, then redraws
# only what changed: kernel messages written over it would garble the
# technician's view. From here on, before any installer starts, they go to
# the kernel log only (dmesg; the rescue shell can raise the level again),
# unless ferry.debug is given.
[ -z "$FERRY_DEBUG" ] && echo 1 >/proc/sys/kernel/printk

# A console exists if it can be opened (ttyS0 without a UART cannot).
usable() { [ -c "/dev/$1" ] && (: <"/dev/$1") 2>/dev/null; }

# Runs the installer on one console, again and again: when it exits, the
# technician gets a message and a shell, then the installer once more.
run_installer() {
    tty="$1"
    case "$tty" in
    ttyS*) TERM=vt220 ;;
    *) TERM=linux ;;
    esac
    export TERM
    while :; do
        say boot-starting "FERRY-INSTALLER starting on $tty" tty="$tty" >"/dev/$tty"
        setsid -c /bin/installer-tui <"/dev/$tty" >"/dev/$tty" 2>&1
        status=$?
        # Exit codes: docs/boot-parameters.md.
        case "$status" in
        80)
            say boot-rebooting "Rebooting." >"/dev/$tty"
            sync
            reboot -f
            ;;
        81)
            say boot-powering-off "Powering off." >"/dev/$tty"
            sync
            poweroff -f
            ;;
        esac
        {
            echo
            case "$status" in
            82) say boot-rescue-requested "Rescue shell requested from the installer." ;;
            0) say boot-installer-exited "The installer exited." ;;
            *) say boot-installer-failed "The installer exited (status $status)." status="$status" ;;
            esac
            say boot-rescue-help "This is a rescue shell: 'installer-tui --help' lists what it
can do; type 'exit' to start the installer again, 'reboot -f'
to restart the machine."
        } >"/dev/$tty"
        setsid -c /bin/sh -l <"/dev/$tty" >"/dev/$tty" 2>&1
    done
}

rescue_shell() {
    tty="$1"
    TERM=linux
    export TERM
    while :; do
        say boot-rescue-shell "Ferry rescue shell on $tty" tty="$tty" >"/dev/$tty"
        setsid -c /bin/sh -l <"/dev/$tty" >"/dev/$tty" 2>&1
    done
}

if [ -n "$FERRY_SHELL" ]; then
    log "$(say boot-shell-given "ferry.shell given: shells instead of the installer")"
    FERRY_CONSOLE="${FERRY_CONSOLE:-tty1,ttyS0}"
    for t in $(echo "$FERRY_CONSOLE" | tr ',' ' '); do
        usable "$t" && rescue_shell "$t" &
    done
else
    # Say which consoles are missing before any installer starts: /dev/console
    # is the screen when the serial port is not there, and a line written
    # there later would land on the installer's first frame.
    consoles=""
    for t in $(echo "${FERRY_CONSOLE:-tty1,ttyS0}" | tr ',' ' '); do
        if usable "$t"; then
            consoles="$consoles $t"
        else
            log "$(say boot-console-missing "console $t is not there; not starting the installer on it" tty="$t")"
        fi
    done
    for t in $consoles; do
        run_installer "$t" &
    done
    usable tty2 && rescue_shell tty2 &
fi

# PID 1 stays, reaping orphans.
while :; do
    wait
    sleep 3600
done
