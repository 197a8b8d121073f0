"""``site-builder init DIR`` (issue 15, point 1): a new site repository that checks clean,
builds, ignores what builds leave, runs site-builder's own pre-commit hook, and whose
workflow's steps, run in order, check, build and leave ``public/`` to publish; the
questions on a terminal, the defaults without one, and the folders it refuses."""

from __future__ import annotations

import importlib.metadata
import io
import os
import pty
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from pre_commit.clientlib import load_config, load_manifest

from site_builder.cli import main
from site_builder.create.init_cli import site_settings
from site_builder.create.init_site import SiteSettings, pre_commit_config, site_files, write_site
from site_builder.create.pinning import (
    Pin,
    pin_from_direct_url,
    pin_from_spec,
    pinned_dependencies,
    reachable_address,
)
from site_builder.load.config import load_config as load_site_config

ROOT = Path(__file__).parent.parent
INIT_FILES = {
    "site.yaml",
    "content/kreml-gebiete.md",
    "briefs/kreml-schliesst-rueckgabe-aus.md",
    "citations.lock",
    "requirements.txt",
    ".pre-commit-config.yaml",
    ".github/workflows/publish.yml",
    ".gitignore",
}
GIT_PIN = "git+https://github.com/example/site-builder@0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def init(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["init", *args])
    out, err = capsys.readouterr()
    return status, out, err


def site_builder(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def new_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    site = tmp_path / "zeitung"
    status, _, err = init(capsys, str(site), "--site-builder", GIT_PIN)
    assert (status, err) == (0, "")
    return site


def test_init_makes_exactly_the_site_files(new_site: Path) -> None:
    assert files_in(new_site) == INIT_FILES


def test_the_new_site_checks_clean_strict_and_frozen(new_site: Path) -> None:
    done = site_builder(new_site, "check", "--strict", "--frozen")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "ok: 1 brief and 1 source checked, no problems\n"


def test_the_new_site_builds_with_its_links_checked(new_site: Path) -> None:
    options = ["--frozen", "--check-links", "--strict", "--base-url", "https://example.org/"]
    done = site_builder(new_site, "build", *options)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (new_site / "public/briefs/kreml-schliesst-rueckgabe-aus/index.html").is_file()
    assert (new_site / "public/sources/kreml-gebiete/index.html").is_file()


def test_the_example_source_is_the_article_of_this_repository_verbatim(new_site: Path) -> None:
    shipped = (new_site / "content/kreml-gebiete.md").read_bytes()
    assert shipped == (ROOT / "content/kreml-gebiete.md").read_bytes()


def test_the_lock_holds_the_example_brief_citations(new_site: Path) -> None:
    lock = yaml.safe_load((new_site / "citations.lock").read_text("utf-8"))
    assert set(lock["citations"]) == {
        "kreml-gebiete#p1",
        "kreml-gebiete#p5",
        "kreml-gebiete#peskow-verfassung",
    }


def test_init_says_what_it_made_and_what_comes_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = init(capsys, str(tmp_path / "zeitung"), "--site-builder", GIT_PIN)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"created the site 'zeitung' in {(tmp_path / 'zeitung').as_posix()}/:"
    for made in INIT_FILES:
        assert any(line.split()[0] == made for line in lines[1:9]), made
    steps = lines[lines.index("next steps:") + 1 :]
    assert steps[0] == f"  cd {shlex.quote((tmp_path / 'zeitung').as_posix())}"
    assert steps[1].startswith('  site-builder new "')
    assert steps[2].startswith("  site-builder serve ")
    assert "Pages" in steps[3]
    assert "note:" not in out  # a git address CI can reach needs no word


def test_a_site_builder_from_a_local_folder_is_named_with_one_line_to_replace_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = init(capsys, str(tmp_path / "s"), "--site-builder", "file:///opt/sb")
    assert status == 0
    [note] = [line for line in out.splitlines() if line.startswith("note:")]
    assert note == (
        "note: requirements.txt and .pre-commit-config.yaml name a folder on this computer "
        "(file:///opt/sb), which CI cannot reach: replace it with an address it can, e.g. "
        "git+https://github.com/OWNER/site-builder@COMMIT"
    )


# What init refuses: exit 2, one line, nothing written.


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / ".hidden").write_text("x")
    status, out, err = init(capsys, str(folder))
    assert (status, out) == (2, "")
    assert err == (
        f"site-builder: error: init: {folder} is not empty; init makes a new site only in an "
        "empty or new folder; nothing was written\n"
    )
    assert files_in(folder) == {".hidden"}


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "site"
    file.write_text("x")
    status, _, err = init(capsys, str(file))
    assert status == 2
    assert err == f"site-builder: error: init: {file} is not a folder; nothing was written\n"
    assert file.read_text() == "x"


