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

from ..diagnostics import Diagnostic, Span, error
from ..messages import Message, literal, msg, msg_n
from .invisible import invisible_characters
from .limits import MAX_FILE_BYTES

# Besides larger files (``limits.MAX_FILE_BYTES``), files of more lines are not read:
# loading costs about 50 µs a line (Markdown's block parser, anchors, HTML), so 1 MiB of
# one-letter paragraphs (600,000 lines) took 20 s. A long article has a few hundred lines,
# 1 MiB of text wrapped at 72 characters 15,000; a file of over 50,000 lines in 1 MiB
# (20 bytes a line) is no article.
MAX_FILE_LINES = 50_000

FRONT_MATTER = "front matter"
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
    """Where ``node`` starts in the file, given the file line of the YAML's first line; a
    scalar (a key, a value, a tag) spans what is written of it, quotes included."""
    start, end = node.start_mark, node.end_mark
    width = 1
    if isinstance(node, yaml.ScalarNode) and end is not None:
        # A scalar over several lines (a folded summary) is underlined on its first line.
        width = end.column - start.column if end.line == start.line else _TO_LINE_END
    return Span(path, first_line + start.line, start.column + 1, max(width, 1))


# A width that reaches past the end of any line: the underline stops at the line's end.
_TO_LINE_END = MAX_FILE_BYTES


def too_large(path: str, size: int) -> Diagnostic:
    """The diagnostic for a file over ``MAX_FILE_BYTES`` (it is not read)."""
    return error(
        Span(path),
        "file-too-large",
        msg(
            "the file has {mib:.1f} MiB ({size:,} bytes); files over 1 MiB are not read",
            mib=size / 1024 / 1024,
            size=size,
        ),
        hint=_SPLIT_HINT,
    )


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file; None (with a diagnostic) when it is not UTF-8 or too large."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(path, len(data))]
    problems: list[Diagnostic] = []
    if data.startswith(_BOM):
        problems.append(
            error(
                Span(path),
                "bom",
                msg("file starts with a byte order mark (BOM)"),
                hint=msg(
                    "save the file as UTF-8 without BOM (other tools then miss the front matter)"
                ),
            )
        )
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position_after(data[: exc.start].decode("utf-8"))  # valid up to there
        problems.append(
            error(
                Span(path, line + 1, col),
                "encoding",
                msg("file is not valid UTF-8 (byte 0x{byte:02X})", byte=data[exc.start]),
                hint=msg(
                    "save the file as UTF-8; sources are kept verbatim, so convert, do not retype"
                ),
            )
        )
        return None, problems
    lines = max(text.count("\n"), text.count("\r"))  # (line ends \n, \r\n or \r)
    if lines > MAX_FILE_LINES:
        return None, [*problems, _too_many_lines(path, lines)]
    return text, problems


def _too_many_lines(path: str, lines: int) -> Diagnostic:
    return error(
        Span(path, MAX_FILE_LINES + 1, 1),
        "too-many-lines",
        msg(
            "the file has {lines:,} lines; files of over {limit:,} lines are not read",
            lines=lines,
            limit=MAX_FILE_LINES,
        ),
        hint=_SPLIT_HINT,
    )


_SPLIT_HINT = msg(
    "a source is one article and a brief a few paragraphs: split the file, or "
    "remove what does not belong to it"
)


