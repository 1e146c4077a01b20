"""What the analyst reads and other tools import: the dossier JSON, briefings, exports."""
