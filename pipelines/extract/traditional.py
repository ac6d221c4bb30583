"""Reports in traditional characters, read as simplified ones, character for character.

Government sites serve every page through a traditional-character gateway as well
(…/gate/big5/…), and copy sites republish reports that way, so a scraped report may come
as 廣州市人民政府關於2022年度法治政府建設情況的報告 with 項, 萬元 and 個. The rules, the
place names and the catalog are written in simplified characters: such a text is read
through OpenCC's traditional-to-simplified character table (the opencc-python-reimplemented
package ships OpenCC's dictionaries). Only one-to-one character mappings are used, so every
offset into the converted text is an offset into the report as written, and spans keep
pointing at the traditional characters. OpenCC's phrase table is left out for the same
reason: it may change a text's length.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

# Above this share of its characters, a text is written in traditional characters. A simplified
# report has almost none (at most 0.05 % of the first 2,000 characters in the samples and the
# development set: a 乾 or 著 here and there); the samples written in traditional ones, 27 to 30 %.
TRADITIONAL_SHARE = 0.02
SAMPLE = 2000  # characters looked at: the opening is enough to tell


def opencc_pairs(name: str) -> dict[str, str]:
    """OpenCC dictionary `name`: each one-character key with its first one-character value."""
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and first != key:
            out[key] = first
    return out


@cache
def _tables() -> tuple[dict[int, str], frozenset[str]]:
    """(traditional → simplified, for str.translate; the traditional-only characters)."""
    to_simplified = opencc_pairs("TSCharacters.txt")
    simplified_forms = set(opencc_pairs("STCharacters.txt"))  # characters a simplified text writes too
    only_traditional = frozenset(ch for ch in to_simplified if ch not in simplified_forms)
    return str.maketrans(to_simplified), only_traditional


def is_traditional(text: str) -> bool:
    """Whether text is written in traditional characters.

    The traditional characters present are found by one set intersection, then counted with
    str.count: a simplified text holds none or one or two of them. (str.translate deleting them
    looked every character up in a dict: twice the time; a regex class of 2,500 characters, thrice.)"""
    sample = text[:SAMPLE]
    traditional = sum(sample.count(ch) for ch in _tables()[1].intersection(sample))
    return bool(sample) and traditional / len(sample) > TRADITIONAL_SHARE


def to_simplified(text: str) -> str:
    """text with every traditional character replaced by its simplified form; the same length."""
    return text.translate(_tables()[0])


def as_simplified(text: str) -> str:
    """text in simplified characters if it is written in traditional ones, else text itself."""
    return to_simplified(text) if is_traditional(text) else text
