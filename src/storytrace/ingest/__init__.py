"""Readers: turn paths, folders, URLs, feeds, JSONL and stdin into raw items (fetch, decode, size limits)."""
