"""Offline render of what a deploy would create, for review without credentials: the mock runner
(the real program under the SDK's mocks), the review computed from what the program registered,
the ARM template and the cost. May import anything in infra but the command line.
"""

from infra.synth.render import SynthResult, synth

__all__ = ["SynthResult", "synth"]
