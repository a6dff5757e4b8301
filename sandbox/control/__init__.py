"""The control API under `/_sandbox/`: how tests, benchmarks and the handset page drive
the sandbox (register apps and handsets, act as a handset, read what happened,
inject faults, reset). JSON in, JSON out; errors are `{"error": "..."}`.
"""
