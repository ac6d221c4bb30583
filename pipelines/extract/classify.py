"""Domain and metric of an indicator, from rules kept as data in `seeds/`.

- `seeds/domain_keywords.csv` (domain, keyword, weight): words that point to a
  domain. The metric text counts most, then the section heading, then the rest
  of the sentence, so that a number keeps the topic of its own words.
- `seeds/metric_rules.csv`: when a mention gets a catalog metric. A rule fires when
  one `metric_any` alternative occurs in the metric text ("复议+受理": all of
  these words), one `context_any` word occurs in the metric text, sentence or
  heading (if given), no `exclude` word occurs in the metric text, and the
  mention's kind/unit are allowed. The highest priority wins, then the longest
  matching alternative.

A new kind of report is onboarded by adding rows, not code.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

# Where a keyword stands decides how much it says about the number's topic.
METRIC_TEXT_WEIGHT = 3.0
HEADING_WEIGHT = 1.5
SENTENCE_WEIGHT = 1.0
# A catalog metric that fits is evidence for its domain, not a verdict: the gold
# files file 可网办事项率 (metric online_service_rate, functions) under digital.
METRIC_DOMAIN_BONUS = 2.0
# A long heading ("三、党政主要负责人履行推进法治建设第一责任人职责…") packs many keywords
# yet covers items of every kind: its total say is capped. None = no cap.
HEADING_CAP: float | None = 6.0
SENTENCE_CAP: float | None = None
FALLBACK_DOMAIN = "functions"  # 政府职能: the widest domain, for numbers nothing points anywhere


def _fold(text: str | None) -> str:
    """Text as rules see it: NFKC (full-width forms folded) and upper-case ASCII (APP, app)."""
    return unicodedata.normalize("NFKC", text or "").upper()


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(_fold(w).strip() for w in (cell or "").split("|") if w.strip())


@dataclass(frozen=True)
class MetricRule:
    """One row of `metric_rules.csv`."""

    metric: str
    metric_any: tuple[tuple[str, ...], ...]  # alternatives; each is an AND of words
    context_any: tuple[str, ...]
    exclude: tuple[str, ...]
    kinds: frozenset[str]
    units: frozenset[str]
    priority: int
    # Worked out once from the fields above: a regex finding any exclude word (one C scan
    # instead of a Python `in` per word), and the alternatives, longest first, as
    # (length, first word, other words).
    _exclude_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _alternatives: tuple[tuple[int, str, tuple[str, ...]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exclude_re = re.compile("|".join(map(re.escape, self.exclude))) if self.exclude else None
        object.__setattr__(self, "_exclude_re", exclude_re)
        alternatives = sorted(((sum(map(len, alt)), alt[0] if alt else "", alt[1:]) for alt in self.metric_any),
                              key=lambda a: -a[0])
        object.__setattr__(self, "_alternatives", tuple(alternatives))

    def match(self, metric_text: str, context: str, unit: str, kind: str) -> int | None:
        """The length of the best matching alternative, or None when the rule does not apply."""
        if self.kinds and kind not in self.kinds:
            return None
        if self.units and unit not in self.units:
            return None
        if self._exclude_re is not None and self._exclude_re.search(metric_text):
            return None
        if self.context_any and not any(w in metric_text or w in context for w in self.context_any):
            return None
        if not self.metric_any:
            return 0
        for length, first, others in self._alternatives:  # longest first: the first found is the best
            if first in metric_text and (not others or all(w in metric_text for w in others)):
                return length
        return None


class Classifier:
    """Maps a mention's words to one of the ten domains and, where a rule fits, a catalog metric."""

    def __init__(self, domains: list[str], keywords: dict[str, list[tuple[str, float]]],
                 rules: list[MetricRule], metric_domain: dict[str, str]):
        self.domains = domains
        self.keywords = keywords  # folded keyword -> [(domain, weight)]
        self._keyword_re = _longest_first(keywords)
        self.rules = sorted(rules, key=lambda r: -r.priority)
        self.metric_domain = metric_domain
        self._order = {d: i for i, d in enumerate(domains)}
        # A rule can fire only when the first word of one of its metric_any alternatives is in
        # the metric text: index the rules by those words, so that a mention tries a handful
        # of rules instead of all of them (same order, same result).
        self._always = [i for i, r in enumerate(self.rules) if not r.metric_any]
        self._rules_by_word: dict[str, set[int]] = defaultdict(set)  # word -> indices in self.rules
        for i, r in enumerate(self.rules):
            for alt in r.metric_any:
                self._rules_by_word[alt[0]].add(i)
        # The indexed words by their first character: a metric text holds a few of those
        # characters, and only their words are looked for (a regex over all 300 words tried
        # them one after the other at every position).
        self._words_by_first: dict[str, list[tuple[str, set[int]]]] = defaultdict(list)
        for word, ids in self._rules_by_word.items():
            self._words_by_first[word[0]].append((word, ids))
        self._first_chars = frozenset(self._words_by_first)

    @classmethod
    def from_seeds(cls, seeds_dir: Path | None = None) -> Classifier:
        """The classifier of a seeds folder (domains, metrics, domain_keywords, metric_rules), cached."""
        return _load(Path(seeds_dir or SEEDS_DIR).resolve())

    # -- domain

    def keyword_scores(self, text: str | None) -> dict[str, float]:
        """Weights of the keywords in text, longest keyword first and without overlaps (执法监督 ≠ 监督)."""
        return self._folded_scores(_fold(text))

    def _folded_scores(self, folded: str) -> dict[str, float]:
        """keyword_scores of a text already folded."""
        scores: dict[str, float] = defaultdict(float)
        for keyword in self._keyword_re.findall(folded):  # one C scan, longest keyword at each position
            for domain, weight in self.keywords[keyword]:
                scores[domain] += weight
        return scores

    def domain_scores(self, metric_text: str, sentence: str | None, heading: str | None,
                      metric: str | None = None) -> dict[str, float]:
        return self._domain_scores(self._words(metric_text, sentence, heading), metric)

    def _domain_scores(self, w: _Words, metric: str | None) -> dict[str, float]:
        total: dict[str, float] = defaultdict(float)
        # the heading's and the sentence's weighted scores are worked out once per heading or sentence
        for part in (_weighted(w.metric_text_scores, METRIC_TEXT_WEIGHT, None),
                     w.heading.weighted(HEADING_WEIGHT, HEADING_CAP),
                     w.sentence.weighted(SENTENCE_WEIGHT, SENTENCE_CAP)):
            for domain, score in part:
                total[domain] += score
        if metric:
            total[self.metric_domain[metric]] += METRIC_DOMAIN_BONUS
        return total

    # -- metric

    def metric_for(self, metric_text: str, sentence: str | None, heading: str | None, unit: str,
                   kind: str) -> str | None:
        """The catalog metric of the best-fitting rule, or None (the fact keeps its own wording).

        When the metric text alone fits no rule (an extractor may give only "全区" or
        "办结"), the clause of the sentence around it is tried.
        """
        return self._metric_for(self._words(metric_text, sentence, heading), unit, kind)

    def _metric_for(self, w: _Words, unit: str, kind: str) -> str | None:
        context = w.sentence.folded + "\n" + w.heading.folded
        metric = self._best_rule(w.metric_text, context, unit, kind)
        if metric is None and w.clause:
            metric = self._best_rule(w.clause, context, unit, kind)
        return metric

    # -- the words of a mention, read once

    def _text(self, text: str | None, seen: dict[str | None, _Text] | None) -> _Text:
        if seen is not None and text in seen:
            return seen[text]
        folded = _fold(text)
        got = _Text(folded, self._folded_scores(folded))
        if seen is not None:
            seen[text] = got
        return got

    def _words(self, metric_text: str, sentence: str | None, heading: str | None,
               seen: dict[str | None, _Text] | None = None) -> _Words:
        """Folded texts and keyword scores of a mention; `seen` shares those of a sentence or
        heading between the mentions of one report (see classify_all)."""
        sent = self._text(_local_sentence(metric_text, sentence), seen)
        folded = _fold(metric_text)
        # A short metric text ("办结") is read with the rest of its clause.
        clause = _clause_around(folded, sent)
        scores = self.keyword_scores(clause) if clause else self._folded_scores(folded)
        return _Words(folded, clause, scores, sent, self._text(heading, seen))

    def _candidate_rules(self, mt: str) -> list[int]:
        """The rules that may fire on metric text `mt` (indices in self.rules, so in priority
        order): those whose words occur."""
        found = set(self._always)
        for first in self._first_chars.intersection(mt):
            for word, ids in self._words_by_first[first]:
                if word in mt:
                    found |= ids
        return sorted(found)

    def _best_rule(self, mt: str, context: str, unit: str, kind: str) -> str | None:
        best: tuple[int, int] | None = None
        metric = None
        rules = self.rules
        for i in self._candidate_rules(mt):
            rule = rules[i]
            if best and rule.priority < best[0]:
                break  # rules are sorted: nothing below can win
            length = rule.match(mt, context, unit, kind)
            if length is not None and (best is None or (rule.priority, length) > best):
                best, metric = (rule.priority, length), rule.metric
        return metric

    def classify(self, metric_text: str, sentence: str, heading: str | None, unit: str,
                 kind: str) -> tuple[str, str | None]:
        """(domain, metric or None) for one mention. The domain is always one of the ten codes."""
        return self._classify(self._words(metric_text, sentence, heading), unit, kind)

    def classify_all(self, mentions: Iterable[tuple[str, str, str | None, str, str]]) -> list[tuple[str, str | None]]:
        """classify() of each (metric_text, sentence, heading, unit, kind) of one report: a sentence
        or heading shared by several mentions is folded and scored once, not once per mention."""
        seen: dict[str | None, _Text] = {}
        return [self._classify(self._words(mt, sentence, heading, seen), unit, kind)
                for mt, sentence, heading, unit, kind in mentions]

    def _classify(self, w: _Words, unit: str, kind: str) -> tuple[str, str | None]:
        metric = self._metric_for(w, unit, kind)
        scores = self._domain_scores(w, metric)
        if not scores or max(scores.values()) <= 0:
            return (self.metric_domain[metric] if metric else FALLBACK_DOMAIN), metric
        # Ties go to the metric's domain, then the heading's, then the order of domains.csv.
        heading_scores = w.heading.scores
        order = self._order
        metric_domain = self.metric_domain[metric] if metric else None

        def rank(d: str) -> tuple[float, bool, float, int]:
            return scores[d], d == metric_domain, heading_scores.get(d, 0.0), -order[d]

        return max(scores, key=rank), metric


