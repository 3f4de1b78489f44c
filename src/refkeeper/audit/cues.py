"""What a sentence says, beyond its words: direction, negation, comparison, numbers, population.

Pure functions on strings. ``read(text)`` turns a claim or an abstract sentence into a
``Reading``: the effect cues it states and the content words each cue bears on ("lower" ->
{"odds", "polypharmacy"}), its comparisons ("A more than B"), its numbers and its population.
``conflicts(claim, sentence)`` lines two readings up on the words they share and returns the
cue pairs that disagree ("claim: higher; source: lower"), with the pairs that agree, so the
support scorer can tell a claim that says the opposite of its source from one that restates it.

Cue families (each cue word carries a polarity in one or more of them):

- ``dir``: the size of something goes up (+1) or down (-1): increase, raise, higher, more,
  enhance, up-regulate, accelerate ... / decrease, reduce, lower, fewer, inhibit, attenuate ...
- ``val``: things get better (+1) or worse (-1): improve, protect, restore, effective,
  accurate, superior ... / worsen, harm, impair, aggravate, poorer, inferior ...
- ``assoc``: something is linked to, predicts or correlates with something else (+1).
- ``size``: an effect is large (+1: large, marked, severe, lasting) or small (-1: small,
  slight, modest, mild, transient); a null result does not bear on it.
- a negated cue ("did not increase", "no significant ...") and the null words (similar,
  comparable, unchanged, "no difference", "not associated") carry 0 in every family: a claim
  stating an effect where the source states none (or the reverse) disagrees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from refkeeper.audit.text import STOPWORDS, fold, number_word, stem

Family = str  # "dir" | "val" | "assoc"

_UP = """increase increased increases increasing rise rises rose risen rising raise raised
raises raising higher highest greater greatest more most elevated elevate elevation enhance
enhanced enhances enhancing enhancement boost boosted boosts promote promoted promotes promoting
upregulate upregulated upregulates upregulation accelerate accelerated accelerates accelerating
exceed exceeded exceeds exceeding larger largest longer longest stronger strongest gain gained
gains double doubled doubling tripled expand expanded expands expansion augment augmented
amplify amplified amplifies amplifying heighten heightened strengthen strengthened activate
activated activates activating activation stimulate stimulated stimulates grew grown richer
prolonged extended worsen worsened worsens worsening aggravate aggravated aggravates exacerbate
exacerbated exacerbates""".split()
_DOWN = """decrease decreased decreases decreasing reduce reduced reduces reducing reduction
lower lowered lowers lowering lowest less least fewer fewest decline declined declines
declining fall fell fallen falls falling drop dropped drops diminish diminished diminishes
attenuate attenuated attenuates attenuating attenuation inhibit inhibited inhibits inhibiting
inhibition suppress suppressed suppresses suppressing suppression downregulate downregulated
downregulates downregulation cut cuts shorter shortest smaller smallest weaker weakest lessen
lessened lessens dampen dampened dampens damping blocked blocking
halved abolish abolished abolishes shrink shrank slowed slower deplete depleted depletes
depletion relieve relieved relieves alleviate alleviated alleviates ameliorate ameliorated
ameliorates mitigate mitigated counteract counteracts counteracted antagonize antagonizes
antagonized antagonise antagonises prevent prevented prevents preventing""".split()
_GOOD = """improve improved improves improving improvement better best benefit benefits
beneficial protect protected protects protecting protective protection restore restored
restores restoring ameliorate ameliorated ameliorates alleviate alleviated alleviates effective
effectively efficacious accurate accurately accuracy outperform outperformed outperforms
superior favourable favorable successful successfully efficient help helped helps ease eased
eases facilitate facilitated facilitates recover recovered recovery regain regained""".split()
_BAD = """worsen worsened worsens worsening worse worst harmed harmful impair
impaired impairs impairment aggravate aggravated aggravates exacerbate exacerbated exacerbates
damaged deteriorate deteriorated deterioration poorer poorest poorly ineffective
inaccurate inferior unfavourable unfavorable hurt""".split()
_ASSOC = """associated association associations correlated correlates correlation correlations
linked link links predict predicted predicts predictive predictor predictors
relationship""".split()
_MORE_OFTEN = "common commonly frequent frequently often usual usually majority".split()
_LESS_OFTEN = "rare rarely uncommon infrequent infrequently seldom minority".split()
_POSITIVE = "positive positivity".split()
_NEGATIVE = "negative negativity".split()
_ENOUGH = "sufficient enough adequate adequately".split()
_NOT_ENOUGH = "insufficient inadequate inadequately".split()
_LARGE = """large major marked substantial considerable profound dramatic severe huge massive
lasting persistent""".split()
_SMALL = """small slight slightly modest minor mild subtle minimal negligible transient
marginal""".split()
_PRESENT = "present presented described reported detected detectable observed".split()
_ABSENT = "absent omitted omit omits undetectable undetected missing".split()
_NULL = """similar similarly comparable unchanged unaffected equal equally equivalent
nonsignificant insignificant""".split()
_GOOD_QUANTITY = """score scores function functions survival accuracy quality efficacy
efficiency performance recovery proficiency health yield response responses outcome outcomes
compliance adherence sensitivity specificity""".split()
_BAD_QUANTITY = """mortality death deaths risk risks complication complications toxicity
inflammation apoptosis injury damage pain symptoms symptom deficit deficits error errors
swelling stress bleeding morbidity steatosis lipidosis burden disease severity attrition
recurrence failure rerupture reruptures harms adverse""".split()
_NEGATORS = frozenset("not no never neither nor cannot failed fail fails unable".split())
_NEUTRAL_EFFECTS = frozenset(
    """affect affected affects affecting alter altered alters altering change changed changes
    changing influence influenced influences influencing modify modified modifies impact
    impacted impacts differ differed differs differing respond responded responds""".split()
)  # effect verbs with no direction: a cue only when negated ("did not affect X": no effect)
_BOUNDARY = frozenset(
    "but whereas while although though however yet unlike conversely despite".split()
)
_HEDGES = frozenset(
    "may might could suggest suggests suggested suggesting possibly perhaps potential "
    "potentially likely hint hints appear appears".split()
)
_COMPARATORS = frozenset("than versus vs compared".split())
_VERB_HINGES = frozenset(
    "outperform outperforms outperformed exceed exceeds exceeded surpass surpasses "
    "surpassed".split()
)
_GROUP = frozenset("in among for at".split())  # "higher in X than in Y"
_TO_COMPARATORS = frozenset({"superior", "inferior", "similar", "comparable", "equivalent"})

_POPULATION: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        "male": ("man", "men", "male", "males", "boy", "boys", "father", "fathers"),
        "female": (
            "woman", "women", "female", "females", "girl", "girls", "mother", "mothers",
            "pregnant", "pregnancy",
        ),
    },
    "age": {
        "young": (
            "child", "children", "childhood", "pediatric", "paediatric", "infant", "infants",
            "newborn", "newborns", "neonate", "neonates", "neonatal", "boy", "boys", "girl",
            "girls", "adolescent", "adolescents", "teen", "teens", "teenager", "teenagers",
            "youth", "youths", "juvenile", "baby", "babies", "pubertal", "schoolchildren",
        ),
        "adult": ("adult", "adults", "elderly", "man", "men", "woman", "women"),
    },
    "species": {
        "human": ("human", "humans", "patient", "patients", "people", "volunteers"),
        "mouse": ("mouse", "mice", "murine"),
        "rat": ("rat", "rats"),
        "fly": ("drosophila", "fly", "flies"),
        "yeast": ("yeast", "yeasts"),
        "zebrafish": ("zebrafish",),
        "dog": ("dog", "dogs", "canine"),
        "pig": ("pig", "pigs", "porcine", "swine"),
    },
}  # fmt: skip


def _lexicon() -> dict[str, dict[Family, int]]:
    table: dict[str, dict[Family, int]] = {}
    for words, family, polarity in (
        (_UP, "dir", 1),
        (_DOWN, "dir", -1),
        (_GOOD, "val", 1),
        (_BAD, "val", -1),
        (_ASSOC, "assoc", 1),
        (_MORE_OFTEN, "freq", 1),
        (_LESS_OFTEN, "freq", -1),
        (_POSITIVE, "sign", 1),
        (_NEGATIVE, "sign", -1),
        (_ENOUGH, "suff", 1),
        (_NOT_ENOUGH, "suff", -1),
        (_LARGE, "size", 1),
        (_SMALL, "size", -1),
        (_PRESENT, "pres", 1),
        (_ABSENT, "pres", -1),
    ):
        for word in words:
            table.setdefault(word, {})[family] = polarity
    return table


_LEXICON = _lexicon()
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z][a-z0-9]*(?:'[a-z]+)?|[,;:()%]|[<>≤≥]")


@dataclass(frozen=True, slots=True)
class Cue:
    word: str  # as written ("did not increase" -> "not increase")
    families: tuple[tuple[Family, int], ...]
    position: int
    next: str = ""  # the word after it ("lower" in "lower polariton" is a name, not a cue)


@dataclass(frozen=True, slots=True)
class Comparison:
    word: str
    polarity: int  # +1 "more/better than", -1 "less/worse than", 0 "similar to"
    left: frozenset[str]
    right: frozenset[str]


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    percent: bool
    text: str
    unit: str = ""  # "%" or the word after it when it is a unit ("mg", "months")
    bound: str = ""  # "max" (under 6), "min" (over 80%), "approx" (about 40%) or exact


@dataclass(frozen=True, slots=True)
class Reading:
    """What one sentence states (see the module docstring)."""

    anchors: dict[str, tuple[Cue, ...]]  # content term -> the cues bearing on it
    comparisons: tuple[Comparison, ...]
    numbers: tuple[Number, ...]
    population: dict[str, frozenset[str]]
    hedges: tuple[str, ...]
    terms: frozenset[str] = field(default_factory=frozenset)
    quality: dict[str, int] = field(default_factory=dict)  # +1 good to have more of, -1 bad
    phrases: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # word bigrams
    interventions: frozenset[str] = field(default_factory=frozenset)  # words of the agent


@dataclass(frozen=True, slots=True)
class Conflict:
    family: str  # "direction", "negation", "comparison", "magnitude", "population"
    claim: str
    source: str

    def __str__(self) -> str:
        return f"claim: {self.claim}; source: {self.source}"


def _tokens(text: str) -> list[str]:
    folded = fold(text).replace("up-regul", "upregul").replace("down-regul", "downregul")
    folded = re.sub(r"\bup regul", "upregul", folded)
    folded = re.sub(r"\bdown regul", "downregul", folded)
    return _TOKEN.findall(folded)


def _is_content(token: str) -> bool:
    return (
        token[0].isalpha()
        and len(token) > 2
        and token not in STOPWORDS
        and token not in _LEXICON
        and token not in _NEGATORS
        and token not in _NULL
        and token not in _HEDGES
    )


@lru_cache(maxsize=8192)
def _read(text: str, canon: Callable[[str], str]) -> Reading:
    tokens = _tokens(text)
    cues: list[Cue] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < n else ""
        negated = _negated(tokens, i)
        if tok in _NULL or (tok == "no" and after in _NO_NULL_HEADS):
            cues.append(Cue(tok if tok != "no" else f"no {after}", _ZERO, i, after))
        elif tok in _NEUTRAL_EFFECTS and negated is not None and not _hypothetical(tokens, i):
            cues.append(Cue(f"{negated} {tok}", _ZERO, i, after))
        elif tok in _LEXICON and _condition(tokens, i):
            continue
        elif tok in _LEXICON and _hypothetical(tokens, i):
            continue
        elif tok in _LEXICON:
            families = tuple(sorted(_LEXICON[tok].items()))
            if negated is not None:
                cues.append(Cue(f"{negated} {tok}", _ZERO, i, after))
            else:
                cues.append(Cue(tok, families, i, after))
    cues = _compose(tokens, cues)
    anchors: dict[str, list[Cue]] = {}
    interventions: set[str] = set()
    nearest: dict[int, tuple[int, Cue]] = {}
    for cue in cues:
        for j in _window(tokens, cue.position, before=0 if _active_verb(tokens, cue) else 4):
            distance = abs(j - cue.position)
            if j not in nearest or distance < nearest[j][0]:
                nearest[j] = (distance, cue)
    agents = _agents(tokens, cues)
    for j, (_, near) in sorted(nearest.items()):
        anchors.setdefault(canon(stem(tokens[j])), []).append(near)
        if near.position in agents:
            interventions.add(canon(stem(tokens[j])))
    comparisons = _comparisons(tokens, cues, canon)
    for _comparison, hinge, objects in comparisons:
        if hinge is None:
            continue
        flipped = tuple((f, -v) for f, v in hinge.families)
        mirror = Cue(f"{hinge.word} than", flipped, hinge.position, hinge.next)
        for term in objects[:1]:  # the head of B in "A more than B" fares the other way
            anchors.setdefault(term, []).append(mirror)
    content = frozenset(canon(stem(t)) for t in tokens if _is_content(t))
    quality = {canon(stem(w)): 1 for w in _GOOD_QUANTITY}
    quality.update({canon(stem(w)): -1 for w in _BAD_QUANTITY})
    return Reading(
        {k: tuple(v) for k, v in anchors.items()},
        tuple(c for c, _, _ in comparisons),
        tuple(numbers(text)),
        population(tokens),
        tuple(t for t in tokens if t in _HEDGES),
        content,
        {k: quality[k] for k in anchors if k in quality},
        frozenset(zip(tokens, tokens[1:], strict=False)),
        frozenset(interventions),
    )


_ZERO: tuple[tuple[Family, int], ...] = tuple(
    (f, 0) for f in ("assoc", "dir", "freq", "pres", "sign", "suff", "val")
)


def _compose(tokens: list[str], cues: list[Cue]) -> list[Cue]:
    """A cue acting on another one a word or two later is one cue: "enhances the
    suppression" goes down, "antagonizes the inhibition" and "prevents the loss" go up."""
    out: list[Cue] = []
    i = 0
    while i < len(cues):
        first = cues[i]
        if i + 1 < len(cues):
            second = cues[i + 1]
            gap = tokens[first.position + 1 : second.position]
            a, b = dict(first.families), dict(second.families)
            nominal = tokens[second.position].endswith(("ion", "ment", "ance")) or any(
                t in ("the", "a", "an", "of", "its", "their") for t in gap
            )
            if (
                nominal
                and len(gap) <= 2
                and all(t in STOPWORDS for t in gap)
                and a.get("dir")
                and "dir" in b
                and "assoc" not in b
            ):
                families = dict(b)
                families["dir"] = a["dir"] * b["dir"]
                if "val" in families:
                    families["val"] = a["dir"] * families["val"]
                word = f"{first.word} {second.word}"
                out.append(Cue(word, tuple(sorted(families.items())), second.position, second.next))
                i += 2
                continue
            if (
                first.word in ("less", "more")
                and second.position == first.position + 1
                and not tokens[second.position].endswith(("ion", "ment", "ance"))
            ):  # "less accurate", "more effective": one cue, the second's sense times the first's
                sign = a["dir"]
                families = {f: sign * v for f, v in b.items()}
                word = f"{first.word} {second.word}"
                out.append(Cue(word, tuple(sorted(families.items())), second.position, second.next))
                i += 2
                continue
        out.append(first)
        i += 1
    return out


