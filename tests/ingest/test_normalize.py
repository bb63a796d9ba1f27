"""`normalize`'s full-width shortcut gives exactly what NFKC gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ingest.normalize import _FULL_WIDTH, normalize

# Full-width ASCII, ideographic space, CJK, combining marks and plain ASCII mixed.
_CHARS = st.sampled_from(
    [*_FULL_WIDTH, "。", "、", "年", "表", "\u0301", "\u3099", "A", "1", " ", "﹙", "㈠", "①"]
)


@given(st.text(_CHARS, max_size=60))
def test_same_as_plain_nfkc(text):
    plain = unicodedata.normalize("NFKC", text)
    shortcut = text
    for wide in _FULL_WIDTH.keys() & set(text):
        shortcut = shortcut.replace(wide, _FULL_WIDTH[wide])
    assert unicodedata.normalize("NFKC", shortcut) == plain


def test_full_width_text_is_normalised():
    assert normalize("（一）收到申请１２件，\u3000办结：１２件") == "(一)收到申请12件, 办结:12件"
