### Ferry installer: screens (English)

# The language's own name, as the Welcome screen shows it.
language-name = English

## Screen titles (the iso-tests find screens by them)
screen-action = What to do
screen-check = Check this medium
screen-disks = Disks
screen-done = Done
screen-failed = Failed
screen-keyboard = Keyboard layout
screen-progress = Progress
screen-review = Review
screen-confirm = Confirm
screen-welcome = Welcome
screen-language = Language

## The frame every screen shares
app-title = Ferry installer
header-medium = medium { $id }
header-simulation = simulation
other-console-busy = ! The installer on the other console is working.
waiting-disk-title = Disk
waiting-disk = Looking at the disk and checking every choice...
waiting-start-title = Starting
waiting-start = Checking the medium's signature and looking at the disks...
log-title = Log
entry-not-possible = (not possible)
# "3.2 MiB of 7.9 MiB  41.3 MB/s"
bytes-of = { $done } of { $total }  { $rate } MB/s
# Time left, after bytes-of.
eta = ETA { $time }

## Key hints (the bottom line)
hints-welcome = Up/Down move  Enter choose  i c k s b p shortcuts  l language
hints-move-choose-back = Up/Down move  Enter choose  Esc back
hints-keyboard-proposed = Up/Down move  Enter accept  Esc keep { $layout }
hints-disks = Up/Down move  Enter choose  1-9 pick  Esc back
hints-check-running = Esc stop and go back
hints-enter-back = Enter back
hints-review = Up/Down/PgUp/PgDn scroll  Enter start  Esc back
hints-progress = l log  c cancel
hints-progress-log = l back to progress
hints-done = Enter reboot  p power off  s shell  l log
hints-failed = r retry  s shell  b reboot  l log
hints-any-key = any key back