_NO_NULL_HEADS = frozenset(
    "difference differences significant effect effects association associations relationship "
    "change changes clear evidence increase increases decrease improvement benefit "
    "correlation impact".split()
)


_NOUN_CUES = frozenset("effect effects link links difference change increase decrease rise".split())


_CONDITION_PREPOSITIONS = frozenset("at across under over".split())
_AT_RISK = frozenset("risk odds chance likelihood probability".split())


def _condition(tokens: list[str], i: int) -> bool:
    """A comparative naming a condition, not an effect: "increases at smaller spatial
    scales", "at higher doses" (but "at higher risk" is an effect)."""
    tok = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return (
        i > 0
        and tokens[i - 1] in _CONDITION_PREPOSITIONS
        and tok.endswith(("er", "est"))
        and after not in _AT_RISK
    )


def _hypothetical(tokens: list[str], i: int) -> bool:
    """A cue in a question or an aim ("whether it would predict", "to test if")."""
    for j in range(i - 1, max(-1, i - 6), -1):
        tok = tokens[j]
        if tok in ",;:()" or tok in _BOUNDARY:
            return False
        if tok in ("whether", "if", "hypothesized", "hypothesised", "hypothesis"):
            return True
    return False


def _negated(tokens: list[str], i: int) -> str | None:
    """The negator governing the cue at ``i``: within three words before it, or, for a noun
    ("a correlation ... was not detected"), "not"/"no" within eight words after it; no clause
    break between."""
    noun = tokens[i].endswith(("ion", "ment", "ance", "ship")) or tokens[i] in _NOUN_CUES
    for j in range(i + 1, min(len(tokens), i + 9) if noun else i + 1):
        tok = tokens[j]
        if tok in ",;:()" or tok in _BOUNDARY or tok in _COMPARATORS or tok in _LEXICON:
            break
        if tok in ("not", "no") and not (j + 1 < len(tokens) and tokens[j + 1] == "only"):
            return tok
    for j in range(i - 1, max(-1, i - 4), -1):
        tok = tokens[j]
        if tok in ",;:()" or tok in _BOUNDARY:
            return None
        if tok in _NEGATORS or tok.endswith("n't"):
            if j + 1 < len(tokens) and tokens[j + 1] == "only":
                return None
            return tok
    return None


