#!/usr/bin/env python3
"""Installing wasm-rr (issue 11, item 9).

    install_case.py --build DIR --cmake CMAKE --cpack CPACK --version V --guests DIR CASE

  install  `cmake --install` into a temporary prefix installs exactly bin/wasm-rr,
           the man pages and the bash/zsh/fish completions; the installed
           binary prints its version and runs hello.wasm; the man pages render
           (groff or man, warnings are errors) and name every subcommand and
           option of the --help; the bash completion loads (`complete -p`) and
           completes subcommands, options, choices and .wasm/.json/.cbor
           files, with and without the bash-completion package; zsh and fish
           completions are syntax-checked when those shells exist
  deb      `cpack -G DEB` builds wasm-rr_V-1_ARCH.deb whose Depends are Debian
           runtime libraries (libmozjs-102-0, no -dev package), holding the
           binary, man pages and completions and nothing else; the packaged
           binary runs
Exit status 0 = pass.
"""
import argparse
import gzip
import os
import re
import shutil
from pathlib import Path

import harness
from exit_codes import EXIT_TOOL_ERROR  # src/cli/options.h
from harness import fail, scratch

PROG = "wasm-rr"
COMPLETIONS = [
    "share/bash-completion/completions/wasm-rr",
    "share/zsh/vendor-completions/_wasm-rr",
    "share/fish/vendor_completions.d/wasm-rr.fish",
]


def run(cmd, timeout=120, check=True, **kw):
    """harness.run with text output; by default any exit code but 0 fails the case."""
    return harness.run(cmd, timeout=timeout, check=check, text=True, **kw)[0]


def help_facts(exe):
    """Subcommands and, per subcommand, the option names its --help lists."""
    top = run([exe, "--help"]).stdout
    m = re.search(r"^Subcommands:\n((?:  .*\n?)+)", top, re.M)
    if not m:
        fail("no Subcommands: section in --help")
    subs = [l.split()[0] for l in m.group(1).splitlines() if re.match(r"^  \S", l)]
    options = {}
    for s in subs:
        text = run([exe, s, "--help"]).stdout
        names = re.findall(r"^  (-[^ ]+)", text, re.M)
        options[s] = sorted({n for entry in names for n in re.sub(r"\{[^}]*\}", "", entry).split(",") if n})
    return subs, options


def expected_files(subs):
    return sorted(["bin/wasm-rr", "share/man/man1/wasm-rr.1.gz",
                   *(f"share/man/man1/wasm-rr-{s}.1.gz" for s in subs), *COMPLETIONS])


def render_man(page_gz):
    """The page as text, by man or groff; warnings fail the test. None if neither exists."""
    source = gzip.decompress(page_gz.read_bytes()).decode()
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="100", MAN_KEEP_FORMATTING="")
    if shutil.which("groff"):
        p = run(["groff", "-man", "-Tutf8", "-ww", "-rLL=100n"], stdin_bytes=source, env=env)
    elif shutil.which("man"):
        p = run(["man", "--warnings", "-l", page_gz], env=env)
    else:
        return None
    if p.stderr.strip():
        fail(f"{page_gz.name} renders with warnings:\n{p.stderr}")
    return re.sub(r".\x08", "", p.stdout)  # drop overstriking (bold/underline)


def check_man(prefix, subs, options):
    man1 = prefix / "share/man/man1"
    rendered = render_man(man1 / "wasm-rr.1.gz")
    if rendered is None:
        print("note: neither groff nor man is installed; man pages checked as source only")
        rendered = gzip.decompress((man1 / "wasm-rr.1.gz").read_bytes()).decode().replace("\\-", "-")
    for s in subs:
        if not re.search(rf"^\s+wasm-rr {s}\b", rendered, re.M):
            fail(f"wasm-rr(1) has no synopsis or section for `wasm-rr {s}`")
        page = render_man(man1 / f"wasm-rr-{s}.1.gz")
        page = page if page is not None else gzip.decompress((man1 / f"wasm-rr-{s}.1.gz").read_bytes()).decode().replace("\\-", "-")
        if f"wasm-rr-{s}" not in page or f"wasm-rr {s}" not in page:
            fail(f"wasm-rr-{s}(1) does not name its subcommand")
        for opt in options[s]:
            # \B: not inside a longer option name (--files in --files-written)
            if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", page):
                fail(f"wasm-rr-{s}(1) lacks option {opt} of `wasm-rr {s} --help`")
            if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", rendered):
                fail(f"wasm-rr(1) lacks option {opt} of `wasm-rr {s} --help`")
    if shutil.which("lexgrog"):  # man-db's parser for whatis/apropos: the NAME lines must parse
        for page in sorted(man1.glob("*.1.gz")):
            p = run(["lexgrog", page], check=False)
            if p.returncode != 0 or f"{page.name.removesuffix('.1.gz')} - " not in p.stdout:
                fail(f"lexgrog cannot parse the NAME section of {page.name}: {p.stdout}{p.stderr}")
    if "EXIT STATUS" not in rendered or not re.search(rf"^\s+{EXIT_TOOL_ERROR}\s", rendered, re.M):
        fail(f"wasm-rr(1) has no EXIT STATUS section listing {EXIT_TOOL_ERROR}")
    if any(ord(c) > 127 for c in rendered):
        bad = sorted({c for c in rendered if ord(c) > 127})
        fail(f"wasm-rr(1) renders non-ASCII characters {bad} (unescaped - or quotes?)")


