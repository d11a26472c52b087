"""An inventory service written the way fastapi-rules says not to (see ../README.md)."""
