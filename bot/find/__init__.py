"""Find: images users upload to Slack become search queries (safe download, decoding, lookup)."""
