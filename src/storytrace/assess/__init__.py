"""Assessment: each proposition's status (corroborated, contested, denied, circular, single-source), with reasons."""
