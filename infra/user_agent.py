"""How infra names itself to every service it calls (the Heroku Platform API, Azure Resource
Manager, and the signed URLs both hand out): one User-Agent, the same from each client."""

from __future__ import annotations

__all__ = ["USER_AGENT"]

USER_AGENT = "picletter-infra/0.1 (+https://github.com/picletter/picletter)"
