"""``tenbin serve --workers N``: several HTTP worker processes on one port, one machine.

The supervisor (:mod:`tenbin.workers.supervisor`) binds the listening socket once and hands it
to N worker processes, restarts a worker that dies and drains them all on SIGTERM/SIGINT. The
state that must be exact across workers without Redis — budget reservations and rate-limit
windows — lives in the supervisor behind a unix socket (:mod:`tenbin.workers.state`), which the
workers reach through :mod:`tenbin.workers.link`. The ledger and the audit chain need nothing
extra: every worker writes its own rows, and the store's append transaction (``BEGIN
IMMEDIATE`` on SQLite) serialises the chain's head across processes.
"""
