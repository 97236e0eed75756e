"""What makes a question specific: its topic terms weighted by how rare they are in the knowledge base,
the identifiers it names (error codes, `Tier 2`), and the amounts it gives ("a $5,000 report")."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.kb import sparse
from bot.types import TermStats

# Words that never carry a question's topic: how people ask, not what they ask about.
CONVERSATIONAL = frozenset(sparse.terms(
    "get got do does did need needs can could would should want know tell please way anyone someone thing things "
    "help question what how much many long day days time tomorrow today yesterday onto ve m s t ll re d also too "
    "still allowed allow supposed happen happens give gives go going make find put take taken took use used using "
    "come came keep kept see seen try tried ask asked ever "
    "quickly quick soon often far big small large fast early late different another other same new next exactly "
    "usually normally typically currently possible able sure "
    "say says said let lets look like well just really actually maybe right thanks hi hey ok okay"
))
_UNIT_WORDS = ("%|percent|years?|yrs?|months?|weeks?|days?|nights?|hours?|hrs?|minutes?|mins?|seconds?|people|"
               "persons?|visitors?|employees?|guests?|miles?|km|gb|mb|tb|usd|eur|gbp|dollars?|euros?|pages?|lines?")
_IDENTIFIER_PHRASE = re.compile(rf"\b([a-z]{{3,}})[ -](\d{{1,4}})\b(?!\s*(?:{_UNIT_WORDS})\b)", re.IGNORECASE)
_AMOUNT = re.compile(r"(?<![\w.])[$€£]?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
WHY = re.compile(r"^\s*(?:so\s+|and\s+)?(why\b|what (?:caused|happened|went wrong)\b|how come\b|explain\b)", re.IGNORECASE)
_ASKS = (
    ("duration", re.compile(r"\bhow (?:long|soon|quickly|fast|often)\b|\bhow much time\b|\bwithin what\b|"
                            r"\btimeouts?\b|\bdeadline\b|\bttl\b", re.IGNORECASE),
     re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:-\s*)?(?:ms|milliseconds?|seconds?|minutes?|mins?|hours?|h|days?|working days|"
                r"business days|weeks?|months?|years?|nights?)\b|\b(?:daily|weekly|monthly|yearly|annually|every)\b", re.IGNORECASE)),
    ("definition", re.compile(r"\bwhat (?:does|do) .+ mean\b|\bwhat is meant\b|\bstand for\b|\bdefinition\b", re.IGNORECASE),
     re.compile(r"\bmean(?:s|ing)?\b|\bstands? for\b|\brefers? to\b|\bis (?:a|an|the)\b", re.IGNORECASE)),
    ("who", re.compile(r"^\s*who\b|\bwho (?:approves|owns|decides|signs|pays|gets)\b", re.IGNORECASE),
     re.compile(r"\b(?:manager|director|vp|team|owner|lead|security|legal|finance|cfo|ceo|help desk|people team|"
                r"engineers?|employees?|everyone|anyone)\b", re.IGNORECASE)),
    ("amount", re.compile(r"\bhow much\b|\bcost|\bprice|\bfee\b|\brate\b|\bcap\b|\blimit\b|\ballowance|\bstipend|"
                          r"\bper diem\b|\bpaid\b|\bbudget", re.IGNORECASE),
     re.compile(r"[$€£]\s?\d|\b(?:USD|EUR|GBP|CAD|JPY|SGD|AUD|CHF)\s?\d|\d\s?(?:USD|EUR|GBP|CAD|JPY|SGD)\b|\d\s?%", re.IGNORECASE)),

    ("time", re.compile(r"^\s*when\b|\bwhat time\b|\bwhich days?\b|\bwhat date\b|\bopening hours\b", re.IGNORECASE),
     re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
                r"march|april|may|june|july|august|september|october|november|december)\b", re.IGNORECASE)),
)
# "How does the canary work", "What is the lodging cap in Dublin", "Who approves an international trip".
_FOCUS = re.compile(r"^\s*(?:how|what|which|who|when|where|why)(?:'s|\s+(?:much|many|long|often|soon))?\s+"
                    r"(?:(?:is|are|was|were|does|do|did|can|should|will|would)\s+)?(?:(?:the|a|an|my|our|your)\s+)?"
                    r"(?P<focus>[\w-]+(?:\s+[\w-]+)?)", re.IGNORECASE)
ENUMERATION = re.compile(r"^\s*(?:who\b|which \w+s\b|what are\b|list\b|what (?:\w+ )?(?:options|types|kinds)\b)",
                         re.IGNORECASE)
FIX = re.compile(r"\b(?:fix|fails?|failing|broken|error|not working|won'?t|can'?t|doesn'?t work|keeps?)\b", re.IGNORECASE)
CAUSE_HEADING = re.compile(r"\b(?:cause|causes|why|reason|root|background)\b", re.IGNORECASE)
HOW_TO = re.compile(r"^\s*(?:so\s+|and\s+|ok\s+)?(how (?:do|can|should|would|could) (?:i|we|you|one)\b|how to\b|"
                    r"what (?:are|is) the (?:steps|process|procedure)\b|steps? (?:to|for)\b|what do i do\b|"
                    r"what should i do\b|how (?:do|can) i fix\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One topic term of a question and how much it narrows the question down."""

    stem: str
    weight: float
    files: int  # how many documents use it (0: the knowledge base never does)
    word: str = ""  # as the question spells it
    name: bool = False  # capitalised inside the question: a place, a product, a plan


