### Ferry installer: engine (English)
###
### The engine's refusals and failures. A message's id ends with the
### code the reports carry (`error_code`): refusal-<code>, error-<code>.
### The English words are the ones the log and the reports keep.

## Words inside the sentences
engine-action = { $action ->
    [install] install
    [wipe] wipe
    [upgrade] upgrade
    [hotfix] hotfix
   *[repair] repair
}
engine-slot-state = { $state ->
    [good] good
    [new] new
    [writing] writing
   *[empty] empty
}
engine-no-key = none
engine-io-disk-full = { $detail }
engine-disk-change-size = it is { $found } bytes, the plan was made for { $planned }
engine-disk-change-partition = partition { $partition } is not where it was
engine-disk-change-state-record = the state record changed

## Refusals: nothing was written
refusal-installer-too-old = this payload needs installer { $needed } or newer; this is { $running }: boot from a newer medium
refusal-missing-component = the payload has no component { $component }; it cannot be installed
refusal-no-default-config = the payload carries no default configuration (config-*.toml components)
refusal-default-config-unreadable = the default configuration: { $detail }
refusal-schema-disagrees = the manifest says configuration schema { $manifest } but the default configuration records { $recorded }
refusal-trust-update = the payload's trust update: { $detail }
refusal-no-key-left = the payload would revoke every key the system trusts, leaving none to verify the next payload
refusal-invalid-state = the state record would be invalid: { $detail }
refusal-bios-mode = this machine started the installer in legacy BIOS mode and the system installed starts only with UEFI, so { $action } is refused and nothing was written: restart and choose the stick's UEFI entry in the firmware's boot menu (a DVD: the drive's UEFI entry)
refusal-disk-unusable = { $disk } cannot be used: { $reason }
refusal-disk-unusable-empty = { $disk } cannot be used: it is empty
refusal-unsupported-sector-size = the disk has logical sectors of { $sector_size } bytes; Ferry installs on disks of 512-byte or 4096-byte sectors
refusal-sector-size-differs = the partition table of { $disk } is written for { $table }-byte sectors, but the disk has { $sector_size }-byte sectors, so the firmware and the system do not see its partitions: wipe and reinstall
refusal-disk-too-small = the disk is { $size } bytes; this installation needs at least { $needed } bytes
refusal-already-installed = Ferry is already installed on this disk: upgrade it, or wipe it and install again
refusal-already-done = { $disk } already holds { $product } { $version }, installed by this answer file from this medium: an unattended run does not erase it again. Remove the medium and start the machine from the disk
refusal-already-done-medium = { $disk } already holds { $product } { $version }, installed by this answer file from medium { $medium }: an unattended run does not erase it again. Remove the medium and start the machine from the disk
refusal-not-blank = the disk is not empty ({ $summary }); only a wipe installs on it
refusal-unreadable = the disk holds something unreadable ({ $reason }); only a wipe installs on it
refusal-damaged-partition-table = the partition table of { $disk } is damaged ({ $problems }); an upgrade would write where it points, so it is refused: wipe and reinstall
refusal-no-installation = { $disk } holds no Ferry installation to { $action }; install on it, or wipe it
refusal-no-state-record = the installation has no readable state record, so what runs there is not known: wipe and reinstall
refusal-no-running-slot = neither the boot loader nor the state record names a running slot
refusal-not-confirmed = the release in slot { $slot } has not yet started successfully; start the machine from the disk once, so it confirms it, before changing the other slot
refusal-broken-slot = the boot loader starts slot { $slot }, which is { $state }: the installation is broken; wipe and reinstall
refusal-no-release = the state record names no release in slot { $slot }
refusal-missing-partition = the partition { $partition } is missing; wipe and reinstall
refusal-config-unreadable = the configuration of slot { $slot } cannot be read ({ $reason }); it would be lost, so nothing is changed
# Why the running slot's configuration cannot be read
config-problem-partition = the config partition is unreadable
config-problem-partition-why = the config partition is unreadable: { $problem }
config-problem-no-directory = the config partition has no { $dir }/
config-problem-disappeared = { $path } disappeared while reading
refusal-other-product = this payload is for { $offered }; the disk holds { $installed }
refusal-same-version = { $product } { $installed } is already installed
refusal-downgrade = { $installed } is newer than { $offered }: downgrades are refused (wipe and reinstall to go back to { $offered })
refusal-upgrade-unsupported = upgrade from { $installed } to { $offered } is not supported: { $hint }
refusal-first-release = { $offered } is the product's first release: it upgrades no installed version (wipe and reinstall to install it)
refusal-hotfix-wrong-base = hotfix { $id } is for { $base }; this system runs { $installed }
refusal-hotfix-applied = hotfix { $id } is already applied
refusal-hotfix-not-included = hotfix { $id } was built without hotfix { $applied }, which this system has: applying it would remove { $applied }; use a hotfix that includes { $applied }
refusal-key-not-trusted = the payload is signed by { $count ->
    [one] key
   *[other] keys
} { $signers }, which the installed system does not trust (it trusts { $trusted }); wipe and reinstall to change keys
refusal-signed-by-revoked-key = the payload is signed by key { $key }, which has been revoked: it is never trusted again on this machine; use a payload signed by a current key
refusal-revoked-key-trusted = the payload asks to trust key { $key } again, which has been revoked: a revoked key is never trusted again on this machine
refusal-hotfix-alone = hotfix { $id } changes an installed { $product } { $version }; it cannot be installed on its own
refusal-wrong-kind = { $kind ->
    [hotfix] this payload is a hotfix; it is applied as a hotfix, not as an upgrade
   *[release] this payload is a release; it is installed by an upgrade, not as a hotfix
}
refusal-hotfix-changes-schema = hotfix { $id } declares configuration schema { $declared }, the running release has { $running }: a hotfix cannot change the configuration
refusal-data-not-formattable = the data partition would be { $size } and cannot be formatted { $filesystem }, as the release asks
refusal-repair-other-release = a reinstall keeps the release: { $installed } is installed but the medium holds { $offered }; upgrade instead
refusal-repair-loses-hotfixes = reinstalling { $release } would remove the hotfixes this system has ({ $hotfixes }); apply the latest hotfix again instead
refusal-root-image-too-large = the root image is { $image } but slot { $slot } is { $room }
refusal-esp-too-small = kernel and initrd take { $boot_files }; two of them do not fit on an ESP of { $esp }
refusal-esp-full = kernel and initrd take { $boot_files } but the ESP has { $free } free
refusal-config-full = the configuration takes { $needed } but the config partition has { $free } free
refusal-migration = the configuration cannot be migrated: { $detail }
refusal-no-migrations = the release uses configuration schema { $to } but carries no migrations.toml to bring schema { $from } there
refusal-answers-mismatch = the answer file does not fit this release: { $detail }
refusal-no-machine-id = no machine id was given for the new installation
refusal-bad-machine-id = machine id { $id } is not 32 lower case hex digits

## Failures while reading or writing
error-io = { $what }: { $detail }
error-disk-full = { $what }: { $detail }
error-disk-changed = the disk changed since the plan was made: { $change }; plan again
error-write-outside-partition = a write outside its partition was refused: { $detail }
error-payload-changed = the payload is not the one the plan was made for (its manifest hashes to { $found }, the plan's to { $planned }); plan again
error-read-back = read-back of { $what } found bytes { $start }..{ $end } differ from what was written: the disk does not keep what it is given
error-read-back-incomplete = the read-back of { $what } stopped at byte { $at }: the write did not finish
error-payload-migrations = the payload's { $detail }
error-payload-default-config = component { $component } of the payload: { $detail }
error-state-record = the state record: { $detail }
error-file-system = checking the file system of { $partition }: { $detail }
error-payload-used = the payload was read already: a plan is applied once
error-plan-guid = the plan's GUID { $guid } is not a GUID
error-plan-incomplete = the plan has no { $what }
error-thread-stopped = the { $what } stopped unexpectedly
error-medium = { $detail }
error-cancelled = cancelled by the technician

## The installer's own failures around the engine
load-medium = { $detail }
load-one-payload = { $name }: { $detail }
inspect-machine-id = choosing a machine id: { $detail }
run-open = opening { $disk } for writing: { $detail }
run-medium-gone = the medium { $medium } was removed or stopped answering while the payload was read from it ({ $detail }); put it back and start the installer from it again

## The answer file
answer-error = { $source } line { $line }: { $problem }
answer-error-key = { $source } line { $line }, key { $key }: { $problem }
answer-unknown-key = unknown key; expected one of: { $expected }
answer-no-install-table = the [install] table is missing
answer-not-a-table = must be a table
answer-not-a-string = a string in quotes is expected
answer-no-action = missing: say "upgrade", "install", "wipe", "repair" or "auto"
answer-not-an-action = { $value } is not an action; say "upgrade", "install", "wipe", "repair" or "auto"
answer-not-a-language = { $value } is not a language of the installer; say { $count ->
    [one] { $last }
   *[other] { $rest } or { $last }
}
answer-no-disk = missing: a device path, "only" or {"{"} model = ..., serial = ..., size-min = ... {"}"}
answer-not-a-disk = { $value } is neither a path (/dev/...) nor "only"
answer-not-a-disk-selector = a path in quotes, "only" or {"{"} model = ..., serial = ..., size-min = ... {"}"} is expected
answer-empty-selector = the selector is empty: give model, serial or size-min
answer-not-a-size = a size is expected: bytes, or a string such as "100G" or "512M"
answer-not-confirmed = { $value } does not confirm anything; write "ERASE" to allow erasing the disk
answer-config-on-upgrade = configuration values apply to a fresh install; an upgrade keeps and migrates the installed configuration
answer-not-documents = must be a table of documents
answer-not-a-document = name a configuration document, such as [config."engine.toml"]
answer-not-settings = must be a table of settings
answer-table-not-value = a value is expected, not a table
answer-not-a-value = not a value: { $value }
answer-not-a-finish = { $value } is not a finish action; say "reboot", "poweroff" or "stay"
answer-bad-delay = seconds from 0 to 3600 are expected
answer-no-disks = there is no disk to install on
answer-several-disks = "only" needs exactly one disk; this machine has { $count }: name one
answer-no-match = no disk of this machine matches
answer-many-match = { $count } disks match; make the selector narrower
answer-auto-wont-erase = "auto" does not erase { $disk }, which is not empty; say "wipe" and confirm-erase = "ERASE"
answer-erase-not-confirmed = { $disk } is not empty and would be erased: add confirm-erase = "ERASE"
answer-not-offered = { $action } is not offered for this disk
answer-schema-document = { $document } is written by Ferry and cannot be answered
answer-no-document = the release has no document { $document }
answer-bad-key = { $document }: { $key }: not a dotted key
answer-no-table = { $document }: { $key }: the release has no table { $table }
answer-no-key = { $document }: { $key }: the release has no such key (answers may only change existing settings)
answer-type-changed = { $document }: { $key }: the release has a { $release } here, the answer is a { $answer }
answer-tree = { $document }: { $detail }

## The steps of a plan
step-verify-payload = Verify every chunk of the payload ({ $size }) before { $erasing ->
    [yes] erasing
   *[no] writing
} anything
step-discard-data = Erase the data partition (discard, or write zeros where the disk cannot discard)
step-write-partition-table = Write a new GPT partition table on { $disk }: ESP, root a, root b, config, data
step-format-esp = Format the ESP ({ $fs })
step-format-config = Format the config partition ({ $fs })
step-format-data = Format the data partition ({ $fs }), as the product asks
step-mark-slot-writing = Mark slot { $slot } as being written (not bootable) and remove its boot entry
step-write-slot = Write { $product } { $version } into slot { $slot } ({ $size } root image, kernel, initrd), verifying every chunk
step-read-back = Read slot { $slot } back and compare it with the signed manifest
step-write-config = Write the configuration of slot { $slot }
step-write-config-schema = Write the configuration of slot { $slot } (schema { $schema })
step-boot-loader-systemd-boot = Install systemd-boot on the ESP
step-boot-loader-shim = Install the boot chain on the ESP: shim (Secure Boot), systemd-boot, MokManager
step-boot-loader-update-shim = Bring the ESP's boot chain to the medium's: shim (Secure Boot), systemd-boot, MokManager, each file replaced whole
step-record-new-slot = Record slot { $slot } as new in the state record
step-set-default = Make slot { $slot } the boot default: add its boot entry with { $tries } tries{ $fallback ->
    [yes] , after which the machine falls back to the other slot by itself
   *[no] {""}
}
step-write-report = Write the report to the config partition and the medium

## The plan, as the Review screen shows it
plan-hotfix = Apply hotfix { $id } to { $product } { $version } on { $disk } ({ $size })
plan-upgrade = Upgrade { $product } from { $from } to { $version } on { $disk } ({ $size })
plan-wipe = Wipe and reinstall { $product } { $version } on { $disk } ({ $size })
plan-repair = Reinstall { $product } { $version } in slot { $slot } on { $disk } ({ $size })
plan-install = Install { $product } { $version } on { $disk } ({ $size })
plan-erased = Erased: everything on { $disk }, including its data partition.
plan-keep = The running system in slot { $slot } and its configuration are kept as they are; if the new one does not start, the machine returns to it by itself.
plan-repair-keeps = The release is written again from the medium with the running configuration, copied unchanged; the data partition is not touched.
plan-wipe-erases = Everything on this disk is erased. No other disk is touched.
plan-part-esp = ESP
plan-part-root = root { $slot }
plan-part-config = config
plan-part-data = data
plan-layout = Layout: { $layout }
plan-layout-kept = Layout (kept): { $layout }
plan-cmdline = Kernel command line: { $cmdline }
plan-note = Note: { $note }
plan-migration = Configuration: schema { $from } -> { $to }, { $count } change(s):
plan-steps = Steps:
plan-diff = Configuration diff (- now, + after the upgrade):
note-ferry-erased = the Ferry installation of { $product } on this disk and its data are erased
note-ferry-erased-release = the Ferry installation of { $product } on this disk ({ $release }) and its data are erased
note-unknown-erased = the Ferry installation of an unknown product on this disk and its data are erased
note-unknown-erased-release = the Ferry installation of an unknown product on this disk ({ $release }) and its data are erased
note-foreign-erased = { $summary }: it is erased
note-table-replaced = the partition table is damaged ({ $problems }); the new one replaces it
note-interrupted-write = slot { $slot } holds an interrupted write; it is not trusted and is overwritten
note-interrupted-write-release = slot { $slot } holds an interrupted write of { $release }; it is not trusted and is overwritten
note-failed-to-start = slot { $slot } holds, which failed to start and used up its tries; it is replaced
note-failed-to-start-release = slot { $slot } holds { $release }, which failed to start and used up its tries; it is replaced
note-switch-not-done = the state record makes slot { $slot } active but the boot loader starts slot { $running }: an earlier run stopped before switching; slot { $slot } is overwritten
note-previous-replaced = slot { $slot } holds the previous release; it is replaced
note-previous-replaced-release = slot { $slot } holds the previous release { $release }; it is replaced
note-set-right = { $issue } (set right by this run)

## What a migration changes in the configuration
change-renamed = { $file }: renamed { $key } → { $to }
change-moved = { $file }: moved { $key } → { $to }
change-moved-file = { $file }: moved { $key } → { $to_file }: { $to }
change-split = { $file }: split { $key } into { $into }
change-added = { $file }: added { $key } = { $value }
change-dropped = { $file }: dropped { $key } (was { $was })
change-mapped = { $file }: changed { $key } from { $from } to { $to }
change-schema = { $file }: schema { $from } → { $to }
