"""Shell completion: `completion bash|zsh|tcsh` prints a script (made by shtab from the parser
itself, so it never falls out of step with the commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

from smarketer.cli.console import command


def register(commands) -> None:
    completion = command(
        commands,
        "completion",
        "print a shell completion script for commands, options and file names",
        "smarketer completion bash > ~/.local/share/bash-completion/completions/smarketer",
    )
    completion.add_argument("shell", choices=["bash", "zsh", "tcsh"])
    completion.set_defaults(run=run_completion)


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share one parser
                yield from _parsers(sub)


def run_completion(args) -> int:
    import shtab

    parser = args.root_parser
    for each in _parsers(parser):
        for action in each._actions:
            if action.type is Path:  # --db FILE, -o OUT.pdf, import PATH …: complete file names
                action.complete = shtab.FILE  # type: ignore[attr-defined]
    print(shtab.complete(parser, shell=args.shell))
    return 0
