"""What every test module may need, light enough for the fakes to import too (tests/helpers.py,
which loads the Pulumi program, re-exports both)."""

from __future__ import annotations

from pathlib import Path

from netkit.retries import RetrySettings

__all__ = ["FAST_RETRY", "REPO"]

REPO = Path(__file__).resolve().parents[1]
# Retries as the real settings make them, with waits too short to slow the suite.
FAST_RETRY = RetrySettings(attempts=3, backoff_factor=0.001, max_backoff_wait=0.01, total_sleep=1.0)