@dataclass(frozen=True)
class QuestionTerms:
    """A question's topic terms, identifiers and amounts."""

    terms: tuple[Term, ...]
    identifiers: tuple[str, ...]  # normalised phrases such as "tier 4" or "p-104", which must be present
    amounts: tuple[float, ...]
    how_to: bool
    why: bool = False
    answer_types: tuple[re.Pattern[str], ...] = ()  # what an answer looks like: a duration, an amount, a time
    enumeration: bool = False  # "who gets ...", "which tools ...": a list answers it
    fix: bool = False  # something is broken: a symptom-and-fix entry answers it
    focus: frozenset[str] = frozenset()  # the stems of what the question is about ("the canary" in "how does the canary work")
    platforms: frozenset[str] = frozenset()  # the operating systems it names ("on a Mac": mac)

    @property
    def names(self) -> tuple[Term, ...]:
        """Terms the question capitalises: the place, product or plan it is about."""
        return tuple(t for t in self.terms if t.name)

    @property
    def unknown(self) -> tuple[Term, ...]:
        """Topic terms the knowledge base never uses."""
        return tuple(t for t in self.terms if t.files == 0)

    @property
    def known(self) -> tuple[Term, ...]:
        """Topic terms some document uses."""
        return tuple(t for t in self.terms if t.files > 0)


def analyse(question: str, stats: TermStats | None) -> QuestionTerms:
    """The topic terms of `question`, weighted by inverse document frequency when `stats` are known."""
    asking = CONVERSATIONAL | (_HOW_TO_VERBS if HOW_TO.search(question) or FIX.search(question) else frozenset())
    stems = list(dict.fromkeys(t for t in map(sparse.stem, sparse.tokens(question)) if t not in asking and len(t) > 1))
    files = stats.frequencies(stems) if stats is not None else {}
    documents = max(stats.documents(), 1) if stats is not None else 1
    spelled = {sparse.stem(token): token for token in sparse.tokens(question)}
    names = {sparse.stem(word.lower()) for word in _NAME.findall(question)}
    terms = tuple(
        Term(stem, math.log(1 + documents / max(files.get(stem, 0), 0.5)) if stats is not None else 1.0,
             files.get(stem, 0) if stats is not None else 1, spelled.get(stem, stem), stem in names)
        for stem in stems if not stem.isdigit()
    )
    asks = tuple(shape for _, cue, shape in _ASKS if cue.search(question)) + _count_shape(question)
    focus = _FOCUS.match(question)
    focus_stems = frozenset(map(sparse.stem, sparse.tokens(focus.group("focus")))) if focus else frozenset()
    return QuestionTerms(terms, identifiers(question), amounts(question), bool(HOW_TO.search(question)),
                         bool(WHY.search(question)), asks, bool(ENUMERATION.search(question)), bool(FIX.search(question)),
                         focus_stems - asking, platforms(question))


# Operating systems and devices whose instructions differ: "and on a Mac?" wants the Mac steps, not Windows'.
_PLATFORMS = {"windows": "windows", "win": "windows", "pc": "windows", "mac": "mac", "macs": "mac", "macos": "mac",
              "macbook": "mac", "osx": "mac", "linux": "linux", "ubuntu": "linux", "fedora": "linux",
              "iphone": "ios", "ios": "ios", "ipad": "ios", "android": "android", "chromebook": "chromeos"}


def platforms(text: str) -> frozenset[str]:
    """The platforms `text` names, normalised ("MacBook" and "macOS" are both mac)."""
    return frozenset(_PLATFORMS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _PLATFORMS)


