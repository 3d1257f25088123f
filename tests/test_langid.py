"""The language identifier behind "written in X inside a Y article" (hand-written sentences only)."""

from __future__ import annotations

import pytest

from moderation import Scanner
from moderation.text.language import language_model, span_languages

SENTENCES = {
    "en": [
        "The minister said the new budget would be presented to parliament next week.",
        "Win a free iPhone now, just click the link and claim your prize today",
        "Shares fell sharply after the company warned that profits would be lower this year.",
        "Call now to get your cash loan approved in minutes, no credit check needed",
    ],
    "de": [
        "Der Bürgermeister kündigte an, dass die Straße im Sommer erneuert werden soll.",
        "Jetzt kostenlos anmelden und jeden Tag echtes Geld gewinnen, nur heute",
        "Die Polizei sucht nach Zeugen, die den Unfall am Montagabend beobachtet haben.",
    ],
    "pt": [
        "O governo anunciou nesta terça-feira um novo pacote de medidas para a economia.",
        "Ganhe dinheiro em casa trabalhando apenas duas horas por dia, cadastre-se agora",
        "Nao e possivel que ninguem tenha visto isso acontecer na rua de casa",
    ],
    "id": [
        "Pemerintah daerah akan membangun jembatan baru untuk menghubungkan dua desa tersebut.",
        "Main slot gacor hari ini dijamin gampang menang maxwin, daftar sekarang juga",
        "Polisi masih menyelidiki penyebab kebakaran yang terjadi di pasar pada malam hari.",
    ],
}


@pytest.fixture(scope="module")
def model():
    m = language_model(None)
    assert m is not None, "the shipped models include the language identifier (make model)"
    return m


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_identifier_is_right_on_the_four_languages(model, lang):
    assert model.identify(SENTENCES[lang]) == [lang] * len(SENTENCES[lang])


def test_identifier_makes_no_claim_on_too_little_text(model):
    assert model.identify(["ok", "123 456", "www.x.top"]) == [None, None, None]


def test_span_languages_article_and_spans(model):
    article = " ".join(SENTENCES["de"] * 3)
    doc, spans = span_languages(model, article, [SENTENCES["en"][1], SENTENCES["de"][1]])
    assert doc == "de" and spans == ["en", "de"]
    assert span_languages(None, article, ["x"]) == (None, [None])


ARTICLE_EN = (
    "The council met on Tuesday to discuss the budget for next year. Officials said the plan would be "
    "published soon, and residents will be able to comment on it until the end of March.\n\n"
    "The mayor said she expected a lively debate."
)
ARTICLE_DE = (
    "Der Stadtrat hat am Dienstag über den Haushalt für das kommende Jahr beraten. Die Pläne sollen bald "
    "veröffentlicht werden, sagte die Bürgermeisterin, und die Bürger können sie bis Ende März kommentieren."
    "\n\nSie erwarte eine lebhafte Debatte, sagte sie."
)
SPAM = "\n\nEarn money fast from home, click here to get your free bonus now at www.cash-spin.top today."


def _codes(text: str) -> set[str]:
    result = Scanner.default().scan(text)
    assert result.spans, "the spam paragraph is found"
    return {r.code for span in result.spans for r in span.reasons}


def test_english_spam_in_an_english_article_makes_no_language_claim():
    assert "TEXT_OTHER_LANGUAGE" not in _codes(ARTICLE_EN + SPAM)


def test_english_spam_in_a_german_article_says_so():
    result = Scanner.default().scan(ARTICLE_DE + SPAM)
    claims = [r for s in result.spans for r in s.reasons if r.code == "TEXT_OTHER_LANGUAGE"]
    assert claims and claims[0].params == {"language": "English", "article_language": "German"}
