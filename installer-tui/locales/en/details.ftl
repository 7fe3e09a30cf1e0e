# What the engine's sentences nest after their own words: the migration
# of a configuration, the state record, a write outside its partition,
# the medium check. (A FAT file system and the medium: reading.ftl.)
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

## Writes kept inside their partition
window-overflow = partition { $partition } starts at byte { $start } and has { $size } bytes: it ends past the largest byte offset
window-unaligned = partition { $partition } (from byte { $start }, { $size } bytes) is not a whole, non-zero number of { $sector_size }-byte sectors
window-outside = partition { $partition } (bytes { $start }..{ $end }) lies outside bytes { $area_start }..{ $area_end }, where partitions may lie on this disk
window-overlap = partitions { $partition } (bytes { $start }..{ $end }) and { $other } (bytes { $other_start }..{ $other_end }) overlap
window-past-partition-end = a write of { $len } bytes at byte { $offset } of partition { $partition } would end past its end ({ $size } bytes)
window-past-disk-end = { $len } bytes from byte { $start } run past the end of the disk ({ $disk_size } bytes)

## The check of the whole medium
check-error-open = opening { $path }: { $detail }
check-error-checksum = the medium's checksum does not match: it is damaged or was written badly
check-error-unreadable = { $detail }
check-error-unreadable-named = checking { $name }: { $detail }
check-error-payload-named = checking { $name }: { $error }

## Printed on the console when the screens cannot start
console-failed = The installer cannot start: { $error }
console-drives = the machine's drives cannot be listed: { $detail }
console-keys = the trusted keys cannot be read: { $detail }
console-screens = the screens cannot start on this terminal: { $detail }
# What the screens were asking of the terminal when it refused
terminal-error = { $act }: { $detail }
terminal-raw-mode = switching the terminal to raw mode
terminal-alternate-screen = switching to the terminal's alternate screen
terminal-measure = measuring the terminal
terminal-clear = clearing the screen
terminal-draw = drawing the screen
terminal-wait = waiting for a key
terminal-read-key = reading a key
terminal-resize = following the terminal's new size

## The command line
cli-lang-unknown = { $code }: the installer speaks { $known }
cli-layout-expected = { $layout }: four sizes in MiB expected (ESP,ROOT,CONFIG,MIN_DATA)
