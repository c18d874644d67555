"""Offline render of what a deploy would create, for review without credentials."""

from infra.synth.render import SynthResult, synth

__all__ = ["SynthResult", "synth"]
