"""A second page family, written by hand in other shapes than the templates (written after the rules, to
check them on layouts and tricks they were not built around): hard clean pages (a scam report quoting a
defanged URL, affiliate links, a hidden sources panel, gambling regulation, a live blog with embedded posts,
Disqus-style comments) and spam the templates do not make (a hidden span inside a paragraph, links in
``<noscript>``, Disqus comment spam, a sentence glued to a paragraph, a native ad in the body, keyword
stuffing without links, a mismatched official-looking link, individually hidden anchors, German spam).

Markers in the sources: ``[[spam:KIND]]...[[/spam]]`` is gold, ``{{...}}`` a legitimate paragraph's text.
"""

from __future__ import annotations

import re

from ._build import Page, strip_tags

_HEAD = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
    '<link rel="canonical" href="{url}"><style>.print-only{{display:none}} .vh{{position:absolute;'
    "clip:rect(0 0 0 0);width:1px;height:1px;overflow:hidden}}</style>"
    "<script>window.dataLayer=[{{'page':'article','src':'https://cdn.tagmanager.example/x.js'}}];</script>"
    "</head><body>"
    '<nav class="top"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
)
_FOOT = '<footer><p>&copy; 2026 {site}. <a href="/contact">Contact</a></p></footer></body></html>'

PAGES: tuple[tuple[str, str, str, str], ...] = (
    (
        "hw-scam-report",
        "en",
        "https://www.northgate-courier.com/news/scam-warning",
        """<article><h1>{{Police warn of fake parcel texts}}</h1><div class="article-body">
<p>{{Police in Northgate have warned residents about text messages that claim a parcel is waiting and ask for
a small redelivery fee.}}</p>
<p>{{The messages link to addresses such as hxxps://parcel-fee[.]top/pay, which officers said should never
be opened.}}</p>
<p>{{A spokesperson for <a href="https://www.northgatebank.co.uk/security">the local bank</a> said customers
who entered card details should call the number on the back of their card.}}</p>
<p>{{Reports can be made through <a href="https://www.actionfraud.police.uk/">the national fraud
line</a>.}}</p>
</div></article>
<section id="comments"><div class="comment"><p>{{Got one of these yesterday, deleted it straight
away.}}</p></div>
<div class="comment"><p>{{My mother nearly paid. Please share this with older relatives.}}</p></div>
</section>""",
    ),
    (
        "hw-affiliate",
        "en",
        "https://www.homeandtable.co.uk/reviews/kettles",
        """<main><h1>{{The best kettles we tested this year}}</h1>
<p class="disclosure">We may earn a commission when you buy through links on this page.</p>
<div class="entry-content">
<p>{{Our favourite is the Brightline K2, which boiled a litre in under three minutes and stayed quiet.}}
<a href="https://www.amazon.co.uk/dp/B0EXAMPLE1?tag=homeandtable-21" rel="sponsored nofollow">{{Buy it at
Amazon for 29 pounds}}</a></p>
<p>{{The budget pick, the Hearth 1.7, is louder but costs half as much.}} <a
href="https://www.argos.co.uk/product/1234567" rel="sponsored">{{See it at Argos}}</a></p>
<p>{{We tested each kettle for a fortnight in a shared office kitchen.}}</p></div></main>""",
    ),
    (
        "hw-sources-panel",
        "en",
        "https://www.valleyherald.org/health/flu-season",
        """<article><h1>{{Flu season starts early this year}}</h1><div class="story-content">
<p>{{Doctors in the valley say the flu season has started three weeks earlier than usual.}}</p>
<p>{{Vaccination clinics open on Saturday at the health centre and in two pharmacies.}}</p>
<button aria-expanded="false" aria-controls="src">Sources</button>
<div id="src" class="accordion-panel" hidden><ul>
<li><a href="https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)">WHO fact sheet</a></li>
<li><a href="https://www.ecdc.europa.eu/en/seasonal-influenza">ECDC surveillance</a></li>
<li><a href="https://www.nhs.uk/conditions/flu/">NHS advice</a></li>
<li><a href="https://www.cdc.gov/flu/index.html">CDC overview</a></li></ul></div>
<div class="print-only">Printed from valleyherald.org</div>
<p>{{The health board said people over 65 should book an appointment soon.}}</p></div></article>""",
    ),
    (
        "hw-gambling-rules",
        "en",
        "https://www.thecapitalledger.com/business/gambling-rules",
        """<article><h1>{{New limits for online gambling adverts}}</h1><div itemprop="articleBody">
<p>{{The regulator published new <a href="https://www.gamblingcommission.gov.uk/news/online-casino-rules">
online casino rules</a> on Monday, limiting bonus offers to new customers.}}</p>
<p>{{Debt charities welcomed the change and pointed to the rise in <a
href="https://www.fca.org.uk/consumers/payday-loans">payday loans</a> taken out to cover betting losses.}}</p>
<p>{{Operators have six months to change their websites and apps.}}</p></div></article>""",
    ),
    (
        "hw-live-blog",
        "en",
        "https://www.riverside-gazette.com/live/storm",
        """<div class="live-blog"><h1>{{Storm live: roads closed across the county}}</h1>
<div class="live-post"><time>09:12</time><p>{{The A40 is closed in both directions near Penholt.}}</p></div>
<div class="live-post"><time>09:40</time><blockquote class="twitter-tweet"><p>{{Please avoid travelling
unless necessary. Updates to follow.}}</p>&mdash; County Police (@countypolice) <a
href="https://twitter.com/countypolice/status/1864512345678901234">November 30, 2026</a></blockquote></div>
<div class="live-post"><time>10:05</time><p>{{Schools in the north of the county will close at noon, the
council said on <a href="https://x.com/countycouncil">its X account</a>.}}</p></div>
<div class="live-post"><time>10:30</time><p>{{Power has been restored to about 2,000 homes.}}</p></div>
</div>""",
    ),
    (
        "hw-disqus-clean",
        "en",
        "https://www.eastfield-post.net/opinion/parking",
        """<article><h1>{{Why the new parking charges are a mistake}}</h1><div class="post-content">
<p>{{The council's plan to charge for parking on the high street will push shoppers to the retail park.}}</p>
<p>{{Other towns that tried it reversed the charges within a year.}}</p></div></article>
<div id="disqus_thread"><div class="post"><span class="author">mike_r</span><p>{{Agree. The figures from
<a href="https://www.eastfield.gov.uk/parking-review">the council's own review</a> say the same.}}</p></div>
<div class="post"><span class="author">Sue</span>
<p>{{I disagree, the high street needs fewer cars.}}</p></div>
</div>""",
    ),
    (
        "hw-hidden-span",
        "en",
        "https://www.northgate-courier.com/news/library",
        """<article><h1>{{Library extends its opening hours}}</h1><div class="article-body">
<p>{{The central library will open until eight in the evening from next month.}} [[spam:hidden]]<span
style="display: none !important"><a href="https://cheap-meds-direct.top/cialis">cialis online</a> <a
href="https://mega-spins-casino.xyz/">casino online</a></span>[[/spam]]</p>
<p>{{The change follows a survey in which most users asked for later hours.}}</p>
<p>{{Volunteers will run a homework club on weekday evenings.}}</p></div></article>""",
    ),
    (
        "hw-noscript",
        "en",
        "https://www.valleyherald.org/news/market",
        """<article><h1>{{Farmers' market moves to the square}}</h1><div class="story-content">
<p>{{The weekly farmers' market will move to the town square from April.}}</p>
<p>{{Stallholders said the new site has more space and better parking.}}</p></div></article>
[[spam:hidden]]<noscript><a href="https://slot-gacor-maxwin.site/">slot gacor</a> <a
href="https://sure-bet-tips.bet/">betting tips</a> <a href="https://pharma-discount-rx.icu/">pharmacy</a></noscript>[[/spam]]""",
    ),
    (
        "hw-disqus-spam",
        "en",
        "https://www.eastfield-post.net/news/pool",
        """<article><h1>{{Swimming pool to reopen after repairs}}</h1><div class="post-content">
<p>{{The leisure centre pool reopens on Monday after a three-month repair of its roof.}}</p>
<p>{{Swimming lessons resume the same week.}}</p></div></article>
<div id="disqus_thread"><div class="post"><span class="author">Dan</span>
<p>{{Great news for the kids.}}</p></div>
[[spam:comment]]<div class="post"><span class="author">Earn Fast</span><p>I earn 300 dollars a day from home,
read how at <a href="https://work-online-easy.top/join" rel="nofollow">my page</a></p></div>[[/spam]]
</div>""",
    ),
    (
        "hw-glued-sentence",
        "en",
        "https://www.thecapitalledger.com/news/tram",
        """<article><h1>{{Tram line extension approved}}</h1><div itemprop="articleBody">
<p>{{The tram line will be extended by four stops to the hospital, the city said on Wednesday.}}</p>
<p>{{Construction starts next year and should take two years.}} [[spam:glued]]Earn 500 dollars a day from
home, join now at www.quick-cash-daily.top/join[[/spam]]</p>
<p>{{The extension is paid for by a national transport grant.}}</p></div></article>""",
    ),
    (
        "hw-native-ad",
        "en",
        "https://www.riverside-gazette.com/business/jobs",
        """<article><h1>{{Factory to add 200 jobs}}</h1><div class="article-body">
<p>{{The packaging factory on the ring road will hire 200 workers over the next year.}}</p>
[[spam:ad]]<div class="native-ad"><span class="label">Paid Partner Content</span><a
href="https://insure-savings-now.site/quote?utm_source=native">Drivers are switching to this new
insurance</a></div>[[/spam]]
<p>{{The company said it chose the town because of the new rail freight terminal.}}</p></div></article>""",
    ),
    (
        "hw-stuffing",
        "en",
        "https://www.harbourtimes.org/news/ferry",
        """<article><h1>{{Ferry timetable changes for winter}}</h1><div class="story-content">
<p>{{The island ferry will run four times a day instead of six from November.}}</p>
[[spam:hidden]]<div style="font-size:0">cheap viagra cialis levitra pharmacy online casino poker payday loans
replica watches</div>[[/spam]]
<p>{{The operator said the change reflects lower passenger numbers in winter.}}</p></div></article>""",
    ),
    (
        "hw-mismatch",
        "en",
        "https://www.alderbrook-echo.co.uk/news/tax",
        """<article><h1>{{Council tax bills to rise by three percent}}</h1><div class="article-body">
<p>{{Council tax will rise by three percent from April, the council confirmed.}}</p>
[[spam:mismatch]]<p>Claim your overpaid tax back: read the official guidance at <a
href="https://gov-uk-refund-claim.top/login">www.gov.uk/tax-refund</a></p>[[/spam]]
<p>{{Pensioners on low incomes can apply for a discount.}}</p></div></article>""",
    ),
    (
        "hw-partner-links",
        "en",
        "https://www.harbourtimes.org/sport/regatta",
        """<article><h1>{{Regatta draws record entries}}</h1><div class="story-content">
<p>{{A record 140 boats entered this year's harbour regatta.}}</p>
<p>{{The race was won by a crew from the sailing club for the third year running.}}</p></div></article>
<aside>[[spam:ad]]<ul class="partner-links"><li><a href="https://card-offers-compare.top/best"
rel="sponsored">Best credit cards</a></li><li><a href="https://solar-grant-check.click/area"
rel="sponsored">Free solar panels</a></li><li><a href="https://hear-clear-device.shop/offer"
rel="sponsored">New hearing device</a></li></ul>[[/spam]]</aside>""",
    ),
    (
        "hw-hidden-anchors",
        "en",
        "https://www.valleyherald.org/news/bridge",
        """<article><h1>{{Footbridge reopens after inspection}}</h1><div class="story-content">
<p>{{The footbridge over the railway reopened on Friday after engineers declared it safe.}}</p>
<p>{{It had been closed for a week after a lorry struck one of its supports.}}</p></div></article>
<div class="links">[[spam:hidden]]<a style="display:none" href="https://luxury-replica-store.shop/">replica
watches</a>[[/spam]] [[spam:hidden]]<a style="display:none" href="https://top-essay-writers.online/">essay
writing</a>[[/spam]]</div>""",
    ),
    (
        "hw-german",
        "de",
        "https://www.stadtanzeiger-beispiel.de/lokales/radweg",
        """<article><h1>{{Neuer Radweg entlang des Flusses eröffnet}}</h1><div class="article-content">
<p>{{Der neue Radweg zwischen dem Bahnhof und dem Hafen wurde am Samstag eröffnet.}}</p>
<p>{{Die Stadt hat dafür rund zwei Millionen Euro ausgegeben.}}</p>
[[spam:visible-line]]<p>Verdienen Sie jeden Tag 500 Euro von zu Hause aus, jetzt anmelden unter
www.schnell-geld-heute.top/start</p>[[/spam]]
<p>{{Im Frühjahr soll ein zweiter Abschnitt bis zum Stadion folgen.}}</p></div></article>""",
    ),
)

