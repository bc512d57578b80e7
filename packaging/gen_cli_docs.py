#!/usr/bin/env python3
"""Man pages and shell completions for wasm-rr, from its own --help text.

    gen_cli_docs.py --exe BUILT-WASM-RR --out DIR

Runs `wasm-rr --help`, `wasm-rr --version` and `wasm-rr SUB --help` for every
subcommand the top-level help lists, parses CLI11's help layout, and writes

  DIR/man/wasm-rr.1            the command and every subcommand in full
  DIR/man/wasm-rr-SUB.1        one page per subcommand (git-style)
  DIR/man/*.1.gz               the same, gzip -9n (what gets installed)
  DIR/completions/wasm-rr      bash
  DIR/completions/_wasm-rr     zsh
  DIR/completions/wasm-rr.fish fish

The help text is the only source, so the pages and completions cannot drift
from the CLI: a new option or subcommand appears in all of them at the next
build. What the help cannot say — which values are files, directories or
environment variable names — is the small VALUE_KINDS table below; an option
or positional it does not name still completes by name, with no value
completion. Output is deterministic (no date unless SOURCE_DATE_EPOCH is set).
"""
import argparse
import dataclasses
import datetime
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

PROG = "wasm-rr"

# What kind of word an option's value or a positional is, for completion.
# Keys: positional names and long option names. Kinds: wasm (*.wasm files),
# trace (*.json, *.cbor), dir, env (environment variable names), file (any
# file). Choices ("TEXT:{json,cbor}") come from the help text itself.
VALUE_KINDS = {
    "component": "wasm",
    "trace": "trace", "in": "trace", "out": "trace", "--trace": "trace",
    "args": "file",
    "--dir": "dir",
    "--env": "env", "--redact": "env",
}
TRACE_EXTS = ["json", "cbor"]


# --- Parsing CLI11's help --------------------------------------------------------

@dataclasses.dataclass
class Option:
    names: list          # ["-t", "--trace"]
    value: str           # the value text after the names ("TRACE", "[SPEC]=*", ""), verbatim
    desc: str
    takes: str           # "none" (a flag), "required" (the next word or =VALUE), "attached" (optional, =VALUE only)
    choices: list        # from "TEXT:{a,b}"
    repeatable: bool

    @property
    def long(self):
        return next((n for n in self.names if n.startswith("--")), self.names[0])

    @property
    def kind(self):
        return "choice" if self.choices else VALUE_KINDS.get(self.long, "none")


@dataclasses.dataclass
class Positional:
    name: str
    value: str           # "TEXT REQUIRED", "TEXT=wasm-rr-trace.json", "TEXT ..."
    desc: str
    required: bool
    multi: bool

    @property
    def kind(self):
        return VALUE_KINDS.get(self.name, "none")


@dataclasses.dataclass
class Command:
    name: str            # "" for the top level
    description: list    # lines before "Usage:"
    usage: str           # after "Usage: PROG "
    positionals: list
    options: list
    subcommands: list    # [(name, desc)]
    footer: list         # lines after the last entry section


ENTRY = re.compile(r"^  (\S.*?)(?: {2,}(\S.*))?$")


