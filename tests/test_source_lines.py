"""A source's line in a brief's source list is rendered once per source and build
(``render.SourceLines``), by the theme's environment: the same bytes the brief's template
wrote when it rendered the line itself on every page, escaping and bidi closing included."""

from __future__ import annotations

import dataclasses

import pytest

from site_builder.dates import PartialDate
from site_builder.model import Source
from site_builder.render.output_file import DEFAULT_THEME
from site_builder.render.render import SourceLines, create_environment, static_files
from site_builder.render.urls import Urls
from tests.quote_sources import source

# The line as brief.html wrote it before it became ``partials/source_meta.html``.
INLINE = """\
<p class="source-meta">{% if entry.source.outlet %}<span class="source-outlet">\
{{ entry.source.outlet }}</span>: {% endif %}<a href="\
{{ link('sources/' ~ entry.source.id ~ '/') }}">\
{{ entry.source.title }}</a>{% if entry.source.published %}, <time datetime="\
{{ entry.source.published|iso_date }}">{{ entry.source.published|german_date }}</time>{% endif %}
{% if entry.source.url %}<span class="meta-sep" aria-hidden="true">·</span> <a href="\
{{ entry.source.url }}" rel="external noopener noreferrer">Original</a>{% endif %}
</p>"""

HOSTILE = dataclasses.replace(
    source("quelle-1", "Ein Absatz."),
    title='<script>alert("x")</script> & \u202eevil',
    outlet="Der <b>Standard</b> \u2067isolated",
    url='https://example.org/?a=1&b="2"><script>',
    published=PartialDate(2025, 3, 4),
)
PLAIN = dataclasses.replace(source("quelle-2", "Ein Absatz."), title="Titel")


@pytest.mark.parametrize("cited", [HOSTILE, PLAIN], ids=["hostile", "plain"])
def test_a_source_line_is_what_the_brief_template_wrote(cited: Source) -> None:
    env = create_environment([DEFAULT_THEME], Urls("/"), static_files([DEFAULT_THEME]))
    written = env.from_string(INLINE).render(entry={"source": cited})
    assert str(SourceLines(env)(cited)) == written
    if cited is HOSTILE:
        assert "<script>" not in written and "&lt;script&gt;" in written
        assert "\u202eevil\u202c" in written  # the override is closed inside the title


def test_a_source_line_is_made_once_per_source_object() -> None:
    env = create_environment([DEFAULT_THEME], Urls("/"), static_files([DEFAULT_THEME]))
    lines = SourceLines(env)
    assert lines(PLAIN) is lines(PLAIN)
    edited = dataclasses.replace(PLAIN, title="Neuer Titel")  # an edit: a new object
    assert "Neuer Titel" in lines(edited)
    assert "Neuer Titel" not in lines(PLAIN)
