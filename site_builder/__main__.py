import gc
import sys

# The cycle collector paused while the command line's modules are imported: with Python's
# default threshold it walked the new objects (classes, functions, dataclasses' generated
# methods) twenty times over, ≈ 8 ms of every run, for nothing to collect. ``cli.main``
# then sets the threshold every command runs with.
gc.disable()
try:
    from .cli import main
finally:
    gc.enable()

sys.exit(main())
