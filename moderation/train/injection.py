"""Build training and validation material from ``../shared/data`` plus our hand-written lines.

The benchmark injects spam into ``dev`` articles; we do the same to ``train`` articles so that the models
learn what injected spam looks like *in place* (as a paragraph, an appended or wedged-in sentence, a first
or last line, a block of links). Spam comes from the SMS and YouTube spam collections and from our own
call-to-action templates with links synthesized in realistic shapes; hard negatives come from our own
lines (news about scams, official websites, sign-offs, boilerplate).

Everything is deterministic for a given seed. Articles and spam texts are assigned to groups by a stable
hash, so that out-of-fold scores are really out of fold and the validation group is never fitted.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputError

NEWS_FILES = (
    "bbc_news.jsonl",
    "reuters21578.jsonl",
    "gnad10k_de.jsonl",
    "ptbr_news_500.jsonl",
    "detik_id.jsonl",
)
SPAM_FILES = ("sms_spam_collection.jsonl", "youtube_spam_collection.jsonl")
TRAINING_LINES = Path(__file__).resolve().parents[2] / "classifiers" / "trainingdata"

# domain pieces for synthesized spam links (our own word lists)
_WORDS = (
    "cash earn money profit rich quick easy fast lucky win winner jackpot casino bet slot spin poker vip "
    "bonus promo deal gift prize free crypto coin token trade forex loan credit pay payday pills pharma "
    "health slim follow likes fans boost essay writer star gold royal mega super best top prime smart "
    "global daily online web app hub zone club land world city net link go get my your"
).split()
_ABUSED = (
    "top xyz click online site fun shop store win bet live buzz icu cfd sbs makeup bond lol vip cam".split()
)
_COMMON = "com net org info biz ru co in io me us co.uk com.br de".split()
_PATHS = (
    "",
    "/",
    "/promo/{w}",
    "/signup?ref={id}",
    "/{id}/",
    "/r/{w}{id}",
    "/?aff={id}",
    "/join",
    "/bonus",
    "/claim?id={short}",
    "/app",
    "/start",
    "/{w}",
    "/go/{short}",
    "/register",
    "/offer/{w}-{short}",
)
_SEPARATORS = (
    " ",
    " ",
    " ",
    " ",
    "\u00a0",
    " Visit ",
    " More: ",
    " -> ",
    " at ",
    " >> ",
    " link: ",
    " Info: ",
    " See ",
    " Go to ",
    " Details: ",
    " Click ",
    " Check ",
    " here: ",
    " => ",
    " - ",
    ": ",
)
_SITES = (
    "www.gov.uk",
    "ec.europa.eu",
    "www.bundesregierung.de",
    "www.gov.br",
    "www.kemenkeu.go.id",
    "www.bmf.gv.at",
    "www.nhs.uk",
    "www.sec.gov",
    "www.who.int",
    "www.ojk.go.id",
    "www.bcb.gov.br",
    "www.destatis.de",
    "data.worldbank.org",
    "www.census.gov",
    "www.ons.gov.uk",
)


def stable_bucket(key: str, buckets: int) -> int:
    """A hash bucket that does not change between runs or machines."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % buckets