def test_init_refuses_a_link_even_to_an_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    status, _, err = init(capsys, str(tmp_path / "link"))
    assert status == 2
    assert "is a symbolic link; give the real folder" in err
    assert not any((tmp_path / "real").iterdir())


def test_init_refuses_a_folder_whose_parent_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = init(capsys, str(tmp_path / "no" / "site"))
    assert status == 2
    assert err.count("\n") == 1
    assert "does not exist" in err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--language", "Deutsch!", "is not a language code"),
        ("--base-url", "/news/", "cannot be the address"),
        ("--base-url", "https://user@example.org/", "user name"),
        ("--title", "", "the title is empty"),
        ("--title", "a\x1bb", "control character"),
        ("--site-builder", "git+https://github.com/example/site-builder", "names no commit"),
        ("--site-builder", "site-builder", "is no address"),
        ("--site-builder", "git+https://x/y@main\nevil", "space or control character"),
    ],
)
def test_a_wrong_option_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, reason: str
) -> None:
    status, out, err = init(capsys, str(tmp_path / "site"), option, value)
    assert (status, out) == (2, "")
    assert err.startswith(f"site-builder: error: init: {option}: ")
    assert reason in err
    assert err.endswith("; nothing was written\n")
    assert not (tmp_path / "site").exists()


def test_a_link_planted_while_init_writes_is_never_written_through(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / "content").symlink_to(elsewhere)  # appeared after the folder was found empty
    (elsewhere / "site.yaml").write_text("keep")
    (site / "site.yaml").symlink_to(elsewhere / "site.yaml")
    files = {"site.yaml": b"title: x\n", "content/q.md": b"x"}
    for name, data in files.items():
        with pytest.raises(FileExistsError):
            write_site(site, {name: data})
    assert [p.name for p in elsewhere.iterdir()] == ["site.yaml"]
    assert (elsewhere / "site.yaml").read_text() == "keep"


def test_an_empty_folder_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "leer").mkdir()
    status, _, _ = init(capsys, str(tmp_path / "leer"), "--site-builder", GIT_PIN)
    assert status == 0
    assert files_in(tmp_path / "leer") == INIT_FILES


# site.yaml: options, defaults without a terminal, questions on one.


def test_without_a_terminal_the_defaults_are_written_and_nothing_is_asked(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "init", "meine-zeitung", "--site-builder", GIT_PIN],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("created the site 'meine-zeitung' in meine-zeitung/:\n")
    config = load_site_config(tmp_path / "meine-zeitung")
    assert (config.title, config.language, config.base_url) == ("meine-zeitung", "de", "/")
    assert "base_url:" not in (tmp_path / "meine-zeitung/site.yaml").read_text().replace(
        "# base_url:", ""
    )


def test_options_override_the_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = init(
        capsys,
        str(tmp_path / "s"),
        "--title",
        "NO: Die Zeitung",
        "--language",
        "de-AT",
        "--base-url",
        "https://zeitung.example/news",
        "--site-builder",
        GIT_PIN,
    )
    assert status == 0
    config = load_site_config(tmp_path / "s")
    assert (config.title, config.language) == ("NO: Die Zeitung", "de-AT")
    assert config.base_url == "https://zeitung.example/news/"


