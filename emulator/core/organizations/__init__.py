"""organizations."""
