"""German text toolkit: normalising, stemming, sentences, stop words, number words and search terms.

Two families sit side by side because their users need different things:

- ``words`` and ``stems.light_stem``: a forgiving normaliser and a light suffix stemmer for overlap
  scores on speech-to-text output, agenda titles and answer sentences;
- ``search``: Snowball stems and HanTa compound parts for the lexical search index. The index stores
  these terms, so a change to them (or to ``stopwords.STOPWORDS``) needs a reindex.
"""
