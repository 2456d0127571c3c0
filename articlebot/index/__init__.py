"""The index on disk: the folder's format and writer, building, dense and keyword search."""
