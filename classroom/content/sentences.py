"""Split a paragraph of an article into sentences."""

import re

# A sentence ends at . ! or ?, perhaps closed by a quote mark, before a space and
# a capital letter or an opening quote mark.
_BOUNDARY = re.compile(r"[.!?][”’\"')]*\s+(?=[A-Z“‘\"(])")
# Words whose full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "jr",
    "sr",
    "vs",
    "inc",
    "co",
    "corp",
}


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the full stop at `end` closes an abbreviation or an initial."""
    if text[end] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", text[:end])
    if not word:
        return False
    token = word.group(1)
    # Initials and dotted abbreviations: "J.", "U.S", "U.K".
    if re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token):
        return True
    return token.lower() in _ABBREVIATIONS


def split_sentences(paragraph: str) -> list[str]:
    """Return the paragraph's sentences, whitespace folded, in order."""
    text = " ".join(paragraph.split())
    sentences = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_abbreviation(text, match.start()):
            continue
        cut = match.end()
        sentences.append(text[start:cut].strip())
        start = cut
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
