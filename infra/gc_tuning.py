"""Garbage-collector settings for evaluating the Pulumi program.

The program allocates many objects that live until it ends (resources, outputs, their futures), and
CPython's default first-generation threshold (2,000 allocations) makes the collector walk them over
and over, along with every object the imports made (azure-native's modules among them): with 500
jobs each further job cost 1.6x what it cost at 10. Freezing what exists when the program starts
(it lives as long as the process) and a threshold of 100,000 keep the cost per job flat
(bench/program_evaluation.py: x1.09 from 10 to 500 jobs, where a disabled collector gives x1.04);
unreachable cycles are still collected.
"""

from __future__ import annotations

import gc

__all__ = ["tune_for_program_evaluation"]

FIRST_GENERATION_THRESHOLD = 100_000


def tune_for_program_evaluation() -> None:
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
