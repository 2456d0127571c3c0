"""Where the index and the chat state are kept, behind small interfaces: the local folder and
in-memory state first; a database backend plugs in here without touching ranking or handlers."""
