"""Layer 2's labeled examples name catalog data types (issue 14): a verdict an example decides
carries the type's level and fideslang category as layer 1's do, and a data type the catalog
does not have is refused when the file is loaded, naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacuna_cli.classify.embeddings import EmbeddingVerdict, Neighbour, load_examples
from lacuna_cli.classify.heuristics import catalog
from lacuna_cli.errors import ConfigError


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "examples.yaml"
    path.write_text("version: 1\nkind: examples\nexamples:\n" + body)
    return path


def test_every_shipped_sensitive_example_takes_its_data_types_level() -> None:
    known = catalog()
    sensitive = [e for e in load_examples() if e.tags]
    assert sensitive and all(e.data_type in known for e in sensitive)
    for example in sensitive:
        rule = known[example.data_type]
        assert (example.tier, example.tags, example.fideslang) == (
            rule.tier, frozenset(rule.tags), rule.fideslang), example.text
    email = next(e for e in sensitive if e.text == "contact e-mail")
    assert email.fideslang == "user.contact.email" and email.about_record


def test_an_unknown_data_type_is_one_error_naming_the_file_and_key(tmp_path) -> None:
    path = write(tmp_path, '  - {text: "price of a thing", tier: INTERNAL}\n'
                           '  - {text: "home phone", data_type: Phone numbr}\n')
    with pytest.raises(ConfigError, match=r"examples\.yaml: examples\.1\.data_type: 'Phone "
                                          r"numbr' is not a data type .*did you mean Phone "
                                          r"number"):
        load_examples(path)


BOTH = '{text: "home phone", data_type: Phone number, tier: INTERNAL}'


@pytest.mark.parametrize("entry", ['{text: "home phone"}', BOTH])
def test_an_example_names_either_a_data_type_or_a_tier(tmp_path, entry) -> None:
    with pytest.raises(ConfigError, match=r"examples\.yaml: examples\.0: .*either its "
                                          r"`data_type`"):
        load_examples(write(tmp_path, f"  - {entry}\n"))


def test_a_cached_verdict_keeps_its_data_type() -> None:
    verdict = EmbeddingVerdict(load_examples()[0].tier, frozenset({"PII", "GDPR"}), True, 0.71,
                               (Neighbour("contact e-mail", 0.71, True),), "Email address",
                               "user.contact.email", True)
    again = EmbeddingVerdict.from_json(verdict.to_json())
    assert again == verdict
    assert again.explain().startswith("Email address: nearest labeled examples")
