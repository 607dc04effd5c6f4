"""German stop words: articles, pronouns, auxiliaries, conjunctions, particles and question words.

The search index stores its terms without :data:`STOPWORDS`, so an edit to that list needs a reindex.
:data:`SPEECH_STOPWORDS` adds words that carry no topic in spoken and minuted German; they are not in
:data:`STOPWORDS` only because the index was built without them.
"""

from __future__ import annotations

_STOPWORD_TEXT = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch
auf aus bei beim bin bis bist da damit dann das dass dasselbe dazu dein deine deinem deinen deiner
dem demselben den denn denselben der derer derselbe derselben des desselben dessen dich die dies
diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen
einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem
euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn
ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem
jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen man manche
manchem manchen mancher manches mein meine meinem meinen meiner meines mich mir mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie
sind so solche solchem solchen solcher solches soll sollte sondern sonst um und uns unser unsere
unserem unseren unserer unseres unter viel vom von vor während war waren warst was weg weil weiter
welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen
wollte würde würden zu zum zur zwar zwischen wer wem wen wieso warum wann wo woher wohin gibt geht
bitte ja
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_SPEECH_TEXT = """
bzw dabei denen deshalb etwa mehr schon sehen sollen sowie über wurde wurden herr herrn frau dr prof
"""
SPEECH_STOPWORDS = STOPWORDS | frozenset(_SPEECH_TEXT.split())
