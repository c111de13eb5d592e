"""Secret providers, placeholder splitting and redaction."""
from __future__ import annotations

import pytest

from feelish.errors import SecretError
from feelish.secrets import (
    NO_SECRETS,
    ChainSecrets,
    DotenvSecrets,
    EnvironmentSecrets,
    MappingSecrets,
    Redactor,
    SecretResolver,
    as_provider,
    iter_secret_names,
    split_placeholders,
)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("plain", ["plain"]),
        ("", [""]),
        ("<<secrets.TOKEN>>", [("TOKEN",)]),
        ("Bearer <<secrets.TOKEN>>", ["Bearer ", ("TOKEN",)]),
        ("<<secrets.A>>:<<secrets.B>>", [("A",), ":", ("B",)]),
        ("<< secrets.spaced >>!", [("spaced",), "!"]),
        ("x <<secrets.my-app/api.key_1>> y", ["x ", ("my-app/api.key_1",), " y"]),
        # not secrets: bad names stay text
        ("<<secrets._X>>", ["<<secrets._X>>"]),
        ("<<secrets.a..b>>", ["<<secrets.a..b>>"]),
        ("<<secret.X>>", ["<<secret.X>>"]),
        ("<<secrets.X", ["<<secrets.X"]),
    ],
)
def test_split_placeholders(text, parts):
    assert split_placeholders(text) == parts


def test_iter_secret_names():
    assert list(iter_secret_names("a <<secrets.A>> b <<secrets.B.c>>")) == ["A", "B.c"]


def test_mapping_provider_and_repr_hide_values():
    provider = MappingSecrets({"TOKEN": "s3cr3t-value", "N": 42, "NONE": None})
    assert provider.get("TOKEN") == "s3cr3t-value"
    assert provider.get("N") == "42"
    assert provider.get("NONE") is None and provider.get("missing") is None
    assert provider.names() == ["N", "TOKEN"]
    assert "s3cr3t-value" not in repr(provider)


def test_environment_provider_with_prefix():
    env = {"FEELISH_SECRET_API_KEY": "k-123", "OTHER": "x", "FEELISH_SECRET_": "empty-name"}
    provider = EnvironmentSecrets("FEELISH_SECRET_", environ=env)
    assert provider.get("API_KEY") == "k-123"
    assert provider.get("OTHER") is None
    assert provider.names() == ["API_KEY"]
    assert "k-123" not in repr(provider)


def test_dotenv_provider(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text(
        "# a comment\n"
        "\n"
        "PLAIN=abc\n"
        "export EXPORTED = spaced value  # trailing comment\n"
        "DQ=\"line1\\nline2 \\\"q\\\"\"\n"
        "SQ='raw \\n kept'\n"
        "WITH_HASH=a#b\n",
        encoding="utf-8",
    )
    provider = DotenvSecrets(path)
    assert provider.get("PLAIN") == "abc"
    assert provider.get("EXPORTED") == "spaced value"
    assert provider.get("DQ") == 'line1\nline2 "q"'
    assert provider.get("SQ") == "raw \\n kept"
    assert provider.get("WITH_HASH") == "a#b"
    assert "abc" not in repr(provider)


def test_dotenv_bad_line_names_position_not_value(tmp_path):
    path = tmp_path / "bad.env"
    path.write_text("GOOD=1\nthis-line-is-a-leaked-password\n", encoding="utf-8")
    with pytest.raises(SecretError) as info:
        DotenvSecrets(path)
    assert ":2:" in str(info.value)
    assert "leaked-password" not in str(info.value)


def test_dotenv_missing_file(tmp_path):
    with pytest.raises(SecretError, match="cannot read secrets file"):
        DotenvSecrets(tmp_path / "nope.env")


def test_chain_first_wins():
    chain = ChainSecrets(MappingSecrets({"A": "1"}), MappingSecrets({"A": "2", "B": "3"}))
    assert chain.get("A") == "1" and chain.get("B") == "3" and chain.get("C") is None
    assert chain.names() == ["A", "B"]


def test_as_provider():
    assert as_provider(None) is NO_SECRETS
    assert as_provider({"A": "x"}).get("A") == "x"
    provider = MappingSecrets({})
    assert as_provider(provider) is provider
    with pytest.raises(TypeError):
        as_provider(42)


def test_resolver_records_used_values_and_names_missing():
    resolver = SecretResolver({"A": "alpha-secret", "EMPTY": ""})
    assert resolver.resolve("A") == "alpha-secret"
    assert resolver.resolve("EMPTY") == ""
    with pytest.raises(SecretError) as info:
        resolver.resolve("MISSING")
    assert info.value.name == "MISSING" and "'MISSING'" in str(info.value)
    assert resolver.used == {"alpha-secret"}
    assert "alpha-secret" not in repr(resolver)


def test_redactor_text_and_nested_values():
    redactor = Redactor(["abc", "abcdef", ""])
    assert redactor.text("x abcdef y abc") == "x *** y ***"  # longest first: no "***def"
    data = {"abc-key": ["abc", ("q", b"abcdef")], "n": 1}
    assert redactor.value(data) == {"***-key": ["***", ["q", b"***"]], "n": 1}
    assert redactor.contains_secret("zz abc zz") and not redactor.contains_secret("ab")
    # a short secret masks only where it stands alone; a long one wherever it appears
    assert not redactor.contains_secret("zzabczz")
    assert Redactor(["abcdefgh"]).contains_secret("zzABCDEFGHzz")
    assert "abc" not in repr(redactor)
    assert not Redactor([]) and Redactor([]).text("abc") == "abc"


def test_redactor_escapes_regex_characters():
    redactor = Redactor(["a.b*c(d"])
    assert redactor.text("x a.b*c(d y aXbbc(d") == "x *** y aXbbc(d"
