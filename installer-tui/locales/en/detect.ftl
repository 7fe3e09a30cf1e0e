### Ferry installer: detect (English)
###
### What detection says about a disk: what else it holds, and what does
### not add up on it. The English words are the ones `installer-tui
### detect`, its JSON and the log keep. Names of formats and systems
### (ext4, LVM2_member, NTFS, Windows), partition names and file names
### stay as they are.

## Words inside the sentences
detect-more-problems = and { $count } more { $count ->
    [one] problem
   *[other] problems
}
detect-and = { $first } and { $next }
detect-signature-labelled = { $kind } labelled { $label }
detect-empty-mbr = an empty MBR partition table
detect-empty-gpt = an empty GPT
detect-release = (release { $version })
detect-extent = { $index } (sectors { $first } to { $last })
detect-extent-named = { $index } ({ $name }, sectors { $first } to { $last })

## What a disk holds besides Ferry
detect-foreign-partitions = { $count } partition(s) of other systems
detect-foreign-partitions-like = { $count } partition(s), looks like { $systems }
detect-foreign-whole-disk = { $signatures } on the whole disk, no partition table
detect-foreign-whole-disk-and-table = { $signatures } on the whole disk, and { $table }
detect-foreign-empty-table = { $table } with no partitions
detect-foreign-unknown-data = data of an unknown kind, no partition table

## The partition table
detect-sector-size-differs = the partition table is written for { $table }-byte sectors, but the disk has { $disk }-byte sectors: the system and the firmware do not see its partitions
detect-primary-gpt-damaged = the primary GPT is damaged ({ $cause }); the partitions were read from the intact backup copy
detect-backup-gpt-damaged = the backup GPT is damaged or missing ({ $cause }); the primary copy was used
detect-gpt-copies-differ = the primary and backup GPT list different partitions; the primary was used
detect-table-damaged = the partition table is damaged: { $problem }
detect-entry-ends-before-start = partition { $part } ends before it starts
detect-entry-past-end = partition { $part } runs past the end of the disk, which has { $sectors } sectors (truncated image or wrong disk size)
detect-entry-outside-usable = partition { $part } lies outside sectors { $first } to { $last }, the area the GPT allows for partitions (the partition table itself lies outside it)
detect-entry-more-bad = { $count } more partitions lie outside the disk or end before they start
detect-partition-past-end = partition { $partition } ends at byte { $end } but the disk has only { $size } bytes (truncated image or wrong disk size)
detect-partitions-overlap = partitions { $a } and { $b } overlap
detect-more-overlaps = { $count } more pairs of partitions overlap

## Why a copy of the GPT is unusable
detect-gpt-too-short = header sector is too short
detect-gpt-no-signature = no GPT signature
detect-gpt-header-size = header size { $size } is invalid
detect-gpt-header-checksum = header checksum is wrong
detect-gpt-wrong-place = header says it is at sector { $says } but was read from sector { $read_from }
detect-gpt-entry-size = partition entry size { $size } is invalid
detect-gpt-array-too-large = partition entry array of { $bytes } bytes is implausibly large
detect-gpt-usable-reversed = first usable sector lies after the last usable sector
detect-gpt-array-beyond-end = partition entry array lies beyond the end of the disk
detect-gpt-array-overlaps-header = partition entry array overlaps the header
detect-gpt-area-includes = the area for partitions (sectors { $first } to { $last }) includes { $what } (sector { $lba })
detect-gpt-area-includes-array = the area for partitions (sectors { $first } to { $last }) includes the partition entry array (sectors { $array_first } to { $array_last })
detect-gpt-sector-beyond-end = sector { $lba } lies beyond the end of the disk
detect-gpt-read-sector = cannot read sector { $lba }: { $error }
detect-gpt-backup-beyond-end = backup header at sector { $lba } lies beyond the end of the disk ({ $sectors } sectors)
detect-gpt-array-past-end = partition entry array runs past the end of the disk
detect-gpt-read-array = cannot read the partition entry array: { $error }
detect-gpt-array-checksum = partition entry array checksum is wrong
detect-gpt-sector-protective-mbr = the protective MBR
detect-gpt-sector-this-header = this header
detect-gpt-sector-other-header = the other copy's header

## A Ferry installation's partitions and files
detect-missing-partition = the Ferry partition { $name } is missing
detect-duplicate-partition = { $count } partitions are named { $name }; partition { $used } is used
detect-wrong-partition-type = partition { $partition } has type { $found } instead of { $expected }
detect-fat-cut-off = partition { $partition } is cut off by the end of the disk
detect-fat-unreadable = partition { $partition }: { $cause }
detect-esp-files-unreadable = { $cause }
detect-state-missing = the config partition has no { $path }
detect-state-unreadable = { $cause }

## What the FAT reader found on a Ferry partition
detect-fat-boot-sector-unreadable = cannot read the boot sector: { $error }
detect-fat-larger-than-partition = FAT file system claims { $size } bytes but its partition has { $partition }
detect-fat-rewind = cannot rewind the partition: { $error }
detect-fat-refused = not a readable FAT file system: { $error }
detect-fat-open-file = cannot open { $path }: { $error }
detect-fat-read-file = cannot read { $path }: { $error }
detect-fat-file-too-large = { $path } is larger than { $max } bytes
detect-fat-open-directory = cannot open directory { $path }: { $error }
detect-fat-list = cannot list { $path }: { $error }

## The slots and their boot entries
detect-slot-partition-missing = the state record says slot { $slot } holds a release{ $release }, but its partition { $partition } is missing
detect-config-dir-missing = slot { $slot } is { $state } but the config partition has no { $dir }/
detect-half-written-slot = slot { $slot } was being written{ $release } and the write did not finish; its content must not be trusted
detect-several-boot-entries = slot { $slot } has { $count } boot entries on the ESP: { $files }
detect-no-boot-entry = slot { $slot } is { $state } but the ESP has no boot entry for it
detect-good-slot-failed = slot { $slot } is recorded as good but its boot entry failed after { $tries } tries
detect-empty-slot-bootable = slot { $slot } is { $state } but has a bootable entry on the ESP
detect-slot-failed-to-boot = slot { $slot }{ $release } failed to start { $tries } times; the machine starts slot { $other } instead
detect-slot-failed-still-default = slot { $slot }{ $release } failed to start { $tries } times; the boot loader still starts it
detect-default-matches-no-entry = the boot default { $default } in { $file } matches no Ferry entry; the boot loader starts the first one
detect-default-not-active = the state record makes slot { $active } active but the boot loader defaults to slot { $default }
detect-several-installs = Ferry is also installed on { $others }; the machine may boot either, so choose which disk to keep

## Why a disk cannot be read
detect-unreadable-open = cannot open { $path }: { $cause }
detect-unreadable-sector-size = cannot find the sector size of { $path }: { $cause }
detect-unreadable-size = cannot find the size of { $path }: { $cause }
detect-unreadable-empty = the disk is empty (0 bytes): no medium, or a truncated image
detect-unreadable-smaller-than-a-sector = the disk has only { $size } bytes, less than one sector
detect-unreadable-first-sector = cannot read sector 0: { $cause }
detect-unreadable-probe = cannot read the disk to look for file systems: { $cause }
detect-unreadable-at = cannot read the disk at byte { $at }: { $cause }
detect-unreadable-gpt-damaged = the GPT is damaged in both copies (primary: { $primary }; backup: { $backup })
detect-unreadable-protective-without-gpt = a protective MBR announces a GPT, but no GPT header was found