_MARK = re.compile(r"\[\[spam:([a-z-]+)\]\]|\[\[/spam\]\]|\{\{|\}\}")


def _page(name: str, lang: str, url: str, body: str) -> Page:
    site = url.split("/")[2].removeprefix("www.")
    source = _HEAD.format(lang=lang, title=name, url=url) + body + _FOOT.format(site=site)
    out: list[str] = []
    pos = 0
    length = 0
    gold: list[tuple[int, int, str]] = []
    legit: list[str] = []
    open_gold: tuple[int, str] | None = None
    open_legit = -1
    for m in _MARK.finditer(source):
        out.append(source[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        token = m.group(0)
        if m.group(1):
            open_gold = (length, m.group(1))
        elif token == "[[/spam]]" and open_gold is not None:
            gold.append((open_gold[0], length, open_gold[1]))
            open_gold = None
        elif token == "{{":
            open_legit = length
        elif token == "}}" and open_legit >= 0:
            text = strip_tags("".join(out)[open_legit:length])
            if text:
                legit.append(text)
            open_legit = -1
    out.append(source[pos:])
    return Page(name, "".join(out), url, tuple(gold), tuple(legit), "handwritten")


def handwritten_pages() -> list[Page]:
    """The hand-written pages, in a stable order."""
    return [_page(*spec) for spec in PAGES]
