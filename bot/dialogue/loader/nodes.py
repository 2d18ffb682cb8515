"""One node of a topic: its text, its ending, and the checks an admin needs on it (dead end,
a referral without a contact, a text too long for a phone screen)."""

from __future__ import annotations

import difflib

from yaml.nodes import Node as YNode
from yaml.nodes import ScalarNode

from bot.dialogue.loader.fields import ident, plain_warnings
from bot.dialogue.loader.node_parts import parse_contact, parse_links, parse_options
from bot.dialogue.loader.reading import Checker, Draft
from bot.dialogue.model import Ending, Node

MAX_TEXT = 500  # characters: about one phone screen
NODE_KEYS = ("id", "text", "options", "links", "contact", "use", "end")

Fields = dict[str, tuple[ScalarNode, YNode]]


def parse_node(c: Checker, item: YNode, topic_id: str, draft: Draft) -> Node | None:
    fields = c.mapping(item, "a node", NODE_KEYS)
    if fields is None:
        return None
    if "id" not in fields:
        c.error(item, "this node has no 'id'", "add 'id: some_name' as its first line")
        return None
    node_id = ident(c, fields["id"][1], "the node id")
    if node_id is None:
        return None
    where = c.at(fields["id"][1])
    text = ""
    if "text" not in fields:
        c.error(where, f"node '{node_id}' has no 'text'", "add 'text:' with what the bot says")
    else:
        text = c.text(fields["text"][1], f"the text of node '{node_id}'") or ""
    options = parse_options(c, fields, node_id)
    links = parse_links(c, fields, node_id)
    contact = parse_contact(c, fields, node_id)
    ending = _ending(c, fields, node_id, has_options=bool(options))
    if not options and ending is Ending.NONE and "end" not in fields and "options" not in fields:
        c.error(
            where,
            f"node '{node_id}' is a dead end: no options and no 'end'",
            "add options, or 'end: check' to ask whether it helped",
        )
    if ending is Ending.REFER and contact is None:
        c.error(
            fields["end"][1],
            f"node '{node_id}' ends with 'refer' but has no 'contact'",
            "add a 'contact:' with name and phone or place",
        )
    _uses(c, fields, f"{topic_id}:{node_id}", draft)
    _text_warnings(c, fields, text, node_id)
    return Node(
        id=node_id,
        topic=topic_id,
        text=text,
        options=options,
        links=links,
        contact=contact,
        ending=ending,
        where=where,
    )


def _ending(c: Checker, fields: Fields, node_id: str, *, has_options: bool) -> Ending:
    if "end" not in fields:
        return Ending.NONE
    ending = Ending.NONE
    raw = c.text(fields["end"][1], f"'end' of node '{node_id}'") or ""
    try:
        ending = Ending(raw)
    except ValueError:
        close = difflib.get_close_matches(raw, ["check", "refer", "handover", "menu"], n=1)
        hint = f"did you mean '{close[0]}'?" if close else "use check, refer, handover or menu"
        c.error(fields["end"][1], f"unknown ending '{raw}'", hint)
    if ending is Ending.NONE and raw == "none":
        c.error(fields["end"][1], "unknown ending 'none'", "use check, refer, handover or menu")
    if has_options and ending is not Ending.NONE:
        c.error(
            fields["end"][0],
            f"node '{node_id}' has both options and 'end'",
            "a node either offers choices or ends: remove one of them",
        )
        return Ending.NONE
    return ending


def _uses(c: Checker, fields: Fields, key: str, draft: Draft) -> None:
    """The snippets a node appends (``use:``), resolved once every file is read."""
    if "use" not in fields:
        return
    for name_node in c.sequence(fields["use"][1], "'use'") or ():
        name = c.text(name_node, "a snippet name")
        if name:
            draft.uses.append((key, name, c.at(name_node)))


def _text_warnings(c: Checker, fields: Fields, text: str, node_id: str) -> None:
    if "text" not in fields:
        return
    if text:
        plain_warnings(c, fields["text"], text, f"node '{node_id}'")
    if len(text) > MAX_TEXT:
        c.warn(
            fields["text"][1],
            f"the text of node '{node_id}' has {len(text)} characters: too long for a phone screen",
            f"keep it under {MAX_TEXT}: split it into two nodes, or shorten the sentences",
        )