@dataclass(slots=True)
class _Text:
    """A sentence or heading as the rules read it; shared by the mentions of one report."""

    folded: str
    scores: dict[str, float]
    _breaks: list[int] | None = None  # where `folded` breaks into clauses, once asked
    _by_weight: dict[tuple[float, float | None], list[tuple[str, float]]] = field(default_factory=dict)

    def clause_breaks(self) -> list[int]:
        """Positions in `folded` of the characters that end a clause."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _CLAUSE_BREAK_RE.finditer(self.folded)]
        return self._breaks

    def weighted(self, weight: float, cap: float | None) -> list[tuple[str, float]]:
        """_weighted(scores, weight, cap), worked out once for each (weight, cap)."""
        got = self._by_weight.get((weight, cap))
        if got is None:
            got = self._by_weight[(weight, cap)] = _weighted(self.scores, weight, cap)
        return got


def _weighted(scores: dict[str, float], weight: float, cap: float | None) -> list[tuple[str, float]]:
    """Each domain's score times its part's weight, the part's total say capped at `cap`."""
    mass = weight * sum(scores.values())
    scale = weight * (cap / mass if cap and mass > cap else 1.0)
    return [(domain, scale * score) for domain, score in scores.items()]


class _Words(NamedTuple):
    metric_text: str  # folded
    clause: str | None  # folded clause of the sentence around the metric text, if any
    metric_text_scores: dict[str, float]  # of the clause, else of the metric text
    sentence: _Text  # the sentence the metric text comes from
    heading: _Text


