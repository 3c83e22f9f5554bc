"""The badges as a browser draws them: headless Chromium loads each SVG as an image, paints it on a
canvas, and reads the colours back; its own text measure says our Verdana widths are about right."""

import json
import math

import pytest
from chromium import Chromium

from qa_actions.dashboard.badges import COLORS, Badge, text_width

# the badge as an <img> (how a README shows it), drawn on a canvas: its size and two pixels, one in each box
# above the text (the 3 rows at the top only carry the light gradient), and the width Chromium measures
# for each text in the badge's own font without textLength
DRAW = """(async svg => {
  const url = URL.createObjectURL(new Blob([svg], {type: 'image/svg+xml'}));
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const pixel = x => [...ctx.getImageData(x, 4, 1, 1).data];
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const host = document.body.appendChild(document.importNode(doc.documentElement, true));
  const measured = [...host.querySelectorAll('text:not([aria-hidden])')].map(t => {
    t.removeAttribute('textLength'); return t.getComputedTextLength() / 10; });
  host.remove();
  return JSON.stringify({width: img.naturalWidth, height: img.naturalHeight, left: pixel(2),
                         right: pixel(img.naturalWidth - 3), measured,
                         parseError: doc.querySelector('parsererror') !== null});
})(%s)"""


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium()
    chromium.open("about:blank", "true")
    yield chromium
    chromium.close()


def rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))


@pytest.mark.parametrize(("label", "message", "color"), [
    ("qa", "passing", "brightgreen"), ("qa", "failing", "red"), ("coverage", "98.3%", "brightgreen"),
    ("coverage", "unknown", "lightgrey"), ("coverage integration", "55.5%", "red"),
    ("<script>alert(1)</script>", '"&amp;</text>', "orange"),
])
def test_chromium_draws_the_badge_in_its_colours(browser: Chromium, label: str, message: str, color: str) -> None:
    badge = Badge(label, message, color)
    drawn = json.loads(browser.evaluate(DRAW % json.dumps(badge.svg())))
    assert not drawn["parseError"]
    assert drawn["height"] == 20
    assert drawn["width"] == math.ceil(text_width(label)) + math.ceil(text_width(message)) + 20  # 5 px pads
    # the light top of shields' gradient (#bbb at 10 %) over each box's own colour
    for seen, fill in ((drawn["left"], "#555"), (drawn["right"], COLORS[color])):
        expected = [0.9 * c + 0.1 * 0xbb for c in rgb(fill)]
        assert seen[3] == 255 and all(abs(s - e) <= 12 for s, e in zip(seen, expected, strict=False)), (seen, fill)
    # whatever font this machine has for Verdana, the texts fit their boxes within a fifth
    for text, measured in zip((label, message), drawn["measured"], strict=True):
        assert 0.8 * text_width(text) <= measured <= 1.2 * text_width(text), (text, measured)
    report = browser.report()
    assert report.errors == [] and report.requests == [] and report.dialogs == []
