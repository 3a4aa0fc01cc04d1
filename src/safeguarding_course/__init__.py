"""Helpers for the open course on recognising online grooming of children.

- `content`: the course's sourced content data, loaded and validated.
- `widgets`: self-checks and the indicator spotter used in the teaching notebooks.
- `charts`: accessible charts with a text description.
- `render`: text blocks (support contacts, routes, sources) read from the content data.
- `checks`: friendly answer-format checks for assignment test cells.
- `scoring`: how answers are marked (shared by widgets and hidden tests).
"""

__version__ = "0.1.0"
