"""Talk to Curator without a Slack workspace: a loopback emulator of the Slack Web API and workspace."""
