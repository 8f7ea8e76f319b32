"""Reader's core: importing, storing, indexing and searching documents (no Qt here)."""
