#!/usr/bin/env python3
"""Writes Sources/AudregCore/Generated/EmbeddedResources.swift from controls/*.yaml and templates/**.

The binary carries its control catalogs and default templates, so it works wherever it is copied.
The files in controls/ and templates/ stay the editable source; the test suite fails when this
generated file is out of date with them. Run: python3 scripts/embed-resources.py
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["controls", "templates"]
OUT = os.path.join(ROOT, "Sources", "AudregCore", "Generated", "EmbeddedResources.swift")


def files():
    for folder in SOURCES:
        base = os.path.join(ROOT, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.startswith(".") or name == "README.md":
                    continue
                full = os.path.join(dirpath, name)
                yield os.path.relpath(full, ROOT).replace(os.sep, "/"), open(full, encoding="utf-8").read()


def literal(text):
    hashes = "#"
    while ('"' + hashes) in text or ('\\' + hashes) in text:
        hashes += "#"
    return f'{hashes}"""\n{text}\n"""{hashes}'


def main():
    entries = sorted(files())
    lines = [
        "// GENERATED FILE. DO NOT EDIT: edit controls/ or templates/ and run scripts/embed-resources.py.",
        "",
        "/// The control catalogs and default templates, compiled in so the binary needs no resource folder.",
        "package enum EmbeddedResources {",
        "    package static let files: [String: String] = {",
        "        var files: [String: String] = [:]",
    ]
    for path, text in entries:
        lines.append(f'        files["{path}"] = {literal(text)}')
    lines += ["        return files", "    }()", "}", ""]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    content = "\n".join(lines)
    if "--check" in sys.argv:
        current = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else ""
        sys.exit(0 if current == content else 1)
    open(OUT, "w", encoding="utf-8").write(content)
    print(f"wrote {os.path.relpath(OUT, ROOT)} with {len(entries)} files")


main()