def answers(*given: str | None) -> tuple[list[str], Any]:
    prompts: list[str] = []
    queue = list(given)

    def ask(prompt: str) -> str | None:
        prompts.append(prompt)
        return queue.pop(0)

    return prompts, ask


def options(**given: str) -> Any:
    values = {"title": None, "language": None, "base_url": None} | given
    return type("Args", (), values)()


def test_on_a_terminal_what_the_options_leave_out_is_asked_for() -> None:
    prompts, ask = answers("Meine Zeitung", "", "https://zeitung.example/")
    settings = site_settings(options(), "zeitung", ask)
    assert settings == SiteSettings("Meine Zeitung", "de", "https://zeitung.example/")
    assert prompts == [
        "Title [zeitung]: ",
        "Language [de]: ",
        "Public address, e.g. https://example.org/ (empty: GitHub Pages' address): ",
    ]


def test_a_given_option_is_not_asked_for() -> None:
    prompts, ask = answers("", "")
    settings = site_settings(options(title="Gegeben"), "zeitung", ask)
    assert settings == SiteSettings("Gegeben", "de", None)
    assert [p.split(" ")[0] for p in prompts] == ["Language", "Public"]


def test_a_wrong_answer_is_asked_again_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts, ask = answers("", "Deutsch!", "en", "/news/", "")
    settings = site_settings(options(), "zeitung", ask)
    assert settings == SiteSettings("zeitung", "en", None)
    assert len(prompts) == 5
    err = capsys.readouterr().err
    assert "'Deutsch!' is not a language code" in err
    assert "'/news/' cannot be the address" in err


def test_the_end_of_input_takes_the_defaults() -> None:
    _, ask = answers(None, None, None)
    assert site_settings(options(), "zeitung", ask) == SiteSettings("zeitung", "de", None)


