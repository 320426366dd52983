"""`piwik-pro completion bash|zsh|fish`: shell scripts that ask `piwik-pro __complete WORDS...`.

The scripts hold no lists: the candidates (subcommands, APIs, operations and
their parameter names, options) come from the CLI itself, so they are always
those of the installed client.
"""

from __future__ import annotations

import argparse
import sys

from ._errors import OK, CLIError

_COMMANDS = ("apis", "ops", "call", "request", "token", "export", "completion", "sandbox")
_EXPORT_FORMATS = ("postman", "postman-env", "openapi")

BASH = """\
# piwik-pro completion for bash: eval "$(piwik-pro completion bash)"
_piwik_pro() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$(piwik-pro __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _piwik_pro piwik-pro
"""

ZSH = """\
#compdef piwik-pro
# piwik-pro completion for zsh: eval "$(piwik-pro completion zsh)"
_piwik_pro() {
    local -a candidates
    candidates=("${(@f)$(piwik-pro __complete "${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
    compadd -- $candidates
}
compdef _piwik_pro piwik-pro
"""

FISH = """\
# piwik-pro completion for fish: piwik-pro completion fish | source
function __piwik_pro_complete
    set -l words (commandline -opc)
    piwik-pro __complete $words[2..-1] 2>/dev/null
end
complete -c piwik-pro -f -a '(__piwik_pro_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def cmd_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(SCRIPTS[args.shell])
    return OK


def _options(command: str) -> list[str]:
    """The long options of one subcommand, read from the parser (so they never drift)."""
    from ._main import build_ops_show_parser, build_parser

    if command == "ops show":
        parser: argparse.ArgumentParser = build_ops_show_parser()
    else:
        parser = build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices.get(command, parser)
    return sorted(o for a in parser._actions for o in a.option_strings if o.startswith("--"))


def _operation_names() -> list[str]:
    """Operation names as `call` takes them: qualified (`cdp.audiences.list_audiences`) where two APIs share one."""
    from . import _catalog

    ops = _catalog.operations()
    counts: dict[str, int] = {}
    for op in ops:
        counts[op.name] = counts.get(op.name, 0) + 1
    return sorted({op.qualified_name if counts[op.name] > 1 else op.name for op in ops})


def candidates(words: list[str]) -> list[str]:
    """What may come after `piwik-pro WORDS...` (the word being typed is filtered by the shell)."""
    from . import _catalog

    positional = [w for w in words if not w.startswith("-")]
    if not positional:
        return list(_COMMANDS)
    command, rest = positional[0], positional[1:]
    if command == "ops":
        if rest[:1] == ["show"]:
            if len(rest) == 1:
                return _operation_names()
            return _options("ops show")
        if not rest:
            return ["show", *sorted({d.accessor for d in _catalog.docs()}), *_options("ops")]
        return _options("ops")
    if command == "export":
        if not rest:
            return list(_EXPORT_FORMATS)
        return [*sorted({d.accessor for d in _catalog.docs()}), *_options("export")]
    if command == "call":
        if not rest:
            return _operation_names()
        try:
            op = _catalog.find(rest[0])
        except CLIError:
            return _options("call")
        given = {w.partition("=")[0] for w in rest[1:]}
        names = [f"{p.name}=" for p in op.parameters if p.name not in given]
        return [*names, *_options("call")]
    if command == "completion":
        return list(SCRIPTS)
    if command in _COMMANDS:
        return _options(command)
    return []


def print_candidates(words: list[str]) -> int:
    try:
        found = candidates(words)
    except Exception:  # completion must never print a traceback into the user's prompt
        return OK
    sys.stdout.write("".join(f"{c}\n" for c in found))
    return OK
