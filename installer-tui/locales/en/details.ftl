# What the engine's sentences nest after their own words: the migration
# of a configuration, the state record, a FAT file system, a write
# outside its partition, the installer's own medium, the medium check.
# The English says exactly what the log and the reports keep.

## Migrating a configuration
migrate-spec-too-large = migrations.toml is { $size } bytes, more than the { $limit } bytes allowed
migrate-spec = migrations.toml is not valid: { $problem }
migrate-no-path = cannot migrate the configuration from schema { $from } to schema { $to }: { $reason }
migrate-schema-mismatch = { $file }: the configuration is at schema { $found }, but schema { $expected } was expected
migrate-document = { $file }: { $problem }
migrate-target-not-empty = { $path }: the target configuration directory is not empty; clear it before migrating into it
migrate-io = { $path }: { $detail }
migrate-failure = { $file }: cannot migrate { $key } (schema { $from } to { $to }): { $reason }
migrate-reason-missing = the key is missing and this migration requires it
migrate-reason-wrong-type = expected { $expected }, found { $found }
migrate-reason-out-of-range-between = { $value } is out of range: it must be from { $min } to { $max }
migrate-reason-out-of-range-min = { $value } is out of range: it must be at least { $min }
migrate-reason-out-of-range-max = { $value } is out of range: it must be at most { $max }
migrate-reason-out-of-range = { $value } is out of range
migrate-reason-exists = { $target } already exists and would be overwritten
migrate-reason-not-a-table = { $key } is a value, not a table
migrate-reason-not-an-array-of-tables = expected an array of tables
migrate-reason-unmapped = the value { $value } is not one this migration knows how to convert
migrate-reason-too-few-parts = expected { $expected } parts separated by { $separator }, found { $found }
migrate-reason-not-an-integer = { $part } is not an integer
migrate-value-type = { $kind ->
    [string] a string
    [integer] an integer
    [float] a float
    [boolean] a boolean
    [datetime] a date-time
    [array] an array
   *[table] a table
}

## The state record
state-too-large = state record is { $size } bytes, more than the { $max } bytes a real one can be
state-not-text = state record is not text (invalid UTF-8)
state-unsupported-format = state record has format { $found }; this installer understands format { $known }
state-malformed = state record is malformed: { $syntax }
state-no-format = state record is malformed: missing field `format`
state-format-not-number = state record is malformed: `format` is not a number
state-unwritable = state record cannot be written as TOML
state-invalid = state record is invalid: { $rule }
state-rule-time = { $field } is not a time a state record can hold: years 0 to 9999, offsets in whole minutes
state-rule-product-id = product id { $id } is not a valid product id
state-rule-machine-id = machine id { $id } is not 32 hex digits
state-rule-no-trusted-key = no trusted key fingerprints are recorded
state-rule-too-many-trusted-keys = { $count } trusted keys is more than { $max }
state-rule-trusted-key = trusted key fingerprint { $key } is not 64 hex digits (SHA-256)
state-rule-too-many-revoked-keys = { $count } revoked keys is more than { $max }
state-rule-revoked-key = revoked key fingerprint { $key } is not 64 hex digits (SHA-256)
state-rule-trusted-and-revoked = key { $key } is both trusted and revoked
state-rule-no-release = slot { $slot } is { $state } but names no release
state-rule-no-config-schema = slot { $slot } is { $state } but names no config schema version
state-rule-empty-with-release = slot { $slot } is empty but names a release or hotfixes
state-rule-too-many-hotfixes = slot { $slot } lists more than { $max } hotfixes
state-rule-hotfix-id = slot { $slot } lists an invalid hotfix id { $id }
state-rule-answer-digest = the answer file digest { $digest } is not 64 hex digits (SHA-256)
state-rule-medium-id = the medium id { $id } is not 1 to 64 printable characters
state-rule-active-not-bootable = active slot { $slot } is { $state }, not a bootable slot