_AUXILIARIES = frozenset("is are was were be been being has have had".split())


def _agents(tokens: list[str], cues: list[Cue]) -> set[int]:
    """Positions of cues naming the intervention, not the effect: a cue followed in its
    clause by an effect verb ("Blocking PPAR delta worsened ...", "PPAR inhibition
    reduces steatosis")."""
    out: set[int] = set()
    for a, b in zip(cues, cues[1:], strict=False):
        verb = tokens[b.position]
        gap = tokens[a.position + 1 : b.position]
        if (
            verb in _LEXICON
            and verb.endswith(("ed", "es", "s"))
            and not verb.endswith("ss")
            and tokens[b.position - 1] not in _AUXILIARIES
            and not any(t in ",;:()" or t in _BOUNDARY or t in _AUXILIARIES for t in gap)
            and "assoc" not in dict(a.families)
        ):
            out.add(a.position)
    return out


def _active_verb(tokens: list[str], cue: Cue) -> bool:
    """A cue used as an active verb right after its subject ("M1 aggravated cardiomyopathy"):
    the words before it name the agent, not the quantity that changes."""
    i = cue.position
    tok = tokens[i]
    if i == 0 or " " in cue.word or tok not in _LEXICON or not tok.endswith(("ed", "es")):
        return False
    prev = tokens[i - 1]
    return (
        prev[0].isalnum()
        and prev not in STOPWORDS
        and prev not in _LEXICON
        and prev not in _NEGATORS
        and not prev.endswith("ly")
    )


