"""State several gateway replicas must agree on (rate limits, budget reservations, breaker state,
response cache), kept in Redis when ``redis:`` is configured and in-process otherwise."""
