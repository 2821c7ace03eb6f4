"""One glyph and one colour per pack, shared by the gutter markers and the notes pane.

A pack's index in the PackSet picks its entry (modulo the palette size). Colours are theme
variables, so every theme gives the packs readable, distinct colours.

API: `PACK_GLYPHS`, `MOVED_GLYPHS` (hollow variants for notes whose code moved),
`CHANGED_GLYPHS` (half-filled variants for notes whose code changed since they were written),
`PACK_COLORS` (CSS variables), `pack_slot(index) -> int`, `pack_glyph(index, moved=False, changed=False)`,
`pack_color(index) -> str`, `pack_class(index) -> str` (e.g. "pack-2"),
`pack_css(selector_template) -> str`: one rule per pack, e.g.
`pack_css("NoteEntry.{cls} .marker {{ color: {color}; }}")`.
"""

from __future__ import annotations

PACK_GLYPHS = "●◆▲■★✚"
MOVED_GLYPHS = "○◇△□☆✛"
CHANGED_GLYPHS = "◐⬖◭◩✬✜"
PACK_COLORS = ("$text-accent", "$text-success", "$text-warning", "$text-error", "$text-secondary", "$text-primary")


def pack_slot(index: int) -> int:
    return index % len(PACK_COLORS)


def pack_glyph(index: int, moved: bool = False, changed: bool = False) -> str:
    return (CHANGED_GLYPHS if changed else MOVED_GLYPHS if moved else PACK_GLYPHS)[pack_slot(index)]


def pack_color(index: int) -> str:
    return PACK_COLORS[pack_slot(index)]


def pack_class(index: int) -> str:
    return f"pack-{pack_slot(index)}"


def pack_css(template: str) -> str:
    return "\n".join(template.format(cls=f"pack-{slot}", color=color) for slot, color in enumerate(PACK_COLORS))
