### Ferry installer: a payload's checks (English)
###
### Why a payload is refused, or could not be read, checked or built:
### each check with its facts (the part, the member, the key, the
### component, the byte). The English words are the ones the log and the
### reports keep (payload::Error). A parser's own words (TOML, PEM, zstd)
### come as $message or $detail, as they are; $detail after an I/O
### error is the operating system's message.

## A payload's failure, as the engine's sentence gives it
error-payload = the payload: { $error }

## Why the payload was refused ($reason, $problem: see below)
payload-error-io = { $context }: { $detail }
payload-error-truncated = the payload ends early: { $cut } (the file stops before byte { $at })
payload-error-not-a-payload = not a Ferry payload: { $reason }
payload-error-container = the payload's container is damaged at byte { $offset }: { $reason }
payload-error-header = the payload's container is damaged at byte { $offset }: the header of member '{ $member }' has a { $field } that payload build never writes
payload-error-manifest-too-large = the manifest is { $size } bytes, more than the { $max } bytes allowed
payload-error-manifest = the manifest is not valid: { $problem }
payload-error-newer-format = this payload needs a newer installer: { $what }, which this one does not read
payload-error-newer-format-version = this payload needs a newer installer: { $what }, which this one does not read; use installer { $version } or newer
payload-error-signature-format = the signature file is not valid: { $problem }
payload-error-signature = { $detail }
payload-error-digest = the payload is damaged: { $component } bytes { $start }..{ $end } (chunk { $chunk }) do not match the signed checksum
payload-error-layout = the payload is damaged: { $problem }
payload-error-frame = the payload is damaged: { $component } bytes { $start }..{ $end } (chunk { $chunk }) do not decompress to the signed length: { $reason }
payload-error-build = cannot build the payload: { $problem }
payload-error-worker-stopped = a worker thread that hashes or checks the payload's chunks stopped unexpectedly

## What was being read or written at an I/O error
payload-io-reading-part = reading { $part } at byte { $at }
payload-io-reading-payload = reading the payload at byte { $at }
payload-io-delivering = writing { $component }
payload-io-opening = opening { $path }
payload-io-reading = reading { $path }
payload-io-creating = creating a file in { $dir }
payload-io-writing = writing { $path }
payload-io-writing-component = writing { $component } into the payload
payload-io-writing-manifest = writing the manifest into the payload
payload-io-reading-back = reading the new payload back
payload-io-renaming = renaming the new payload to { $path }
payload-io-listing-keys = listing the keys in { $dir }
payload-io-compressing = compressing chunk { $chunk } of { $component }
payload-io-randomness = getting random numbers for a new key

## Why a file is not a payload
payload-not-zeros = the file starts with zeros
payload-not-tar = the file does not start with a tar header
payload-not-first-member = its first member is '{ $name }', not manifest.toml
payload-not-signed = manifest.sig is missing
payload-not-second-member = the member after the manifest is '{ $name }', not manifest.sig

## What is damaged in the container ($padding: cut-padding)
payload-damage-padding = { $padding } holds data
payload-damage-checksum-field = the header checksum field is not a number
payload-damage-checksum = the header checksum does not match (this is not a tar header)
payload-damage-not-ustar = the header is not a POSIX ustar header
payload-damage-no-name = the member name is empty or not text
payload-damage-path-prefix = member '{ $member }' uses a path prefix; payload members have plain names
payload-damage-not-plain-file = member '{ $member }' is { $kind ->
    [hard-link] a hard link
    [symlink] a symbolic link
    [char-device] a character device
    [block-device] a block device
    [directory] a directory
    [fifo] a FIFO
    [pax] an extended (pax) header
    [gnu-long-name] a GNU long-name record
   *[other] not a plain file
}; a payload holds only plain files
payload-damage-size = member '{ $member }' has an unreadable size
payload-damage-end-marker = the end-of-archive marker is damaged

## Where a TOML parser found a document wrong ($message: its own words)

