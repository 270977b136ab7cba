"""The catalogues: both languages say the same things with the same parameters, and every
message the code builds exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import opskit
from opskit.text.catalogue import table
from opskit.text.words import _SPECS

PACKAGE_DIR = Path(opskit.__file__).parent
# The operating system's and tools' own words are English: Indonesian may leave them out.
MAY_BE_LEFT_OUT = {"detail"}
# Indonesian numbers semesters and quarters in Roman numerals, English in words.
SAID_DIFFERENTLY = {"public_info.periods.semester", "public_info.periods.quarter"}
LIST_SPECS = {"and", "or", "qand", "qor", "semi", "lines", "first", "cap"}
MESSAGE_IN_CODE = re.compile(r"Message\(\s*(f?)\"([^\"]+)\"")


def flat(node: object, prefix: str = "") -> dict[str, str]:
    if not isinstance(node, dict):
        return {prefix.rstrip("."): str(node)}
    found: dict[str, str] = {}
    for name, value in node.items():
        found.update(flat(value, f"{prefix}{name}."))
    return found


def fields(template: str) -> dict[str, str]:
    return {
        name: spec or ""
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def test_both_languages_have_the_same_texts() -> None:
    english, indonesian = flat(table("en")), flat(table("id"))

    assert sorted(set(english) ^ set(indonesian)) == []


def test_both_languages_fill_the_same_parameters() -> None:
    english, indonesian = flat(table("en")), flat(table("id"))
    differing = []
    for key, template in english.items():
        ours, theirs = set(fields(template)), set(fields(indonesian[key]))
        if (ours ^ theirs) - MAY_BE_LEFT_OUT and key not in SAID_DIFFERENTLY:
            differing.append(f"{key}: en {sorted(ours)} id {sorted(theirs)}")

    assert differing == []


def test_every_field_uses_a_known_form() -> None:
    unknown = []
    for language in ("en", "id"):
        for key, template in flat(table(language)).items():
            for name, spec in fields(template).items():
                kind = spec.partition(":")[0]
                if kind and kind not in _SPECS and kind not in LIST_SPECS:
                    unknown.append(f"{language} {key}: {{{name}:{spec}}}")

    assert unknown == []


def test_every_message_the_code_builds_is_in_the_catalogue() -> None:
    english = flat(table("en"))
    missing = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.parent.name == "text":
            continue
        for is_template, key in MESSAGE_IN_CODE.findall(path.read_text(encoding="utf-8")):
            if is_template:
                prefix = key.split("{", 1)[0]
                if not any(name.startswith(prefix) for name in english):
                    missing.append(f"{path.name}: {key}")
            elif key not in english:
                missing.append(f"{path.name}: {key}")

    assert missing == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_kind_of_document_has_its_name_for_the_documents_page(language: str) -> None:
    """The console's documents page names each kind; a kind without a name there is a 500."""
    import typing

    from opskit.config.schema.notifications import DocumentKind
    from opskit.text.catalogue import lookup

    unnamed = [
        kind
        for kind in typing.get_args(DocumentKind)
        if not lookup(language, f"console.documents.kinds.{kind}")
    ]
    assert not unnamed
