# Reading the installer's own medium: a FAT file system (the stick's,
# and any other Ferry reads or writes), the medium itself (ISO 9660, the
# stick's partition, medium.toml), opening it, a file read from it, and
# the answer file. The English says exactly what the log keeps.

## FAT file systems
fat-io = { $what }: { $detail }
fat-bad-label = volume label { $label } is not 1 to 11 characters of A-Z, 0-9, space, - or _
fat-file-too-large = { $path }: { $size } bytes is more than a FAT file can hold (4 GiB - 1)
fat-not-fat = not a FAT file system: { $reason }
fat-bad-path = { $path } is not a valid path on a FAT volume
fat-no-directory = { $dir }: no directory { $part } on the FAT volume
fat-not-a-directory = { $dir }: { $part } is a file, not a directory
fat-no-file = { $path }: no such file on the FAT volume
fat-bad-sector-size = { $size }-byte sectors: a FAT volume has sectors of 512, 1024, 2048 or 4096 bytes
fat-chain-loop = the FAT file system is damaged: a loop in its cluster chains (cluster { $cluster } leads back to cluster { $next }); repair it with fsck.fat or reformat the partition
fat-bad-link = the FAT file system is damaged: cluster { $cluster } leads to cluster { $next }, { $why ->
    [free] which is marked free
   *[outside] which is outside the volume
}; repair it with fsck.fat or reformat the partition
fat-too-many-clusters = the FAT file system has { $clusters } clusters, more than the { $max } whose chains can be checked before reading it
fat-bad-start-entry = the FAT file system is damaged: the directory entry { $name } starts at cluster { $cluster }, which is outside the volume; repair it with fsck.fat or reformat the partition
fat-bad-start-root = the FAT file system is damaged: the root directory starts at cluster { $cluster }, which is outside the volume; repair it with fsck.fat or reformat the partition
fat-too-many-directories = the FAT file system has more than { $max } directories, more than can be checked before reading it
fat-in-use = the FAT volume cannot be closed: the disk is still in use
fat-seek-before-start = seek before the start of the disk
fat-file-exists = { $path } exists already
fat-access-measure = measuring the disk to format
fat-access-rewind = rewinding the disk
fat-access-format = formatting a { $size }-byte FAT volume { $label }
fat-access-mount = opening the FAT file system
fat-access-boot-sector = reading the FAT boot sector
fat-access-table = reading the FAT
fat-access-read-fsinfo = reading the FAT32 FSInfo sector
fat-access-write-fsinfo = writing the FAT32 FSInfo sector
fat-access-read-directory = reading a directory
fat-access-write-directory = writing a directory
fat-access-free-space = reading free space
fat-access-create-directory = creating directory { $path }
fat-access-open-directory = opening directory { $path }
fat-access-list = listing { $path }
fat-access-create-file = creating { $path }
fat-access-truncate = truncating { $path }
fat-access-read-source = reading the source of { $path }
fat-access-write-file = writing { $path }
fat-access-open-file = opening { $path }
fat-access-read-file = reading { $path }
fat-access-remove = removing { $path }
fat-access-close = closing the FAT volume
fat-access-flush = flushing the FAT volume
fat-boot-no-signature = the boot sector does not end with the boot signature 55 AA
fat-boot-sector-size = the boot sector gives { $bytes }-byte sectors (512, 1024, 2048 or 4096 expected)
fat-boot-cluster-size = the boot sector gives { $sectors } sectors per cluster, not a power of two
fat-boot-no-reserved-sectors = the boot sector gives no reserved sectors
fat-boot-no-tables = the boot sector gives no allocation table
fat-boot-empty-tables = the boot sector gives allocation tables of 0 sectors
fat-boot-areas-overflow = the boot sector's areas overflow
fat-boot-data-past-end = the data area starts at sector { $data }, past the end of the volume ({ $total } sectors)
fat-boot-table-too-large = the allocation table ({ $bytes } bytes) does not fit in memory

