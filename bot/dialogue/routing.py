"""Where a free message leads: the admins' keywords compiled once per tree, combined with the
learned understanding when there is one, down to the answer node the message asks for.

The engine asks this for every sentence it does not read as a command or a choice; it is
pure given the tree, and ``python -m bot route`` shows its answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.commands import Command, command_of
from bot.dialogue.matching import KeywordIndex, label_similarity, normalise, option_number
from bot.dialogue.model import Node, TopicKind, Tree
from bot.understanding.ensemble import SCAMS, Understanding
from bot.understanding.signals import scam

# How sure routing must be to act on free text (a full keyword of one specific word ~ 1.0).
ROUTE_THRESHOLD = 0.9
MIN_STRENGTH = 0.8  # at least one keyword must be there, typos allowed
AMBIGUITY_RATIO = 0.8  # a runner-up this close to the best makes us ask


@dataclass(frozen=True, slots=True)
class Route:
    """How a free message is understood: shown by ``python -m bot route``."""

    topic: str | None
    node: str | None  # node key
    score: float
    ambiguous: tuple[str, ...] = ()

class Routing:
    """A tree's keywords as indexes, and each node's first parent (for "retour")."""

    def __init__(self, tree: Tree, understanding: Understanding | None = None) -> None:
        self.tree = tree
        self.understanding = understanding
        pairs: list[tuple[str, str]] = []
        for topic in tree.topics:
            pairs.extend((topic.id, kw) for kw in topic.keywords)
            pairs.append((topic.id, topic.id.replace("_", " ")))
        self.topics_index = KeywordIndex.build(pairs)
        option_pairs: list[tuple[str, str]] = []
        self._option_owner_topic: dict[str, str] = {}
        for node in tree.nodes:
            for option in node.options:
                target = tree.resolve(option, node.topic)
                owner = f"{node.key}>{target}"
                self._option_owner_topic[owner] = node.topic
                option_pairs.extend((owner, kw) for kw in option.keywords)
        self.options_index = KeywordIndex.build(option_pairs)
        KeywordIndex.share_fuzzy(self.topics_index, self.options_index)
        self._owners_of: dict[str, frozenset[str]] = {
            node.key: frozenset(
                f"{node.key}>{tree.resolve(o, node.topic)}" for o in node.options
            )
            for node in tree.nodes
        }
        self.menu = tree.menu_topics()
        # first parent of each node inside its topic, so "retour" works after a direct jump
        self._parent: dict[str, str] = {}
        for topic in tree.topics:
            queue = [f"{topic.id}:{topic.entry}"]
            while queue:
                key = queue.pop(0)
                current = tree.node(key)
                for option in current.options if current else ():
                    child = tree.resolve(option, topic.id)
                    entry = f"{topic.id}:{topic.entry}"
                    if child.startswith(f"{topic.id}:") and child not in self._parent \
                            and child != entry:
                        self._parent[child] = key
                        queue.append(child)

    def route(self, text: str) -> Route:
        """Which topic (and, when the message says enough, which node) a free message means."""
        if command_of(text) is Command.HUMAN:
            human = next((t for t in self.tree.topics if t.kind is TopicKind.HUMAN), None)
            if human is not None:
                return Route(human.id, f"{human.id}:{human.entry}", 1.0)
        keywords = self._keyword_route(text)
        if self.understanding is None or not normalise(text):
            return keywords
        topic = self.tree.topic(keywords.topic or "")
        if topic is not None and topic.kind is TopicKind.URGENT \
                and len(normalise(text).split()) <= 3:
            return keywords  # "urgence", "danger", "au secours": the emergency topic at once
        if scam(text) and self.tree.topic(SCAMS) is not None:
            # a scam imitates an agency: naming the Caf must not send it to the Caf's answers
            return Route(SCAMS, self._answer_of(text, SCAMS), 1.0)
        if keywords.topic is not None and self._is_answer(keywords) \
                and self.understanding.agrees(text, keywords.topic):
            # the keywords named a precise answer, and the classifier does not object
            return keywords
        choice = self.understanding.choose(text, keywords.topic, keywords.ambiguous)
        if choice.topic is None:
            return Route(None, None, round(choice.score, 3), choice.ambiguous)
        if choice.topic == keywords.topic and keywords.node is not None \
                and self._is_answer(keywords):
            return keywords
        return Route(choice.topic, self._answer_of(text, choice.topic), round(choice.score, 3))

    def _answer_of(self, text: str, topic: str) -> str | None:
        """The answer node of ``topic`` a message asks for: the options' examples decide when
        the message says enough (three words at least), else the options' keywords."""
        if self.understanding is not None and len(normalise(text).split()) >= 3:
            learned = self.understanding.node(text, topic)
            if learned is not None and self.tree.node(learned) is not None:
                return learned
        tokens = self.topics_index.message_tokens(text)
        option_hits = self.options_index.ranked(tokens) if tokens else []
        return self._descend(topic, {owner: score for owner, score, _ in option_hits})

    def parent_of(self, key: str) -> str | None:
        """The node one "retour" leads back to from ``key`` inside its topic."""
        return self._parent.get(key)

    def history_to(self, key: str) -> tuple[str, ...]:
        """The nodes "retour" walks back through from ``key``, oldest first (a direct jump
        into a topic still has its way back)."""
        chain: list[str] = []
        while key in self._parent and len(chain) < 10:
            key = self._parent[key]
            chain.append(key)
        return tuple(reversed(chain))

    def _is_answer(self, route: Route) -> bool:
        entry = self.tree.entry(route.topic or "")
        return route.node is not None and entry is not None and route.node != entry.key

    def _keyword_route(self, text: str) -> Route:
        """The admins' keywords alone: the whole understanding when no classifier is trained."""
        tokens = self.topics_index.message_tokens(text)
        if not tokens:
            return Route(None, None, 0.0)
        scores: dict[str, float] = {}
        strength: dict[str, float] = {}
        for owner, score, strong in self.topics_index.ranked(tokens):
            scores[owner] = scores.get(owner, 0.0) + score
            strength[owner] = max(strength.get(owner, 0.0), strong)
        option_hits = self.options_index.ranked(tokens)
        for owner, score, strong in option_hits:
            topic = self._option_owner_topic[owner]
            scores[topic] = scores.get(topic, 0.0) + 0.6 * score
            strength[topic] = max(strength.get(topic, 0.0), 0.75 * strong)
        if not scores:
            return Route(None, None, 0.0)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best_topic, best = ranked[0]
        score = round(min(1.0, best / (best + 0.35)), 3)
        if strength.get(best_topic, 0.0) < MIN_STRENGTH or best < ROUTE_THRESHOLD * 0.5:
            return Route(None, None, score)
        close = tuple(t for t, s in ranked[1:] if s >= AMBIGUITY_RATIO * best)
        if close:
            return Route(None, None, score, (best_topic, *close))
        node = self._descend(best_topic, {owner: score for owner, score, _ in option_hits})
        return Route(best_topic, node, score)

    def _descend(self, topic_id: str, option_scores: dict[str, float]) -> str | None:
        entry = self.tree.entry(topic_id)
        if entry is None:
            return None
        key = entry.key
        for _ in range(5):
            owners = self._owners_of.get(key, frozenset())
            hits = sorted(
                ((option_scores[o], o) for o in owners if o in option_scores), reverse=True
            )
            if not hits or hits[0][0] < ROUTE_THRESHOLD * 0.8:
                break
            if len(hits) > 1 and hits[1][0] >= AMBIGUITY_RATIO * hits[0][0]:
                break
            target = hits[0][1].split(">", 1)[1]
            if target.split(":", 1)[0] != topic_id or self.tree.node(target) is None:
                break
            key = target
        return key

    def pick_option(self, node: Node, text: str) -> tuple[str | None, tuple[str, ...]]:
        """The target of the option the person means, or the close candidates."""
        n = option_number(text, len(node.options))
        if n is not None:
            return self.tree.resolve(node.options[n - 1], node.topic), ()
        sims = sorted(
            ((label_similarity(text, o.label), i) for i, o in enumerate(node.options)),
            reverse=True,
        )
        if sims and sims[0][0] >= 88 and (len(sims) == 1 or sims[1][0] < sims[0][0] - 5):
            return self.tree.resolve(node.options[sims[0][1]], node.topic), ()
        owners = self._owners_of.get(node.key, frozenset())
        tokens = self.options_index.message_tokens(text)
        hits = self.options_index.ranked(tokens, owners) if owners else []
        if not hits:
            return None, ()
        if len(hits) > 1 and hits[1][1] >= AMBIGUITY_RATIO * hits[0][1]:
            return None, tuple(owner.split(">", 1)[1] for owner, _, _ in hits[:3])
        return hits[0][0].split(">", 1)[1], ()

    def describe_path(self, path: tuple[str, ...]) -> str:
        """What the person went through, as mediators read it: topic title › option labels."""
        parts: list[str] = []
        for key in path:
            topic_id, _, node_id = key.partition(":")
            topic = self.tree.topic(topic_id)
            label = (topic.title if topic is not None and topic.entry == node_id
                     else self.choice_label(key))
            if label not in parts:
                parts.append(label)
        return " › ".join(parts[-4:])

    def choice_label(self, choice: str) -> str:
        if choice.endswith(":"):
            topic = self.tree.topic(choice[:-1])
            return topic.title if topic else choice
        # a node key: the label of the option that leads to it
        for node in self.tree.nodes:
            for option in node.options:
                if self.tree.resolve(option, node.topic) == choice:
                    return option.label
        return choice
