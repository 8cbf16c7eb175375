"""Observability: Prometheus metrics (``metrics``); every number comes from the ledger record or
from state read at scrape time, never from a second count kept beside it. OpenTelemetry traces
(``tracing``, the ``otel`` extra) are off unless configured and import nothing until then."""
