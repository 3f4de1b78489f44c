"""Author and editor lists as references write them -> CSL-JSON names. Pure functions.

Handled forms: Vancouver ``Timmons CF`` (also glued ``TimmonsCF`` and dotted ``Timmons C.F.``),
APA ``Timmons, C. F., & Dawson, D. B.``, full names ``Carl F. Timmons``, particles
(``van der Berg J``, ``Ludwig van Beethoven``), hyphenated and non-ASCII names
(``Müller-Hermelink HK``, ``D'Albuquerque LA``), suffixes (``Smith J Jr``), ``et al.`` and
collective authors (``WHO Classification of Tumours Editorial Board``).

A list either parses completely or not at all: :func:`parse_names` returns None when any part
is not a name, so that callers can use it to find where an author list ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Name = dict[str, Any]

PARTICLES = frozenset(
    "van von der den de del della dei di da das do dos du la le les ten ter te op het 't af zu "
    "vom zum y e bin ibn al el ben st an".split()
)
SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "Ii", "Iii", "2nd", "3rd"})
COLLECTIVE_WORDS = frozenset(
    """group committee board consortium collaboration collaborative network association society
    organization organisation institute institutes agency council centre center centers centres
    investigators team registry working party programme program panel task force foundation
    department ministry office commission union federation college academy alliance initiative
    study trial trialists service services authority survey project coalition unit
    administration bureau who iarc nice cdc fda""".split()
)
FUNCTION_WORDS = frozenset("of for and on the in to at".split())
FOREIGN_FUNCTION_WORDS = FUNCTION_WORDS | frozenset(
    "de du des la le les et für und der die das y del para da do dos das di della per".split()
)
_ACRONYM_TAIL_RE = re.compile(r"\s\([A-Z][A-Za-z]{1,9}\)$")
_NOT_NAMES = frozenset("the a an of and in on for to with from by at is are new".split())

_ET_AL_RE = re.compile(r"(?:[,;]?\s*\bet\.?\s*al\b\.?|,?\s*\band\s+others\b\.?)\s*$", re.IGNORECASE)
_SPLIT_RE = re.compile(r"\s*(?:[,;]|\s&\s|&|\band\b)\s*")
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
"""Upper-case letters initials are made of (Latin-1 and Latin Extended-A)."""
_INITIALS_RE = re.compile(rf"[{_UP}](?:[a-z]?\.?-?\s?[{_UP}])*\.?")
_APA_INITIALS_RE = re.compile(rf"(?:[{_UP}][a-z]?\.\s*-?\s*)+|[{_UP}](?:-?[{_UP}]){{0,3}}\.?\s")
_APA_START_RE = re.compile(
    rf"[^,]{{1,60}},\s*(?:[{_UP}][a-z]?\.|[{_UP}]{{1,3}}\.?(?:,|\s*&|\s+and\s|$))"
)
_HYPHENATED_INITIALS_RE = re.compile(rf"[{_UP}]\.(?:-?[{_UP}]\.)+")
_ET_AL_INSIDE_RE = re.compile(r"[,;]?\s*\bet\.?\s*al\b\.?\s*(?=[;,])")
_ELLIPSIS_RE = re.compile(r",?\s*(?:\u2026|\.\.\.)\s*")
JOURNAL_WORDS = frozenset(
    """am chem soc phys biol med sci res rev lett mater adv int eur proc acad natl appl
    anal org commun funct clin engl arch dis infect pathol surg oncol mol assoc suppl bull
    rep""".split()
)
"""Journal-title abbreviations; as the "family name" of a full name they mean the author list
has run into the journal (``C. Adachi, J. Am. Chem. Soc.``)."""
_GLUED_RE = re.compile(r"([^\W\d_][\w'’\-]*?[a-zß-ÿ])([A-Z]{1,4})")
_LENIENT_INITIALS_RE = re.compile(r"[A-Z][a-z]\.?|[A-Z]-[a-z]")
_LENIENT_TAIL_RE = re.compile(r"\s(?:[A-Z][a-z]\.?|[A-Z]-[a-z])$|^[^\W\d_][^\W\d_'’\-]+$")
_GIVEN_WORD_RE = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*\.?|[A-Z]\.(?:-?[A-Z]\.)*")
_EDITOR_TAIL_RE = re.compile(
    r"(?:[,.]?\s*\(\s*(?:eds?|editors?|hrsg|coord)\.?\s*\)|,\s*\b(?:eds?|editors?)\b)\.?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NameList:
    names: list[Name]
    et_al: bool
    style: str  # "vancouver" | "apa" | "full" | "collective" | "mixed"


def _is_cap_word(tok: str) -> bool:
    return bool(tok) and tok[0].isupper() and any(c.islower() for c in tok)


def _family_ok(tokens: list[str]) -> bool:
    if not tokens or len(tokens) > 4:
        return False
    has_cap = False
    for tok in tokens:
        if tok.isalpha() and tok[0].isupper():
            has_cap = True  # the common case: "Timmons", "Königsrainer"
            continue
        low = tok.lower()
        if low in PARTICLES or low.rstrip("'’") in PARTICLES:
            continue
        core = tok.replace("-", "").replace("'", "").replace("’", "")
        if not core.isalpha():
            return False
        if (
            not tok[0].isupper()
            and low[:2] not in ("d'", "d’", "o'", "o’")
            and not any(c.isupper() for c in tok[1:])  # "deVries"
        ):
            return False
        has_cap = True
    return has_cap


def _vancouver(part: str, *, lenient: bool = False) -> Name | None:
    """``Timmons CF``; ``lenient`` also takes ``List Th`` (given names shortened to two
    letters), which is only safe inside a list whose other names are Vancouver."""
    tokens = part.split()
    suffix = None
    if len(tokens) >= 3 and tokens[-1] in SUFFIXES:
        suffix = tokens[-1].rstrip(".")
        tokens = tokens[:-1]
    if len(tokens) >= 2:
        initials = tokens[-1]
        if len(initials) <= 8 and _INITIALS_RE.fullmatch(initials) and _family_ok(tokens[:-1]):
            if initials.endswith(".") and initials.count(".") == 1:
                initials = initials[:-1]  # "Smith DB." -> the full stop ends the list
            name: Name = {"family": " ".join(tokens[:-1]), "given": initials}
            if suffix:
                name["suffix"] = suffix
            return name
        if lenient and _LENIENT_INITIALS_RE.fullmatch(initials) and _family_ok(tokens[:-1]):
            return {"family": " ".join(tokens[:-1]), "given": initials.rstrip(".")}
    if lenient and len(tokens) == 1 and len(tokens[0]) > 2 and _family_ok(tokens):
        return {"family": tokens[0]}  # a one-word name ("Jamaluddin") inside a Vancouver list
    if tokens and len(tokens) <= 4:
        # glued "TimmonsCF", "Le GuennoB", "Jansen van VurenP"
        m = _GLUED_RE.fullmatch(tokens[-1])
        if m and _family_ok([*tokens[:-1], m.group(1)]):
            return {"family": " ".join([*tokens[:-1], m.group(1)]), "given": m.group(2)}
    # family followed by space-separated initials: "Smith J A", "Smith J. A."
    i = len(tokens)
    while i > 1 and len(tokens[i - 1]) <= 2 and _INITIALS_RE.fullmatch(tokens[i - 1]):
        i -= 1
    if 1 <= i < len(tokens) and _family_ok(tokens[:i]):
        name = {"family": " ".join(tokens[:i]), "given": " ".join(tokens[i:])}
        if suffix:
            name["suffix"] = suffix
        return name
    return None


def _full(part: str) -> Name | None:
    """``Carl F. Timmons``, ``Ludwig van Beethoven``, ``Marie-Claire Dupont Jr``."""
    tokens = part.split()
    suffix = None
    if len(tokens) >= 3 and tokens[-1] in SUFFIXES:
        suffix = tokens[-1].rstrip(".")
        tokens = tokens[:-1]
    if not 2 <= len(tokens) <= 5:
        return None
    # the family name starts at the first particle after the first given name, else last token
    start = len(tokens) - 1
    for i in range(1, len(tokens) - 1):
        if tokens[i].lower() in PARTICLES and len(tokens[i]) > 1:  # "Amy E Hosmer": an initial
            start = i
            break
    given, family = tokens[:start], tokens[start:]
    if not given or not _is_cap_word(given[0].rstrip(".")) and not _INITIALS_RE.fullmatch(given[0]):
        return None
    for tok in given:
        if not _GIVEN_WORD_RE.fullmatch(tok) or not tok[0].isupper():
            return None
        if (
            tok.endswith(".")
            and len(tok.replace(".", "").replace("-", "")) > 1
            and not _HYPHENATED_INITIALS_RE.fullmatch(tok)
        ):
            return None  # "JL." or "Jones." is not an abbreviated given name
        if tok.lower() in _NOT_NAMES and not (
            len(tok) == 1 and tok.isupper() and tok is not given[0]
        ):
            return None  # "The", "A" (but "Omar A Itani": an initial)
        if len(tok) >= 3 and tok.isupper() and tok.isalpha():
            return None  # "IEEE Trans", "ACS Nano": an acronym is not a given name
    if any(tok in _NOT_NAMES for tok in family):
        return None  # "the", "of"; but "An" and "Ma" are surnames
    last = family[-1]
    if not _family_ok(family) or not (
        _is_cap_word(last) or (last[0].islower() and any(c.isupper() for c in last[1:]))
    ):
        return None
    if any(t.lower() in JOURNAL_WORDS for t in tokens):
        return None
    name: Name = {"family": " ".join(family), "given": " ".join(given)}
    if suffix:
        name["suffix"] = suffix
    return name


def is_collective(part: str) -> bool:
    """Does ``part`` read as an organisation (``ACMG Laboratory Quality Assurance Committee``)?"""
    tokens = part.split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]  # APA: "..., & the BASIS Team"
    if not tokens or len(tokens) > 14 or not tokens[0][:1].isupper() or ". " in part:
        return False
    if len(tokens) == 1:
        core = tokens[0].strip("()")
        return (core.isupper() and core.isalpha() and 2 <= len(core) <= 12) or (
            core.lower() in COLLECTIVE_WORDS and len(core) > 3
        )
    lowered = {t.strip("().,").lower() for t in tokens}
    if lowered & COLLECTIVE_WORDS:
        return True
    if _ACRONYM_TAIL_RE.search(part) and all(
        t[:1].isupper() or t in FOREIGN_FUNCTION_WORDS for t in tokens[:-1]
    ):
        return True  # "Robert Koch Institut (RKI)", "Haute Autorité de Santé (HAS)"
    # Title-case words alone ("Guidelines for the Management of Hypertension") could as well
    # be a title: without an organisation word or an acronym, nothing is taken for one.
    return False


def _split_list(text: str) -> list[str]:
    """The parts of a name list, split at commas, semicolons, ``&`` and ``and``."""
    if "&" in text or "and" in text:
        return [p for p in _SPLIT_RE.split(text) if p]
    return [p for p in (q.strip() for q in text.replace(";", ",").split(",")) if p]


def _parse_apa(text: str) -> list[Name] | None:
    pieces = _split_list(text)
    names: list[Name] = []
    i = 0
    while i < len(pieces):
        fam = pieces[i].strip()
        if i + 1 < len(pieces) and _APA_INITIALS_RE.fullmatch(pieces[i + 1].strip() + " "):
            if not _family_ok(fam.split()):
                return None
            name: Name = {"family": fam, "given": pieces[i + 1].strip()}
            i += 2
            if i < len(pieces) and pieces[i].strip() in SUFFIXES:
                name["suffix"] = pieces[i].strip().rstrip(".")
                i += 1
            names.append(name)
            continue
        if is_collective(fam):
            names.append({"literal": fam.rstrip(".")})
            i += 1
            continue
        return None
    return names or None


def parse_names(text: str, *, allow_full: bool = True) -> NameList | None:
    """Parse a whole author list; None unless every part is a name (or a collective)."""
    text = text.strip().strip(",;").strip()
    et_al = False
    tail = text[-24:]
    m = _ET_AL_RE.search(text, max(0, len(text) - 24)) if "et" in tail or "thers" in tail else None
    if m:
        et_al = True
        text = text[: m.start()].strip().strip(",;").strip()
    if not text or len(text) > 2000:
        return None
    if "et al" in text and _ET_AL_INSIDE_RE.search(text):
        # "Kobayashi M, Huttin O, et al.; STANISLAS Study Investigators"
        text = _ET_AL_INSIDE_RE.sub("", text)
        et_al = True
    if "\u2026" in text or "..." in text:
        # APA 7: "Bolte, S., ... Golan, O." leaves authors out
        text, n = _ELLIPSIS_RE.subn(", ", text)
        et_al = et_al or n > 0
    if "," in text and text[:2].isupper():
        caps = _caps_pairs(text)
        if caps:
            return NameList(caps, et_al, "apa")
    if " and " in text and "," in text:
        bibtex = _bibtex(text)
        if bibtex:
            return NameList(bibtex, et_al, "apa")
    if _APA_START_RE.match(text):
        apa = _parse_apa(text)
        if apa:
            return NameList(apa, et_al, "apa")
    text = text.rstrip(".").rstrip()
    if et_al and " " not in text and len(text) > 2 and _family_ok([text]):
        return NameList([{"family": text}], et_al, "vancouver")  # "Suthahar, et al."
    if (" and " in text or "&" in text) and "," not in text and is_collective(text):
        return NameList([{"literal": text}], et_al, "collective")
    parts = _split_list(text)
    if not parts:
        return None
    names: list[Name] = []
    kinds: list[str] = []
    for part in parts:
        part = part.strip()
        if part in SUFFIXES and names and kinds[-1] in ("vancouver", "full"):
            names[-1]["suffix"] = part.rstrip(".")  # "Whitfield RT, 2nd"
            continue
        v = _vancouver(part)
        if v is not None:
            names.append(v)
            kinds.append("vancouver")
            continue
        if is_collective(part):
            names.append({"literal": part})
            kinds.append("collective")
            continue
        f = _full(part) if allow_full else None
        if f is not None:
            names.append(f)
            kinds.append("full")
            continue
        if not _LENIENT_TAIL_RE.search(part):
            return _chicago(parts, et_al) if allow_full else None
        names.append({})
        kinds.append("failed")
    if kinds[0] == "failed" and len(parts) >= 2 and allow_full:
        # MLA/Chicago "Visconti, Michael J., et al.": not "Visconti" and "Michael J"
        chicago = _chicago(parts, et_al)
        if chicago is not None:
            return chicago
    if "vancouver" in kinds and ("full" in kinds or "failed" in kinds):
        # "List Th" inside a Vancouver list: two-letter given names
        for idx, kind in enumerate(kinds):
            if kind in ("full", "failed"):
                v = _vancouver(parts[idx].strip(), lenient=True)
                if v is not None:
                    names[idx] = v
                    kinds[idx] = "vancouver"
    styles = set(kinds)
    if "failed" in styles or {"vancouver", "full"} <= styles:
        # a consistent list uses one style; a mix is a title mistaken for names, unless it is
        # Chicago's "Smith, John, and Kate Jones"
        return _chicago(parts, et_al) if allow_full else None
    if "full" in styles and not _consistent_given(names, kinds):
        return None  # "X. Fan, W. Hu, Nano Energy": the journal is not a name
    style = styles.pop() if len(styles) == 1 else "mixed"
    return NameList(names, et_al, style)


def _caps_pairs(text: str) -> list[Name] | None:
    """ISO 690 ``ARABPOUR, Mohsen, GHODS, Atri and GHADERI, Abbas``: capitalised surnames,
    each followed by its given names."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+|\s*&\s*", text.rstrip(".")) if p.strip()]
    if len(parts) < 2 or len(parts) % 2:
        return None
    names: list[Name] = []
    for family, given in zip(parts[::2], parts[1::2], strict=True):
        letters = family.replace("-", "").replace("'", "").replace(" ", "")
        if not (letters.isalpha() and family.isupper() and len(letters) >= 2):
            return None
        if not _given_like(given.rstrip(".") if len(given.split()[-1]) > 2 else given):
            return None
        names.append({"family": family, "given": given})
    return names