def _count_shape(question: str) -> tuple[re.Pattern[str], ...]:
    """For "how many accounts ...": a number followed (within two words) by one of the words asked about."""
    match = re.search(r"\bhow many\s+((?:[\w-]+\s+){0,2}[\w-]+)", question, re.IGNORECASE)
    if not match:
        return ()
    stems = [sparse.stem(w) for w in sparse.tokens(match.group(1))]
    if not stems:
        return ()
    words = "|".join(re.escape(s[:5]) for s in stems)
    return (re.compile(rf"\b\d[\d,.]*\s+(?:[\w-]+\s+)?(?:{words})", re.IGNORECASE),)


def identifiers(text: str) -> tuple[str, ...]:
    """Codes and numbered names a question names: `P-104`, `ERR_TUNNEL_TIMEOUT`, `SEV3`, `Tier 4`."""
    found = [normalise(m.group(0)) for m in _IDENTIFIER_PHRASE.finditer(text)
             if m.group(1).lower() not in sparse.STOPWORDS and m.group(1).lower() not in _PREFIX_WORDS]
    for token in re.findall(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+|\b[A-Za-z]+\d+[A-Za-z0-9]*\b", text):
        if _MEASURE.fullmatch(token):
            continue  # "11-hour", "4-week": an amount, not a code
        if re.search(r"\d", token) and re.search(r"[A-Za-z]", token) or "_" in token:
            found.append(normalise(token))
    return tuple(dict.fromkeys(found))


# In "how do I fix ..." these say what to do, not what it is about: the answer need not repeat them.
_HOW_TO_VERBS = frozenset(sparse.terms("fix fixing solve resolve repair sort handle deal"))
_MEASURE = re.compile(rf"\d+(?:[.,]\d+)?-(?:{_UNIT_WORDS}|night|seat|person|step|page)", re.IGNORECASE)
# A capitalised word that does not open the question (nor follows "I"): "Dublin", "Tableau", "Executive".
_NAME = re.compile(r"(?<=[\w,;:)]\s)(?<!\bI\s)([A-Z][a-z]+(?:[-.][A-Za-z]+)*)\b")
_PREFIX_WORDS = {"after", "before", "within", "over", "under", "about", "around", "than", "last", "next", "every",
                 "first", "least", "most", "only", "per", "ext", "page", "since", "until", "of", "for", "in", "at"}


def amounts(text: str) -> tuple[float, ...]:
    """The numbers a question gives (`$5,000` -> 5000.0), codes and identifiers excluded."""
    cleaned = normalise(text)
    for identifier in identifiers(text):
        cleaned = cleaned.replace(identifier, " ")
    return tuple(_number(m) for m in _AMOUNT.finditer(cleaned))


def _number(match: re.Match[str]) -> float:
    whole = match.group(1).replace(",", "")
    return float(f"{whole}.{match.group(2)}") if match.group(2) else float(whole)


def normalise(text: str) -> str:
    """Lower case, one space, `-`/`_` kept: how identifiers are compared."""
    return " ".join(text.lower().replace("–", "-").split())


_RANGE_PATTERNS = [
    (re.compile(r"(?:up to|less than|under|below|at most|no more than)\s+\$?([\d,.]+)", re.IGNORECASE), "max"),
    (re.compile(r"(?:more than|over|above|at least|from)\s+\$?([\d,.]+)", re.IGNORECASE), "min"),
    (re.compile(r"\$?([\d,.]+)\s*(?:\w+\s+)?(?:or more|or longer|and (?:above|over|up)|\+)", re.IGNORECASE), "min"),
    (re.compile(r"\$?([\d,.]+)\s*(?:to|-|–|and)\s*\$?([\d,.]+)", re.IGNORECASE), "between"),
]


def in_range(amount: float, text: str) -> bool:
    """Whether `text` states a range (`$2,500.01 to $10,000`, `6 years or more`) that holds `amount`."""
    for pattern, kind in _RANGE_PATTERNS:
        for match in pattern.finditer(text):
            values = [_float(v) for v in match.groups() if v]
            if None in values:
                continue
            if kind == "max" and amount <= values[0] or kind == "min" and amount >= values[0] \
                    or kind == "between" and values[0] <= amount <= values[-1]:
                return True
    return False


def _float(value: str) -> float | None:
    try:
        return float(value.replace(",", "").rstrip("."))
    except ValueError:
        return None


def mentions(amount: float, text: str) -> bool:
    """Whether `text` names `amount` itself or a range that holds it."""
    numbers = {_number(m) for m in _AMOUNT.finditer(text)}
    return amount in numbers or in_range(amount, text)


def stems_of(text: str) -> set[str]:
    """The index terms of `text`, as a set."""
    return set(sparse.terms(text))


def present(identifier: str, texts: Iterable[str]) -> bool:
    """Whether an identifier occurs in any of `texts`."""
    return any(identifier in normalise(text) for text in texts)
