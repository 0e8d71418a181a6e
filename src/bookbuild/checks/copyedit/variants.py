"""Checks stage (copy-editing): the spelling families English varies in, and each word's place.

`classify(word)` says whether a (lower-case) word belongs to a family where English spells one
word two ways, under which key its other spelling falls, and which spelling it is:

- `ise/ize`: organise/organize, analyse/analyze (not advise, surprise, size, seize: one way only)
- `our/or`: colour/color, honourable/honorable (not honorary, vigorous: one way only)
- `re/er`: centre/center, theatre/theater, sombre/somber
- `ll/l`: travelled/traveled, marvellous/marvelous, skilful/skillful
- `ae/e`: mediaeval/medieval, foetus/fetus, aera/era; and æ/ae, œ/oe (Phocæa/Phocaea)
- `ce/se`: defence/defense, offence/offense, pretence/pretense
- `ogue/og`: catalogue/catalog
- `words`: a short list of words spelt two ways (grey/gray, connexion/connection, shew/show)
- `hyphen`: co-operate/cooperate, to-day/today (a hyphenated and a solid compound)

Open compounds are not compared: "well known" after a noun and "well-known" before one are both
right (Chicago 7.85), and "every day" and "everyday" are two words. Words whose other spelling
means something else (licence/license, practice/practise, program/programme, meter/metre,
re-form/reform) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# en-GB and en-US: which spelling each prefers, used only to break a tie in a book's own usage.
PREFERRED = {
    "en-gb": {"ise/ize": "s", "our/or": "our", "re/er": "re", "ll/l": "ll", "ae/e": "ae",
              "ce/se": "ce", "ogue/og": "ogue"},
    "en-us": {"ise/ize": "z", "our/or": "or", "re/er": "er", "ll/l": "l", "ae/e": "e",
              "ce/se": "se", "ogue/og": "og"},
}


@dataclass(frozen=True)
class Variant:
    family: str         # "ise/ize", ...
    key: str            # the same for both spellings of one word
    style: str          # which of the family's spellings this is ("s" or "z", "our" or "or"...)
    other: str          # the word in the family's other spelling ("" where it cannot be made)


# -- ise/ize ------------------------------------------------------------------------------------

_IZE = re.compile(r"(?P<stem>[a-z]{3,}?)(?P<y>i|y)(?P<letter>[sz])"
                  r"(?P<suffix>e|es|ed|ing|er|ers|ation|ations|ational|able)")
# Words spelt with -ise only, and with -ize only (the stem before "ise"/"ize").
_ISE_ONLY = frozenset("""
    advert adv ar chast circumc compr comprom desp dev disgu franch enfranch disenfranch
    enterpr exc inc exerc expert improv merchand parad prec conc prem dem repr prom rev superv
    surm surpr telev treat w otherw likew clockw lengthw edgew streetw cerise marqu anglaise
    appr apr mort val chem polonaise marseillaise pract unpract derv r upr sunr moonr
