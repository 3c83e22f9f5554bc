"""Detectors of personal data in text: shared by `qa data check`, anonymisation and scrubbing.

One table of detectors, so that what the data check finds, the anonymiser replaces and the
publisher scrubs are always the same things. Every pattern is paired with a check (checksums,
address ranges, name dictionaries) because the publisher runs `mask_pii` over ordinary test
output: durations, line numbers, versions, hashes and SHAs must come through untouched.

Values that are fake by convention are not personal data, and the anonymiser produces only such
values, so anonymised files pass the check: e-mail at reserved domains (example.com, .test, …),
fictional phone numbers (NANP 555-01xx, Ofcom drama numbers), IP addresses outside the global
ranges, placeholder surnames (Jane Doe, Max Mustermann), streets named "Example", card numbers
that fail Luhn and IBANs whose checksum does not hold.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A capitalised word of a name, accents included ("Müller", "José", "Smith-Jones").
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = f"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SURNAME = f"(?:Mc|Mac|O['\u2019]|D['\u2019])?{_WORD}"  # McLean, O'Brien, D'Angelo

RESERVED_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_EMAIL_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
PLACEHOLDER_SURNAMES = ("Doe", "Roe", "Bloggs", "Mustermann", "Musterfrau")
PLACEHOLDER_STREET = "Example"
STREET_SUFFIXES = ("Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive",
                   "Court", "Ct", "Way", "Place", "Pl", "Square", "Terrace", "Close", "Crescent", "Parkway")
# UK numbers Ofcom keeps for drama, national form without the trunk 0 (0113 496 0xxx, 07700 900xxx, …)
OFCOM_DRAMA = ("1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960", "1314960", "1414960",
               "1514960", "1614960", "1914980", "2079460", "2896496", "2920180", "1632960", "7700900", "8081570",
               "9098790", "3069990")
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof")
NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL")

# Card brands by the first digits of the number (IIN); a number without one is not a card.
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|22)|35")


@dataclass(frozen=True)
class Detector:
    """A kind of personal data: a pattern, and an optional check that weeds out look-alikes.

    When the pattern has a group named `pii`, that group is the value (so a zero-width lookahead
    can try every start position, as the name detector does).
    """

    name: str
    label: str
    pattern: re.Pattern[str]
    valid: Callable[[str], bool] | None = None
    could_hold: Callable[[str], bool] | None = None  # a cheap test that spares the pattern most texts

    def find(self, text: str) -> Iterable[PiiMatch]:
        if self.could_hold is not None and not self.could_hold(text):
            return
        group = "pii" if "pii" in self.pattern.groupindex else 0
        for match in self.pattern.finditer(text):
            value = match.group(group)
            if self.valid is None or self.valid(value):
                yield PiiMatch(self.name, match.start(group), match.end(group), value)


@dataclass(frozen=True)
class PiiMatch:
    detector: str
    start: int
    end: int
    value: str


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_sum(digits: str, doubled_last: bool = False) -> int:
    """The Luhn sum of `digits`; `doubled_last` when a check digit is still to be appended."""
    total = 0
    for index, char in enumerate(reversed(digits), 1 if doubled_last else 0):
        total += _LUHN_DOUBLED[int(char)] if index % 2 else int(char)
    return total


def luhn_ok(digits: str) -> bool:
    return luhn_sum(digits) % 10 == 0


def iban_ok(text: str) -> bool:
    """ISO 13616: the country, check digits and account pass the mod-97 check."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not 2 <= int(compact[2:4]) <= 98:  # 00, 01, 99 are never issued
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _email_ok(value: str) -> bool:
    domain = value.rsplit("@", 1)[1].lower()
    return domain not in RESERVED_EMAIL_DOMAINS and not domain.endswith(RESERVED_EMAIL_SUFFIXES)


def fictional_phone(digits: str) -> bool:
    """Numbers reserved for fiction: NANP 555-0100..0199 and Ofcom's drama ranges (UK)."""
    if len(digits) in (10, 11) and digits[-7:-4] == "555" and 100 <= int(digits[-4:]) <= 199:
        return True
    national = digits[2:].lstrip("0") if digits.startswith("44") else digits.lstrip("0")
    return national.startswith(OFCOM_DRAMA)


def _phone_ok(value: str) -> bool:
    digits = digits_of(value)
    if not 8 <= len(digits) <= 15 or fictional_phone(digits):
        return False
    if value.startswith("+") or value.startswith("0"):
        return True
    return digits[0] in "23456789" and digits[3] in "23456789"  # NANP area and exchange codes


def _card_ok(value: str) -> bool:
    separators = {c for c in value if not c.isdigit()}
    digits = digits_of(value)
    return (len(separators) <= 1 and 13 <= len(digits) <= 19 and "  " not in value and "--" not in value
            and _CARD_PREFIX.match(digits) is not None and luhn_ok(digits))


def _ip_ok(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).is_global
    except ValueError:
        return False


def _ipv6_ok(value: str) -> bool:
    return value.count(":") >= 2 and _ip_ok(value)


NAMES_FILE = "person-names.txt"  # package data, made from Faker by `python .ci/lock.py`


