"""Text for the fast paths' tests: vocabulary words cased oddly and glued by odd whitespace."""

from hypothesis import settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=400, deadline=None)


def recased(word: str, how: int) -> str:
    """`word` as written, upper, title case, then with one of the only non-ASCII letters `re`
    matches case-insensitively with ASCII ones (ſ, İ, ı, Kelvin sign): how in 0..6."""
    changed = [word.replace("s", "ſ"), word.replace("i", "İ"), word.replace("i", "ı")]
    return [word, word.upper(), word.title(), *changed, word.replace("k", "\u212a")][how]


def words_or_numbers(words: list[str], numbers: list[str]):
    """One of `words`, cased oddly (recased()), or one of `numbers` as written."""
    return st.one_of(
        st.builds(recased, st.sampled_from(words), st.integers(0, 6)), st.sampled_from(numbers)
    )


def texts(tokens, glue: list[str], max_size: int = 24):
    """Up to `max_size` of `tokens`, each followed by one of `glue`."""
    return st.lists(st.tuples(tokens, st.sampled_from(glue)), max_size=max_size).map(
        lambda pairs: "".join(token + between for token, between in pairs)
    )


def spans(matches) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in matches]
