"""bookbuild: a Markdown book in, EPUB, print-ready PDF and HTML editions out.

The pipeline, in order (see `pipeline.py`): read `book.yaml` (config), read and parse the
chapters with pandoc (parse), build one book model (model), run the checks (checks), then let
each writer render the model (writers).
"""

__version__ = "0.1.0"