## The installer's own medium
medium-io = { $what }: { $detail }
medium-not-iso = not an ISO 9660 medium: { $reason }
medium-damaged = the medium is damaged: { $reason }
medium-not-found = { $path }: no such file on the medium
medium-too-large = { $path }: { $size } bytes is more than the { $max } bytes allowed
medium-no-checksum = the medium carries no checksum
medium-invalid = { $path }: { $reason }
medium-boot-not-found = the boot medium was not found: is the DVD or stick still in?
medium-boot-not-found-id = the boot medium (id { $id }) was not found: is the DVD or stick still in?
medium-boot-not-found-others = the boot medium was not found; other Ferry media: { $others }: is the DVD or stick still in?
medium-boot-not-found-id-others = the boot medium (id { $id }) was not found; other Ferry media: { $others }: is the DVD or stick still in?
medium-several-id = { $devices } each hold a Ferry medium with id { $id }, and medium.toml is not signed: the installer cannot tell which one it started from. Remove every medium but the one to install from, then start again
medium-several = { $devices } each hold a Ferry medium and the boot command line names none (ferry.medium=), and medium.toml is not signed: the installer cannot tell which one it started from. Remove every medium but the one to install from, then start again
medium-not-a-directory = { $path } is not a directory
medium-is-a-directory = { $path } is a directory
medium-no-gpt = the stick has no GPT
medium-no-partition = no partition named { $name } on the stick
medium-seek-before-start = seek before the start of the file
medium-bad-report-name = { $name } is not a report file name
medium-access-rewind = rewinding the medium
medium-access-volume-descriptor = reading the volume descriptor at block { $block }
medium-access-directory = reading the directory at block { $block }
medium-access-file = reading { $path }
medium-access-at = reading the medium at byte { $offset }
medium-access-gpt-header = reading the GPT header
medium-access-gpt-entries = reading GPT entries
medium-not-iso-no-cd001 = no CD001 volume descriptor at block { $block }
medium-not-iso-no-primary = no primary volume descriptor
medium-not-iso-block-size = its blocks are { $size } bytes, not 2048
medium-damage-directory-too-large = a directory of { $len } bytes, more than the { $max } a Ferry medium has
medium-damage-directory-past-end = the directory at block { $block } lies past the end of the volume
medium-damage-too-many-extents = { $name }: more than { $max } extents
medium-damage-file-past-end = { $name } lies past the end of the volume
medium-damage-short = it ends after { $read } bytes of { $total }
medium-damage-gpt-header = the GPT header is not valid
medium-damage-partition-range = the { $name } partition has a bad range (sectors { $first } to { $last })
medium-damage-parts-size = the parts of { $name } hold { $total } bytes, medium.toml says { $expected }
medium-info-format = format { $found } is newer than this installer
medium-info-too-many-payloads = more than { $max } payloads
medium-info-bad-name = { $name } is not a payload file name
medium-info-listed-twice = { $name } is listed twice

## Opening a medium
medium-open-failed = opening { $path }: { $detail }
medium-open-description = reading the medium description on { $path }: { $detail }
medium-open-not-ferry = { $path } is neither a Ferry ISO nor a Ferry stick: { $reason }
medium-open-no-payload = { $dir } holds no payload (*.upg)
medium-open-too-many-payloads = { $dir } holds more than { $max } payloads

## Why a file on the installer's medium cannot be read
read-no-payload = { $medium } carries no payload { $name }
read-open = opening { $path }: { $detail }
read-read = reading { $path }: { $detail }
read-missing = no such file on the medium or in the initramfs
read-too-large = { $file } is larger than { $max } bytes
read-not-text = { $file } is not UTF-8 text

## What the TOML parser found wrong in a document
read-toml-syntax-at = line { $line }, column { $column }: { $message }
read-toml-syntax = { $message }

## The answer file
answer-unreadable = { $file } cannot be read: { $reason }
answer-not-toml-at = not valid TOML at column { $column }: { $message }
answer-not-toml = not valid TOML: { $message }
answer-document-not-toml = { $document } of the release is not TOML: { $reason }
