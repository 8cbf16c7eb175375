"""What-if replay: run the ledger's request metadata through routing with a changed catalog,
availability, FX or policy, and report what would have moved and what it would have cost."""
