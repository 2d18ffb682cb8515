"""A conversation standing on a node the tree no longer has goes back to the menu, kindly.

Admins reload the dialogues while people are talking (SIGHUP, !recharger), and a restart with
edited files does the same: a saved state may name a node, or offer choices, that the new tree
has lost. Read against the new tree, the person's "2" would pick the menu's second topic, so
their next message gets one sentence and the menu instead. Distress still comes first, and a
command ("stop", "oublie-moi", "quelqu'un") is still obeyed, after the sentence.
"""

from __future__ import annotations

from bot.dialogue.engine import Engine, command_of
from bot.dialogue.language_policy import is_distress
from bot.dialogue.model import Phase, Say, State, Step, Tree
from bot.dialogue.texts import N_

#: What the person reads before the menu (a msgid, translated like the bot's other sentences).
NODE_GONE = N_("Cette partie des réponses a changé pendant notre échange. Je vous remets au "
               "menu.")

# phases whose meaning depends on the node (or the choices) the state names
_NODE_PHASES = (Phase.NODE, Phase.CHECK, Phase.CHOOSE)


def vanished(tree: Tree, state: State) -> bool:
    """Whether ``state`` points at a node or a choice that ``tree`` does not have."""
    if state.phase not in _NODE_PHASES:
        return False
    if state.phase is Phase.CHOOSE:
        return any(not _exists(tree, choice) for choice in state.choices)
    return state.node is not None and tree.node(state.node) is None


def _exists(tree: Tree, choice: str) -> bool:
    if choice.endswith(":"):
        return tree.topic(choice[:-1]) is not None
    return tree.node(choice) is not None


def back_to_menu(state: State) -> State:
    return state.but(phase=Phase.MENU, node=None, history=(), choices=(), misses=0)


class ReloadSafeEngine(Engine):
    """The engine, plus the kind way back from a node that a reload removed."""

    def step(self, state: State, text: str) -> Step:
        if not vanished(self.tree, state):
            return super().step(state, text)
        menu_state = back_to_menu(state)
        plain = super().step(menu_state, text)
        if is_distress(plain):
            return plain  # the emergency numbers first, nothing in front of them
        if command_of(text) is not None:
            return Step(plain.state, (Say(NODE_GONE), *plain.effects))
        menu = self.start(menu_state)
        return Step(menu.state, (Say(NODE_GONE), *menu.effects))
