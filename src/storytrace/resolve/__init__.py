"""Cross-document resolution: names, entities, events, claims, stance, sources."""
