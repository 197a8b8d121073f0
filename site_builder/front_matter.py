"""Reading a Markdown file of the site: bytes → text → front matter (YAML nodes) + body.

Positions are kept exact: ``Document.front_matter_line`` is the file line of the first YAML
line and ``Document.body_line`` the file line where the Markdown body starts, so every later
stage can report ``path:line:col`` counted in the file.

python-frontmatter is not used for reading because it strips the text (losing line numbers)
and treats an unclosed block as "no front matter"; ``new`` uses it to write files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .diagnostics import Diagnostic, Span, error

_BOM = b"\xef\xbb\xbf"
_DELIMITER = "---"
_YAML_END = "..."
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")

# libyaml when present: the same YAML, several times faster on large sites.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Document:
    """A file split into front matter and body.

    ``front_matter`` is None when the file has none or its YAML is broken (``yaml_ok`` False,
    a diagnostic says why); the body is still there, so its problems are found in the same run.
    """

    path: str
    front_matter: yaml.Node | None
    front_matter_line: int
    has_front_matter: bool
    body: str
    body_line: int
    yaml_ok: bool = True

    def span_of(self, node: yaml.Node) -> Span:
        return node_span(node, self.path, self.front_matter_line)


def node_span(node: yaml.Node, path: str, first_line: int) -> Span:
    """Where ``node`` starts in the file, given the file line of the YAML's first line."""
    mark = node.start_mark
    return Span(path, first_line + mark.line, mark.column + 1)


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file; None (with a diagnostic) when it is not UTF-8."""
    problems: list[Diagnostic] = []
    if data.startswith(_BOM):
        problems.append(
            error(
                Span(path),
                "bom",
                "file starts with a byte order mark (BOM)",
                hint="save the file as UTF-8 without BOM (other tools then miss the front matter)",
            )
        )
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        problems.append(
            error(
                Span(path, line, col),
                "encoding",
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02X})",
                hint="save the file as UTF-8; sources are kept verbatim, so convert, do not retype",
            )
        )
        return None, problems


def parse_document(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Split ``text`` into front matter and body and parse the YAML into nodes."""
    lines = split_lines(text)
    if not lines or lines[0].rstrip() != _DELIMITER:
        return _without_front_matter(text, lines, path)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_DELIMITER, _YAML_END):
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            node, problems = compose_yaml(yaml_text, path, first_line=2)
            return Document(path, node, 2, True, body, index + 2, not problems), problems
    return None, [
        error(
            Span(path, 1, 1),
            "unclosed-front-matter",
            "front matter opened on line 1 is never closed",
            hint="add a line '---' after the last field",
        )
    ]


def split_lines(text: str) -> list[str]:
    """Lines (with their endings) as Markdown and editors count them: only CR, LF and CRLF
    end a line. ``str.splitlines`` also splits at U+2028, form feed and NEL, which would
    shift every line number after such a character."""
    if "\r" in text:  # rare: the slower split that also knows CR and CRLF
        return [line for line in _LINE_END.split(text) if line]
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _without_front_matter(
    text: str, lines: list[str], path: str
) -> tuple[Document | None, list[Diagnostic]]:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and first > 0 and lines[first].rstrip() == _DELIMITER:
        return None, [
            error(
                Span(path, first + 1, 1),
                "misplaced-front-matter",
                f"front matter must start on line 1, not line {first + 1}",
                hint="remove the blank lines above the opening '---'",
            )
        ]
    return Document(path, None, 1, False, text, 1), []


def compose_yaml(
    yaml_text: str, path: str, first_line: int
) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """YAML text → node tree (no Python objects are constructed, so no tag runs code)."""
    try:
        return yaml.compose(yaml_text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc, path, first_line)]
    except yaml.YAMLError as exc:
        return None, [
            error(
                Span(path, first_line, 1),
                "yaml-syntax",
                f"invalid YAML: {exc}",
                hint="check the quoting and indentation of the front matter",
            )
        ]
    except RecursionError:
        return None, [
            error(
                Span(path, first_line, 1),
                "yaml-syntax",
                "YAML is nested too deeply",
                hint="front matter holds flat fields and short lists",
            )
        ]


def _yaml_problem(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span(path, first_line + mark.line, mark.column + 1) if mark else Span(path)
    problem = exc.problem or "invalid YAML"
    hint = "check the indentation and quoting on this line"
    if "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be quoted, e.g. title: \"Kreml: nicht verhandelbar\""
    elif "found character '\\t'" in problem:
        hint = "YAML indents with spaces, not tabs"
    return error(span, "yaml-syntax", f"front matter is not valid YAML: {problem}", hint=hint)
