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


# Words that open sentences and hardly ever follow an abbreviation inside one: after
# "the U.S." or "plan B." one of them starts a new sentence ("the U.S. The council"),
# any other capitalised word continues this one ("the U.S. Senate", "J. Smith").
_OPENERS = {
    "A", "After", "An", "And", "As", "At", "Before", "But", "By", "For", "From",
    "He", "Her", "His", "However", "If", "In", "It", "Its", "Many", "Meanwhile",
    "Most", "Now", "On", "Or", "Our", "She", "Since", "So", "Some", "Still", "That",
    "The", "Their", "Then", "There", "These", "They", "This", "Those", "To", "We",
    "When", "While", "With", "Yet",
}  # fmt: skip
_NEXT_WORD = re.compile(r"[“‘\"(]*([A-Za-z]+)(\.?)")


def _opens_sentence(text: str, start: int) -> bool:
    """True when the word at `start` is one that opens sentences (and not an initial)."""
    word = _NEXT_WORD.match(text, start)
    return bool(word) and word.group(1) in _OPENERS and not word.group(2)


def split_sentences(paragraph: str) -> list[str]:
    """Return the paragraph's sentences, whitespace folded, in order."""
    text = " ".join(paragraph.split())
    sentences = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_abbreviation(text, match.start()) and not _opens_sentence(text, match.end()):
            continue
        cut = match.end()
        sentences.append(text[start:cut].strip())
        start = cut
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