BASH_PROBE = r"""
%(preload)s
source "$1" || exit 2
complete -p wasm-rr || exit 3
# Runs the completion function on the words given; prints COMPREPLY, sorted.
probe() {
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  _wasm_rr wasm-rr "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%%s\n' "$*" ; printf '  %%s\n' "${COMPREPLY[@]}" | sort
}
cd "$2"
probe wasm-rr ''
probe wasm-rr re
probe wasm-rr record --tr
probe wasm-rr record -f ''
probe wasm-rr run ''
probe wasm-rr run app.wasm --env A ''
probe wasm-rr replay app.wasm ''
probe wasm-rr record -t ''
probe wasm-rr record --trace = ''
probe wasm-rr convert in.json ''
probe wasm-rr inspect --events ''
probe wasm-rr run --dir ''
"""


def check_bash(prefix, work: Path):
    script = prefix / COMPLETIONS[0]
    p = run(["bash", "--norc", "--noprofile", "-c", f"source '{script}' && complete -p wasm-rr"])
    if "-F _wasm_rr" not in p.stdout or not p.stdout.strip().endswith(PROG):
        fail(f"complete -p wasm-rr: {p.stdout!r}")
    preloads = [("plain bash", "")]
    for bc in ("/usr/share/bash-completion/bash_completion",):
        if Path(bc).is_file():
            preloads.append(("bash-completion", f"source {bc}"))
    work.mkdir()
    for f in ["app.wasm", "lib.wasm", "in.json", "t.cbor", "notes.txt"]:
        (work / f).write_text("")
    (work / "sub").mkdir()
    for label, preload in preloads:
        p = run(["bash", "--norc", "--noprofile", "-c", BASH_PROBE % {"preload": preload}, "probe",
                 script, work])
        out = p.stdout
        blocks = {}
        for chunk in re.split(r"\n(?=\S)", out.strip()):
            lines = chunk.split("\n")
            blocks[lines[0].strip()] = sorted(l.strip().rstrip("/") for l in lines[1:] if l.strip())

        def expect(words, want, exact=True):
            got = blocks.get(words)
            if got is None:
                fail(f"[{label}] no completion result for `{words}`:\n{out}\n{p.stderr}")
            if (got != sorted(want)) if exact else not set(want) <= set(got):
                fail(f"[{label}] `{words}<TAB>` completes {got}, expected {sorted(want)}")

        expect("wasm-rr", ["run", "record", "replay", "convert", "inspect"], exact=False)
        expect("wasm-rr re", ["record", "replay"])
        expect("wasm-rr record --tr", ["--trace"])
        expect("wasm-rr record -f", ["json", "cbor", "json.zst", "cbor.zst"])
        expect("wasm-rr run", ["app.wasm", "lib.wasm", "sub"])
        expect("wasm-rr replay app.wasm", ["in.json", "t.cbor", "sub"])
        expect("wasm-rr record -t", ["in.json", "t.cbor", "sub"])
        expect("wasm-rr record --trace =", ["in.json", "t.cbor", "sub"])
        expect("wasm-rr convert in.json", ["in.json", "t.cbor", "sub"])
        expect("wasm-rr inspect --events", ["in.json", "t.cbor", "sub"])
        expect("wasm-rr run --dir", ["sub"])
        # after the component: the guest's arguments, any file
        expect("wasm-rr run app.wasm --env A", ["app.wasm", "in.json", "notes.txt"], exact=False)
        print(f"bash completion ({label}): ok")


