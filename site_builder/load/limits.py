"""How large an input file may be. Its own module because every command needs the limit
(the input scan, the line under a diagnostic, ``import``), and ``front_matter``, where it
belongs by meaning, imports the YAML parser, which a build that finds nothing changed
never needs."""

from __future__ import annotations

# Larger files are not read: a source is one article (a long one is 100 KB), a brief a few
# paragraphs. The cap bounds the time and memory one hostile file can cost.
MAX_FILE_BYTES = 1024 * 1024
