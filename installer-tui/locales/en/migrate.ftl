# Why a migration set, the chain of its steps or a configuration document
# is refused: the rules of the set and of the documents, with the facts
# that break them. The English says exactly what the log and the reports
# keep (`migrate::Error`'s own words).

## The migration set, migrations.toml
migrate-not-text = not UTF-8 text (an invalid byte at offset { $offset })
migrate-spec-zero-schema = schema must be 1 or more
migrate-spec-step = step { $index } (schema { $from } to { $to })
migrate-spec-not-one-step = { $step }: a step goes from schema N to N+1
migrate-spec-not-following = { $step }: steps must follow each other; the one before ends at schema { $end }
migrate-spec-last-step-end = the last step ends at schema { $end } but schema is { $schema }
migrate-spec-op = { $step }, { $op }
migrate-spec-op-at = op { $index } ({ $name }): { $problem }

## An operation of a step
migrate-op-no-file = names no file
migrate-key-path = key { $key }: { $problem }
migrate-op-file-in-for-each = has a file inside for-each; it acts on each element
migrate-op-rename-to-itself = renames a key to its own name
migrate-op-move-to-file-in-for-each = moves to another file inside for-each
migrate-op-move-into-itself = cannot move { $key } to { $to }: one is inside the other
migrate-op-empty-separator = the separator is empty
migrate-op-too-few-parts = a split needs at least two keys in `into`
migrate-op-part-twice = { $key } appears twice in `into`
migrate-op-part-holds-another = { $key } holds another part
migrate-op-part-type = { $key }: a part is a string or an integer, not { $found }
migrate-op-part-default = { $key }: the default does not fit: { $reason }
migrate-op-default = the default does not fit: { $reason }
migrate-op-empty-map = the map is empty
migrate-op-map-twice = the map lists { $value } twice
migrate-op-nothing-to-check = declares no type, min or max to check
migrate-op-min-above-max = min { $min } is greater than max { $max }
migrate-op-range-not-integer = min and max apply to integers only
migrate-op-too-deep = for-each nests more than { $max } deep
migrate-op-in-for-each = in { $array }, { $op }

## Key and file names
migrate-name-empty-key = empty key name
migrate-name-key-too-long = key name longer than { $max } characters
migrate-name-key-character = key name { $name } has { $character }; only letters, digits, '_' and '-' are allowed
migrate-name-too-many-parts = more than { $max } parts
migrate-name-file-length = file name must have 1 to { $max } characters
migrate-name-hidden-file = file name { $name } starts with '.'
migrate-name-file-character = file name { $name } has { $character }; only letters, digits, '_', '-' and '.' are allowed
migrate-name-not-toml-document = { $name } is not a .toml document
migrate-name-schema-file = { $file } is Ferry's own record of the schema; migrations may not change it

## Why there is no chain of steps
migrate-no-path-downgrade = the configuration is newer than this release; downgrades are not supported
migrate-no-path-past-release = this release's configuration is schema { $schema }
migrate-no-path-too-old = this release migrates configurations from schema { $oldest } on; upgrade first with a release that migrates schema { $from }

## A configuration document
migrate-document-syntax = not valid TOML: { $syntax }
migrate-document-too-large = { $size } bytes, more than the { $max } allowed
migrate-document-too-many-files = the configuration has more than { $max } files
migrate-document-not-a-file = not a regular file; a configuration directory holds only files
migrate-document-no-schema-file = missing: the configuration does not record its schema
migrate-document-no-schema-key = has no `schema` key
migrate-document-bad-schema = `schema` must be a whole number, 1 or more
