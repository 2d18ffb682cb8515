"""What a node holds besides its text: options (label, target, keywords), links (https
only) and a contact for a referral."""

from __future__ import annotations

import re

from yaml.nodes import Node as YNode
from yaml.nodes import ScalarNode

from bot.dialogue.loader.fields import examples_of, keywords_of
from bot.dialogue.loader.reading import Checker
from bot.dialogue.matching import keyword_stems
from bot.dialogue.model import Contact, Link, Option, Where

OPTION_KEYS = ("label", "goto", "keywords", "examples")
LINK_KEYS = ("label", "url")
CONTACT_KEYS = ("name", "phone", "hours", "place", "url")


def parse_options(
    c: Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> tuple[Option, ...]:
    if "options" not in fields:
        return ()
    items = c.sequence(fields["options"][1], f"the options of node '{node_id}'")
    if items is not None and not items:
        c.error(
            fields["options"][0],
            f"node '{node_id}' has an empty 'options' list",
            "add options, or remove 'options:' and add 'end: check'",
        )
    options: list[Option] = []
    owner_of_stems: dict[tuple[str, ...], tuple[str, Where]] = {}
    for number, item in enumerate(items or (), start=1):
        ofields = c.mapping(item, f"option {number} of node '{node_id}'", OPTION_KEYS,
                            locale_keys=True)
        if ofields is None:
            continue
        what = f"option {number} of node '{node_id}'"
        label = _required(c, item, ofields, "label", what, f"the label of option {number}",
                          "add 'label:' with the text shown to the person")
        target = _required(c, item, ofields, "goto", what, f"'goto' of option {number}",
                           "add 'goto:' with the id of the node it leads to")
        keywords, by_locale = keywords_of(c, ofields, f"option {number}")
        all_keywords = keywords + tuple(w for _, ws in by_locale for w in ws)
        where = c.at(item)
        for kw in all_keywords:
            stems = keyword_stems(kw)
            previous = owner_of_stems.get(stems)
            if previous is not None and previous[0] != (label or ""):
                c.error(
                    where,
                    f"options '{previous[0]}' and '{label}' of node '{node_id}' share the "
                    f"keyword '{kw}'",
                    "keep it on one option only, so the bot knows which one is meant",
                )
            else:
                owner_of_stems[stems] = (label or "", where)
        if label is None or target is None:
            continue
        options.append(Option(label=label, target=target, keywords=all_keywords, where=where,
                              examples=examples_of(c, ofields, f"option {number}")))
    return tuple(options)


def _required(c: Checker, item: YNode, fields: dict[str, tuple[ScalarNode, YNode]], key: str,
              owner: str, what: str, hint: str) -> str | None:
    """The text under ``key``, or None with "``owner`` has no '``key``'" reported."""
    if key not in fields:
        c.error(item, f"{owner} has no '{key}'", hint)
        return None
    return c.text(fields[key][1], what)


def parse_links(
    c: Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> tuple[Link, ...]:
    if "links" not in fields:
        return ()
    links: list[Link] = []
    for item in c.sequence(fields["links"][1], f"the links of node '{node_id}'") or ():
        lfields = c.mapping(item, f"a link of node '{node_id}'", LINK_KEYS)
        if lfields is None:
            continue
        if "url" not in lfields:
            c.error(item, "this link has no 'url'", "add 'url: https://…'")
            continue
        if "label" not in lfields:
            c.error(item, "this link has no 'label'", "add 'label:' with the words shown")
            continue
        url = c.text(lfields["url"][1], "the link url")
        label = c.text(lfields["label"][1], "the link label")
        if url is None or label is None:
            continue
        if not https(url):
            c.error(lfields["url"][1], f"the link '{url}' is not https",
                    "use the official https:// address of the site")
            continue
        links.append(Link(label=label, url=url))
    return tuple(links)


def https(url: str) -> bool:
    return re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#][^\s]*)?$", url) is not None


def parse_contact(
    c: Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> Contact | None:
    if "contact" not in fields:
        return None
    cfields = c.mapping(fields["contact"][1], f"the contact of node '{node_id}'", CONTACT_KEYS)
    if cfields is None:
        return None
    if "name" not in cfields:
        c.error(fields["contact"][1], "this contact has no 'name'", "add 'name:' (e.g. La Caf)")
        return None
    values = {k: c.text(v, f"contact {k}") or "" for k, (_, v) in cfields.items()}
    if values.get("url") and not https(values["url"]):
        c.error(cfields["url"][1], f"the link '{values['url']}' is not https",
                "use the official https:// address of the site")
        values["url"] = ""
    if not (values.get("phone") or values.get("place") or values.get("url")):
        c.error(fields["contact"][1], "this contact has no phone, place or url",
                "add at least one way to reach them")
    return Contact(
        name=values.get("name", ""),
        phone=values.get("phone", ""),
        hours=values.get("hours", ""),
        place=values.get("place", ""),
        url=values.get("url", ""),
    )
