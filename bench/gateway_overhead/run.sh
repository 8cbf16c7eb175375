#!/bin/sh
# Run the whole benchmark inside a fresh network namespace with loopback only: the mock, every
# proxy (LiteLLM included) and the load generator share 127.0.0.1 and nothing can reach out.
#   sh bench/gateway_overhead/run.sh            # full run (~5 min)
#   sh bench/gateway_overhead/run.sh --quick    # 1-2 s points, to check the harness
set -eu
cd "$(dirname "$0")/../.."
PY="${PYTHON:-.venv/bin/python}"
exec unshare -n sh -c 'ip link set lo up && exec "$0" bench/gateway_overhead/run.py "$@"' "$PY" "$@"
