### Ferry installer: engine (English)

