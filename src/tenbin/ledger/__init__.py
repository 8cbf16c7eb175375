"""Usage ledger: one row per request (``record``), written in batches off the request path (``writer``)."""
