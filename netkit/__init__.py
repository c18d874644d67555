"""Network pieces the job (picletter) and the Pulumi program (infra) both use: bounded retries for
httpx (retries.py), a client built with them (client.py) and the loopback hosts that may be reached
without TLS (loopback.py).

Imports nothing of the project's: the bottom layer under both (pyproject.toml's
[tool.importlinter] contracts). Shipped in the job's tarball beside picletter/.
"""
