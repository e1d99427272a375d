#!/usr/bin/env python3
"""Writes Sources/AudregCore/Rules/Audience/ConfusableTable.swift.

The table maps every single code point that Unicode's confusables data (UTS #39) lists as a look-alike
of an ASCII letter or digit to that ASCII character. It is the part of the skeleton mapping that matters
for audiences, which are ASCII URLs and names in practice. Source data: the confusables.json shipped by
the PyPI package confusable-homoglyphs 3.3.1 (generated from Unicode's confusables.txt).

Usage: pip download --no-deps confusable-homoglyphs==3.3.1 -d /tmp/ch && unzip -o /tmp/ch/*.whl -d /tmp/ch
       python3 scripts/generate-confusables.py /tmp/ch/confusable_homoglyphs/confusables.json
"""
import json
import string
import sys

data = json.load(open(sys.argv[1], encoding="utf-8"))
prototypes = string.ascii_lowercase + string.digits + string.ascii_uppercase
mapping = {}
for proto in prototypes:
    for entry in data.get(proto, []):
        c = entry["c"].replace("\u200e", "")
        if len(c) != 1 or ord(c) < 0x80:
            continue
        mapping.setdefault(ord(c), proto.lower())

lines = [
    "// GENERATED FILE. DO NOT EDIT: run scripts/generate-confusables.py (see its header).",
    "// Look-alikes of ASCII letters and digits from Unicode's confusables data (UTS #39),",
    "// via confusable-homoglyphs 3.3.1. \(len) entries.".replace("\\(len)", str(len(mapping))),
    "",
    "enum ConfusableTable {",
    "    /// Code points, sorted; `prototypes` holds the ASCII look-alike of each at the same offset.",
    "    static let codePoints: [UInt32] = [",
]
keys = sorted(mapping)
for i in range(0, len(keys), 10):
    lines.append("        " + ", ".join(f"0x{cp:X}" for cp in keys[i:i + 10]) + ",")
lines += ["    ]", ""]
lines.append('    static let prototypes: String = "' + "".join(mapping[cp] for cp in keys) + '"')
lines += ["}", ""]
out = "Sources/AudregCore/Rules/Audience/ConfusableTable.swift"
open(out, "w", encoding="utf-8").write("\n".join(lines))
print(f"wrote {out} with {len(mapping)} entries")
