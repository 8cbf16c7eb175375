"""The embedded llama.cpp engine, run in supervised worker processes.

A native fault in llama.cpp (a SIGSEGV in a CPU kernel, an OOM kill) must never take the gateway
down with it, so the gateway process never imports ``llama_cpp``: ``engine.py`` runs only inside
``worker.py`` processes, which ``supervisor.py`` starts, feeds over a pipe (``protocol.py``),
watches and respawns.
"""
