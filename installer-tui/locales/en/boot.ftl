### Ferry installer: boot (English)
### What the boot medium's init says on each console before and between
### runs of the installer (bootkit/src/installer-init.sh, through
### `installer-tui say`).

boot-efivarfs-missing = efivarfs not mounted: Secure Boot state unknown
boot-too-little-memory =
    FERRY: TOO LITTLE MEMORY. This machine has { $mem } MiB of memory;
    the installer needs at least { $need } MiB. Nothing was written.
    Add memory (or give the virtual machine more) and start again.
boot-shell-given = ferry.shell given: shells instead of the installer
boot-console-missing = console { $tty } is not there; not starting the installer on it
boot-starting = FERRY-INSTALLER starting on { $tty }
boot-rebooting = Rebooting.
boot-powering-off = Powering off.
boot-rescue-requested = Rescue shell requested from the installer.
boot-installer-exited = The installer exited.
boot-installer-failed = The installer exited (status { $status }).
boot-rescue-help =
    This is a rescue shell: 'installer-tui --help' lists what it
    can do; type 'exit' to start the installer again, 'reboot -f'
    to restart the machine.
boot-rescue-shell = Ferry rescue shell on { $tty }
