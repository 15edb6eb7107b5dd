"""Organizations policies: their records, the attachment index, validation and inheritance."""
