"""`grade watch`: re-grade on every save, in warm processes."""
