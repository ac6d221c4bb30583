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
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

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

    def match(self, metric_text: str, context: str, unit: str, kind: str) -> int | None:
        """The length of the best matching alternative, or None when the rule does not apply."""
        if self.kinds and kind not in self.kinds:
            return None
        if self.units and unit not in self.units:
            return None
        if any(w in metric_text for w in self.exclude):
            return None
        if self.context_any and not any(w in metric_text or w in context for w in self.context_any):
            return None
        if not self.metric_any:
            return 0
        lengths = [sum(map(len, alt)) for alt in self.metric_any if all(w in metric_text for w in alt)]
        return max(lengths) if lengths else None


class Classifier:
    """Maps a mention's words to one of the ten domains and, where a rule fits, a catalog metric."""

    def __init__(self, domains: list[str], keywords: dict[str, list[tuple[str, float]]],
                 rules: list[MetricRule], metric_domain: dict[str, str]):
        self.domains = domains
        self.keywords = keywords  # folded keyword -> [(domain, weight)]
        self._lengths = sorted({len(k) for k in keywords}, reverse=True)
        self.rules = sorted(rules, key=lambda r: -r.priority)
        self.metric_domain = metric_domain

    @classmethod
    def from_seeds(cls, seeds_dir: Path | None = None) -> Classifier:
        """The classifier of a seeds folder (domains, metrics, domain_keywords, metric_rules), cached."""
        return _load(Path(seeds_dir or SEEDS_DIR).resolve())

    # -- domain

    def keyword_scores(self, text: str | None) -> dict[str, float]:
        """Weights of the keywords in text, longest keyword first and without overlaps (执法监督 ≠ 监督)."""
        scores: dict[str, float] = defaultdict(float)
        s, i = _fold(text), 0
        while i < len(s):
            for n in self._lengths:
                hit = self.keywords.get(s[i:i + n])
                if hit:
                    for domain, weight in hit:
                        scores[domain] += weight
                    i += n
                    break
            else:
                i += 1
        return scores

    def domain_scores(self, metric_text: str, sentence: str | None, heading: str | None,
                      metric: str | None = None) -> dict[str, float]:
        total: dict[str, float] = defaultdict(float)
        sentence = _local_sentence(metric_text, sentence)
        # A short metric text ("办结") is read with the rest of its clause.
        metric_text = _clause_around(_fold(metric_text), _fold(sentence)) or metric_text
        for text, weight, cap in ((metric_text, METRIC_TEXT_WEIGHT, None), (heading, HEADING_WEIGHT, HEADING_CAP),
                                  (sentence, SENTENCE_WEIGHT, SENTENCE_CAP)):
            scores = self.keyword_scores(text)
            mass = weight * sum(scores.values())
            scale = weight * (cap / mass if cap and mass > cap else 1.0)
            for domain, score in scores.items():
                total[domain] += scale * score
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
        sentence = _local_sentence(metric_text, sentence)
        context = _fold(sentence) + "\n" + _fold(heading)
        metric = self._best_rule(_fold(metric_text), context, unit, kind)
        if metric is None:
            clause = _clause_around(_fold(metric_text), _fold(sentence))
            if clause:
                metric = self._best_rule(clause, context, unit, kind)
        return metric

    def _best_rule(self, mt: str, context: str, unit: str, kind: str) -> str | None:
        best: tuple[int, int] | None = None
        metric = None
        for rule in self.rules:
            if best and rule.priority < best[0]:
                break  # rules are sorted: nothing below can win
            length = rule.match(mt, context, unit, kind)
            if length is not None and (best is None or (rule.priority, length) > best):
                best, metric = (rule.priority, length), rule.metric
        return metric

    def classify(self, metric_text: str, sentence: str, heading: str | None, unit: str,
                 kind: str) -> tuple[str, str | None]:
        """(domain, metric or None) for one mention. The domain is always one of the ten codes."""
        metric = self.metric_for(metric_text, sentence, heading, unit, kind)
        scores = self.domain_scores(metric_text, sentence, heading, metric)
        if not scores or max(scores.values()) <= 0:
            return (self.metric_domain[metric] if metric else FALLBACK_DOMAIN), metric
        # Ties go to the metric's domain, then the heading's, then the order of domains.csv.
        heading_scores = self.keyword_scores(heading)
        order = {d: i for i, d in enumerate(self.domains)}

        def rank(d: str) -> tuple[float, bool, float, int]:
            return scores[d], bool(metric) and self.metric_domain[metric] == d, heading_scores.get(d, 0.0), -order[d]

        return max(scores, key=rank), metric


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _local_sentence(metric_text: str, sentence: str | None) -> str:
    """The sentence of `sentence` that the metric text comes from.

    Callers may pass a whole paragraph; its other sentences speak of other things
    ("…扫黑除恶破获案件172起" inside a paragraph on dispute resolution).
    """
    pieces = [p for p in re.split(r"(?<=[。；;！？!?])", sentence or "") if p.strip()]
    if len(pieces) <= 1:
        return sentence or ""
    wanted = _bigrams(_fold(metric_text))
    return max(pieces, key=lambda p: len(wanted & _bigrams(_fold(p))))


def _clause_around(metric_text: str, sentence: str) -> str | None:
    """The clause (between commas) of the sentence that holds the metric text, if it holds it once."""
    at = sentence.find(metric_text) if metric_text.strip() else -1
    if at < 0 or sentence.find(metric_text, at + 1) >= 0:
        return None
    breaks = "，,；;。：:！？!?\n"
    start = max(sentence.rfind(b, 0, at) for b in breaks) + 1
    ends = [e for b in breaks if (e := sentence.find(b, at + len(metric_text))) >= 0]
    clause = sentence[start:min(ends) if ends else len(sentence)]
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
