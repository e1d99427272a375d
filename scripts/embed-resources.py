#!/usr/bin/env python3
"""Writes the embedded copies of controls/*.yaml and templates/**: controls into
Sources/AudregCore/Generated/EmbeddedControls.swift, templates into
Sources/AudregSite/Generated/EmbeddedTemplates.swift (the site is the only target that renders them).

The binary carries its control catalogs and default templates, so it works wherever it is copied.
The files in controls/ and templates/ stay the editable source; the test suite fails when these
generated files are out of date with them. Run: python3 scripts/embed-resources.py
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# folder -> (output file, enum name, what it holds)
OUTPUTS = {
    "controls": (os.path.join(ROOT, "Sources", "AudregCore", "Generated", "EmbeddedControls.swift"),
                 "EmbeddedControls", "The control catalogs"),
    "templates": (os.path.join(ROOT, "Sources", "AudregSite", "Generated", "EmbeddedTemplates.swift"),
                  "EmbeddedTemplates", "The default templates"),
}


def files(folder):
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


def generated(folder):
    out, name, what = OUTPUTS[folder]
    entries = sorted(files(folder))
    lines = [
        "// GENERATED FILE. DO NOT EDIT: edit " + folder + "/ and run scripts/embed-resources.py.",
        "",
        "/// " + what + ", compiled in so the binary needs no resource folder.",
        "package enum " + name + " {",
        "    package static let files: [String: String] = {",
        "        var files: [String: String] = [:]",
    ]
    for path, text in entries:
        lines.append(f'        files["{path}"] = {literal(text)}')
    lines += ["        return files", "    }()", "}", ""]
    return out, "\n".join(lines), len(entries)


def main():
    stale = False
    for folder in OUTPUTS:
        out, content, count = generated(folder)
        if "--check" in sys.argv:
            current = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
            stale = stale or current != content
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        open(out, "w", encoding="utf-8").write(content)
        print(f"wrote {os.path.relpath(out, ROOT)} with {count} files")
    sys.exit(1 if stale else 0)


main()
