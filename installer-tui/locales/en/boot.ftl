### Ferry installer: boot (English)

