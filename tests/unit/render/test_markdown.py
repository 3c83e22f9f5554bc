import pytest

from qa_actions.render.markdown import code, code_block, escape, hard_cut, link, table, utf16_size


def test_escape_neutralises_html_mentions_and_markdown() -> None:
    text = escape("<script>x</script> @octocat *bold* [a](b) | pipe <!-- qa-actions:x:y -->")
    assert "<" not in text and "@octocat" not in text and "<!--" not in text
    assert "\\*bold\\*" in text


def test_code_spans_survive_backticks() -> None:
    assert code("a `b` c") == "``a `b` c``"
    assert code("multi\nline") == "`multi line`"
    assert code("`") == "`` ` ``"


def test_code_block_fence_is_longer_than_any_inside() -> None:
    block = code_block("before\n```\ninside\n```")
    assert block.startswith("````text\n") and block.endswith("\n````")


def test_table_cells_stay_on_one_line_and_escape_pipes() -> None:
    assert table(("a", "b"), [("1", "two\nlines")], "lr") == "| a | b |\n| :-- | --: |\n| 1 | two lines |"
    assert table(("a",), [(code("x | y"),)]).endswith("| `x \\| y` |")


def test_links_quote_spaces_and_parentheses() -> None:
    assert link("f", "https://x/a b(1).py#L3") == "[f](https://x/a%20b%281%29.py#L3)"
    assert link("f", None) == "f"


def test_utf16_size_counts_astral_characters_twice() -> None:
    assert utf16_size("a😀") == 3


@pytest.mark.parametrize("limit", [200, 1000, 5000])
def test_hard_cut_fits_and_closes_what_it_opened(limit: int) -> None:
    text = "# head\n<details><summary>s</summary>\n\n```text\n" + "😀 line\n" * 5000 + "```\n\n</details>\n"
    cut = hard_cut(text, limit, utf16_size, "**cut**")
    assert utf16_size(cut) <= limit
    assert cut.endswith("**cut**")
    assert cut.count("```") % 2 == 0 and cut.count("<details") == cut.count("</details>")
