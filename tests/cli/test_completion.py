"""Shell completion: the script the real entry point prints completes in a real bash."""

import shutil
import subprocess

import pytest


def complete(script, tmp_path, *words: str) -> list[str]:
    """What bash offers after ``smarketer WORDS`` (the last word being completed)."""
    (tmp_path / "c.bash").write_text(script)
    words_text = " ".join(f"'{w}'" for w in ("smarketer", *words))
    program = (
        f"source c.bash; COMP_WORDS=({words_text}); COMP_CWORD={len(words)}; "
        'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; '
        '_shtab_smarketer; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_files(run_cli, tmp_path):
    made = run_cli("completion", "bash", db=None)
    assert made.returncode == 0, made.stderr
    assert complete(made.stdout, tmp_path, "prop") == ["proposal"]
    assert sorted(complete(made.stdout, tmp_path, "proposal", "")) == ["import", "list", "pdf", "show"]
    assert "--json" in complete(made.stdout, tmp_path, "contacts", "list", "--")
    (tmp_path / "fair.csv").write_text("Email\n")
    assert complete(made.stdout, tmp_path, "--db", "store.db", "import", "fa") == ["fair.csv"]


def test_zsh_and_tcsh_scripts(run_cli):
    assert run_cli("completion", "zsh", db=None).stdout.startswith("#compdef smarketer")
    assert "complete smarketer" in run_cli("completion", "tcsh", db=None).stdout
    assert "invalid choice" in run_cli("completion", "fish", db=None).stderr
