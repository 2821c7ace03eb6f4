"""Textual bindings made from the one key table (k8sread.core.keymap)."""

from __future__ import annotations

from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode

from k8sread.core.keymap import KeyAction, Keymap


def bindings_for(keymap: Keymap, scope: str) -> list[BindingType]:
    """Single-key bindings of one scope, each with its binding id; chords are the source
    view's (they need the second key)."""
    return [binding(action) for action in keymap.scope(scope) if action.single_keys()]


def binding(action: KeyAction) -> Binding:
    return Binding(",".join(action.single_keys()), action.action, action.description, show=action.show, id=action.id)


def install_bindings(node: DOMNode, keymap: Keymap, scope: str) -> None:
    """Give `node` the keymap's bindings for `scope`, over what its classes inherit (a
    ScrollView's own arrow keys, a Screen's tab)."""
    merged = node._merged_bindings.copy() if node._merged_bindings is not None else BindingsMap()
    # The class's own defaults (made from the same table) go: a key given away must not stay.
    for key, key_bindings in list(merged.key_to_bindings.items()):
        kept = [b for b in key_bindings if not (b.id or "").startswith(f"{scope}.")]
        if kept:
            merged.key_to_bindings[key] = kept
        else:
            del merged.key_to_bindings[key]
    ours = BindingsMap(bindings_for(keymap, scope))
    for key, key_bindings in ours.key_to_bindings.items():
        merged.key_to_bindings[key] = list(key_bindings)
    node._bindings = merged