def parse_document(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Split ``text`` into front matter and body and parse the YAML into nodes."""
    lines = split_lines(text)
    if not lines or lines[0].rstrip() != _DELIMITER:
        return _without_front_matter(text, lines, path)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_DELIMITER, _YAML_END):
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            node, readable, problems = _compose(yaml_text, path, first_line=2)
            return Document(path, node, 2, True, body, index + 2, readable), problems
    return None, [
        error(
            Span(path, 1, 1),
            "unclosed-front-matter",
            msg("front matter opened on line 1 is never closed"),
            hint=msg("add a line '---' after the last field"),
        )
    ]


def read_document(
    data: bytes, path: str, missing: Message, hint: Message, *, own_text: bool
) -> tuple[str, Document | None, list[Diagnostic]]:
    """``data`` as text and split into front matter and body, with every problem found on
    the way: bytes that are no text, broken YAML, and a file without front matter (the
    error ``missing``, with ``hint``; the document is still returned). Text the site
    writes itself (``own_text``: briefs, pages; not verbatim sources) is also searched for
    invisible characters. The text is "" when ``data`` is not text (the document is then None)."""
    text, problems = decode(data, path)
    if text is None:
        return "", None, problems
    if own_text:
        problems += invisible_characters(text, path)
    document, split_problems = parse_document(text, path)
    problems += split_problems
    if document is not None and not document.has_front_matter:
        problems.append(error(Span(path), "missing-front-matter", missing, hint=hint))
    return text, document, problems


def position_after(text: str) -> tuple[int, int]:
    """(0-based line, 1-based column) of the place right after ``text``, lines counted as
    ``split_lines`` counts them (a lone CR ends a line too)."""
    lines = split_lines(text)
    if not lines or lines[-1].endswith(("\n", "\r")):
        return len(lines), 1
    return len(lines) - 1, len(lines[-1]) + 1


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
                msg("front matter must start on line 1, not line {line}", line=first + 1),
                hint=msg("remove the blank lines above the opening '---'"),
            )
        ]
    return Document(path, None, 1, False, text, 1), []


def compose_yaml(
    yaml_text: str, path: str, first_line: int, what: str = FRONT_MATTER
) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """YAML text → node tree (no Python objects are constructed, so no tag runs code and no
    alias is ever expanded). Control characters and aliases are reported and the rest is
    still read; the node is None when the YAML is empty or cannot be read at all. ``what``
    names the YAML in messages ("front matter", "site.yaml")."""
    node, _readable, problems = _compose(yaml_text, path, first_line, what)
    return node, problems


def _compose(
    yaml_text: str, path: str, first_line: int, what: str = FRONT_MATTER
) -> tuple[yaml.Node | None, bool, list[Diagnostic]]:
    """``compose_yaml``, also saying whether the YAML could be read (False: a syntax error)."""
    cleaned, problems = _without_control_characters(yaml_text, path, first_line, what)
    try:
        node = yaml.compose(cleaned, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, False, [*problems, _yaml_problem(exc, (path, first_line, what), cleaned)]
    except yaml.YAMLError as exc:
        problem = _unmarked_yaml_problem(exc, (path, first_line, what), cleaned)
        return None, False, [*problems, problem]
    except RecursionError:  # the pure-Python composer recurses once per level
        return None, False, [*problems, _too_deep(Span(path, first_line, 1), what)]
    return node, True, problems + _aliases(cleaned, path, first_line)


# C0 controls but tab, LF and CR; DEL; C1 controls (NEL among them); the line and paragraph
# separators; the noncharacters U+FFFE and U+FFFF. No front-matter value needs one; HTML,
# XML feeds and terminals cannot show them; YAML reads NEL, U+2028 and U+2029 as line
# breaks (Markdown and editors do not, so every later line number would be off by one)
# and refuses most of the others with a message that gives no line.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CHARACTER_NAMES = {
    "\x85": msg("next-line character"),
    "\u2028": msg("line separator"),
    "\u2029": msg("paragraph separator"),
    "\ufffe": msg("noncharacter"),
    "\uffff": msg("noncharacter"),
}


def describe_character(char: str) -> Message:
    """``control character U+001B``: a character that cannot be shown, named for a message."""
    name = _CHARACTER_NAMES.get(char, msg("control character"))
    return msg("{name} U+{code:04X}", name=name, code=ord(char))


def has_control_character(text: str) -> str | None:
    """The first character of ``text`` that front matter must not hold, or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def _without_control_characters(
    yaml_text: str, path: str, first_line: int, what: str
) -> tuple[str, list[Diagnostic]]:
    """``yaml_text`` with each control character replaced by a space (columns stay), and an
    error for each line that held one, so YAML reads the rest and reports its own problems."""
    if _CONTROL.search(yaml_text) is None:
        return yaml_text, []
    problems = []
    for number, line in enumerate(split_lines(yaml_text)):
        found = [match.start() for match in _CONTROL.finditer(line)]
        if not found:
            continue
        character, where = describe_character(line[found[0]]), _the(what)
        message = msg("{character} in {where}", character=character, where=where)
        if len(found) > 1:
            message = msg_n(
                "{character} in {where} (and {n} more on this line)",
                "{character} in {where} (and {n} more on this line)",
                len(found) - 1,
                character=character,
                where=where,
            )
        problems.append(
            error(
                Span(path, first_line + number, found[0] + 1),
                "control-character",
                message,
                hint=msg(
                    "delete it: editors do not show it, and pages, feeds and terminals "
                    "cannot carry it"
                ),
            )
        )
    return _CONTROL.sub(" ", yaml_text), problems


def _aliases(yaml_text: str, path: str, first_line: int) -> list[Diagnostic]:
    """An error for each line with a YAML alias (``*name``). Front matter holds plain
    values; aliases only obscure them, and nested ones ("billion laughs") would make a few
    lines stand for gigabytes in any tool that expands them (site-builder never does)."""
    if "*" not in yaml_text:  # no alias possible: skip the second parse
        return []
    problems: list[Diagnostic] = []
    lines: set[int] = set()
    for event in yaml.parse(yaml_text, Loader=_Loader):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent) and mark is not None and mark.line not in lines:
            lines.add(mark.line)
            problems.append(
                error(
                    Span(path, first_line + mark.line, mark.column + 1),
                    "yaml-alias",
                    msg(
                        "'*{name}' repeats the value marked '&{name}' (a YAML alias)",
                        name=event.anchor,
                    ),
                    hint=msg("write the value out; front matter holds plain values"),
                )
            )
    return problems


