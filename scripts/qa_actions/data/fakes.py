"""Deterministic fake values: the same real value always becomes the same fake one.

Each fake is chosen by an HMAC of the normalised value keyed by a secret salt, so joins across
files survive anonymisation while nobody without the salt can map a fake back to the real value.
Names and words come from Faker's locale data; every fake is of a kind `pii` recognises as fake
(reserved domains, fictional phone numbers, placeholder surnames…), so anonymised data passes
`qa data check`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import ipaddress
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from .. import pii
from ..errors import ConfigError, QaError
from ..extras import missing_extra

CACHE_SIZE = 200_000
IPV4_FAKE_NET = ipaddress.ip_network("240.0.0.0/4")  # reserved, never routed
IPV6_FAKE_NET = ipaddress.ip_network("2001:db8::/32")  # documentation prefix


def _normalise(kind: str, value: str) -> str:
    """The form two spellings of one real value share (so `Jane@X.io` and `jane@x.io` get one fake)."""
    if kind in ("phone", "credit-card"):
        return pii.digits_of(value)
    if kind == "iban":
        return value.replace(" ", "").upper()
    if kind in ("ip", "ipv4", "ipv6"):
        if ":" not in value:  # IPv4 has one spelling (ipaddress refuses leading zeros): spare the parse
            return value.strip()
        try:
            return ipaddress.ip_address(value.strip()).compressed
        except ValueError:
            return value.strip()
    return " ".join(value.split()).casefold()


@functools.lru_cache(maxsize=4096)  # called with Faker's first names and surnames: a small, fixed set
def _ascii(text: str) -> str:
    """Letters an e-mail local part can hold: `Müller-Lüdenscheidt` -> `mullerludenscheidt`."""
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


class Pseudonymizer:
    """Fakes for one salt and locale; `fake` is cached, so repeated values cost one lookup."""

    def __init__(self, salt: str, locale: str = "en_US", cache_size: int = CACHE_SIZE) -> None:
        self._keyed = hmac.new(salt.encode(), digestmod=hashlib.sha256)  # copied per value: the key set up once
        missing = missing_extra("faker", "anonymising test data")
        if missing:
            raise QaError(missing)
        try:
            person = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:
            raise ConfigError(f"unknown Faker locale `{locale}` in `tool.qa.data.locale`") from None
        self._first = sorted(set(person.first_names))
        self._last = sorted(set(person.last_names))
        self.fake: Callable[[str, str], str] = functools.lru_cache(maxsize=cache_size)(self._fake)
        self._makers: dict[str, Callable[[str, bytes], str]] = {
            "email": self._email, "phone": self._phone, "name": self._name, "address": self._address,
            "iban": self._iban, "credit-card": self._card, "ipv4": self._ip, "ipv6": self._ip, "ip": self._ip,
        }

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._makers)

    def _fake(self, kind: str, value: str) -> str:
        family = "ip" if kind in ("ipv4", "ipv6") else kind  # an address gets one fake, found or configured
        keyed = self._keyed.copy()
        keyed.update(f"{family}\0{_normalise(kind, value)}".encode())
        digest = keyed.digest()
        return self._makers[kind](value, digest)

    def scrub(self, text: str, detectors: Iterable[str], counts: Counter[str]) -> str:
        """`text` with every value the detectors find replaced by its fake; counts what was replaced."""
        def replace(match: pii.PiiMatch) -> str:
            counts[match.detector] += 1
            return self.fake(match.detector, match.value)
        return pii.mask_pii(text, detectors, replace)

    # one maker per kind: (original value, 32 bytes of keyed hash) -> fake value

    def _pick(self, words: list[str], digest: bytes, at: int) -> str:
        return words[int.from_bytes(digest[at:at + 4], "big") % len(words)]

    def _name(self, value: str, digest: bytes) -> str:
        words = value.split()
        surname = pii.PLACEHOLDER_SURNAMES[digest[8] % len(pii.PLACEHOLDER_SURNAMES)]
        if words and words[0].rstrip(".") in pii.TITLES:
            fake = f"{words[0]} {surname}"
        elif len(words) <= 1:
            fake = self._pick(self._first, digest, 0)
        else:
            fake = f"{self._pick(self._first, digest, 0)} {surname}"
        return fake.upper() if value.isupper() else fake

    def _email(self, value: str, digest: bytes) -> str:
        first, last = _ascii(self._pick(self._first, digest, 0)), _ascii(self._pick(self._last, digest, 4))
        number = int.from_bytes(digest[8:12], "big") % 100_000
        domain = pii.RESERVED_EMAIL_DOMAINS[digest[12] % len(pii.RESERVED_EMAIL_DOMAINS)]
        return f"{first}.{last}{number}@{domain}"

    def _phone(self, value: str, digest: bytes) -> str:
        area = 201 + int.from_bytes(digest[0:2], "big") % 799
        if area % 100 == 11:  # N11 codes are services, not areas
            area += 1
        line = f"01{digest[2] % 100:02d}"
        if value.lstrip().startswith("+"):
            return f"+1 {area}-555-{line}"
        if "(" in value:
            return f"({area}) 555-{line}"
        return f"{area}-555-{line}"

    def _address(self, value: str, digest: bytes) -> str:
        number = 1 + int.from_bytes(digest[0:2], "big") % 9999
        suffix = pii.STREET_SUFFIXES[digest[2] % len(pii.STREET_SUFFIXES)]
        return f"{number} {pii.PLACEHOLDER_STREET} {suffix}"

    def _iban(self, value: str, digest: bytes) -> str:
        """Same country, length and spacing; check digits 00, which no real IBAN has."""
        compact = value.replace(" ", "").upper()
        body = "".join(
            chr(65 + digest[i % 32] % 26) if c.isalpha() else str(digest[i % 32] % 10)
            for i, c in enumerate(compact[4:])
        )
        fake = iter(compact[:2] + "00" + body)
        return "".join(" " if c == " " else next(fake) for c in value.strip())

    def _card(self, value: str, digest: bytes) -> str:
        """Same length, brand digits and separators; the last digit deliberately fails Luhn."""
        digits = pii.digits_of(value)
        body = digits[:2] + "".join(str(digest[i] % 10) for i in range(2, len(digits) - 1))
        valid = (10 - pii.luhn_sum(body, doubled_last=True) % 10) % 10
        wrong = str((valid + 1 + digest[31] % 9) % 10)
        fake = iter(body + wrong)
        return "".join(next(fake) if c.isdigit() else c for c in value.strip())

    def _ip(self, value: str, digest: bytes) -> str:
        network = IPV6_FAKE_NET if ":" in value else IPV4_FAKE_NET  # every IPv6 spelling has a colon, no IPv4 one
        host_bits = network.max_prefixlen - network.prefixlen
        offset = int.from_bytes(digest[:16], "big") % (2 ** host_bits - 2) + 1
        return str(network.network_address + offset)