""".split())
_IZE_ONLY = frozenset("caps ass downs outs overs unders bites".split())
_PREFIXES = ("un", "re", "dis", "mis", "over", "under", "pre", "non", "self-", "anti")


def _ise_ize(word: str) -> Variant | None:
    match = _IZE.fullmatch(word)
    if match is None:
        return None
    stem, letter = match.group("stem"), match.group("letter")
    if stem[-1] in "aeou" or match.group("y") == "y" and len(stem) < 4:
        return None                                     # raise, poise, cruise: not the suffix
    bare_stem = next((stem[len(p):] for p in _PREFIXES if stem.startswith(p) and
                      stem[len(p):] in _ISE_ONLY | _IZE_ONLY), stem)
    if bare_stem in _ISE_ONLY or bare_stem in _IZE_ONLY or stem.endswith("w"):
        return None                                     # advise, size; otherwise, fanwise
    key = stem + match.group("y") + "_" + match.group("suffix")
    other = stem + match.group("y") + ("z" if letter == "s" else "s") + match.group("suffix")
    return Variant("ise/ize", key, letter, other)


# -- our/or -------------------------------------------------------------------------------------

_OUR = re.compile(r"(?P<prefix>dis|un|mis|re|in)?(?P<stem>colo|hono|labo|favo|valo|harbo|neighbo|"
                  r"behavio|humo|vigo|rigo|vapo|odo|rumo|splendo|cando|ardo|clamo|armo|parlo|savio|"
                  r"endeavo|fervo|succo|tumo|savo|flavo|demeano|ranco|clango|arbo|dolo)(?P<u>u?)r"
                  r"(?P<suffix>|s|ed|ing|er|ers|able|ably|ful|fully|less|ite|ites|y|ies|hood|hoods|"
                  r"ly|al|ally|ing|less)")


def _our_or(word: str) -> Variant | None:
    match = _OUR.fullmatch(word)
    if match is None:
        return None
    suffix = match.group("suffix")
    head = (match.group("prefix") or "") + match.group("stem")
    british = bool(match.group("u"))
    return Variant("our/or", head + "r" + suffix, "our" if british else "or",
                   head + ("r" if british else "ur") + suffix)


# -- re/er --------------------------------------------------------------------------------------

_RE = re.compile(r"(?P<stem>(?:epi|self-)?cent|theat|lit|fib|somb|spect|lust|lacklust|calib|sab|"
                 r"meag|mit|och|scept|saltpet|sepulch|reconnoit|goit|manoeuv|maneuv)"
                 r"(?P<ending>re|er)(?P<suffix>|s|d|ed|ing)")


def _re_er(word: str) -> Variant | None:
    match = _RE.fullmatch(word)
    if match is None:
        return None
    ending, suffix = match.group("ending"), match.group("suffix")
    if (ending, suffix) in (("re", "ed"), ("er", "d"), ("re", "ing")):
        return None
    stem = match.group("stem")
    key = stem.replace("manoeuv", "maneuv") + "er" + {"d": "ed"}.get(suffix, suffix)
    if ending == "re":
        other = stem + "er" + {"d": "ed"}.get(suffix, suffix)
    else:
        other = stem + "re" + {"ed": "d"}.get(suffix, suffix)
    return Variant("re/er", key, ending, other if suffix != "ing" else "")


# -- ll/l ---------------------------------------------------------------------------------------

_LL = re.compile(r"(?P<stem>[a-z]*[aeiou])(?P<l>ll|l)(?P<suffix>ed|ing|er|ers|or|ors|ous|ously|ery)")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_LL_WORDS: dict[str, tuple[str, str]] = {
    "skilful": ("skilful", "ll"), "skillful": ("skilful", "l"),
    "skilfully": ("skilfully", "ll"), "skillfully": ("skilfully", "l"),
    "wilful": ("wilful", "ll"), "willful": ("wilful", "l"),
    "wilfully": ("wilfully", "ll"), "willfully": ("wilfully", "l"),
    "fulfil": ("fulfil", "ll"), "fulfill": ("fulfil", "l"),
    "fulfils": ("fulfils", "ll"), "fulfills": ("fulfils", "l"),
    "fulfilment": ("fulfilment", "ll"), "fulfillment": ("fulfilment", "l"),
    "instalment": ("instalment", "ll"), "installment": ("instalment", "l"),
    "instalments": ("instalments", "ll"), "installments": ("instalments", "l"),
    "enrol": ("enrol", "ll"), "enroll": ("enrol", "l"),
    "enrolment": ("enrolment", "ll"), "enrollment": ("enrolment", "l"),
    "distil": ("distil", "ll"), "distill": ("distil", "l"),
    "instil": ("instil", "ll"), "instill": ("instil", "l"),
    "enthral": ("enthral", "ll"), "enthrall": ("enthral", "l"),
    "woollen": ("woollen", "ll"), "woolen": ("woollen", "l"),
    "jewellery": ("jewellery", "ll"), "jewelry": ("jewellery", "l"),
}


def _ll_l(word: str) -> Variant | None:
    if word in _LL_WORDS:
        key, style = _LL_WORDS[word]
        other = next(w for w, (k, s) in _LL_WORDS.items() if k == key and s != style)
        return Variant("ll/l", key, style, other)
    match = _LL.fullmatch(word)
    if match is None or len(_VOWEL_GROUPS.findall(match.group("stem"))) < 2:
        return None
    double = match.group("l") == "ll"
    stem, suffix = match.group("stem"), match.group("suffix")
    return Variant("ll/l", stem + "l" + suffix, "ll" if double else "l",
                   stem + ("l" if double else "ll") + suffix)


# -- ae/e, æ/ae ---------------------------------------------------------------------------------

def _ae_e(word: str) -> Variant | None:
    """mediaeval/medieval: keyed by the -e spelling, which has nothing to mark it (see
    `partners`). Plurals and pasts in -oes, -oed (canoes) and -soever are not the digraph."""
    if "æ" in word or "œ" in word:
        plain = word.replace("æ", "ae").replace("œ", "oe")
        return Variant("æ/ae", plain, "ligature", plain)
    body = word[:-1]
    if len(word) < 6 or ("ae" not in body and "oe" not in body) or word.endswith("soever") \
            or re.search(r"oe[sd]$", word) or word.startswith("poet"):
        return None
    key = body.replace("ae", "e").replace("oe", "e") + word[-1]
    return Variant("ae/e", key, "ae", key)


# -- ce/se, ogue/og, words ------------------------------------------------------------------------

_CE = re.compile(r"(?P<stem>defen|offen|preten)(?P<letter>[cs])(?P<suffix>e|es)")
_OGUE = re.compile(r"(?P<stem>catalo|analo|dialo|pedago|demago)(?P<ending>gue|g)(?P<suffix>|s|ed|ing)")
_WORDS: dict[str, tuple[str, str]] = {}
for _british, _american in (("grey", "gray"), ("greys", "grays"), ("greyish", "grayish"),
                            ("connexion", "connection"), ("connexions", "connections"),
                            ("shew", "show"), ("shews", "shows"), ("shewed", "showed"),
                            ("shewn", "shown"), ("shewing", "showing"),
                            ("judgement", "judgment"), ("judgements", "judgments"),
                            ("acknowledgement", "acknowledgment"),
                            ("acknowledgements", "acknowledgments"),
                            ("ageing", "aging"), ("plough", "plow"), ("ploughs", "plows"),
                            ("ploughed", "plowed"), ("ploughing", "plowing"),
                            ("ploughman", "plowman"), ("mould", "mold"), ("moulds", "molds"),
                            ("moulded", "molded"), ("mouldy", "moldy"), ("smoulder", "smolder"),
                            ("smouldering", "smoldering"), ("sceptic", "skeptic"),
                            ("sceptics", "skeptics"), ("sceptical", "skeptical"),
                            ("scepticism", "skepticism"), ("pyjamas", "pajamas"),
                            ("aluminium", "aluminum"), ("cosy", "cozy"),
                            ("moustache", "mustache"), ("moustaches", "mustaches"),
                            ("despatch", "dispatch"), ("despatches", "dispatches"),
                            ("despatched", "dispatched"), ("gaol", "jail"), ("gaols", "jails"),
                            ("gaoler", "jailer"), ("waggon", "wagon"), ("waggons", "wagons"),
                            ("chilli", "chili"), ("pedlar", "peddler"), ("pedlars", "peddlers"),
                            ("sulphur", "sulfur"), ("storey", "story")):
    if _british != "storey":
        _WORDS[_british] = (_american, "british")
        _WORDS[_american] = (_american, "american")


def _ce_se(word: str) -> Variant | None:
    match = _CE.fullmatch(word)
    if match is None:
        return None
    c = match.group("letter") == "c"
    return Variant("ce/se", match.group("stem") + "_" + match.group("suffix"), "ce" if c else "se",
                   match.group("stem") + ("s" if c else "c") + match.group("suffix"))


def _ogue_og(word: str) -> Variant | None:
    match = _OGUE.fullmatch(word)
    if match is None:
        return None
    long = match.group("ending") == "gue"
    stem, suffix = match.group("stem"), match.group("suffix")
    return Variant("ogue/og", stem + "g" + suffix, "ogue" if long else "og",
                   stem + ("g" if long else "gue") + suffix)


def _listed(word: str) -> Variant | None:
    if word in _WORDS:
        key, style = _WORDS[word]
        other = next(w for w, (k, s) in _WORDS.items() if k == key and s != style)
        return Variant("words", key, style, other)
    return None


def _hyphen(word: str) -> Variant | None:
    """A hyphenated compound, keyed by its solid form (not re-: re-form is not reform)."""
    if "-" not in word or word.startswith("re-") or word.count("-") > 2:
        return None
    return Variant("hyphen", word.replace("-", ""), "hyphenated", word.replace("-", ""))


# Each family with a pattern that finds its candidates among all the book's words in one pass
# (a line per word), so that Python looks at a few thousand words, not every distinct one.
_FAMILIES: tuple[tuple[Callable[[str], Variant | None], re.Pattern[str]], ...] = (
    (_ise_ize, re.compile(r"^[a-z]{3,}[iy][sz](?:e|es|ed|ing|er|ers|ation|ations|ational|able)$", re.M)),
    (_our_or, re.compile(r"^(?:dis|un|mis|re|in)?(?:colo|hono|labo|favo|valo|harbo|neighbo|"
                         r"behavio|humo|vigo|rigo|vapo|odo|rumo|splendo|cando|ardo|clamo|armo|"
                         r"parlo|savio|endeavo|fervo|succo|tumo|savo|flavo|demeano|ranco|clango|"
                         r"arbo|dolo)u?r[a-z]*$", re.M)),
    (_re_er, re.compile(r"^(?:epi|self-)?(?:cent|theat|lit|fib|somb|spect|lust|lacklust|calib|sab|"
                        r"meag|mit|och|scept|saltpet|sepulch|reconnoit|goit|manoeuv|maneuv)"
                        r"(?:re|er)[a-z]*$", re.M)),
    (_ll_l, re.compile(r"^(?:[a-z]*[aeiou]l{1,2}(?:ed|ing|er|ers|or|ors|ous|ously|ery)"
                       r"|[a-z]*l{1,2}(?:ful|fully|ment|ments|s|ery|en|ry)?)$", re.M)),
    (_ae_e, re.compile(r"^.*(?:ae|oe|æ|œ).*$", re.M)),
    (_ce_se, re.compile(r"^(?:defen|offen|preten)[cs]es?$", re.M)),
    (_ogue_og, re.compile(r"^(?:catalo|analo|dialo|pedago|demago)g[a-z]*$", re.M)),
    (_listed, re.compile(r"^$", re.M)),           # a dictionary look-up instead
    (_hyphen, re.compile(r"^.*-.*$", re.M)),
)


def classify(word: str) -> Variant | None:
    """The family a word's spelling varies in, or None (most words)."""
    for family, _ in _FAMILIES:
        variant = family(word)
        if variant is not None:
            return variant
    return None


def classify_all(words: set[str]) -> dict[str, Variant]:
    """`classify` for many words at once: {word: its variant} for those that have one."""
    text = "\n".join(words)                 # in any order: the result is sorted
    found: dict[str, Variant] = {}
    for family, pattern in _FAMILIES:
        candidates: Iterable[str] = (match.group() for match in pattern.finditer(text))
        if family is _listed:
            candidates = sorted(words & _WORDS.keys())
        for word in candidates:
            if word not in found and (variant := family(word)) is not None:
                found[word] = variant
    return dict(sorted(found.items()))


def partners(words: set[str], keys: Iterable[tuple[str, str]]) -> dict[str, Variant]:
    """The plain words (ones `classify` leaves alone) that are the other spelling of a word the
    book has: `era` of `aera`, `cooperate` of `co-operate`."""
    found: dict[str, Variant] = {}
    by_family: dict[str, set[str]] = {"ae/e": set(), "hyphen": set()}
    for family, key in keys:
        if family in by_family:
            by_family[family].add(key)
    for word in sorted(words & by_family["hyphen"]):
        found[word] = Variant("hyphen", word, "solid", "")
    for word in sorted(words & by_family["ae/e"]):
        found[word] = Variant("ae/e", word, "e", "")
    return found