def _the(what: str) -> Message:
    """``what`` as it stands inside a sentence: "the front matter", "site.yaml"."""
    return msg("the front matter") if what == FRONT_MATTER else literal(what)


def _named(what: str) -> Message:
    """``what`` as the subject of a sentence: "front matter", "site.yaml"."""
    return msg("front matter") if what == FRONT_MATTER else literal(what)


def _too_deep(span: Span, what: str) -> Diagnostic:
    return error(
        span,
        "yaml-syntax",
        msg("{what} is nested too deeply", what=_named(what)),
        hint=msg(
            "{what} holds plain values and lists; nothing in it is nested more than "
            "two levels deep",
            what=_named(what),
        ),
    )


# Where YAML stands: (path, file line of its first line, what it is called in messages).
_Place = tuple[str, int, str]


def _yaml_problem(exc: yaml.MarkedYAMLError, place: _Place, yaml_text: str) -> Diagnostic:
    path, first_line, what = place
    mark = exc.problem_mark or exc.context_mark
    span = Span(path, first_line + mark.line, mark.column + 1) if mark else Span(path)
    problem = exc.problem or "invalid YAML"
    if "nesting depth" in problem:  # libyaml's limit (the pure-Python parser recurses)
        return _too_deep(span, what)
    tab = _indenting_tab(yaml_text, mark.line) if mark else None
    if tab is not None or "found character '\\t'" in problem:
        return error(
            span if tab is None else Span(path, span.line, tab + 1),
            "yaml-syntax",
            msg("{what} is indented with a tab", what=_named(what)),
            hint=msg("YAML indents with spaces only: replace the tab with spaces"),
        )
    hint = msg("check the indentation and quoting on this line")
    if "mapping values are not allowed" in problem:
        hint = msg(
            "a value containing ': ' must be quoted, e.g. title: \"Kreml: nicht verhandelbar\""
        )
    message = msg("{what} is not valid YAML: {problem}", what=_named(what), problem=problem)
    return error(span, "yaml-syntax", message, hint=hint)


def _indenting_tab(yaml_text: str, line_index: int) -> int | None:
    """The column (0-based) of a tab in the indentation of line ``line_index``, if any."""
    lines = split_lines(yaml_text)
    if not 0 <= line_index < len(lines):
        return None
    line = lines[line_index]
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return indentation.index("\t") if "\t" in indentation else None


def _unmarked_yaml_problem(exc: yaml.YAMLError, place: _Place, yaml_text: str) -> Diagnostic:
    """A YAML error without a mark: the reader's (it has the offset), or any other."""
    path, first_line, what = place
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = position_after(yaml_text[: exc.position])
        return error(
            Span(path, first_line + line, col),
            "yaml-syntax",
            msg("{what} is not valid YAML: {problem}", what=_named(what), problem=exc.reason),
            hint=msg("delete the character: it cannot stand in YAML"),
        )
    return error(
        Span(path, first_line, 1),
        "yaml-syntax",
        msg("invalid YAML: {problem}", problem=str(exc)),
        hint=msg("check the quoting and indentation of {what}", what=_the(what)),
    )
