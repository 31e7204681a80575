"""The dialogue engine: packs in, prompts out, answers in, transcripts and action items out.

Pure by design: no Textual, no files, no network, no clock or randomness of its own. Every
front end (the TUI, the line mode, the retro, the tests) drives this same engine.
"""

from coach.engine.dialogue import (
    ActionItem,
    Clock,
    Dialogue,
    Progress,
    Prompt,
    Reply,
    RestoreError,
    SectionProgress,
    Turn,
)
from coach.engine.errors import PackError, Problem, TemplateFailure
from coach.engine.pack import Option, Pack, Scale, Step, load_pack

__all__ = [
    "ActionItem",
    "Clock",
    "Dialogue",
    "Option",
    "Pack",
    "PackError",
    "Problem",
    "Progress",
    "Prompt",
    "Reply",
    "RestoreError",
    "Scale",
    "SectionProgress",
    "Step",
    "TemplateFailure",
    "Turn",
    "load_pack",
]
