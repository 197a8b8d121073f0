"""site-builder: a static site generator for sourced news briefs."""

__version__ = "0.1.0"
