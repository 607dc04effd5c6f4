"""The Protokollhilfe's text stages: pure functions over transcripts, no database and no I/O.

``calls`` (the chair's calls of agenda items), ``align`` (transcript segments to agenda items),
``outcomes`` and ``amendments`` (vote results), ``decisions`` (motions, resolutions, votes per item),
``draft`` (the minutes text with time ranges per sentence) and ``terms`` (content stems and term
weights over the core text toolkit).
"""
