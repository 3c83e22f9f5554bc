"""GitHub-flavoured Markdown from untrusted text: escaping, tables, collapsed lists, and size limits.

Test names, messages and findings come from the code under test (a fork's, perhaps): they must not
break a table, open an HTML element, mention a user, reference an issue, a pull request or a commit
(`#123`, `GH-1`, `owner/repo#1`, a SHA: GitHub links and notifies), or forge our hidden marker. Every
renderer puts such text through `escape` (prose) or `code` / `code_block` (names, messages,
tracebacks): GitHub links nothing inside code, and `escape` breaks each reference with an invisible
word joiner. Sizes are counted the way GitHub limits them, so a rendered text never gets refused.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from ..text import one_line

_BACKTICKS = re.compile(r"`+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!~>-])")
WORD_JOINER = "\u2060"  # invisible, no width, not a word character: it ends a reference where it stands
_HEX_RUN = re.compile(r"[0-9a-fA-F]{7,}")  # what GitHub may take for a commit SHA
_REFERENCES = re.compile(r"[#@]|(?<![A-Za-z0-9])GH(?=-)|:(?=//)|(?<![A-Za-z0-9])www(?=\.)", re.IGNORECASE)
_LINE_ENDS = re.compile(r"\r\n?")


def utf16_size(text: str) -> int:
    """Characters as GitHub counts them for comments and check runs (astral characters count twice)."""
    return len(text.encode("utf-16-le")) // 2


def utf8_size(text: str) -> int:
    """Bytes, as GitHub limits the job summary."""
    return len(text.encode("utf-8"))




def unlinked(text: str) -> str:
    """`text` with nothing GitHub would turn into a link or a notification: a word joiner after each
    `#` and `@`, inside `GH-`, `://` and `www.`, and every 6 characters of a run of hex digits."""
    text = _HEX_RUN.sub(lambda m: WORD_JOINER.join(m[0][i:i + 6] for i in range(0, len(m[0]), 6)), text)
    return _REFERENCES.sub(lambda m: m[0] + WORD_JOINER, text)


def escape(text: str) -> str:
    """Plain text that renders as itself and acts on nothing: no HTML, no Markdown syntax, no @mentions,
    no issue, pull-request or commit references, no carriage return (a line ending to Markdown)."""
    text = html.escape(unlinked(_LINE_ENDS.sub("\n", text)), quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "&#64;")


def code(text: str) -> str:
    """Inline code of one line (GitHub links nothing inside code)."""
    text = one_line(text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text else text
    return f"{fence}{padded}{fence}"


def code_block(text: str, language: str = "text") -> str:
    """A fenced block that the text cannot close early (a carriage return ends a line too: made a newline first)."""
    text = _LINE_ENDS.sub("\n", text)
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def link(label: str, url: str | None) -> str:
    """`[label](url)`, or the label alone when there is no URL; `label` is Markdown already."""
    if not url:
        return label
    return f"[{label}]({quote(url, safe=':/?#[]@!$&*+,;=%~-._')})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A pipe table; `align` holds one of l, r, c per column (default left).

    Cells are Markdown already; every `|` in them is escaped, code spans included, as GFM requires.
    """
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    spec = [marks[align[i]] if i < len(align) else ":--" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(spec) + " |"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(markdown: str) -> str:
    return markdown.replace("\r", " ").replace("\n", " ").replace("|", "\\|")


def details(summary: str, body: str, *, open_: bool = False) -> str:
    """A collapsed block; `summary` is HTML-safe text, `body` Markdown."""
    tag = "<details open>" if open_ else "<details>"
    return f"{tag}<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


def fit(render: Callable[[int], str], levels: int, limit: int, size: Callable[[str], int],
        note: str) -> tuple[str, int]:
    """The most detailed of `levels` renderings (0 = most) within `limit`; cut at the end if none is.

    Returns the text and the level used (`levels` when even the shortest had to be cut).
    """
    text = ""
    for level in range(levels):
        text = render(level)
        if size(text) <= limit:
            return text, level
    return hard_cut(text, limit, size, note), levels


def hard_cut(text: str, limit: int, size: Callable[[str], int], note: str) -> str:
    """`text` cut at a line boundary to fit `limit` with `note` at the end, open fences and <details> closed."""
    closing = "\n\n" + note
    if size(closing) > limit:
        return note[:limit]
    kept: list[str] = []
    used = 0
    state = OpenBlocks()
    for line in text.splitlines():
        after = state.after(line)
        if used + size(line) + 1 + size(after.closers()) + size(closing) > limit:
            break
        kept.append(line)
        used += size(line) + 1
        state = after
    return "\n".join(kept) + state.closers() + closing


@dataclass(frozen=True)
class OpenBlocks:
    """What is open after some lines of Markdown: a code fence, and how many <details>."""

    fence: str | None = None
    depth: int = 0

    def after(self, line: str) -> OpenBlocks:
        stripped = line.strip()
        if self.fence is not None:
            return OpenBlocks(None, self.depth) if stripped == self.fence else self
        if stripped.startswith("```"):
            return OpenBlocks(stripped[: len(stripped) - len(stripped.lstrip("`"))], self.depth)
        return OpenBlocks(None, max(self.depth + line.count("<details") - line.count("</details>"), 0))

    def closers(self) -> str:
        return (f"\n{self.fence}" if self.fence else "") + "\n\n</details>" * self.depth
