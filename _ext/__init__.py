"""The site's own Sphinx extensions (see conf.py)."""