def check_other_shells(prefix):
    for rel, shell, args in [(COMPLETIONS[1], "zsh", ["-n"]), (COMPLETIONS[2], "fish", ["--no-execute"])]:
        f = prefix / rel
        text = f.read_text()
        if not text.strip() or PROG not in text:
            fail(f"{rel} is empty or does not name {PROG}")
        if shutil.which(shell):
            run([shell, *args, f])
            print(f"{shell} completion: syntax ok")
        else:
            print(f"note: {shell} is not installed; {rel} checked as non-empty only")
    if not (prefix / COMPLETIONS[1]).read_text().startswith(f"#compdef {PROG}\n"):
        fail("the zsh completion does not start with #compdef wasm-rr")


def case_install(a):
    with scratch("install-install", "wasm-rr-install-") as tmp:
        prefix = tmp / "prefix"
        run([a.cmake, "--install", a.build, "--prefix", prefix])
        exe = prefix / "bin" / PROG
        subs, options = help_facts(exe)
        got = sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*") if not p.is_dir())
        if got != expected_files(subs):
            fail(f"installed files:\n  {got}\nexpected exactly:\n  {expected_files(subs)}")
        for rel in got:
            if (prefix / rel).stat().st_size == 0:
                fail(f"{rel} is empty")
        if not os.access(exe, os.X_OK):
            fail(f"{exe} is not executable")
        v = run([exe, "--version"]).stdout.strip()
        if v != f"{PROG} {a.version}":
            fail(f"--version printed {v!r}, expected {PROG} {a.version!r}")
        p = run([exe, "run", Path(a.guests) / "hello.wasm"], check=False)
        if p.returncode != 0 or p.stdout != "hello\nargc: 1\n":
            fail(f"installed wasm-rr run hello.wasm: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
        check_man(prefix, subs, options)
        print("man pages: ok")
        check_bash(prefix, tmp / "completion-probes")
        check_other_shells(prefix)
    print("PASS")


def case_deb(a):
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "file"):
        if not shutil.which(tool):
            fail(f"{tool} is not installed (scripts/install-deps installs dpkg-dev and file)")
    with scratch("install-deb", "wasm-rr-deb-") as tmp:
        run([a.cpack, "-G", "DEB", "-B", tmp, "--config", Path(a.build) / "CPackConfig.cmake"], timeout=300)
        debs = sorted(tmp.glob("*.deb"))
        if len(debs) != 1:
            fail(f"cpack made {[d.name for d in debs]}, expected one .deb")
        deb = debs[0]
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        if deb.name != f"{PROG}_{a.version}-1_{arch}.deb":
            fail(f"package file {deb.name}, expected {PROG}_{a.version}-1_{arch}.deb")
        info = run(["dpkg-deb", "-I", deb]).stdout
        print(info)
        fields = dict(re.findall(r"^ ([A-Z][\w-]*): (.*)$", info, re.M))
        for field, want in [("Package", PROG), ("Version", f"{a.version}-1"), ("Section", "devel"),
                            ("Architecture", arch)]:
            if fields.get(field) != want:
                fail(f"{field}: {fields.get(field)!r}, expected {want!r}")
        for field in ("Maintainer", "Description"):
            if not fields.get(field):
                fail(f"no {field} field")
        depends = [d.strip() for d in fields.get("Depends", "").split(",") if d.strip()]
        names = [re.split(r"[ (]", d)[0] for d in depends]
        if "libmozjs-102-0" not in names:
            fail(f"Depends lacks libmozjs-102-0: {depends}")
        # The rest (libcurl4, libssl3, libfmt9, ...) follows what the binary links.
        for lib in ("libc6", "libstdc++6"):
            if lib not in names:
                fail(f"Depends lacks {lib}: {depends}")
        dev = [n for n in names if n.endswith("-dev") or "-dev-" in n]
        if dev:
            fail(f"Depends names development packages {dev}")

        listing = run(["dpkg-deb", "-c", deb]).stdout
        files = sorted(l.split()[-1].removeprefix("./usr/") for l in listing.splitlines()
                       if l and not l.startswith("d"))
        extract = tmp / "root"
        run(["dpkg-deb", "-x", deb, extract])
        exe = extract / "usr/bin" / PROG
        subs, _ = help_facts(exe)
        if files != expected_files(subs):
            fail(f"the .deb holds:\n  {files}\nexpected exactly:\n  {expected_files(subs)}")
        v = run([exe, "--version"]).stdout.strip()
        if v != f"{PROG} {a.version}":
            fail(f"packaged --version printed {v!r}")
        if "not stripped" in run(["file", exe]).stdout:
            fail("the packaged binary is not stripped")
    print("PASS")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--cpack", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("case", choices=["install", "deb"])
    a = ap.parse_args()
    {"install": case_install, "deb": case_deb}[a.case](a)


if __name__ == "__main__":
    main()