def parse_help(text, name):
    lines = text.rstrip("\n").split("\n")
    i = 0
    description = []
    while i < len(lines) and not lines[i].startswith("Usage: "):
        description.append(lines[i])
        i += 1
    if i == len(lines):
        sys.exit(f"gen_cli_docs: no `Usage:` line in the help of `{name or PROG}`")
    usage = lines[i][len("Usage: "):]
    usage = usage.split(" ", 1)[1] if " " in usage else ""
    usage = usage[len(name) + 1:] if name and usage.startswith(name + " ") else usage
    i += 1
    cmd = Command(name, description, usage, [], [], [], [])
    # Sections: a title line "Xxx:" then entries "  NAME [VALUE]  DESC", a long
    # NAME putting DESC on the next line, indented. Positionals, Subcommands and
    # any group of options (entries starting with `-`); the first other block
    # (or free text) starts the footer.
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        entries = []
        j = i + 1
        while j < len(lines) and lines[j].startswith("  "):
            m = ENTRY.match(lines[j])
            if m:
                head, desc = m.group(1), m.group(2) or ""
                if not desc and j + 1 < len(lines) and re.match(r"^ {6,}\S", lines[j + 1]):
                    desc = lines[j + 1].strip()
                    j += 1
                entries.append((head, desc))
            elif entries:  # an indented continuation line
                entries[-1] = (entries[-1][0], (entries[-1][1] + " " + lines[j].strip()).strip())
            j += 1
        is_section = title.endswith(":") and not title.startswith(" ") and entries and (
            title in ("Positionals:", "Subcommands:") or all(h.startswith("-") for h, _ in entries))
        if not is_section:
            cmd.footer = lines[i:]
            break
        for head, desc in entries:
            if title == "Positionals:":
                cmd.positionals.append(parse_positional(head, desc))
            elif title == "Subcommands:":
                cmd.subcommands.append((head, desc))
            else:
                cmd.options.append(parse_option(head, desc))
        i = j
    return cmd


def parse_option(head, desc):
    names_text, _, value = head.partition(" ")
    names_text = re.sub(r"\{[^}]*\}", "", names_text)  # --allow-http{*}: the bare flag's value
    names = [n for n in names_text.split(",") if n]
    value = value.strip()
    choices = []
    m = re.search(r":\{([^}]*)\}", value)
    if m:
        choices = [c.strip() for c in m.group(1).split(",")]
    if not value:
        takes = "none"
    elif value.startswith("["):
        # [SPEC]=* or [=SPEC]: the value is optional. Completion offers it only
        # after `=`: a separate word may be the component (see guest.cpp).
        takes = "attached"
    else:
        takes = "required"
    repeatable = value.endswith("...") or bool(re.search(r"\brepeatable\b", desc, re.I))
    return Option(names, value, desc, takes, choices, repeatable)


def parse_positional(head, desc):
    name, _, value = head.partition(" ")
    return Positional(name, value.strip(), desc, "REQUIRED" in value.split(), value.strip().endswith("..."))


