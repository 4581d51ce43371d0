"""The safe YAML loader: values, line numbers and refusals."""
from __future__ import annotations

from atlas.load import MAX_BYTES, decode, read_yaml
from conftest import ROOT


def test_values_and_lines() -> None:
    document, problems = read_yaml("name: X\nreleased: 2023-04-05\nyear: 2023\nflop: 3.14e23\ncountry: NO\nlist:\n  - a\n  - b\n", "m.yaml")
    assert problems == []
    assert document.data == {"name": "X", "released": "2023-04-05", "year": 2023, "flop": 3.14e23, "country": "NO", "list": ["a", "b"]}
    assert document.lines[("released",)] == 2
    assert document.lines[("list", 1)] == 8
    assert document.line(("list", 1, "missing")) == 8
    assert document.line(("nowhere",)) == 1


def test_duplicate_key_names_both_lines() -> None:
    document, problems = read_yaml("a: 1\nb: 2\na: 3\n", "m.yaml")
    assert document is None
    assert [str(p) for p in problems] == ["m.yaml:3: a: duplicate key (first defined on line 1)"]


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    document, problems = read_yaml(bomb, "bomb.yaml")
    assert document is None
    assert [str(p) for p in problems] == ["bomb.yaml:1: a: anchors and aliases (&name, *name) are not allowed; write the value out in full"]


def test_python_tag_is_never_constructed() -> None:
    document, problems = read_yaml('a: !!python/object/apply:os.system ["echo pwned"]\n', "t.yaml")
    assert document is None
    assert [str(p) for p in problems] == ["t.yaml:1: a: the YAML tag !!python/object/apply:os.system is not allowed; write a plain value"]


def test_decode_refusals() -> None:
    assert [str(p) for p in decode(b"\xef\xbb\xbfa: 1", "f.yaml")[1]] == ["f.yaml:1: file: starts with a UTF-8 byte-order mark; save the file as UTF-8 without BOM"]
    assert [str(p) for p in decode(b"a: 1\nb: \xe9\n", "f.yaml")[1]] == ["f.yaml:2: file: is not valid UTF-8 (byte 0xe9 at offset 8); save it as UTF-8"]
    big = decode(b"#" * (MAX_BYTES + 1), "f.yaml")[1]
    assert [str(p) for p in big] == ["f.yaml:1: file: is 262,145 bytes; the limit is 262,144 bytes (256 KiB)"]
    assert decode(b"a: 1\n", "f.yaml") == ("a: 1\n", [])


def test_deep_nesting_is_refused_before_composing() -> None:
    # libyaml composes nodes recursively in C; 30,000 levels used to crash the process.
    document, problems = read_yaml("a: " + "[" * 200_000 + "]" * 200_000 + "\n", "deep.yaml")
    assert document is None
    assert [str(p) for p in problems] == ["deep.yaml:1: a" + "[0]" * 20 + ": nesting is deeper than 20 levels"]


def test_numbers_are_exact_and_finite() -> None:
    document, problems = read_yaml("a: 9007199254740992\nb: 1e300\n", "n.yaml")
    assert problems == [] and document.data == {"a": 2**53, "b": 1e300}
    _, problems = read_yaml("a: 9007199254740993\nb: 1e309\nc: !!float nan\nd: !!int x\n", "n.yaml")
    assert [str(p) for p in problems] == [
        "n.yaml:1: a: '9007199254740993' is too large; whole numbers must be at most 2^53 (9,007,199,254,740,992)",
        "n.yaml:2: b: '1e309' is not a finite number",
        "n.yaml:3: c: 'nan' is not a finite number",
        "n.yaml:4: d: 'x' is not a whole number",
    ]


def test_bibliography_limit_is_larger_and_named() -> None:
    from atlas.bibliography import MAX_BYTES as BIB_MAX_BYTES

    assert BIB_MAX_BYTES == 8 * 1024 * 1024
    big = decode(b"%" * (BIB_MAX_BYTES + 1), "references.bib", BIB_MAX_BYTES)[1]
    assert [str(p) for p in big] == ["references.bib:1: file: is 8,388,609 bytes; the limit is 8,388,608 bytes (8 MiB)"]


def test_security_md_states_the_limits_in_the_code() -> None:
    from atlas.bibliography import MAX_BYTES as BIB_MAX_BYTES

    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert f"Size limits: {MAX_BYTES // 1024} KiB for each YAML file and {BIB_MAX_BYTES // 1024 ** 2} MiB for `references.bib`." in " ".join(text.split())