## What is wrong with the manifest
payload-manifest-not-text = it is not UTF-8 text
payload-manifest-no-format = 'format' is missing
payload-manifest-format-not-a-number = 'format' is not a number
payload-manifest-format = it is format { $format }; this tool reads formats { $oldest } to { $newest }
payload-manifest-needs-format = '[install]' and 'first-release' need format { $needed }; it says format { $format }
payload-manifest-install = [install]: { $problem }
payload-manifest-product-id = product id '{ $id }' must be 1-64 lowercase letters, digits or '-'
payload-manifest-created = 'created' ({ $created }) is not an RFC 3339 time
payload-manifest-no-upgrade-rule = a release must say which versions it upgrades ('upgrades-from'), or that it is the first ('first-release')
payload-manifest-first-release-upgrades = the first release upgrades nothing: 'upgrades-from' and 'first-release' exclude each other
payload-manifest-hotfix-keys-in-release = 'applies-to', 'hotfix-id' and 'includes-hotfixes' belong to hotfixes, not releases
payload-manifest-no-applies-to = a hotfix must name the release it applies to ('applies-to')
payload-manifest-applies-to-differs = a hotfix carries the version of the release it fixes: 'version' is { $version } but 'applies-to' is { $base }
payload-manifest-hotfix-id = hotfix id '{ $id }' must be 1-32 letters, digits, '.', '_' or '-'
payload-manifest-no-hotfix-id = a hotfix must have an id ('hotfix-id')
payload-manifest-release-keys-in-hotfix = 'upgrades-from', 'first-release' and '[install]' belong to releases, not hotfixes
payload-manifest-too-many-included = 'includes-hotfixes' lists { $count } hotfixes, more than the { $max } allowed
payload-manifest-included-id = included hotfix id '{ $id }' must be 1-32 letters, digits, '.', '_' or '-'
payload-manifest-includes-itself = hotfix { $id } lists itself in 'includes-hotfixes'
payload-manifest-included-twice = 'includes-hotfixes' lists { $id } twice
payload-manifest-empty-trust = [trust] is empty
payload-manifest-no-components = it lists no components
payload-manifest-too-many-components = it lists { $count } components, more than the { $max } allowed
payload-manifest-component-name = component name '{ $name }' is not allowed: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (no '/', no '..')
payload-manifest-reserved-name = '{ $name }' cannot be a component name
payload-manifest-component-twice = component '{ $component }' is listed twice
payload-manifest-component-too-large = component '{ $component }' claims { $size } bytes, more than the { $max } allowed
payload-manifest-chunk-size = component '{ $component }' has chunk size { $chunk_size }; it must be a power of two from { $min } to { $max }
payload-manifest-chunk-count = component '{ $component }' lists { $listed } chunk checksums; { $size } bytes in chunks of { $chunk_size } need { $needed }
payload-manifest-not-compressed = component '{ $component }' is not compressed, yet chunk { $chunk } is '{ $entry }'
payload-manifest-compressed-in-format = component '{ $component }' is compressed, which format { $format } does not allow (format { $needed } does)
payload-manifest-no-stored-length = component '{ $component }' is compressed, yet chunk { $chunk } has no stored length
payload-manifest-stored-too-long = component '{ $component }' chunk { $chunk } claims { $stored } stored bytes, more than a frame of { $chunk_size } bytes ever takes

## Why the manifest's [install] table is refused ($text: quoted)
payload-definition-bad-share = { $text } is not a size: a share is a whole number of percent, e.g. 25%
payload-definition-not-mib = '{ $key }' is { $bytes } bytes, not a whole number of MiB
payload-definition-too-small = '{ $key }' is { $size }, less than the { $min } it needs at least
payload-definition-too-large = '{ $key }' is { $size }, more than the { $max } allowed
payload-definition-bad-percent = '{ $key }' is { $percent }%: a share of the disk is from 1% to 99%
payload-definition-shares-too-large = the ESP, both slots and the config partition take { $percent }% of the disk: the shares must leave room for the data partition (less than 100%)
payload-definition-cmdline-character = 'cmdline' has { $found } at byte { $at }: only printable ASCII characters and spaces go in a kernel command line (no newline, tab or NUL)
payload-definition-cmdline-too-long = 'cmdline' is { $len } bytes, more than the { $max } allowed
payload-definition-cmdline-ferry-argument = 'cmdline' sets { $argument }=, which Ferry sets itself for each slot
payload-definition-bad-title = 'title' must be 1-{ $max } printable characters, no newline
payload-size-empty = no size given: write bytes, or a number with K, M, G or T such as 8G
payload-size-not-a-number = { $text } is not a size: write bytes, or a whole number with K, M, G or T such as 8G
payload-size-unknown-unit = { $text } is not a size: { $unit } is not a unit; use K, M, G or T
payload-size-too-large = { $text } is too large a size