def names_from_faker() -> tuple[list[str], list[str], str]:
    """(first names, surnames, Faker's version) of Faker's locales, as `person-names.txt` records them.
    Only the lock refresh and its test call this: every job scrubs names, and Faker is the `data` extra."""
    from importlib.metadata import version

    word = re.compile(f"{_SURNAME}$")
    first: set[str] = set()
    last: set[str] = set()
    for locale in NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first.update(n for n in provider.first_names if word.match(n))
        last.update(n for n in provider.last_names if word.match(n))
    return sorted(first), sorted(last), version("Faker")


def names_text(first: Iterable[str], last: Iterable[str], faker_version: str) -> str:
    return (f"# first names and surnames of Faker {faker_version} ({', '.join(NAME_LOCALES)}), made by"
            f" `python .ci/lock.py`: do not edit\n[first]\n" + "".join(f"{n}\n" for n in first)
            + "[last]\n" + "".join(f"{n}\n" for n in last))


@functools.cache
def name_dictionary() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames from Faker's locales: a name is a known first name and a known surname.
    Read from the package's copy of Faker's lists, so that scrubbing needs no Faker."""
    sections: dict[str, set[str]] = {"first": set(), "last": set()}
    current = sections["first"]
    text = importlib.resources.files(__package__).joinpath(NAMES_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections[line[1:-1]]
        elif line and not line.startswith("#"):
            current.add(line)
    return frozenset(sections["first"]), frozenset(sections["last"] - set(PLACEHOLDER_SURNAMES))


def _name_ok(value: str) -> bool:
    words = value.replace(".", " ").split()
    if words[-1] in PLACEHOLDER_SURNAMES:
        return False
    if words[0] in TITLES:
        return len(words) > 1
    first, last = name_dictionary()
    return words[0] in first and any(part in last for part in words[-1].split("-"))


def _address_ok(value: str) -> bool:
    return PLACEHOLDER_STREET not in value.split()


_DIGIT, _CAPITAL = re.compile(r"\d"), re.compile(f"[{_UPPER}]")


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def _has_upper(text: str) -> bool:
    return _CAPITAL.search(text) is not None


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_SUFFIXES = "|".join(STREET_SUFFIXES)

DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector("email", "e-mail address",
                 re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), _email_ok,
                 lambda t: "@" in t),
        Detector("iban", "IBAN",
                 re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), iban_ok, _has_digit),
        Detector("credit-card", "payment card number",
                 re.compile(r"(?<![\w.:/-])\d[\d -]{11,22}\d(?![\w-]|\.\d)"), _card_ok, _has_digit),
        Detector("phone", "phone number", re.compile(
            r"(?<![\w.+/-])(?:"
            r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,8}){0,4}"  # international: +44 20 7946 0958
            r"|\(\d{3}\) ?\d{3}-\d{4}|\d{3}([-.])\d{3}\1\d{4}"           # NANP: (212) 555-0199, 212-555-0199
            r"|0\d{1,4}[ /-]\d{3,4}[ -]?\d{3,5}"                        # national with trunk 0: 030 1234 5678
            r")(?![\w.:/-]?\d)"), _phone_ok, _has_digit),
        Detector("ipv4", "IP address",
                 re.compile(rf"(?<![\w.:-])(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.\d)"), _ip_ok,
                 lambda t: t.count(".") >= 3),
        Detector("ipv6", "IP address", re.compile(r"(?<![\w:.])[0-9A-Fa-f:]{2,39}(?![\w:.])"), _ipv6_ok,
                 lambda t: t.count(":") >= 2),
        Detector("address", "street address", re.compile(
            rf"\b\d{{1,5}}[A-Za-z]?,? (?:{_WORD} ){{1,3}}(?:{_SUFFIXES})\b\.?"
            rf"|\b[{_UPPER}][{_LOWER}]+(?:straße|strasse|weg|gasse|allee|platz) \d{{1,4}}[a-z]?\b"), _address_ok,
                 lambda t: _has_digit(t) and _has_upper(t)),
        Detector("name", "person's name", re.compile(
            rf"(?=(?P<pii>\b(?:(?:{'|'.join(TITLES)})\.? {_WORD}(?: {_SURNAME})?"
            rf"|{_WORD} (?:[{_UPPER}]\. )?{_SURNAME})\b))"), _name_ok, _has_upper),
    )
}


def find_pii(text: str, names: Iterable[str] | None = None) -> list[PiiMatch]:
    """Every match of the named detectors (all by default), in text order, overlaps dropped."""
    selected = [DETECTORS[n] for n in names] if names is not None else list(DETECTORS.values())
    matches = sorted((m for d in selected for m in d.find(text)), key=lambda m: (m.start, -m.end))
    kept: list[PiiMatch] = []
    for match in matches:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def mask_pii(text: str, names: Iterable[str] | None = None,
             replace: Callable[[PiiMatch], str] = lambda m: f"[{m.detector} removed]") -> str:
    """`text` with every detected value replaced by `replace(match)`."""
    out, last = [], 0
    for match in find_pii(text, names):
        out += [text[last:match.start], replace(match)]
        last = match.end
    return "".join([*out, text[last:]])
