### Ferry installer: what the engine was doing (English)
###
### What the engine was doing when an I/O error came (an act on an
### object, sometimes at a byte), why a payload's signature is refused,
### what a newer payload asks for. The English words are the ones the log
### and the reports keep.

## What was being done: the act, with its object
doing-opening = opening { $object }
doing-opening-to-write = opening { $object } for writing
doing-opening-to-read-back = opening { $object } for the read-back
doing-reading = reading { $object }
doing-reading-back = reading back { $object }
doing-writing = writing { $object }
doing-zeroing = zeroing { $object }
doing-discarding = discarding { $object }
doing-flushing = flushing { $object }
doing-formatting = formatting { $object }
doing-removing = removing { $object }
doing-at = { $doing } at byte { $offset }

## The object of an act (in French, with its "de")
doing-object-disk = { $path }
doing-object-file = { $path }
doing-object-payload-file = the payload { $path }
doing-object-payload = the payload
doing-object-boot-file = the boot file { $path } (on Debian: package { $package })
doing-object-slot = slot { $slot }
doing-object-partition = { $partition }
doing-object-esp = the ESP
doing-object-esp-file = { $path } on the ESP
doing-object-config-file = { $path } on the config partition
doing-object-state-record = the state record
doing-object-boot-entry = the boot entry of slot { $slot }
doing-object-partition-table = the partition table
doing-object-protective-mbr = the protective MBR
doing-object-efi-variable = { $name }
doing-object-bytes = bytes { $start }..{ $end }

## The firmware's boot entries
error-no-free-boot-option = every Boot#### variable of the firmware is taken: no boot entry can be added

## Why a payload's signature is refused
untrusted-mismatch = the signature by key { $key } does not match the manifest: the payload was changed after it was signed
untrusted-revoked = the payload is signed by key { $key }, which has been revoked
untrusted-not-trusted = the payload is signed by key { $key }, which is not trusted here (trusted: { $trusted })
untrusted-no-key-trusted = none
untrusted-unsigned = the payload carries no signature
untrusted-no-key-left = the payload would revoke every trusted key, leaving none to verify the next one

## What a newer payload has that this installer does not read
newer-format = it is payload format { $format }
newer-compression = component '{ $component }' is compressed with '{ $compression }'

## Where a payload's file stops too early ($section: manifest, signature,
## component (named $name) or end)
cut-header = the header of { $section ->
    [manifest] the manifest
    [signature] the signature
    [end] the end of the payload
   *[component] component '{ $name }'
}
cut-whole = { $section ->
    [manifest] the manifest
    [signature] the signature
    [end] the end of the payload
   *[component] component '{ $name }'
}
cut-padding = the padding after { $section ->
    [manifest] the manifest
    [signature] the signature
    [end] the end of the payload
   *[component] component '{ $name }'
}
cut-end-marker = the end-of-archive marker
cut-bytes = component '{ $component }' (bytes { $start }..{ $end })
cut-chunk = component '{ $component }' (chunk { $chunk }, bytes { $start }..{ $end })
