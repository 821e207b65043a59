"""The workshop content: typed models, reading and checking modules/ and exercises/, the
facilitator's guidance, and turning content into a session plan."""
