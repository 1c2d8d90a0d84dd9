"""Regenerate ``reconciler/data/confusables.json`` from the Unicode confusables table.

The guard folds look-alike letters (Cyrillic a, Greek omicron, mathematical bold a ...)
to the ASCII letter they imitate, so that its rules see ``ignore`` however it is spelled. The
runtime must not depend on a third-party package, so this script trims the table once into a
small JSON map that is committed with its provenance. Run it only when refreshing the data::

    pip install confusable_homoglyphs==3.3.1
    python -m reconciler.guard.refresh_confusables

The source package ships ``confusables.json``, generated from Unicode's ``confusables.txt``
(UTS #39). Only entries that map one non-ASCII character to a short ASCII letter or digit
string are kept: those are the ones that can hide a Latin phrase.
"""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path

SOURCE_PACKAGE = "confusable_homoglyphs"
TARGET = Path(__file__).resolve().parent.parent / "data" / "confusables.json"
_BIDI_MARKS = "\u200e\u200f"


def _ascii_target(candidate: str) -> str | None:
    """Return the ASCII letters or digits a confusable stands for, or None."""
    text = candidate.strip(_BIDI_MARKS)
    if 0 < len(text) <= 3 and text.isascii() and text.isalnum():
        return text.lower()
    return None


def _rank(target: str) -> tuple[int, int]:
    """Prefer a single letter over a digit or a multi-letter sequence."""
    return (len(target), 0 if target.isalpha() else 1)


def build_map(raw: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """Map each non-ASCII character to its best ASCII look-alike."""
    mapping: dict[str, str] = {}
    for char, entries in raw.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [t for e in entries if (t := _ascii_target(e["c"])) is not None]
        if targets:
            mapping[char] = min(targets, key=_rank)
    return dict(sorted(mapping.items()))


def main() -> None:
    """Read the installed package's table and write the trimmed map with provenance."""
    version = metadata.version(SOURCE_PACKAGE)
    data_file = resources.files(SOURCE_PACKAGE).joinpath("confusables.json")
    raw = json.loads(data_file.read_text(encoding="utf-8"))
    document = {
        "_provenance": {
            "source": f"PyPI {SOURCE_PACKAGE} {version}, file confusables.json",
            "upstream": "Unicode confusables.txt (UTS #39 Unicode Security Mechanisms)",
            "license": "package MIT; Unicode data under the Unicode License v3",
            "generator": "python -m reconciler.guard.refresh_confusables",
            "trimmed_to": "non-ASCII character -> ASCII letters/digits it imitates (lowercase)",
        },
        "map": build_map(raw),
    }
    TARGET.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(document['map'])} entries to {TARGET}")


if __name__ == "__main__":
    main()
