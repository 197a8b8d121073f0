"""Scheduled publishing (issue 15, point 5): ``publish_at``, the build's clock and
``future-date``. The clock is ``SOURCE_DATE_EPOCH``, so every test here is reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load import file_states
from site_builder.output import previous_build
from tests.conftest import MakeSite
from tests.sitefiles import brief

BEFORE = "1740787200"  # 2025-03-01T00:00:00Z
AFTER = "1740988800"  # 2025-03-03T08:00:00Z
PLAN = "briefs/plan.md"
PLAN_HEAD = (
    "---\ntitle: Geplante Meldung\ndate: 2025-02-27\n"
    "publish_at: 2025-03-02T06:00:00+01:00\ntags: [Plan]\n---\n"
)
BODY = "Text [@quelle#p1].\n"
OTHER = "briefs/other.md"


def _site(make_site: MakeSite, head: str = PLAN_HEAD) -> Path:
    return make_site({PLAN: brief(BODY, head), OTHER: brief(BODY)})


def _build(site: Path, out: Path, monkeypatch: pytest.MonkeyPatch, clock: str, *extra: str) -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", clock)
    return main(["build", "--site", str(site), "--out", str(out), "--no-search", *extra])


@pytest.fixture
def trust_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust stat at once (not only for files unchanged for 2 s), so a build may find its
    previous output up to date, the shortcut the clock must not fool."""
    monkeypatch.setattr(file_states, "SETTLE_NS", 0)
    monkeypatch.setattr(previous_build, "SETTLE_NS", 0)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _text_of(out: Path) -> str:
    return "\n".join(b.decode("utf-8", "replace") for b in tree(out).values())


def test_a_brief_whose_publish_at_has_passed_is_built(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    assert _build(_site(make_site), out, monkeypatch, AFTER) == 0
    page = (out / "briefs/plan/index.html").read_text("utf-8")
    assert "Geplante Meldung" in page and "geplant" not in page
    for listing in ("index.html", "feed.xml", "sitemap.xml", "tags/plan/index.html"):
        assert "briefs/plan/" in (out / listing).read_text("utf-8"), listing


def test_a_brief_whose_publish_at_lies_ahead_is_not_built(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    assert _build(_site(make_site), out, monkeypatch, BEFORE) == 0
    assert (out / "briefs/other/index.html").is_file()
    assert not (out / "briefs/plan").exists()
    assert not (out / "tags/plan").exists()
    everything = _text_of(out)
    assert "briefs/plan" not in everything and "Geplante Meldung" not in everything
    # Not counted as citing: the source is cited by one brief, not two.
    source = (out / "sources/quelle/index.html").read_text("utf-8")
    assert "Testmeldung" in source and "Geplante" not in source


def test_drafts_show_a_scheduled_brief_marked_geplant(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    assert _build(_site(make_site), out, monkeypatch, BEFORE, "--drafts") == 0
    page = (out / "briefs/plan/index.html").read_text("utf-8")
    # In the zone it was written in (+01:00), as the editor wrote it.
    assert "geplant für 2. März 2025, 06:00 Uhr" in page
    assert "geplant" not in (out / "briefs/other/index.html").read_text("utf-8")
    for card in ("index.html", "tags/plan/index.html"):  # its cards say so too
        assert "geplant für 2. März 2025, 06:00 Uhr" in (out / card).read_text("utf-8"), card


def test_a_future_date_without_publish_at_warns_future_date(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "---\ntitle: Zu früh\ndate: 2025-03-02\n---\n"
    site = make_site({PLAN: brief(BODY, head)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    assert main(["check", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert f"{PLAN}:3:7: warning[future-date]" in out
    assert "publish_at" in out  # the hint says how to schedule it
    assert main(["check", "--site", str(site), "--strict"]) == 1
    capsys.readouterr()
    # Once its day has come, nothing to say.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER)
    assert main(["check", "--site", str(site), "--format", "json"]) == 0
    assert "future-date" not in capsys.readouterr().out


def test_a_scheduled_or_draft_brief_dated_ahead_does_not_warn(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scheduled = "---\ntitle: A\ndate: 2025-03-05\npublish_at: 2025-03-05T06:00:00Z\n---\n"
    draft = "---\ntitle: B\ndate: 2025-03-05\ndraft: true\n---\n"
    site = make_site({PLAN: brief(BODY, scheduled), OTHER: brief(BODY, draft)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    assert main(["check", "--site", str(site), "--strict"]) == 0
    assert "future-date" not in capsys.readouterr().out


def test_today_in_any_time_zone_is_not_the_future(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 2025-03-01T00:00Z it is already 2 March in Kiritimati (UTC+14)."""
    site = make_site({PLAN: brief(BODY, "---\ntitle: A\ndate: 2025-03-01\n---\n")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    assert main(["check", "--site", str(site), "--strict"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("value", ["2025-03-02T06:00:00", "2025-03-02", "'2025-03-02 06:00'"])
def test_publish_at_without_time_zone_is_an_error(
    value: str,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    head = f"---\ntitle: A\ndate: 2025-02-27\npublish_at: {value}\n---\n"
    site = make_site({PLAN: brief(BODY, head)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    assert main(["check", "--site", str(site), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(p["code"], p["line"], p["severity"]) for p in problems] == [("bad-date", 4, "error")]
    assert "UTC offset" in problems[0]["hint"]


def test_pages_are_byte_identical_across_runs_with_source_date_epoch(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(make_site)
    for flags in ((), ("--drafts",)):
        one, two = tmp_path / f"one{flags}", tmp_path / f"two{flags}"
        assert _build(site, one, monkeypatch, BEFORE, "--no-cache", *flags) == 0
        assert _build(site, two, monkeypatch, BEFORE, "--no-cache", *flags) == 0
        assert tree(one) == tree(two)


@pytest.mark.usefixtures("trust_stat")
def test_an_incremental_build_matches_a_cold_one_as_the_clock_passes_publish_at(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file changes between the builds: only the clock. The cached build must not
    take its output for up to date, nor keep pages made when the brief was not due."""
    site = _site(make_site)
    warm = tmp_path / "warm"
    for clock in (BEFORE, BEFORE, AFTER, AFTER, BEFORE):
        assert _build(site, warm, monkeypatch, clock) == 0
        cold = tmp_path / f"cold-{clock}"
        assert _build(site, cold, monkeypatch, clock, "--no-cache") == 0
        assert tree(warm) == tree(cold), clock
        assert (warm / "briefs/plan/index.html").is_file() == (clock == AFTER)


@pytest.mark.usefixtures("trust_stat")
def test_an_incremental_build_drops_the_future_date_warning_when_the_day_comes(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({PLAN: brief(BODY, "---\ntitle: A\ndate: 2025-03-02\n---\n")})
    out = tmp_path / "public"
    for _ in range(2):  # the first build writes citations.lock; the second is up to date
        assert _build(site, out, monkeypatch, BEFORE) == 0
        assert "future-date" in capsys.readouterr().out
    assert _build(site, out, monkeypatch, AFTER) == 0
    assert "future-date" not in capsys.readouterr().out
