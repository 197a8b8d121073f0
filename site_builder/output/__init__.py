"""The output stage: the rendered files on disk, all or nothing.

Input: ``OutputFile`` values and what the previous build into the same folder left behind.
Output: the output folder, replaced in one step, and the record the next build starts
from (``previous_build``); ``linkcheck`` proves every internal link of the files resolves.
The only stage that writes the output folder.
"""
