"""What ``bot check`` says about examples: too few of them, or one the model reads elsewhere.

A conflict is an example that the current engine (keywords, rules and the classifier trained
with every example) sends to another topic or another answer: the admin must see it, with the
example's file:line, because people who write like it will be sent there too.
"""

from __future__ import annotations

from bot.dialogue.engine import Engine
from bot.dialogue.loader import Problem, Severity
from bot.dialogue.model import Example, TopicKind, Tree, Where

MIN_TOPIC_EXAMPLES = 40


def lint_examples(tree: Tree, engine: Engine) -> list[Problem]:
    problems: list[Problem] = []
    if not has_examples(tree):
        return problems  # a keywords-only tree: nothing to check, nothing to ask for yet
    for topic in tree.topics:
        if topic.kind is TopicKind.URGENT:
            continue  # distress is the safety layers' to recognise, not this topic's
        count = len(topic.examples) + sum(
            len(o.examples) for n in tree.nodes if n.topic == topic.id for o in n.options)
        if count < MIN_TOPIC_EXAMPLES and topic.where is not None:
            problems.append(_warning(
                topic.where, f"topic '{topic.id}' has {count} example(s)",
                f"write at least {MIN_TOPIC_EXAMPLES} 'examples:' as people would write them"))
        for example in topic.examples:
            problems.extend(_check(engine, example, topic.id, None))
    for node in tree.nodes:
        for option in node.options:
            target = tree.resolve(option, node.topic)
            for example in option.examples:
                problems.extend(_check(engine, example, node.topic, target))
    return problems


def has_examples(tree: Tree) -> bool:
    return any(t.examples for t in tree.topics) or any(
        o.examples for n in tree.nodes for o in n.options)


def _check(engine: Engine, example: Example, topic: str, target: str | None) -> list[Problem]:
    if example.where is None:
        return []
    route = engine.route(example.text)
    if route.topic is not None and route.topic != topic:
        return [_warning(example.where,
                         f"the example '{example.text}' is understood as topic '{route.topic}'",
                         f"make it say more clearly that it is about '{topic}', or move it")]
    if target is None or route.topic != topic or route.node is None:
        return []
    entry = engine.tree.entry(topic)
    if route.node not in (target, entry.key if entry else None) and not _above(
            engine, route.node, target):
        return [_warning(example.where,
                         f"the example '{example.text}' leads to '{route.node}', not '{target}'",
                         "make it more specific, or check the keywords of the two options")]
    return []


def _above(engine: Engine, node: str, target: str) -> bool:
    """Whether ``node`` is on the way from the topic's entry to ``target``."""
    key = target
    for _ in range(10):
        parent = engine.parent_of(key)
        if parent is None:
            return False
        if parent == node:
            return True
        key = parent
    return False


def _warning(where: Where, message: str, hint: str) -> Problem:
    return Problem(where, message, hint, Severity.WARNING)
