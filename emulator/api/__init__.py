"""One module per AWS service area: thin handlers from parsed params to core calls."""