def _longest_first(words) -> re.Pattern[str]:
    """A regex matching, at each position, the longest of `words` that starts there.

    Built as a trie (词 → (?:词a|词b)?) so that the C engine, not a Python loop over
    characters, does the scan; same result as trying the longest word first at each position.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
        return body + "?" if "" in node else body

    return re.compile(pattern(trie) or "(?!)")


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _local_sentence(metric_text: str, sentence: str | None) -> str:
    """The sentence of `sentence` that the metric text comes from.

    Callers may pass a whole paragraph; its other sentences speak of other things
    ("…扫黑除恶破获案件172起" inside a paragraph on dispute resolution).
    """
    if not sentence or _SENTENCE_END_RE.search(sentence, 0, len(sentence) - 1) is None:
        return sentence or ""  # one sentence (the extractor's case): nothing to choose from
    pieces = [p for p in re.split(r"(?<=[。；;！？!?])", sentence) if p.strip()]
    if len(pieces) <= 1:
        return sentence or ""
    wanted = _bigrams(_fold(metric_text))
    return max(pieces, key=lambda p: len(wanted & _bigrams(_fold(p))))


_SENTENCE_END_RE = re.compile(r"[。；;！？!?]")
_CLAUSE_BREAK_RE = re.compile("[，,；;。：:！？!?\n]")


def _clause_around(metric_text: str, sent: _Text) -> str | None:
    """The clause (between commas) of the sentence that holds the metric text, if it holds it once."""
    sentence = sent.folded
    at = sentence.find(metric_text) if metric_text.strip() else -1
    if at < 0 or sentence.find(metric_text, at + 1) >= 0:
        return None
    breaks = sent.clause_breaks()
    k = bisect_left(breaks, at)  # the breaks before the metric text
    start = breaks[k - 1] + 1 if k else 0
    k = bisect_left(breaks, at + len(metric_text), k)  # the first break after it
    clause = sentence[start:breaks[k] if k < len(breaks) else len(sentence)]
    return clause if clause != metric_text else None


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def _load(seeds_dir: Path) -> Classifier:
    domains = [r["code"] for r in _read(seeds_dir / "domains.csv")]
    metric_domain = {r["code"]: r["domain"] for r in _read(seeds_dir / "metrics.csv")}
    keywords: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in _read(seeds_dir / "domain_keywords.csv"):
        if r["domain"] not in domains:
            raise ValueError(f"domain_keywords.csv: unknown domain {r['domain']!r} for {r['keyword']!r}")
        keywords[_fold(r["keyword"])].append((r["domain"], float(r["weight"])))
    rules = []
    for r in _read(seeds_dir / "metric_rules.csv"):
        if r["metric"] not in metric_domain:
            raise ValueError(f"metric_rules.csv: metric {r['metric']!r} is not in metrics.csv")
        rules.append(MetricRule(
            metric=r["metric"],
            metric_any=tuple(tuple(w for w in alt.split("+") if w) for alt in _split(r["metric_any"])),
            context_any=_split(r["context_any"]),
            exclude=_split(r["exclude"]),
            kinds=frozenset(k.strip() for k in (r["kinds"] or "").split("|") if k.strip()),
            units=frozenset(u.strip() for u in (r["units"] or "").split("|") if u.strip()),
            priority=int(r["priority"]),
        ))
    bad = [d for d in metric_domain.values() if d not in domains]
    if bad:
        raise ValueError(f"metrics.csv: unknown domains {sorted(set(bad))}")
    return Classifier(domains, dict(keywords), rules, metric_domain)