## FAT file systems
fat-io = { $what }: { $detail }
fat-bad-label = volume label { $label } is not 1 to 11 characters of A-Z, 0-9, space, - or _
fat-file-too-large = { $path }: { $size } bytes is more than a FAT file can hold (4 GiB - 1)
fat-not-fat = not a FAT file system: { $detail }
fat-bad-path = { $path } is not a valid path on a FAT volume
fat-bad-sector-size = { $size }-byte sectors: a FAT volume has sectors of 512, 1024, 2048 or 4096 bytes
fat-chain-loop = the FAT file system is damaged: a loop in its cluster chains (cluster { $cluster } leads back to cluster { $next }); repair it with fsck.fat or reformat the partition
fat-bad-link = the FAT file system is damaged: cluster { $cluster } leads to cluster { $next }, { $why }; repair it with fsck.fat or reformat the partition
fat-too-many-clusters = the FAT file system has { $clusters } clusters, more than the { $max } whose chains can be checked before reading it
fat-bad-start-entry = the FAT file system is damaged: the directory entry { $name } starts at cluster { $cluster }, which is outside the volume; repair it with fsck.fat or reformat the partition
fat-bad-start-root = the FAT file system is damaged: the root directory starts at cluster { $cluster }, which is outside the volume; repair it with fsck.fat or reformat the partition
fat-too-many-directories = the FAT file system has more than { $max } directories, more than can be checked before reading it

## Writes kept inside their partition
window-overflow = partition { $partition } starts at byte { $start } and has { $size } bytes: it ends past the largest byte offset
window-unaligned = partition { $partition } (from byte { $start }, { $size } bytes) is not a whole, non-zero number of { $sector_size }-byte sectors
window-outside = partition { $partition } (bytes { $start }..{ $end }) lies outside bytes { $area_start }..{ $area_end }, where partitions may lie on this disk
window-overlap = partitions { $partition } (bytes { $start }..{ $end }) and { $other } (bytes { $other_start }..{ $other_end }) overlap
window-past-partition-end = a write of { $len } bytes at byte { $offset } of partition { $partition } would end past its end ({ $size } bytes)
window-past-disk-end = { $len } bytes from byte { $start } run past the end of the disk ({ $disk_size } bytes)

## The installer's own medium
medium-io = { $what }: { $detail }
medium-not-iso = not an ISO 9660 medium: { $detail }
medium-damaged = the medium is damaged: { $detail }
medium-not-found = { $path }: no such file on the medium
medium-too-large = { $path }: { $size } bytes is more than the { $max } bytes allowed
medium-no-checksum = the medium carries no checksum
medium-invalid = { $detail }
medium-boot-not-found = the boot medium was not found: is the DVD or stick still in?
medium-boot-not-found-id = the boot medium (id { $id }) was not found: is the DVD or stick still in?
medium-boot-not-found-others = the boot medium was not found; other Ferry media: { $others }: is the DVD or stick still in?
medium-boot-not-found-id-others = the boot medium (id { $id }) was not found; other Ferry media: { $others }: is the DVD or stick still in?
medium-several-id = { $devices } each hold a Ferry medium with id { $id }, and medium.toml is not signed: the installer cannot tell which one it started from. Remove every medium but the one to install from, then start again
medium-several = { $devices } each hold a Ferry medium and the boot command line names none (ferry.medium=), and medium.toml is not signed: the installer cannot tell which one it started from. Remove every medium but the one to install from, then start again

## The check of the whole medium
check-error-open = opening { $path }: { $detail }
check-error-checksum = the medium's checksum does not match: it is damaged or was written badly
check-error-unreadable = { $detail }
check-error-unreadable-named = checking { $name }: { $detail }
check-error-payload-named = checking { $name }: { $error }

## Opening a medium
medium-open-failed = opening { $path }: { $detail }
medium-open-description = reading the medium description on { $path }: { $detail }
medium-open-not-ferry = { $path } is neither a Ferry ISO nor a Ferry stick: { $detail }
medium-open-no-payload = { $dir } holds no payload (*.upg)
medium-open-too-many-payloads = { $dir } holds more than { $max } payloads

## Printed on the console when the screens cannot start
console-failed = The installer cannot start: { $error }
console-drives = the machine's drives cannot be listed: { $detail }
console-keys = the trusted keys cannot be read: { $detail }
console-screens = the screens cannot start on this terminal: { $detail }

## The command line
cli-lang-unknown = { $code }: the installer speaks { $known }
cli-layout-expected = { $layout }: four sizes in MiB expected (ESP,ROOT,CONFIG,MIN_DATA)

## Why a file on the installer's medium cannot be read
read-no-payload = { $medium } carries no payload { $name }
read-open = opening { $path }: { $detail }
read-read = reading { $path }: { $detail }
read-missing = no such file on the medium or in the initramfs
read-too-large = { $file } is larger than { $max } bytes
read-not-text = { $file } is not UTF-8 text