def test_on_a_real_terminal_init_asks(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "init", "s", "--site-builder", GIT_PIN],
            cwd=tmp_path,
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        os.write(leader, b"Die Zeitung\nklingonisch!\nen\n\n")
        out, err = process.communicate(timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 0, err
    assert out.startswith("Title [s]: Language [de]: ")
    assert "'klingonisch!' is not a language code" in err
    config = load_site_config(tmp_path / "s")
    assert (config.title, config.language, config.base_url) == ("Die Zeitung", "en", "/")


# .gitignore: everything build and serve leave in a site, nothing an editor writes.


def git(site: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Redaktion",
        "GIT_AUTHOR_EMAIL": "redaktion@example.org",
        "GIT_COMMITTER_NAME": "Redaktion",
        "GIT_COMMITTER_EMAIL": "redaktion@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=site, capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def test_git_sees_only_the_site_after_builds(new_site: Path) -> None:
    # The second build leaves the first's output as the spare. It must have something to
    # write (another base_url): a build that finds nothing changed writes nothing, and
    # whether it sees the first build's files as settled depended on the machine's load.
    for base_url in ["https://example.org/", "https://example.net/"]:
        done = site_builder(new_site, "build", "--base-url", base_url)
        assert done.returncode == 0, done.stderr
    assert (new_site / ".public.spare").is_dir()
    # What a build that was killed would leave: temporary folders and files.
    (new_site / ".public.new-123-0a1b2c").mkdir()
    (new_site / ".public.old-123-0a1b2c").mkdir()
    (new_site / ".public.new-123-0a1b2c/index.html").write_text("x")
    (new_site / ".public.old-123-0a1b2c/index.html").write_text("x")
    (new_site / ".citations.lock.0a1b2c3d4e5f").write_text("x")
    (new_site / "briefs/.b.md.reanchor.0a1b2c3d4e5f").write_text("x")
    git(new_site, "init", "-q")
    untracked = git(new_site, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert {line.removeprefix("?? ") for line in untracked} == INIT_FILES


def test_git_does_not_ignore_what_an_editor_writes(new_site: Path) -> None:
    (new_site / "pages").mkdir()
    for path in ["pages/impressum.md", "briefs/neu.md", "templates/brief.html", "content/q.md"]:
        (new_site / path).parent.mkdir(exist_ok=True)
        (new_site / path).write_text("x")
    git(new_site, "init", "-q")
    untracked = git(new_site, "status", "--porcelain", "--untracked-files=all")
    for path in ["pages/impressum.md", "briefs/neu.md", "templates/brief.html", "content/q.md"]:
        assert f"?? {path}\n" in untracked


# pre-commit: site-builder's own hook, from the pinned repository and commit.


def test_the_pre_commit_config_is_valid_and_uses_the_pinned_site_builder(new_site: Path) -> None:
    config = load_config(str(new_site / ".pre-commit-config.yaml"))  # raises when invalid
    [repo] = config["repos"]
    assert repo["repo"] == "https://github.com/example/site-builder"
    assert repo["rev"] == "0123456789abcdef0123456789abcdef01234567"
    hook_ids = {h["id"] for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert [h["id"] for h in repo["hooks"]] == ["site-builder-check"]
    assert "site-builder-check" in hook_ids


def test_without_a_git_repository_the_hook_runs_the_installed_site_builder(
    tmp_path: Path,
) -> None:
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(pre_commit_config(Pin("site-builder @ file:///opt/sb", unreachable="a folder")))
    config = load_config(str(path))
    [repo] = config["repos"]
    [hook] = repo["hooks"]
    assert repo["repo"] == "local"
    [manifest] = [
        h
        for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
        if h["id"] == "site-builder-check"
    ]
    for key in ("id", "entry", "pass_filenames", "require_serial", "files"):
        assert hook[key] == manifest[key], key


# The workflow: its steps, run in order in the new site, check, build and leave public/.


def workflow(site: Path) -> dict[Any, Any]:
    data = yaml.safe_load((site / ".github/workflows/publish.yml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_publishes_only_main_and_builds_pull_requests(new_site: Path) -> None:
    data = workflow(new_site)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"] == {"branches": ["main"]}
    assert "pull_request" in triggers
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    uses = [step["uses"].split("@")[0] for step in build["steps"] if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert build["steps"][-1]["with"]["path"] == "public/"
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_workflow_uses_the_python_init_ran_on(new_site: Path) -> None:
    steps = workflow(new_site)["jobs"]["build"]["steps"]
    [setup] = [s for s in steps if "setup-python" in s.get("uses", "")]
    assert setup["with"]["python-version"] == f"{sys.version_info.major}.{sys.version_info.minor}"


def shim_folder(tmp_path: Path) -> Path:
    """A folder holding ``site-builder``: this checkout's, as CI's pip would install it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "site-builder"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m site_builder "$@"\n')
    script.chmod(0o755)
    return folder


def run_workflow_steps(site: Path, tmp_path: Path, base_url: str) -> list[str]:
    """Every ``run:`` step of the build job, in order, as bash runs it in CI (``-e``),
    with the configure-pages output it reads; the install step is proved by pip's dry
    run against what is installed here (no network). Returns what the steps printed."""
    env = {
        **os.environ,
        "PATH": f"{shim_folder(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "CI": "true",
    }
    printed = []
    for step in workflow(site)["jobs"]["build"]["steps"]:
        if "run" not in step:
            continue
        script = step["run"]
        if "pip install -r requirements.txt" in script:
            assert_requirements_installable(site)
            continue
        step_env = {**env, **{k: str(v) for k, v in step.get("env", {}).items()}}
        step_env["PAGES_BASE_URL"] = base_url  # ${{ steps.pages.outputs.base_url }}
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=site,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"
        printed.append(done.stdout)
    return printed


def assert_requirements_installable(site: Path) -> None:
    """requirements.txt is well-formed, pins site-builder to a commit, and its libraries
    are exactly the versions installed here: pip, without an index, has nothing to do."""
    lines = [
        line
        for line in (site / "requirements.txt").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    first, *libraries = (Requirement(line) for line in lines)
    assert first.name == "site-builder"
    assert first.url == GIT_PIN
    assert all(str(r.specifier).startswith("==") for r in libraries)
    pinned = site.parent / "libraries.txt"
    pinned.write_text("\n".join(lines[1:]) + "\n")
    pip = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet"]
    done = subprocess.run(
        [*pip, "--report", "-", "-r", str(pinned)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["install"] == []


def test_the_workflow_steps_run_in_the_new_site(new_site: Path, tmp_path: Path) -> None:
    git(new_site, "init", "-q")
    git(new_site, "add", ".")
    git(new_site, "commit", "-q", "-m", "Neue Seite")
    printed = run_workflow_steps(new_site, tmp_path, "https://redaktion.github.io/zeitung")
    assert printed[0] == "ok: 1 brief and 1 source checked, no problems\n"
    assert "built" in printed[1]
    feed = (new_site / "public/feed.xml").read_text("utf-8")
    assert "https://redaktion.github.io/zeitung/briefs/kreml-schliesst-rueckgabe-aus/" in feed
    assert "relative-base-url" not in printed[1]


def test_the_workflow_keeps_the_base_url_of_site_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "s"
    base = "https://zeitung.example/"
    status, _, _ = init(capsys, str(site), "--base-url", base, "--site-builder", GIT_PIN)
    assert status == 0
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "Neue Seite")
    run_workflow_steps(site, tmp_path, "https://redaktion.github.io/s")
    feed = (site / "public/feed.xml").read_text("utf-8")
    assert f"{base}briefs/kreml-schliesst-rueckgabe-aus/" in feed
    assert "github.io" not in feed


# Pinning: where site-builder came from, and its libraries as installed.


def no_git(folder: Path) -> None:
    raise AssertionError(f"git asked about {folder}")


def test_a_site_builder_installed_from_git_is_pinned_to_its_commit() -> None:
    direct_url = {
        "url": "https://github.com/example/site-builder.git",
        "vcs_info": {"vcs": "git", "commit_id": "abc123", "requested_revision": "main"},
    }
    assert pin_from_direct_url(direct_url, "0.1.0", no_git) == Pin(
        "site-builder @ git+https://github.com/example/site-builder.git@abc123",
        "https://github.com/example/site-builder.git",
        "abc123",
    )


def test_a_site_builder_installed_from_a_local_repository_is_said_to_be_unreachable() -> None:
    direct_url = {"url": "file:///home/r/sb", "vcs_info": {"vcs": "git", "commit_id": "abc"}}
    pin = pin_from_direct_url(direct_url, "0.1.0", no_git)
    assert pin.requirement == "site-builder @ git+file:///home/r/sb@abc"
    assert pin.unreachable == "a folder on this computer (file:///home/r/sb)"


def test_a_checkout_with_a_remote_is_pinned_to_the_remote_and_its_head() -> None:
    direct_url = {"url": "file:///home/r/site-builder", "dir_info": {"editable": True}}

    def git_info(folder: Path) -> tuple[str | None, str]:
        assert folder == Path("/home/r/site-builder")
        return "git@github.com:example/site-builder.git", "def456"

    pin = pin_from_direct_url(direct_url, "0.1.0", git_info)
    assert (
        pin.requirement == "site-builder @ git+https://github.com/example/site-builder.git@def456"
    )
    assert (pin.repo, pin.rev, pin.unreachable) == (
        "https://github.com/example/site-builder.git",
        "def456",
        None,
    )


def test_a_checkout_without_a_remote_is_pinned_locally_and_said_so() -> None:
    direct_url = {"url": "file:///home/r/site-builder", "dir_info": {}}
    pin = pin_from_direct_url(direct_url, "0.1.0", lambda _: (None, "fed789"))
    assert pin == Pin(
        "site-builder @ git+file:///home/r/site-builder@fed789",
        "file:///home/r/site-builder",
        "fed789",
        "a folder on this computer (file:///home/r/site-builder)",
    )


@pytest.mark.parametrize(
    ("remote", "address"), [("/srv/site-builder", "/srv/site-builder"), ("../sb", "/home/r/sb")]
)
def test_a_checkout_whose_remote_is_a_folder_is_pinned_as_a_file_url_and_said_so(
    remote: str, address: str
) -> None:
    """A clone of a clone names its origin as a path: pip cannot read ``git+/srv/…``."""
    direct_url = {"url": "file:///home/r/site-builder", "dir_info": {}}
    pin = pin_from_direct_url(direct_url, "0.1.0", lambda _: (remote, "abc123"))
    assert pin.requirement == f"site-builder @ git+file://{address}@abc123"
    assert pin.unreachable == f"a folder on this computer (file://{address})"


def test_a_folder_that_is_no_git_checkout_is_named_as_a_folder() -> None:
    direct_url = {"url": "file:///tmp/sb", "dir_info": {}}
    pin = pin_from_direct_url(direct_url, "0.1.0", lambda _: None)
    assert pin == Pin(
        "site-builder @ file:///tmp/sb", unreachable="a folder on this computer (file:///tmp/sb)"
    )


def test_without_direct_url_the_version_is_pinned() -> None:
    pin = pin_from_direct_url(None, "0.1.0", no_git)
    assert pin.requirement == "site-builder==0.1.0"
    assert pin.unreachable == "site-builder==0.1.0 from a package index, where it is not published"


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("git@github.com:o/site-builder.git", "https://github.com/o/site-builder.git"),
        ("ssh://git@github.com/o/site-builder", "https://github.com/o/site-builder"),
        ("https://user:ghp_secret@github.com/o/sb.git", "https://github.com/o/sb.git"),
        ("git@gitlab.example:o/sb.git", "ssh://git@gitlab.example/o/sb.git"),
        ("https://git.example/o/sb.git", "https://git.example/o/sb.git"),
    ],
)
def test_a_remote_becomes_an_address_ci_can_use_without_credentials(
    remote: str, address: str
) -> None:
    assert reachable_address(remote) == address


def test_a_spec_names_the_repository_and_commit_for_pre_commit() -> None:
    pin = pin_from_spec(f"site-builder @ {GIT_PIN}")
    assert pin == Pin(
        f"site-builder @ {GIT_PIN}",
        "https://github.com/example/site-builder",
        "0123456789abcdef0123456789abcdef01234567",
    )


def test_a_spec_of_a_local_repository_is_said_to_be_unreachable() -> None:
    pin = pin_from_spec("git+file:///home/r/site-builder@abc")
    assert isinstance(pin, Pin)
    assert (pin.repo, pin.rev) == ("file:///home/r/site-builder", "abc")
    assert pin.unreachable == "a folder on this computer (file:///home/r/site-builder)"


def test_the_libraries_are_pinned_as_installed_without_development_tools() -> None:
    pinned = dict(line.split(" ;")[0].split("==") for line in pinned_dependencies())
    for name in ("pagefind", "pagefind-bin", "jinja2", "markdown-it-py", "markupsafe"):
        assert pinned[name] == importlib.metadata.version(name), name
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "site-builder"):
        assert tool not in pinned


def test_site_files_are_composed_without_touching_the_disk(tmp_path: Path) -> None:
    files = site_files(SiteSettings("T"), Pin("site-builder==0.1.0"), ["x==1"], "3.11")
    assert set(files) == INIT_FILES - {"citations.lock"}
    assert files["requirements.txt"].decode().splitlines()[-2:] == ["site-builder==0.1.0", "x==1"]
    assert not any(tmp_path.iterdir())


def test_the_starter_files_ship_in_the_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    package_data = tomllib.loads(pyproject)["tool"]["setuptools"]["package-data"]
    assert {"starter/*", "starter/**/*"} <= set(package_data["site_builder.create"])
    starter = ROOT / "site_builder/create/starter"
    assert all(not p.name.startswith(".") for p in starter.rglob("*"))  # globs skip those