## Welcome
menu-install = Install or upgrade
menu-check = Check this medium
menu-keyboard = Keyboard layout: { $layout }
menu-language = Language: { $language }
menu-shell = Rescue shell
menu-reboot = Reboot
menu-poweroff = Power off
demo-key-warning-1 = WARNING: this medium trusts the public demo key (for demos and tests only):
demo-key-warning-2 = anyone can sign software it installs, and machines it installs trust it.
bios-warning-1 = THIS MACHINE STARTED THE INSTALLER IN LEGACY BIOS MODE: the system installed
bios-warning-2 = starts only with UEFI, so install and wipe are refused. Restart and choose
bios-warning-3 = the stick's UEFI entry in the firmware's boot menu (a DVD: the drive's).
kind-release = release
kind-hotfix = hotfix
welcome-hotfix-item = { $version } hotfix { $id }
welcome-release = Release on this medium: { $product } { $version } ({ $kind })
welcome-release-also = Release on this medium: { $product } { $version } ({ $kind }); also { $others }
welcome-signature = Signature verified: { $count ->
    [one] key
   *[other] keys
} { $keys }
welcome-unusable = THE MEDIUM CANNOT BE USED TO INSTALL:
welcome-unusable-advice = Nothing will be installed from it. Use another medium.
welcome-reading = Reading the medium...
welcome-medium = Medium: { $path }
welcome-medium-id = Medium: { $path } (id { $id })
welcome-firmware = Machine started with: { $firmware }
# How the machine started; $secure_boot: on, off, unknown
firmware-bios = legacy BIOS (or UEFI in BIOS compatibility mode)
firmware-uefi = UEFI, { $secure_boot ->
    [on] Secure Boot on
    [off] Secure Boot off
   *[unknown] Secure Boot state unknown
}
firmware-uefi-setup-mode = UEFI, { $secure_boot ->
    [on] Secure Boot on
    [off] Secure Boot off
   *[unknown] Secure Boot state unknown
} (setup mode: no platform key enrolled)
welcome-notice = ! { $notice }
lang-unknown = ferry.lang={ $value } is not a language the installer speaks ({ $known }): English is used.

## Language and Keyboard layout
language-intro = Choose the language of the installer's screens.
item-current = { $item } (current)
keyboard-intro = Choose the layout of the keyboard attached to this machine.
keyboard-proposed = Proposed for { $language }: Enter takes it, Esc keeps { $layout }.
layout-proposed-at-start = Proposed for { $language }: the { $layout } layout; [k] to choose it.
layout-serial = On a serial console your terminal sets the layout.
layout-simulated = Simulation: the console layout would be set to { $layout }.
layout-set = Keyboard layout set to { $layout }.
layout-failed = The layout { $layout } could not be loaded; the keyboard stays as it was.

## Check this medium
check-intro-1 = Reading the whole medium and comparing it with its checksums.
check-intro-2 = A damaged disc or stick shows here, before anything is installed.
check-passed = Medium check passed
check-intact-iso = The medium is intact: { $bytes } bytes read, checksum correct.
check-intact-payloads = The medium is intact: { $count ->
    [one] the payload ({ $bytes } bytes) matches its signed hashes.
   *[other] its { $count } payloads ({ $bytes } bytes) match their signed hashes.
}
check-failed = MEDIUM CHECK FAILED
check-failed-advice = Do not install from this medium: write a new one and boot from it.

## Disks
disks-intro = Choose the disk to install on or upgrade:
disks-none = No disk was found. Check the cables and the firmware's disk settings.
health-good = boots fine
health-trying = on trial, { $tries ->
    [one] { $tries } try left
   *[other] { $tries } tries left
}
health-failed = FAILED to boot
health-no-entry = no boot entry
health-unknown = boot state unknown
slot-empty = slot { $slot } empty
slot-release = slot { $slot } { $version }
slot-hotfixes = { $count ->
    [one] hotfix
   *[other] hotfixes
} { $ids }
slot-active = active, { $health }
content-blank = blank
content-foreign = other system: { $summary }
content-unreadable = unreadable: { $reason }
table-damaged = partition table damaged; { $content }

## What to do
action-hotfix = Apply hotfix { $id } to { $version }
action-upgrade = Upgrade to { $version } (keep configuration)
action-upgrade-then = Upgrade to { $version } (keep configuration), then to { $then }
action-repair = Reinstall { $version } (keep configuration and data)
action-install = Install { $version }
action-wipe = Wipe and reinstall { $version }
action-install-erase = Install { $version } (erases the disk)
# "1.1.0, 1.2.0 and 2.0.0"
list-and = { $rest } and { $last }
steps-this-release = This release
steps-note-1 = { $from } cannot be upgraded to { $last } at once: this installs { $to } first;
steps-note-2 = once { $to } has started, this medium upgrades it to { $then }.
action-disk = Disk: { $disk }
action-disk-unusable = This disk cannot be used: { $error }
action-nothing = Nothing can be done on this disk with this medium. Esc goes back.

## Review and Confirm
# $action: install, wipe, upgrade, hotfix, repair
review-title = { screen-review }: { $action ->
    [install] install
    [wipe] wipe
    [upgrade] upgrade
    [hotfix] hotfix
   *[repair] repair
} (line { $line } of { $total })
confirm-word = ERASE
confirm-type = Type { $word } to confirm, then Enter:
confirm-type-or-name = Type { $word } to confirm (or the disk's name, { $name }), then Enter:
confirm-enter = Press Enter to start the { $action ->
    [install] install
    [wipe] wipe
    [upgrade] upgrade
    [hotfix] hotfix
   *[repair] repair
}. Esc goes back; nothing is written before Enter.
confirm-wrong = That is not { $word }: nothing was written. Type { $word } and press Enter, or Esc to go back.

## Progress
progress-heading = { $action ->
    [install] Installing
    [wipe] Wiping and reinstalling
    [upgrade] Upgrading
    [hotfix] Applying a hotfix to
   *[repair] Reinstalling
} { $disk } with { $product } { $version }
progress-unattended = Unattended: following the answer file.
progress-medium-read = Read from the medium: { $done } of { $total }
progress-elapsed = Elapsed { $time }
cancel-requested = Cancelling: the installer stops at the next block it reads.
cancel-keep-slot = c Cancel: stops now; slot { $slot } stays the default and its configuration is untouched.
cancel-too-late = Too late to cancel: the new system is already the default. If it does not start, the machine returns to slot { $slot } by itself.
cancel-nothing-written = c Cancel: stops now; nothing has been written yet.
cancel-erasing = Cancel is not possible: the disk is being erased. If the installer is stopped now, the disk has no working system until the installer runs again.

## Done and Failed
done-title = { $action ->
    [install] Install complete
    [wipe] Wipe and reinstall complete
    [upgrade] Upgrade complete
    [hotfix] Hotfix complete
   *[repair] Reinstall complete
}
failed-title = { $action ->
    [install] Install
    [wipe] Wipe and reinstall
    [upgrade] Upgrade
    [hotfix] Hotfix
   *[repair] Reinstall
} failed
cancelled-title = { $action ->
    [install] Install
    [wipe] Wipe and reinstall
    [upgrade] Upgrade
    [hotfix] Hotfix
   *[repair] Reinstall
} cancelled
done-installed = { $product } { $version } is installed in slot { $slot }; it starts at the next boot.
done-countdown = { $finish ->
    [poweroff] Powering off
   *[reboot] Rebooting
} in { $seconds } s; press any key to stay.
done-remove = Remove the medium and press Enter to reboot
done-other-keys = (p power off, s rescue shell)
failed-stopped = Stopped at the technician's request.
failed-what = What failed: { $error }
failed-kept = The previous system (slot { $slot }) is still the default and starts as before.
failed-nothing-written = Nothing was written; the disk is as it was.
failed-partly-written = The disk was partly written and holds no working system: retry, or wipe and reinstall.
failed-keys = [r] Retry   [s] Rescue shell   [b] Reboot   [l] Log
report-not-saved = The report could not be saved.
report-saved = Report saved to:
report-log = Log: { $path } (press l)

## Unattended runs and the other console
notice-continuing = { $error }. Continuing interactively.
notice-already-done = { $source }: { $why }.
notice-bios-refused = { $source }: its { $action } is refused in legacy BIOS mode (see above); nothing was written. Continuing interactively.
notice-other-console = The installer on the other console is working; nothing was written here.

## Printed on the console, outside the screens
console-waiting = Waiting for the boot medium (DVD or USB stick) to appear...
console-simulation-exit = simulation: { $exit } requested (exit code { $code })
console-no-key = no trusted key: give --trust KEY.pub (at boot: { $dir }/*.pub)