## What is wrong with the signature file ($key: a key's short fingerprint)
payload-signature-too-large = it is { $size } bytes, more than the { $max } allowed
payload-signature-not-text = it is not UTF-8 text
payload-signature-empty = it holds no signature
payload-signature-too-many = it holds { $count } signatures, more than the { $max } allowed
payload-signature-not-base64 = the signature by key { $key } is not valid base64
payload-signature-length = the signature by key { $key } is { $len } bytes; ed25519 signatures are 64

## Why a key cannot be used ($detail: the PEM or SPKI reader's words)
payload-key-in-file = { $file }: { $problem }
payload-key-not-a-fingerprint = '{ $text }' is not a key fingerprint (64 hexadecimal digits)
payload-key-not-private = not an ed25519 private key in PKCS#8 PEM: { $detail }
payload-key-not-public = not an ed25519 public key in SPKI PEM: { $detail }
payload-key-listed-not-base64 = a listed public key is not valid base64
payload-key-listed-not-spki = a listed public key is not ed25519 SPKI: { $detail }
payload-key-weak = the public key is a small-order point and cannot be trusted
payload-key-file-too-large = { $file } is more than { $max } bytes: too large to be a key file

## Which member is not where the manifest puts it
payload-layout-all-read = every component has already been read
payload-layout-too-large = component '{ $component }' is { $size } bytes, more than the { $max } expected
payload-layout-not-read = component '{ $component }' was not read
payload-layout-twice = component '{ $component }' appears twice
payload-layout-unlisted = member '{ $member }' is not listed in the manifest
payload-layout-trailing = there are bytes after the end of the payload (from byte { $at })
payload-layout-missing = component '{ $component }' is missing (the payload ends after the previous one)
payload-layout-out-of-order = component '{ $found }' is where '{ $expected }' should be: the components are out of order or repeated
payload-layout-second-head = a second '{ $member }' follows the signature
payload-layout-size-differs = component '{ $component }' is { $container } bytes in the container but { $manifest } in the manifest
payload-layout-not-a-frame = component '{ $component }' chunk { $chunk } is not a frame of at most { $max } bytes

## Why a signed frame does not decompress ($detail: zstd's words)
payload-frame-beyond = it expands beyond { $len } bytes
payload-frame-short = it expands to { $got } bytes, not { $len }
payload-frame-not-zstd = it is not a valid zstd frame ({ $detail })
payload-frame-no-decompressor = no zstd decompressor could be set up ({ $detail })

## Why a build stops (the admin's media builder)
payload-build-no-key = no signing key given
payload-build-unknown-compression = compression '{ $text }' is not known: use 'zstd', 'zstd:LEVEL' (1 to 22) or 'none'
payload-build-grew = { $component } grew while it was being read
payload-build-member-name = member name '{ $name }' does not fit a tar header
payload-build-not-installable = the release cannot be installed: it has no { $missing }
payload-needed-default-config = default configuration (config-*.toml)
payload-build-does-not-fit = the release does not fit its layout: { $fit }
payload-fit-slot = the root image is { $rootfs } but [install] makes each slot { $slot }
payload-fit-esp = two slots' kernels and initrds need an ESP of { $needed } but [install] makes it { $esp }
payload-build-written-does-not-verify = the payload written does not verify ({ $error }); did an input file change while building?
payload-build-read-back-differs = the payload read back differs from the one written
payload-build-creation-time = the creation time is in year { $year }; an RFC 3339 time is from year 0 to 9999
payload-build-first-release-upgrades = the product's first release upgrades nothing: give 'upgrades-from' or say it is the first, not both
payload-build-no-default-upgrades = { $version } starts a new major version, so 'one release back' is not known: say which releases may upgrade to it (e.g. '>={ $previous }.N.0, <{ $version }' with N the last minor release of { $previous }), or, if it is the product's first release, say so (upgrades-from = "none")
payload-build-outgrew = { $part } came out longer than the space kept for it
payload-build-output-is-input = the output { $path } is also an input component