def read_jsonl(path: Path) -> list[dict]:
    """Every object of a JSONL file; a bad line is an ``InputError`` naming the file and line."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise InputError(f"{path}: not JSON ({exc})", line=n) from None
    return rows


def data_fingerprint(data_dir: Path, names: Iterable[str]) -> dict[str, str]:
    """sha256 of each data file used, so a model records exactly what it was built from."""
    out = {}
    for name in names:
        p = data_dir / name
        out[name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@dataclass
class Corpus:
    """Raw material for training, split into groups (0 and 1 for fitting, 2 for validation).

    Attributes:
        articles: train-split articles ``{"id", "text", "lang", "group"}``.
        spam: spam texts ``(text, group, kind)`` with kind ``"message"`` (SMS/YouTube) or ``"cta"``.
        hard_ham: our hard-negative lines (templates filled in).
        files: data files read, relative to the data directory.
    """

    articles: list[dict] = field(default_factory=list)
    spam: list[tuple[str, int, str]] = field(default_factory=list)
    hard_ham: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _template_lines(name: str) -> list[str]:
    text = (TRAINING_LINES / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def group_of(key: str) -> int:
    """0 or 1 (fitting folds, 42.5% each) or 2 (validation, 15%)."""
    b = stable_bucket(key, 200)
    return 2 if b < 30 else b % 2


def load_corpus(data_dir: Path) -> Corpus:
    """Read the train split and the spam collections (never the dev split or the holdout)."""
    corpus = Corpus()
    for name in NEWS_FILES:
        rel = f"news/{name}"
        corpus.files.append(rel)
        for row in read_jsonl(data_dir / rel):
            if row.get("split") != "train" or not isinstance(row.get("text"), str):
                continue
            corpus.articles.append(
                {
                    "id": row["id"],
                    "text": row["text"],
                    "lang": row.get("lang", "en"),
                    "group": group_of(row["id"]),
                }
            )
    for name in SPAM_FILES:
        rel = f"spam/{name}"
        corpus.files.append(rel)
        for row in read_jsonl(data_dir / rel):
            if row.get("label") == "spam" and isinstance(row.get("text"), str) and row["text"].strip():
                corpus.spam.append((row["text"].strip(), group_of(row["text"]), "message"))
    for line in _template_lines("spam_cta.txt"):
        corpus.spam.append((line, group_of(line), "cta"))
    corpus.hard_ham = _template_lines("ham_hard.txt")
    return corpus


# -- synthesis ------------------------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def synth_domain(rng: random.Random) -> str:
    """A made-up spam domain in a realistic shape."""
    a, b = rng.choice(_WORDS), rng.choice(_WORDS)
    style = rng.random()
    if style < 0.35:
        name = f"{a}{b}"
    elif style < 0.6:
        name = f"{a}-{b}"
    elif style < 0.8:
        name = f"{a}{b}{rng.randint(1, 999)}"
    else:
        name = f"{a}-{b}-{rng.choice(_WORDS)}"
    tld = rng.choice(_ABUSED) if rng.random() < 0.55 else rng.choice(_COMMON)
    return f"{name}.{tld}"


def synth_link(rng: random.Random, domains: list[str] | None = None) -> str:
    """A spam link: scheme or not, ``www`` or not, a tracking-style path, sometimes defanged."""
    domain = rng.choice(domains) if domains and rng.random() < 0.5 else synth_domain(rng)
    path = rng.choice(_PATHS).format(w=rng.choice(_WORDS), id=_digits(rng, 16), short=_digits(rng, 5))
    r = rng.random()
    if r < 0.06:
        name, _, tld = domain.rpartition(".")
        return f"{name} dot {tld}" if "." not in name else f"{domain.replace('.', '[.]')}"
    if r < 0.1:
        return f"hxxp://{domain.replace('.', '[.]', 1)}{path}"
    prefix = rng.choice(("https://", "http://", "https://www.", "www.", "", ""))
    return f"{prefix}{domain}{path}"


def fill(template: str, rng: random.Random, domains: list[str] | None = None) -> str:
    """Fill ``{link}``, ``{amount}``, ``{phone}``, ``{n}`` and ``{site}`` placeholders."""
    amount = (
        rng.choice(("$", "£", "€", "R$ ", "Rp ", "")) + f"{rng.choice((50, 100, 250, 500, 750, 1000, 5000))}"
    )
    if amount[0].isdigit():
        amount += rng.choice((" dollars", " euros", " USD", "k"))
    phone = rng.choice(("+62 812 ", "+44 7", "0800 ", "+1 555 ", "+234 80", "09")) + _digits(rng, 7)
    out = template
    while "{link}" in out:
        out = out.replace("{link}", synth_link(rng, domains), 1)
    return (
        out.replace("{amount}", amount)
        .replace("{phone}", phone)
        .replace("{n}", str(rng.choice((3, 5, 10, 20, 50, 100))))
        .replace("{site}", rng.choice(_SITES))
    )


_SECURITY = {
    "en": (
        (
            "Researchers said",
            "Analysts found that",
            "The security firm said",
            "According to the report,",
            "Investigators said",
            "The advisory warns that",
        ),
        (
            "the malware",
            "the trojan",
            "the backdoor",
            "the phishing kit",
            "the botnet",
            "the ransomware loader",
        ),
        (
            "contacted",
            "connected to",
            "downloaded its payload from",
            "sent stolen data to",
            "was hosted at",
            "redirected victims to",
        ),
        (
            "to receive commands.",
            "every few minutes.",
            "before encrypting files.",
            "according to the analysis.",
            ", a server that has since been taken down.",
            "to avoid detection.",
        ),
    ),
    "de": (
        ("Laut den Forschern", "Wie die Sicherheitsfirma mitteilte,", "Nach Angaben der Ermittler"),
        ("nahm die Schadsoftware", "kontaktierte der Trojaner", "lud das Programm"),
        ("Kontakt zu", "Daten von", "Befehle von"),
        ("auf.", "herunter.", "ab."),
    ),
    "pt": (
        ("Segundo os pesquisadores,", "De acordo com a empresa de segurança,", "A polícia disse que"),
        ("o malware", "o vírus", "o golpe"),
        ("se conectava a", "enviava dados para", "redirecionava as vítimas para"),
        ("para receber comandos.", "antes de ser derrubado.", "segundo o relatório."),
    ),
    "id": (
        ("Menurut peneliti,", "Perusahaan keamanan menyebut", "Polisi mengatakan"),
        ("malware tersebut", "aplikasi palsu itu", "situs phishing itu"),
        ("terhubung ke", "mengirim data ke", "mengarahkan korban ke"),
        ("untuk menerima perintah.", "sebelum akhirnya diblokir.", "kata laporan itu."),
    ),
}


def _defanged(rng: random.Random, domains: list[str] | None) -> str:
    """An indicator as security reporting quotes it: defanged, sometimes an IP, with a plain path."""
    domain = rng.choice(domains) if domains and rng.random() < 0.5 else synth_domain(rng)
    if rng.random() < 0.2:
        domain = ".".join(str(rng.randint(1, 254)) for _ in range(4))
    dotted = domain.replace(".", "[.]") if rng.random() < 0.7 else domain.replace(".", "[.]", 1)
    path = rng.choice(("", "/gate.php", "/panel", "/api/v1", "/update.bin", "/login", "/c2"))
    return rng.choice(("hxxp://", "hxxps://", "", "")) + dotted + path


def security_sentence(rng: random.Random, domains: list[str] | None) -> str:
    """A sentence of security reporting that quotes a defanged indicator (legitimate, not spam)."""
    lang = rng.choice(("en", "en", "en", "de", "pt", "id"))
    subject, actor, verb, end = (rng.choice(options) for options in _SECURITY[lang])
    ioc = _defanged(rng, domains)
    sentence = f"{subject} {actor} {verb} {ioc} {end}".replace(" ,", ",")
    return sentence[0].upper() + sentence[1:]


def spam_instance(text: str, kind: str, rng: random.Random, domains: list[str] | None) -> str:
    """A spam text as it would be injected: templates filled, messages sometimes given a link."""
    if kind == "cta":
        return fill(text, rng, domains)
    if rng.random() < 0.55:
        return text + rng.choice(_SEPARATORS) + synth_link(rng, domains)
    return text


# -- injection ------------------------------------------------------------------------------------------


@dataclass
class Injected:
    """An article with spam put in, and where."""

    id: str
    lang: str
    text: str
    spans: list[tuple[int, int]]
    clean_text: str
    group: int


def _sentence_starts(text: str) -> list[int]:
    out = []
    for i in range(1, len(text) - 1):
        if text[i] == " " and text[i - 1] in '.!?"”' and text[i + 1].isupper():
            out.append(i + 1)
    return out


def inject(article: dict, spams: list[str], rng: random.Random, hams: Sequence[str] = ()) -> Injected:
    """Put each of ``spams`` (and legitimate ``hams``, not marked) into the article, the way a careless
    scraper would pick them up."""
    text: str = article["text"]
    spans: list[tuple[int, int]] = []
    placed: list[tuple[int, int]] = []  # everything inserted, spam or not, so nothing lands inside it

    def insert(pos: int, before: str, piece: str, after: str, is_spam: bool) -> None:
        nonlocal text, spans, placed
        text = text[:pos] + before + piece + after + text[pos:]
        shift = len(before) + len(piece) + len(after)
        spans = [(s + shift, e + shift) if s >= pos else (s, e) for s, e in spans]
        placed = [(s + shift, e + shift) if s >= pos else (s, e) for s, e in placed]
        span = (pos + len(before), pos + len(before) + len(piece))
        placed.append(span)
        if is_spam:
            spans.append(span)

    def free(pos: int) -> bool:
        return all(not (s <= pos <= e) for s, e in placed)

    items = [(t, True) for t in spams] + [(t, False) for t in hams]
    rng.shuffle(items)
    for spam, is_spam in items:
        style = rng.random()
        para_ends = [i for i in range(len(text)) if text.startswith("\n\n", i)] + [len(text)]
        para_ends = [p for p in para_ends if free(p)]
        if style < 0.35 and para_ends:
            pos = rng.choice(para_ends)
            insert(pos, "\n\n", spam, "", is_spam)
        elif style < 0.55 and para_ends:
            insert(rng.choice(para_ends), " ", spam, "", is_spam)
        elif style < 0.8:
            starts = [s for s in _sentence_starts(text) if free(s)]
            if starts:
                insert(rng.choice(starts), "", spam, " ", is_spam)
            else:
                insert(len(text), " ", spam, "", is_spam)
        elif style < 0.9 and free(0):
            sep = "\n\n" if "\n\n" in text else " "
            insert(0, "", spam, sep, is_spam)
        else:
            sep = "\n\n" if "\n\n" in text else " "
            insert(len(text), sep, spam, "", is_spam)
    spans.sort()
    clean = text  # the article with its legitimate inserts, without the spam
    for s, e in reversed(spans):
        clean = clean[:s] + clean[e:]
    return Injected(article["id"], article["lang"], text, spans, clean, article["group"])


def link_block(rng: random.Random, domains: list[str] | None) -> str:
    """Several short spam lines with links, one per line or joined by bars."""
    heads = (
        "Best bonus",
        "Fast loans",
        "Top followers",
        "Casino online",
        "Crypto signals",
        "Free spins",
        "Cheap pills",
        "Essay help",
        "Slot gacor",
        "Renda extra",
        "Sofortkredit",
        "Win prizes",
    )
    n = rng.choice((2, 3, 3, 4))
    joiner = rng.choice(("\n", "\n", " | "))
    return joiner.join(f"{rng.choice(heads)} {synth_link(rng, domains)}" for _ in range(n))


def build_documents(
    corpus: Corpus,
    seed: int = 13,
    spam_rate: float = 0.55,
    repeats_by_lang: dict[str, int] | None = None,
    domains: list[str] | None = None,
) -> list[Injected]:
    """Inject spam into the train-split articles (each group only gets spam of its own group)."""
    rng = random.Random(seed)
    repeats_by_lang = repeats_by_lang or {"de": 3, "pt": 4, "id": 3}
    by_group: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: []}
    for text, group, kind in corpus.spam:
        by_group[group].append((text, kind))
    hard_by_group: dict[int, list[str]] = {0: [], 1: [], 2: []}
    for line in corpus.hard_ham:
        hard_by_group[group_of(line)].append(line)
    docs = []
    for article in corpus.articles:
        group = article["group"]
        pool = by_group[group]
        for rep in range(repeats_by_lang.get(article["lang"], 1)):
            spams: list[str] = []
            if rng.random() < spam_rate:
                k = rng.choices((1, 2, 3), weights=(0.6, 0.28, 0.12))[0]
                for _ in range(k):
                    if rng.random() < 0.08:
                        spams.append(link_block(rng, domains))
                    else:
                        text, kind = rng.choice(pool)
                        spams.append(spam_instance(text, kind, rng, domains))
            # legitimate look-alikes in place: off-topic is not enough to be spam
            hams = []
            if rng.random() < 0.2:
                hams.append(fill(rng.choice(hard_by_group[group]), rng))
            if rng.random() < 0.05:
                hams.append(security_sentence(rng, domains))
            doc = inject(article, spams, rng, hams)
            doc.id = f"{doc.id}#{rep}"
            docs.append(doc)
        if rng.random() < 0.12:  # short documents: a snippet of the article, maybe with spam
            docs.append(_short_document(article, pool, rng, domains, hard_by_group[group]))
    # single-line documents: a spam text alone, or a legitimate line alone
    for text, group, kind in corpus.spam:
        line = spam_instance(text, kind, rng, domains)
        docs.append(Injected(f"spam:{len(docs)}", "en", line, [(0, len(line))], "", group))
    for line in corpus.hard_ham:
        ham = fill(line, rng)
        docs.append(Injected(f"ham:{len(docs)}", "en", ham, [], ham, group_of(line)))
    # and as many lone news sentences: a line alone is not spam for being alone (an API caller may send
    # one sentence, a comment, a caption), so the spam singles above must not teach "short means spam"
    sentences = [(a, s) for a in corpus.articles for s in [_one_sentence(a["text"], rng)] if s]
    for article, sentence in rng.sample(sentences, k=min(len(sentences), len(corpus.spam))):
        docs.append(Injected(f"one:{len(docs)}", article["lang"], sentence, [], sentence, article["group"]))
    return docs


def _one_sentence(text: str, rng: random.Random) -> str:
    """One sentence of ``text``, picked at random (empty when it is too short or too long to be one)."""
    starts = [0, *_sentence_starts(text)]
    i = rng.randrange(len(starts))
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    sentence = text[starts[i] : end].strip()
    return sentence if 15 <= len(sentence) <= 300 and "\n" not in sentence else ""


def _short_document(
    article: dict,
    pool: list[tuple[str, str]],
    rng: random.Random,
    domains: list[str] | None,
    hard: Sequence[str] = (),
) -> Injected:
    """A short article: the first one to three sentences, or (half of the time) the first two to four
    paragraphs as a page snippet or a live blog gives them; spam half of the time, and a legitimate
    look-alike line a third of the time (without one, the last line of a short article was spam in
    half the examples, and the context model learned to lift a short article's odd last line)."""
    paragraphs = article["text"].split("\n\n")
    if len(paragraphs) > 2 and rng.random() < 0.5:
        text = "\n\n".join(paragraphs[: rng.randint(2, 4)])
    else:
        text = paragraphs[0]
        starts = _sentence_starts(text)
        if starts:
            text = text[: starts[min(len(starts), rng.randint(1, 3)) - 1]].rstrip()
    snippet = {**article, "text": text}
    spams = []
    if rng.random() < 0.5:
        line, kind = rng.choice(pool)
        spams.append(spam_instance(line, kind, rng, domains))
    hams = [fill(rng.choice(hard), rng)] if hard and rng.random() < 0.33 else []
    doc = inject(snippet, spams, rng, hams)
    doc.id = f"{doc.id}#short"
    return doc


def blocklist_domains(data_dir: Path, limit: int = 20000, seed: int = 5) -> list[str]:
    """Spam-ish domains from the URL lists, to put in synthesized links (a sample, deterministic)."""
    out: list[str] = []
    for name in ("urls/blocklistproject.tsv", "urls/ut1_blacklists.tsv"):
        path = data_dir / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
                label = row.get("label", "")
                dom = (row.get("domain") or row.get("url") or "").strip().lower()
                if label in ("press", "shortener") or row.get("kind", "domain") != "domain" or "." not in dom:
                    continue
                out.append(dom)
    rng = random.Random(seed)
    rng.shuffle(out)
    return sorted(out[:limit])
