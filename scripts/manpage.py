#!/usr/bin/env python3
"""Turns `audreg --experimental-dump-help` (swift-argument-parser's ToolInfo JSON, version 0) into a
roff manual page, so the page is generated from the same command definitions as --help.

Usage: audreg --experimental-dump-help | python3 scripts/manpage.py --version 0.1.0 --date 2026-12-06 > audreg.1
"""
import argparse
import json
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a line that would start with a request or a quote."""
    out = []
    for line in (text or "").replace("\\", "\\e").split("\n"):
        line = line.replace("-", "\\-")
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def paragraphs(text):
    """Blank lines become paragraph breaks; indented lines (examples) are kept as written."""
    out, verbatim = [], False
    for line in (text or "").strip("\n").split("\n"):
        indented = line.startswith(" ")
        if indented != verbatim:
            out.append(".RS 4\n.nf" if indented else ".fi\n.RE")
            verbatim = indented
        out.append(roff(line.strip()) if indented else (".PP" if not line.strip() else roff(line)))
    if verbatim:
        out.append(".fi\n.RE")
    return "\n".join(out)


def name_text(name):
    return ("--" if name["kind"] == "long" else "-") + name["name"]


def argument_label(arg):
    names = arg.get("names") or []
    value = arg.get("valueName") or "value"
    if arg["kind"] == "positional":
        label = f"<{value}>"
    else:
        label = ", ".join(name_text(n) for n in names)
        if arg["kind"] == "option":
            label += f" <{value}>"
    if arg.get("isRepeating"):
        label += " ..."
    return label


def synopsis(path, command):
    parts = []
    for arg in command.get("arguments") or []:
        if not arg.get("shouldDisplay", True):
            continue
        label = argument_label(arg)
        if arg["kind"] != "positional":
            preferred = arg.get("preferredName") or (arg.get("names") or [None])[0]
            label = name_text(preferred) + (f" <{arg.get('valueName') or 'value'}>" if arg["kind"] == "option" else "")
        parts.append(f"[{label}]" if arg.get("isOptional") else label)
    if command.get("subcommands"):
        parts.append("<subcommand>")
    return f".B {roff(' '.join(path))}\n" + roff(" ".join(parts))


def options(command):
    out = []
    for arg in command.get("arguments") or []:
        if not arg.get("shouldDisplay", True):
            continue
        out.append(".TP\n.B " + roff(argument_label(arg)))
        text = arg.get("abstract") or ""
        if arg.get("allValues") and "values:" not in text:
            text += f" (values: {', '.join(arg['allValues'])})"
        if arg.get("defaultValue"):
            text += f" (default: {arg['defaultValue']})"
        out.append(roff(text.strip()))
        if arg.get("discussion"):
            out.append(paragraphs(arg["discussion"] if isinstance(arg["discussion"], str) else ""))
    return "\n".join(out)


def command_section(path, command):
    out = [f".SS {roff(' '.join(path))}", synopsis(path, command), ".PP", roff(command.get("abstract") or "")]
    if command.get("discussion"):
        out += [".PP", paragraphs(command["discussion"])]
    opts = options(command)
    if opts:
        out += [".PP", "Options:", ".RS", opts, ".RE"]
    for sub in command.get("subcommands") or []:
        if sub.get("shouldDisplay", True):
            out.append(command_section(path + [sub["commandName"]], sub))
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    parser.add_argument("--date", required=True)
    args = parser.parse_args()
    info = json.load(sys.stdin)
    if info.get("serializationVersion") != 0:
        sys.exit(f"manpage.py reads dump-help version 0, got {info.get('serializationVersion')}: update the script")
    root = info["command"]
    name = root["commandName"]
    page = [
        f'.TH {name.upper()} 1 "{args.date}" "{name} {args.version}" "User Commands"',
        ".SH NAME",
        f"{name} \\- {roff(root.get('abstract') or '')}",
        ".SH SYNOPSIS",
        synopsis([name], root),
        ".SH DESCRIPTION",
        roff(root.get("abstract") or ""),
    ]
    if root.get("discussion"):
        page += [".PP", paragraphs(root["discussion"])]
    if options(root):
        page += [".SH OPTIONS", options(root)]
    subs = [s for s in root.get("subcommands") or [] if s.get("shouldDisplay", True)]
    if subs:
        page.append(".SH COMMANDS")
        for sub in subs:
            page.append(command_section([name, sub["commandName"]], sub))
    page += [".SH SEE ALSO", "https://github.com/audreg/audreg (README.md, CHANGELOG.md)"]
    sys.stdout.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
