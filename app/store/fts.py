"""Full-text search helpers: text folding for Arabic and safe FTS5 query building.

FTS5's ``unicode61`` tokenizer removes Latin diacritics but treats Arabic harakat
(combining marks) as separators, so a vocalised word like "مُحَمَّد" would be split into
single letters. Message text is therefore folded before indexing (and queries are
folded the same way): harakat and tatweel are dropped and the usual letter variants
unified (أ إ آ ٱ → ا, ى → ي, ة → ه), the normalisation most Arabic search engines use.
Changing ``fold`` changes what is indexed: do it only with a migration that rebuilds.
The fold runs as a deterministic SQL function (``risala_fold``) called by the triggers
that keep the external-content index in sync.
"""

from __future__ import annotations

FOLD_FUNCTION = "risala_fold"

_DROP = (
    list(range(0x0610, 0x061B))  # Quranic honorifics and small signs
    + list(range(0x064B, 0x0660))  # harakat: fathatan .. wavy hamza below
    + [0x0670, 0x0640]  # superscript alef, tatweel
    + list(range(0x06D6, 0x06DD))  # Quranic annotation signs
    + list(range(0x06DF, 0x06E5))
    + [0x06E7, 0x06E8]
    + list(range(0x06EA, 0x06EE))
)
_FOLD_TABLE: dict[int, int | None] = {cp: None for cp in _DROP}
_FOLD_TABLE.update(
    {
        0x0623: 0x0627,  # أ → ا
        0x0625: 0x0627,  # إ → ا
        0x0622: 0x0627,  # آ → ا
        0x0671: 0x0627,  # ٱ → ا
        0x0649: 0x064A,  # ى → ي
        0x0629: 0x0647,  # ة → ه
        0x0000: 0x0020,  # FTS5 reads text and queries as C strings: NUL would cut them
    }
)

#: More words than this in a search box are ignored (keeps pathological input cheap).
MAX_TERMS = 16


def fold(text: str | None) -> str:
    """Normalise text for indexing and querying (see the module docstring)."""
    if not text:
        return ""
    if text.isascii():  # fast path: nothing to fold, and most messages are like this
        return text.replace("\x00", " ")
    return text.translate(_FOLD_TABLE)


def fold_sql(value: bytes | str | None) -> str:
    """``risala_fold(CAST(text AS BLOB))``: the UTF-8 bytes of a message, folded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return fold(value)


def match_query(user_input: str) -> str | None:
    """Turn anything typed in a search box into a valid FTS5 query, or None if empty.

    Every whitespace-separated word becomes a quoted prefix phrase (``"word"*``), with
    embedded double quotes doubled, so FTS5 operators (AND, OR, NOT, NEAR, ``-``,
    ``:``, ``^``, ``*``, parentheses) typed by the user are just text. All words must
    match (implicit AND); the last may be a prefix, and so may the others, which is
    what a search-as-you-type box wants. Words without a letter or digit are dropped.
    """
    terms: list[str] = []
    for word in fold(user_input).split():
        if not any(ch.isalnum() for ch in word):
            continue
        terms.append('"' + word.replace('"', '""') + '"*')
        if len(terms) == MAX_TERMS:
            break
    return " ".join(terms) if terms else None