def run_exe(exe, *args):
    # argv[0] is the plain name, so "Usage:" lines read `wasm-rr ...`, not the build path.
    p = subprocess.run([PROG, *args], executable=exe, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        sys.exit(f"gen_cli_docs: `{PROG} {' '.join(args)}` exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def read_cli(exe):
    top = parse_help(run_exe(exe, "--help"), "")
    version = run_exe(exe, "--version").strip()
    subs = [parse_help(run_exe(exe, name, "--help"), name) for name, _ in top.subcommands]
    if not subs:
        sys.exit("gen_cli_docs: the top-level help lists no subcommands")
    return top, subs, version


def short(desc):
    """The first sentence or clause of a description, for completion menus."""
    s = re.split(r"(?<!e\.g)(?<!i\.e)\. |; ", desc, maxsplit=1)[0].rstrip(".")
    if s.count("(") > s.count(")"):  # cut inside a parenthesis: drop it
        s = s[:s.rindex("(")].rstrip(" ,")
    return s if len(s) <= 80 else s[:77].rstrip() + "..."


def value_label(value):
    """An option's value text without CLI11's decorations: "N:UINT in [1 - 9]" -> "N"."""
    v = re.sub(r"\s*\.\.\.$", "", value)
    v = re.sub(r":\{.*\}$", "", v)
    v = re.sub(r":(UINT|INT|FLOAT|NUMBER|TEXT|BOOLEAN)\b.*$", "", v)
    v = re.sub(r"=\*$", "", v)  # the default of a bare flag
    if v.startswith("[") and v.endswith("]") and v.count("[") == 1:  # optional: [SPEC], [=SPEC]
        v = v[1:-1].lstrip("=")
    return v or "VALUE"


# --- roff --------------------------------------------------------------------------

def roff(text):
    """Escapes text for roff: backslashes, dashes (ASCII `-` when copied), quotes, and
    a leading `.` or `'` that would start a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq").replace("`", "\\(ga")
    return "\\&" + text if text.startswith(".") else text


def roff_option(opt):
    names = ", ".join(f"\\fB{roff(n)}\\fR" for n in opt.names)
    if opt.value:
        sep = "" if opt.value.startswith("[=") else " "
        names += f"{sep}\\fI{roff(opt.value)}\\fR"
    return f".TP\n{names}\n{roff(opt.desc)}\n"


def roff_positional(pos):
    return f".TP\n\\fI{roff(pos.name)}\\fR \\fI{roff(pos.value)}\\fR\n{roff(pos.desc)}\n"


def roff_footer(lines):
    """Footer text: a block "Title:" + indented "KEY  text" rows becomes a section of
    tagged paragraphs; other lines are paragraphs. Yields (title or None, roff)."""
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.endswith(":") and not line.startswith(" ") and i + 1 < len(lines) and lines[i + 1].startswith("  "):
            rows = []
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                m = re.match(r"^  (\S+)  +(\S.*)$", lines[i])
                if m and not lines[i].startswith("   "):
                    rows.append([m.group(1), m.group(2)])
                elif rows:
                    rows[-1][1] += " " + lines[i].strip()
                else:
                    rows.append(["", lines[i].strip()])
                i += 1
            body = ""
            for key, text in rows:
                # A row without a key of its own ("the guest's own status ...")
                if " " in key or not re.match(r"^[0-9+N]+$", key):
                    text, key = (key + "  " + text).strip(), ""
                body += f".TP\n{roff(key)}\n{roff(text)}\n" if key else f".PP\n{roff(text)}\n"
            blocks.append((line[:-1], body))
        else:
            para = []
            while i < len(lines) and lines[i].strip():
                para.append(lines[i].strip())
                i += 1
            text = " ".join(para)
            m = re.match(r"^(Examples?): (.*)$", text)
            if m:
                blocks.append((m.group(1), f".PP\n.nf\n{roff(m.group(2))}\n.fi\n"))
            else:
                blocks.append((None, f".PP\n{roff(text)}\n"))
    return blocks


def man_header(title, version, section_name="User Commands"):
    date = ""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        date = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.timezone.utc).strftime("%Y-%m-%d")
    return (f'.\\" Generated by packaging/gen_cli_docs.py from `{PROG} --help`; do not edit.\n'
            f'.TH {roff(title.upper())} 1 "{date}" "{roff(version)}" "{section_name}"\n'
            ".nh\n.ad l\n")  # no hyphenation (option names), ragged right


def command_body(cmd, heading):
    """The arguments and options of one subcommand; heading(title) makes a heading."""
    out = ""
    if cmd.positionals:
        out += heading("Arguments")
        out += "".join(roff_positional(p) for p in cmd.positionals)
    if cmd.options:
        out += heading("Options")
        out += "".join(roff_option(o) for o in cmd.options)
    return out


def man_pages(top, subs, version):
    # The top level's footer (exit status) is inherited by subcommands without
    # a footer of their own: shown once, in EXIT STATUS.
    top_footer = roff_footer(top.footer)
    exit_status = [b for b in top_footer if b[0]]
    sub_footers = {s.name: [b for b in roff_footer(s.footer) if s.footer != top.footer] for s in subs}
    see_also = [f"{PROG}-{s.name}" for s in subs]
    name_line = top.description[0] if top.description else PROG
    summary = name_line.split(": ", 1)[1] if name_line.startswith(PROG + ": ") else name_line

    P = roff(PROG)
    # wasm-rr.1: everything.
    page = man_header(PROG, version)
    page += f".SH NAME\n{P} \\- {roff(summary.rstrip('.'))}\n"
    page += ".SH SYNOPSIS\n.nf\n"
    page += f"\\fB{P}\\fR {roff(top.usage)}\n"
    for s in subs:
        page += f"\\fB{P} {roff(s.name)}\\fR {roff(s.usage)}\n"
    page += ".fi\n.SH DESCRIPTION\n"
    page += roff(" ".join(l.strip() for l in top.description[1:])) + "\n" if len(top.description) > 1 else ""
    page += ".SH OPTIONS\n" + "".join(roff_option(o) for o in top.options)
    page += ".SH COMMANDS\n"
    for s in subs:
        page += f".SS \"{P} {roff(s.name)} {roff(s.usage)}\"\n"
        page += roff(" ".join(s.description)) + "\n"
        page += command_body(s, lambda t: f".PP\n\\fI{t}:\\fR\n")
        for title, body in sub_footers[s.name]:
            page += (f".PP\n\\fI{roff(title)}:\\fR\n" if title else "") + body
    for title, body in top_footer:
        page += (f".SH {roff(title.upper())}\n" if title else "") + body
    page += ".SH SEE ALSO\n" + ",\n".join(f"\\fB{roff(n)}\\fR(1)" for n in see_also) + "\n"
    pages = {PROG: page}

    # wasm-rr-SUB.1: one subcommand.
    for s in subs:
        page = man_header(f"{PROG}-{s.name}", version)
        page += f".SH NAME\n{P}\\-{roff(s.name)} \\- {roff(' '.join(s.description).rstrip('.'))}\n"
        page += f".SH SYNOPSIS\n\\fB{P} {roff(s.name)}\\fR {roff(s.usage)}\n"
        page += ".SH DESCRIPTION\n" + roff(" ".join(s.description)) + "\n"
        page += command_body(s, lambda t: f".SH {t.upper()}\n")
        for title, body in sub_footers[s.name]:
            page += (f".SH {roff(title.upper())}\n" if title else "") + body
        for title, body in exit_status:
            page += f".SH {roff(title.upper())}\n" + body
        others = [PROG] + [n for n in see_also if n != f"{PROG}-{s.name}"]
        page += ".SH SEE ALSO\n" + ",\n".join(f"\\fB{roff(n)}\\fR(1)" for n in others) + "\n"
        pages[f"{PROG}-{s.name}"] = page
    return pages


# --- bash --------------------------------------------------------------------------

def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def bash_completion(top, subs):
    def spec(cmd):
        opts = " ".join(n for o in cmd.options for n in o.names)
        vopts = " ".join(n for o in cmd.options if o.takes == "required" for n in o.names)
        pos = " ".join(p.kind for p in cmd.positionals if not p.multi)
        rest = next((p.kind for p in cmd.positionals if p.multi), "none")
        return opts, vopts, pos, rest

    def value_cases(cmd):
        for o in cmd.options:
            if o.takes != "none":
                kind = "choice:" + " ".join(o.choices) if o.choices else o.kind
                yield f"      {'|'.join(cmd.name + ':' + n for n in o.names)}) _wasm_rr_kind {sh_quote(kind)}; return ;;"

    top_opts = " ".join(n for o in top.options for n in o.names)
    sub_names = " ".join(s.name for s in subs)
    out = [
        f"# bash completion for {PROG}. Generated by packaging/gen_cli_docs.py from",
        f"# `{PROG} --help`; do not edit. Works with or without the bash-completion package.",
        "",
        "# Completes the current word as a file name ending in .EXT (any EXT given), or a directory.",
        "_wasm_rr_files() {",
        "  local IFS=$'\\n' e",
        "  if declare -F _filedir >/dev/null; then _filedir \"$(IFS='|'; echo \"$*\")\"; return; fi",
        "  compopt -o filenames 2>/dev/null",
        "  COMPREPLY=($(compgen -d -- \"$cur\"))",
        "  for e in \"$@\"; do COMPREPLY+=($(compgen -f -X \"!*.$e\" -- \"$cur\")); done",
        "}",
        "",
        "# Completes the current word as KIND: wasm, trace, dir, env, file, none, choice:WORDS.",
        "_wasm_rr_kind() {",
        "  local kind=$1 IFS=$'\\n'",
        "  case $kind in",
        "    wasm) _wasm_rr_files wasm ;;",
        f"    trace) _wasm_rr_files {' '.join(TRACE_EXTS)} ;;",
        "    dir)",
        "      if declare -F _filedir >/dev/null; then _filedir -d; return; fi",
        "      compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")) ;;",
        "    file)",
        "      if declare -F _filedir >/dev/null; then _filedir; return; fi",
        "      compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")) ;;",
        "    env) compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -e -- \"$cur\")) ;;",
        "    choice:*) IFS=$' \\t\\n'; COMPREPLY=($(compgen -W \"${kind#choice:}\" -- \"$cur\")) ;;",
        "    *) COMPREPLY=() ;;",
        "  esac",
        "}",
        "",
        "_wasm_rr() {",
        "  local cur=${COMP_WORDS[COMP_CWORD]} cword=$COMP_CWORD",
        "  local -a words=(\"${COMP_WORDS[@]}\")",
        "  COMPREPLY=()",
        "  # The subcommand: the first word that is not an option.",
        "  local i sub='' subi=0",
        "  for ((i = 1; i < cword; i++)); do",
        "    [[ ${words[i]} != -* ]] && { sub=${words[i]}; subi=$i; break; }",
        "  done",
        "  if [[ -z $sub ]]; then",
        f"    COMPREPLY=($(compgen -W {sh_quote(top_opts + ' ' + sub_names)} -- \"$cur\"))",
        "    return",
        "  fi",
        "  local opts vopts pos rest",
        "  case $sub in",
    ]
    for s in subs:
        opts, vopts, pos, rest = spec(s)
        out.append(f"    {s.name}) opts={sh_quote(opts)} vopts={sh_quote(vopts)} pos={sh_quote(pos)} rest={rest} ;;")
    out += [
        "    *) return ;;",
        "  esac",
        "  # --opt=VALUE: bash splits it at `=` (COMP_WORDBREAKS) into --opt, =, VALUE.",
        "  local opt=''",
        "  if [[ $cur == = ]]; then opt=${words[cword-1]}; cur=''",
        "  elif [[ ${words[cword-1]} == = ]]; then opt=${words[cword-2]}",
        "  elif [[ $cur == --*=* ]]; then opt=${cur%%=*}; cur=${cur#*=}",
        "  elif [[ \" $vopts \" == *\" ${words[cword-1]} \"* ]]; then opt=${words[cword-1]}",
        "  fi",
        "  # The option value being completed, if any.",
        "  if [[ -n $opt && ( $cword -gt $((subi + 1)) ) ]]; then",
        "    case $sub:$opt in",
    ]
    for s in subs:
        out += value_cases(s)
    out += [
        "    esac",
        "  fi",
        "  # Which positional the current word is: count the words before it that are",
        "  # neither options nor their values; after `--` every word is positional.",
        "  local n=0 dd=0",
        "  for ((i = subi + 1; i < cword; i++)); do",
        "    local w=${words[i]}",
        "    if ((dd)); then ((++n)); continue; fi",
        "    if [[ $w == -- ]]; then dd=1; continue; fi",
        "    if [[ ${words[i+1]} == = ]]; then ((i += 2)); continue; fi",
        "    if [[ $w == -* ]]; then",
        "      [[ $w != *=* && \" $vopts \" == *\" $w \"* ]] && ((++i))",
        "      continue",
        "    fi",
        "    ((++n))",
        "  done",
        "  if ((!dd)) && [[ $cur == -* ]]; then",
        "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))",
        "    return",
        "  fi",
        "  local -a kinds=($pos)",
        "  if ((n < ${#kinds[@]})); then _wasm_rr_kind \"${kinds[n]}\"; else _wasm_rr_kind \"$rest\"; fi",
        "}",
        f"complete -F _wasm_rr {PROG}",
        "",
    ]
    return "\n".join(out)


# --- zsh ---------------------------------------------------------------------------

def zsh_escape(s):
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:").replace("'", "'\\''")


ZSH_ACTIONS = {
    "wasm": "_files -g '*.wasm(-.)'",
    "trace": "_files -g '*.(" + "|".join(TRACE_EXTS) + ")(-.)'",
    "dir": "_files -/",
    "env": "_parameters -g '*export*'",
    "file": "_files",
    "none": " ",
}


def zsh_completion(top, subs):
    def action(kind, choices=()):
        if choices:
            return "(" + " ".join(choices) + ")"
        return ZSH_ACTIONS.get(kind, " ")

    def opt_specs(cmd):
        specs = []
        for o in cmd.options:
            desc = zsh_escape(short(o.desc))
            star = "*" if o.repeatable else ""
            if o.long in ("--help",):
                excl = "(- *)"
            else:
                excl = "(" + " ".join(o.names) + ")" if len(o.names) > 1 and not o.repeatable else ""
            names = o.names
            for name in names:
                suffix = {"none": "", "required": "=" if name.startswith("--") else "+", "attached": "=-"}[o.takes]
                arg = ""
                if o.takes != "none":
                    label = zsh_escape(value_label(o.value))
                    colon = "::" if o.takes == "attached" else ":"
                    arg = f"{colon}{label}:{zsh_escape_action(action(o.kind, o.choices))}"
                specs.append(f"'{excl}{star}{name}{suffix}[{desc}]{arg}'")
        return specs

    def pos_specs(cmd):
        specs = []
        n = 1
        for p in cmd.positionals:
            desc = zsh_escape(p.name)
            if p.multi:
                specs.append(f"'*::{desc}:{zsh_escape_action(action(p.kind))}'")
            else:
                colon = ":" if p.required else "::"
                specs.append(f"'{n}{colon}{desc}:{zsh_escape_action(action(p.kind))}'")
                n += 1
        return specs

    out = [
        f"#compdef {PROG}",
        f"# zsh completion for {PROG}. Generated by packaging/gen_cli_docs.py from",
        f"# `{PROG} --help`; do not edit.",
        "",
        "_wasm_rr() {",
        "  local curcontext=$curcontext state line ret=1",
        "  typeset -A opt_args",
        "  _arguments -C \\",
    ]
    for spec in opt_specs(top):
        out.append(f"    {spec} \\")
    out += [
        "    '1: :->command' \\",
        "    '*:: :->args' && ret=0",
        "  case $state in",
        "    command)",
        "      local -a commands=(",
    ]
    for name, desc in top.subcommands:
        out.append(f"        '{zsh_escape(name)}:{zsh_escape(short(desc))}'")
    out += [
        "      )",
        "      _describe -t commands 'wasm-rr command' commands && ret=0 ;;",
        "    args)",
        "      curcontext=${curcontext%:*:*}:wasm-rr-$line[1]:",
        "      case $line[1] in",
    ]
    for s in subs:
        out.append(f"        {s.name})")
        out.append("          _arguments -s -S \\")
        for spec in opt_specs(s) + pos_specs(s):
            out.append(f"            {spec} \\")
        out.append("            && ret=0 ;;")
    out += [
        "      esac ;;",
        "  esac",
        "  return ret",
        "}",
        "",
        "_wasm_rr \"$@\"",
        "",
    ]
    return "\n".join(out)


def zsh_escape_action(a):
    return a.replace("'", "'\\''")


# --- fish --------------------------------------------------------------------------

def fish_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_completion(top, subs):
    def files(exts):
        return "(__wasm_rr_files " + " ".join("." + e for e in exts) + ")"

    def value_args(kind, choices):
        if choices:
            return f"-x -a {fish_quote(' '.join(choices))}"
        if kind == "wasm":
            return f"-x -a {fish_quote(files(['wasm']))}"
        if kind == "trace":
            return f"-x -a {fish_quote(files(TRACE_EXTS))}"
        if kind == "dir":
            return "-x -a '(__fish_complete_directories)'"
        if kind == "env":
            return "-x -a '(set -xn)'"
        if kind == "file":
            return "-r -F"
        return "-x"

    def opt_line(cond, o):
        parts = [f"complete -c {PROG} -n {fish_quote(cond)}"]
        for n in o.names:
            parts.append(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}")
        if o.takes == "required":
            parts.append(value_args(o.kind, o.choices))
        parts.append(f"-d {fish_quote(short(o.desc))}")
        return " ".join(parts)

    out = [
        f"# fish completion for {PROG}. Generated by packaging/gen_cli_docs.py from",
        f"# `{PROG} --help`; do not edit.",
        "",
        "# Files ending in one of the suffixes given, and directories.",
        "function __wasm_rr_files",
        "    set -l token (commandline -ct)",
        "    for f in $token*",
        "        if test -d $f",
        "            echo $f/",
        "        else",
        "            for suffix in $argv",
        "                string match -q -- \"*$suffix\" $f; and echo $f; and break",
        "            end",
        "        end",
        "    end",
        "end",
        "",
        "# Succeeds if the word being completed is positional number N (from 0) of",
        "# subcommand SUB, or any from N on with `N+`: options and their values are",
        "# skipped; after `--` every word is positional.",
        "function __wasm_rr_at --argument-names sub n",
        "    set -l vopts",
        "    switch $sub",
    ]
    for s in subs:
        vopts = " ".join(n for o in s.options if o.takes == "required" for n in o.names)
        out.append(f"        case {s.name}")
        out.append(f"            set vopts {vopts}" if vopts else "            set vopts")
    out += [
        "    end",
        "    set -l words (commandline -opc)",
        "    set -l count 0",
        "    set -l seen 0",
        "    set -l skip 0",
        "    set -l dashdash 0",
        "    for w in $words[2..-1]",
        "        if test $seen = 0",
        "            test \"$w\" = $sub; and set seen 1",
        "            continue",
        "        end",
        "        if test $skip = 1",
        "            set skip 0",
        "        else if test $dashdash = 0; and test \"$w\" = --",
        "            set dashdash 1",
        "        else if test $dashdash = 0; and string match -q -- '-*' $w",
        "            contains -- $w $vopts; and set skip 1",
        "        else",
        "            set count (math $count + 1)",
        "        end",
        "    end",
        "    if string match -q -- '*+' $n",
        "        test $count -ge (string trim -r -c + -- $n)",
        "    else",
        "        test $count -eq $n",
        "    end",
        "end",
        "",
        f"complete -c {PROG} -f",
    ]
    for o in top.options:
        out.append(opt_line("__fish_use_subcommand", o))
    for name, desc in top.subcommands:
        out.append(f"complete -c {PROG} -n __fish_use_subcommand -a {name} -d {fish_quote(short(desc))}")
    for s in subs:
        cond = f"__fish_seen_subcommand_from {s.name}"
        for o in s.options:
            out.append(opt_line(cond, o))
        n = 0
        for p in s.positionals:
            at = f"{cond}; and __wasm_rr_at {s.name} {n}{'+' if p.multi else ''}"
            if p.kind == "wasm":
                out.append(f"complete -c {PROG} -n {fish_quote(at)} -a {fish_quote(files(['wasm']))}")
            elif p.kind == "trace":
                out.append(f"complete -c {PROG} -n {fish_quote(at)} -a {fish_quote(files(TRACE_EXTS))}")
            elif p.kind == "file":
                out.append(f"complete -c {PROG} -n {fish_quote(at)} -F")
            n += 1
    out.append("")
    return "\n".join(out)


# --- main --------------------------------------------------------------------------

def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", required=True, help="the built wasm-rr")
    ap.add_argument("--out", required=True, type=Path, help="output directory")
    ap.add_argument("--stamp", type=Path, help="touched when everything is written")
    args = ap.parse_args()

    top, subs, version = read_cli(args.exe)
    man = args.out / "man"
    if man.is_dir():  # a subcommand that was removed leaves no stale page
        for old in man.glob(f"{PROG}*.1*"):
            old.unlink()
    for name, page in man_pages(top, subs, version).items():
        write(man / f"{name}.1", page)
        with open(man / f"{name}.1.gz", "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
                gz.write(page.encode())
    comp = args.out / "completions"
    write(comp / PROG, bash_completion(top, subs))
    write(comp / f"_{PROG}", zsh_completion(top, subs))
    write(comp / f"{PROG}.fish", fish_completion(top, subs))
    if args.stamp:
        args.stamp.touch()


if __name__ == "__main__":
    main()
