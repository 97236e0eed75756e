"""The parts of intent routing: Slack text clean-up, word rules, prompt extraction, exemplar similarity."""