_BIBTEX_AND_RE = re.compile(r",?\s+and\s+")


def _bibtex(text: str) -> list[Name] | None:
    """BibTeX's ``Surname, Given A. and Surname, Given B. C.``: two people, each inverted."""
    chunks = _BIBTEX_AND_RE.split(text)
    if len(chunks) < 2:
        return None
    names: list[Name] = []
    for chunk in chunks:
        family, sep, given = chunk.strip().rstrip(",").partition(",")
        family, given = family.strip(), given.strip()
        if not sep or "," in given or not _family_ok(family.split()):
            return None
        if given.endswith(".") and len(given.split()[-1]) > 2:
            given = given[:-1]  # the full stop ends the list ("van Dijk, Pieter.")
        if not _given_like(given):
            return None
        names.append({"family": family, "given": given})
    return names


def _given_like(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 3:
        return False
    for tok in tokens:
        if _INITIALS_RE.fullmatch(tok) and len(tok) <= 6:
            continue
        if not (_is_cap_word(tok) and tok.replace("-", "").isalpha()) or tok.lower() in _NOT_NAMES:
            return False
    return True


def _chicago(parts: list[str], et_al: bool) -> NameList | None:
    """Chicago/MLA: the first author inverted, the others not (``Smith, John, and Kate Jones``)."""
    if len(parts) < 2:
        return None
    family, given = parts[0].strip(), parts[1].strip()
    if len(family.split()) > 3 or not _family_ok(family.split()) or not _given_like(given):
        return None
    if _vancouver(family) is not None:
        return None  # "Smith J, Carl Timmons" mixes styles; it is no Chicago list
    if given.endswith(".") and len(given.split()[-1]) > 2:
        given = given[:-1]  # the full stop ends the list, unless it is an initial's
    names: list[Name] = [{"family": family, "given": given}]
    for part in parts[2:]:
        f = _full(part.strip())
        if f is None and is_collective(part.strip()):
            f = {"literal": part.strip()}  # "..., and CDC COVID-19 Response Team"
        if f is None:
            return None
        names.append(f)
    return NameList(names, et_al, "full")


def _consistent_given(names: list[Name], kinds: list[str]) -> bool:
    """Full names start with either an initial (``X. Fan``, ``S. Madayanad Suresh``) or a
    word (``Carl Timmons``), not both."""
    seen: set[bool] = set()
    for name, kind in zip(names, kinds, strict=True):
        if kind == "full":
            first = str(name.get("given", "")).split()[:1] or [""]
            seen.add(bool(_INITIALS_RE.fullmatch(first[0])))
    return len(seen) <= 1


def strip_editor_marker(text: str) -> tuple[str, bool]:
    """``'Smith J, Jones K, eds'`` -> ``('Smith J, Jones K', True)``."""
    tail = text[-30:].lower()
    if "ed" not in tail and "hrsg" not in tail and "coord" not in tail:
        return text, False
    m = _EDITOR_TAIL_RE.search(text, max(0, len(text) - 30))
    if m and m.start() > 0:
        return text[: m.start()].rstrip(" ,."), True
    return text, False