def _window(tokens: list[str], i: int, after: int = 6, before: int = 4) -> list[int]:
    """Content words near a cue, in its clause."""
    out: list[int] = []
    for step, limit in ((1, after), (-1, before)):
        j, seen = i + step, 0
        while 0 <= j < len(tokens) and seen < limit:
            tok = tokens[j]
            if tok in ";:()" or tok in _BOUNDARY or tok in _COMPARATORS:
                break
            if tok == "," and step < 0:
                break
            if step > 0 and tok == "by" and j > i + 1 and tokens[j - 1].endswith("ed"):
                break  # "currents produced by receptor activation": the cause, not the effect
            if _is_content(tok):
                out.append(j)
                seen += 1
            j += step
    return out


def _comparisons(
    tokens: list[str], cues: list[Cue], canon: Callable[[str], str]
) -> list[tuple[Comparison, Cue | None, tuple[str, ...]]]:
    """Each "A <cue> than B" / "A vs B" / "superior to": its polarity, A's first three content
    words (the subject) and B's (the object)."""
    out: list[tuple[Comparison, Cue | None, tuple[str, ...]]] = []
    by_position = {c.position: c for c in cues}
    for i, tok in enumerate(tokens):
        hinge = tok in _COMPARATORS or (tok == "to" and i and tokens[i - 1] in _TO_COMPARATORS)
        hinge = hinge or tok in _VERB_HINGES
        if tok == "compared" and i + 1 < len(tokens) and tokens[i + 1] not in ("with", "to"):
            hinge = False
        if not hinge:
            continue
        polarity, word = 0, tok
        found: Cue | None = None
        reach = 11 if tok == "than" else 5  # "rose much more in river samples than ..."
        for j in range(i if tok in _VERB_HINGES else i - 1, max(-1, i - reach), -1):
            if tokens[j] in ",;:(" or tokens[j] in _BOUNDARY:
                break
            cue = by_position.get(j)
            if cue is not None:
                values = dict(cue.families)
                polarity = values.get("val") or values.get("dir") or 0
                word, found = f"{cue.word} {tok}", cue
                break
        start = i
        while start > 0 and tokens[start - 1] not in ",;:(" and tokens[start - 1] not in _BOUNDARY:
            start -= 1
        end = i + 1
        if end < len(tokens) and tokens[end] in ("with", "to"):
            end += 1
        subject = [canon(stem(t)) for t in tokens[start:i] if _is_content(t)][:3]
        if found is not None and found.position + 1 < i and tokens[found.position + 1] in _GROUP:
            # "A higher in X than in Y": the groups compared are X and Y
            between = tokens[found.position + 1 : i]
            subject = [canon(stem(t)) for t in between if _is_content(t)][:3] or subject
        objects: list[str] = []
        for t in tokens[end:]:
            if t in ",;:)" or t in _BOUNDARY or len(objects) == 3:
                break
            if _is_content(t):
                objects.append(canon(stem(t)))
        if subject and objects:
            out.append(
                (
                    Comparison(word, polarity, frozenset(subject), frozenset(objects)),
                    found,
                    tuple(objects),
                )
            )
    return out


