"""Google's published REST contract for the fake: per-version field lists generated from Google's protos."""