_PER = re.compile(
    r"\b(\w+(?:-\w+)?)\s+(?:in|out of)\s+(?:every\s+)?(\w+)\b", re.IGNORECASE
)  # "four in ten", "one in three", "6 out of 100"
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w])(\s*(?:%|percent|per cent))?", re.I)
_MULTIPLES = {"twice": 2.0, "double": 2.0, "doubled": 2.0, "twofold": 2.0, "threefold": 3.0,
              "tripled": 3.0, "half": 50.0, "halved": 50.0, "fourfold": 4.0}  # fmt: skip


def _value(word: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    found = number_word(word)
    return None if found is None else float(found)


_UNIT_WORDS = frozenset(
    """mg g kg mug ng ml l dl mm cm m km mmol umol mol micromolar mum nm um years year months
    month weeks week days day hours hour h min minutes seconds s fold times mmhg bpm iu u
    cases patients""".split()
)


def _unit(folded: str, end: int) -> str:
    match = re.match(r"\s*(?:[-/]\s*)?([a-z]+)", folded[end:])
    if match and match.group(1) in _UNIT_WORDS:
        word = match.group(1)
        return {"year": "years", "month": "months", "week": "weeks", "day": "days"}.get(word, word)
    return ""


_BOUNDS = (
    (re.compile(r"(?:under|below|less than|fewer than|up to|at most|no more than)\s*$"), "max"),
    (re.compile(r"(?:over|above|more than|greater than|exceeding|at least)\s*$"), "min"),
    (
        re.compile(r"(?:about|around|approximately|roughly|nearly|almost|some|circa|~)\s*$"),
        "approx",
    ),
)


def _bound(folded: str, start: int) -> str:
    head = folded[max(0, start - 24) : start]
    for pattern, bound in _BOUNDS:
        if pattern.search(head):
            return bound
    return ""


def numbers(text: str) -> list[Number]:
    """The numbers a text states: digits, numbers in words, "N in M" as a percentage,
    "twice"/"half"; not the digits of names such as "HPV16", "IL-6" or "3D". Each carries
    its unit: "%" or the unit word after it ("mg", "months"), else ""."""
    out: list[Number] = []
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    for match in _PER.finditer(folded):
        a, b = _value(match.group(1)), _value(match.group(2))
        if a is not None and b and b > a:
            bound = _bound(folded, match.start())
            out.append(Number(round(100.0 * a / b, 1), True, match.group(0), "%", bound))
            taken.append(match.span())
    for match in _NUMBER.finditer(folded):
        if any(s <= match.start() < e for s, e in taken):
            continue
        before = folded[max(0, match.start() - 1) : match.start()]
        if before == "-" and match.start() >= 2 and folded[match.start() - 2].isalpha():
            continue  # IL-6, HIF-1
        percent = bool(match.group(2))
        unit = "%" if percent else _unit(folded, match.end())
        bound = _bound(folded, match.start())
        out.append(Number(float(match.group(1)), percent, match.group(0).strip(), unit, bound))
    for match in re.finditer(r"[a-z]+(?:-[a-z]+)?", folded):
        if any(s <= match.start() < e for s, e in taken):
            continue
        word = match.group(0)
        value = number_word(word.split("-year")[0]) if "-" in word else number_word(word)
        if value is not None and word != "one":
            unit = "years" if "-year" in word else _unit(folded, match.end())
            out.append(Number(float(value), False, word, unit))
        elif word in _MULTIPLES:
            half = word.startswith("half")
            out.append(Number(_MULTIPLES[word], half, word, "%" if half else "fold"))
    return out


_MOST = re.compile(
    r"\b(?:most (?:of|patients|participants|cases|people|children|adults|subjects|women|men)"
    r"|(?:the|a) (?:large |vast |clear )?majority|(?:nearly|almost|virtually) all)\b"
)


def majority_conflicts(claim: str, source: Reading) -> list[Conflict]:
    """A claim stating a majority ("most patients", "nearly all") against a sentence whose
    shares (percentages) are all under half."""
    found = _MOST.search(fold(claim))
    if not found:
        return []
    shares = [n for n in source.numbers if n.percent]
    if not shares or any(n.value >= 50 for n in shares):
        return []
    shown = ", ".join(n.text for n in shares[:3])
    return [Conflict("magnitude", found.group(0), shown)]


def population(tokens: list[str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for family, values in _POPULATION.items():
        for value, words in values.items():
            if any(t in words for t in tokens):
                found.setdefault(family, set()).add(value)
    for i, tok in enumerate(tokens):
        if tok in ("year", "years") and i + 1 < len(tokens) and tokens[i + 1] == "old" and i:
            age = _value(tokens[i - 1])
            if age is not None:
                found.setdefault("age", set()).add("young" if age < 18 else "adult")
    return {k: frozenset(v) for k, v in found.items()}


def read(text: str, canon: Callable[[str], str] = lambda t: t) -> Reading:
    """The reading of one sentence; ``canon`` maps a stem onto its synonym group's term."""
    return _read(text, canon)


def number_matches(value: float, pool: list[float], bound: str = "") -> bool:
    """Whether a stated number (``bound``: "max" for "under N", "min" for "over N",
    "approx" for "about N") agrees with one of the source's numbers."""
    if bound == "max":
        return any(other <= value for other in pool)
    if bound == "min":
        return any(other >= value for other in pool)
    slack = 0.1 if bound == "approx" else 0.06
    return any(abs(value - other) <= max(0.5, slack * abs(other)) for other in pool)


def _polarity_word(cue: Cue, family: Family) -> str:
    return cue.word if dict(cue.families).get(family, 0) != 0 else f"{cue.word} (no effect)"


def _families(cue: Cue, quality: int) -> dict[Family, int]:
    """A cue's polarities on one anchor: on a good quantity (survival, accuracy, scores) more
    is better; on a bad one (mortality, risk, inflammation) more is worse."""
    values = dict(cue.families)
    if quality:
        if "dir" in values and "val" not in values:
            values["val"] = values["dir"] * quality
        elif "val" in values and "dir" not in values:
            values["dir"] = values["val"] * quality
    return values


def _ambiguous(cues: list[dict[Family, int]]) -> bool:
    first = cues[0]
    return any(any(f in first and first[f] != v for f, v in other.items()) for other in cues[1:])


def compare(
    claim: Reading, source: Reading, names: frozenset[tuple[str, str]] = frozenset()
) -> tuple[list[Conflict], int]:
    """The conflicts between a claim and one source sentence, and how many cue pairs agree.
    ``names``: word pairs of the whole record; a claim cue followed by the word that follows
    it in the record ("lower polariton") is part of a name there, not an effect."""
    conflicts: list[Conflict] = []
    agree = 0
    seen_pairs: set[tuple[str, str]] = set()
    for term, claim_cues in claim.anchors.items():
        source_cues = source.anchors.get(term)
        if not source_cues:
            continue
        quality = claim.quality.get(term, 0) or source.quality.get(term, 0)
        mine = [c for c in claim_cues if not (c.next and (c.word, c.next) in names)]
        if not mine:
            continue
        ours = [_families(c, quality) for c in mine]
        theirs = [_families(s, quality) for s in source_cues]
        if _ambiguous(ours) or _ambiguous(theirs):
            continue  # a word the text says two things about tells nothing
        pairs = [(c, t, [f for f in c if f in t]) for c in ours for t in theirs]
        pairs = [(c, t, shared) for c, t, shared in pairs if shared]
        if not pairs:
            continue
        if any("val" in shared for _, _, shared in pairs):
            # better/worse decides over more/less ("aggravated" vs "protects against")
            pairs = [(c, t, ["val"]) for c, t, shared in pairs if "val" in shared]
        if any(any(c[f] == t[f] for f in shared) for c, t, shared in pairs):
            if not (term in claim.interventions and term in source.interventions):
                agree += 1  # the same intervention named on both sides agrees on nothing
            continue
        i, j = next(
            (i, j)
            for i, c in enumerate(ours)
            for j, t in enumerate(theirs)
            if any(f in t for f in c)
        )
        pair = (mine[i].word, source_cues[j].word)
        if pair in seen_pairs:
            continue
        seen_pairs.add(pair)
        null = any(c[f] == 0 or t[f] == 0 for c, t, shared in pairs for f in shared)
        conflicts.append(Conflict("negation" if null else "direction", pair[0], pair[1]))
    for cc in claim.comparisons:
        for sc in source.comparisons:
            same = len(cc.left & sc.left) + len(cc.right & sc.right)
            swap = len(cc.left & sc.right) + len(cc.right & sc.left)
            if max(same, swap) < 2 or same == swap or not (cc.polarity and sc.polarity):
                continue
            effective = sc.polarity if same > swap else -sc.polarity
            if effective == cc.polarity:
                agree += 1
            else:
                reversed_ = " (the other way round)" if swap > same else ""
                conflicts.append(Conflict("comparison", cc.word, sc.word + reversed_))
    return conflicts, agree


def population_conflicts(claim: Reading, source: Reading) -> list[Conflict]:
    out: list[Conflict] = []
    for family, values in claim.population.items():
        theirs = source.population.get(family)
        if theirs and not (values & theirs):
            out.append(Conflict("population", "/".join(sorted(values)), "/".join(sorted(theirs))))
    return out


def magnitude_conflicts(claim: Reading, source: Reading) -> tuple[list[Conflict], list[str]]:
    """Claim numbers the source (a whole record) states nowhere: a conflict when the source
    states numbers in the same unit (percentages with percentages, months with months),
    else only reported as absent."""
    conflicts: list[Conflict] = []
    absent: list[str] = []
    pool = [n.value for n in source.numbers]
    for number in claim.numbers:
        if number_matches(number.value, pool, number.bound):
            continue
        absent.append(number.text)
        if not number.unit:
            continue
        same_unit = [n for n in source.numbers if n.unit == number.unit]
        if same_unit:
            shown = ", ".join(n.text for n in same_unit[:3])
            conflicts.append(Conflict("magnitude", number.text, shown))
    return conflicts, absent


__all__ = [
    "Comparison",
    "Conflict",
    "Cue",
    "Number",
    "Reading",
    "compare",
    "magnitude_conflicts",
    "majority_conflicts",
    "number_matches",
    "numbers",
    "population_conflicts",
    "read",
]
