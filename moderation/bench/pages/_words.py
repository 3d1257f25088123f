"""Hand-written text for the test page set: article sentences, legitimate comments and links, and the
spam that hacked sites, link sellers and ad networks inject. All of it is written for this project (fictional
towns, people and companies); none of it comes from the data pack."""

from __future__ import annotations

# topic -> (headline, sentences); {n} {m} are filled with numbers, {who} with a name
ARTICLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bridge": (
        "Alderbrook council approves repairs to the old river bridge",
        (
            "The council voted {n} to {m} on Tuesday night to fund repairs to the Mill Street bridge.",
            "Engineers found corrosion in two of the steel supports during an inspection in the spring.",
            "The bridge carries about {n},000 vehicles a day between the market square and the rail station.",
            "Work is expected to start in March and to last roughly {m} months.",
            "During the works, buses will be diverted along Quarry Lane, adding a few minutes to each trip.",
            "{who}, who chairs the transport committee, said the repairs could not wait another winter.",
            "Shop owners on Mill Street asked for signs that make clear the businesses remain open.",
            "The cost, estimated at {n} million, will be split between the town and the regional fund.",
        ),
    ),
    "school": (
        "New primary school in Eastfield to open its doors in September",
        (
            "The school will take {n} pupils in its first year and grow to {m}0 places by the end of the "
            "decade.",
            "Parents toured the building on Saturday, and many praised the large library on the ground "
            "floor.",
            "{who}, the head teacher, said the timetable would include two hours of outdoor learning each "
            "week.",
            "The site was a car park until the district bought it in a land swap {m} years ago.",
            "A footpath from the housing estate to the school gates is still waiting for lighting.",
            "The district expects the school to ease pressure on the two older schools in the town centre.",
            "Applications for places close at the end of next month, the education office said.",
        ),
    ),
    "weather": (
        "Storm brings flooding to low-lying streets near the harbour",
        (
            "Heavy rain overnight left water up to {n} centimetres deep on Harbour Road by early morning.",
            "Fire crews pumped out {m} basements and helped residents move cars to higher ground.",
            "The weather service had issued an amber warning on Sunday afternoon.",
            "{who}, who runs a bakery near the quay, said it was the third flood in her shop this year.",
            "Rail services to the coast were suspended for several hours after a landslip near Penholt.",
            "The council has opened the sports hall on Clifton Avenue for anyone who cannot stay at home.",
            "Forecasters expect drier weather from Wednesday, with strong winds easing by the weekend.",
        ),
    ),
    "museum": (
        "Town museum reopens after two-year renovation",
        (
            "The museum on Castle Hill reopened on Friday with a new wing devoted to the town's textile "
            "mills.",
            "Visitors can now see a working loom that was restored by volunteers over {n} months.",
            "{who}, the curator, said the collection had outgrown the old building long ago.",
            "Entry remains free for residents, while visitors pay a small fee at the door.",
            "The renovation was paid for by a heritage grant and a local appeal that raised {m}0,000.",
            "A café and a reading room for researchers will open in the spring.",
            "Schools can book guided visits through the museum's education team.",
        ),
    ),
    "football": (
        "Alderbrook Rovers reach the county cup final",
        (
            "Rovers beat Hallam Town {n}-{m} in a tense semi-final in front of a sell-out crowd.",
            "The winning goal came in the last minute, a header from a corner by the captain.",
            "{who}, the manager, praised the defence for holding firm through a long second half.",
            "The final will be played at the county ground on the first Saturday of May.",
            "Tickets for season-ticket holders go on sale on Monday, and the rest a week later.",
            "It is the club's first final since it was promoted from the regional league.",
            "Supporters gathered outside the ground after the match to applaud the players off the bus.",
        ),
    ),
    "budget": (
        "Regional budget puts more money into buses and rural clinics",
        (
            "The regional assembly approved a budget of {n} billion for the coming year on Thursday.",
            "Spending on bus services rises by {m} percent, with new routes for villages in the hills.",
            "Two rural clinics that were due to close will stay open under the plan.",
            "{who}, the finance minister, said the budget was balanced without raising the income tax rate.",
            "Opposition members said the plan relied on optimistic forecasts of tourism revenue.",
            "The budget also sets aside funds for repairing roads damaged in last winter's storms.",
            "The assembly's audit office will publish a review of the figures in the autumn.",
        ),
    ),
}

NAMES = (
    "Maria Okafor",
    "Tomas Lindqvist",
    "Priya Raman",
    "Gareth Evans",
    "Helen Achterberg",
    "Samuel Kwame",
    "Ines Carvalho",
    "Dmitri Sokol",
)

# legitimate inline links (text, href) that news articles carry; {own} is the site's own domain
LEGIT_INLINE_LINKS = (
    ("the council's budget papers", "https://www.alderbrook.gov.uk/council/budget-2027.pdf"),
    ("an earlier report", "https://www.{own}/news/local/2026/11/12/bridge-inspection-findings"),
    ("the weather service", "https://www.metoffice.gov.uk/weather/warnings-and-advice"),
    ("the regional assembly", "https://www.assembly.wales/en/bus/budget"),
    ("a statement on its website", "https://www.hallamtown.co.uk/news/statement"),
    ("Reuters reported", "https://www.reuters.com/world/uk/regional-spending-plans-2026-11-30/"),
    ("the BBC", "https://www.bbc.co.uk/news/uk-england-12345678"),
    ("on X", "https://x.com/alderbrookcouncil/status/1864500012345678901"),
    ("the museum's collection pages", "https://www.castlehillmuseum.org.uk/collections/textiles"),
    ("the Wikipedia article on the mills", "https://en.wikipedia.org/wiki/Textile_mill"),
    ("published figures", "https://www.ons.gov.uk/economy/regionalaccounts"),
)

# legitimate reader comments (author, text, optional (anchor, href) in the comment)
LEGIT_COMMENTS = (
    ("jen_from_eastfield", "About time. My kids have been on the waiting list for two years.", None),
    (
        "R. Patel",
        "Does anyone know whether the number 7 bus will still stop at the station during the works?",
        None,
    ),
    (
        "oldmillhand",
        "The council published the inspection report, it's worth reading before you complain:",
        ("alderbrook.gov.uk inspection report", "https://www.alderbrook.gov.uk/reports/bridge-inspection"),
    ),
    ("Karen W", "Great result for Rovers, what a header in the last minute!", None),
    (
        "Tom B.",
        "I went to the reopening on Friday. The loom demonstration was brilliant, go if you can.",
        None,
    ),
    (
        "harbour_resident",
        "For anyone affected, the flood advice line is on the council site:",
        ("council flood advice", "https://www.alderbrook.gov.uk/flooding/advice"),
    ),
    ("anon", "Balanced without raising taxes? Let's see what the audit office says in the autumn.", None),
)

# spam the way it is injected. Domains are made up (several on abused TLDs).
SPAM_LINK_ANCHORS = (
    ("buy cialis online without prescription", "https://cheap-meds-direct.top/cialis"),
    ("best online casino bonus", "https://mega-spins-casino.xyz/bonus?ref=4471"),
    ("payday loans same day", "https://fastcash-loans-now.click/apply"),
    ("replica watches", "https://luxury-replica-store.shop/rolex-submariner"),
    ("essay writing service", "https://top-essay-writers.online/order"),
    ("slot gacor hari ini", "https://slot-gacor-maxwin.site/daftar"),
    ("cheap viagra pills", "https://pharma-discount-rx.icu/viagra"),
    ("bitcoin doubler", "https://btc-double-instant.live/invest"),
    ("escort service", "https://vip-escort-city.fun/booking"),
    ("sports betting tips", "https://sure-bet-tips.bet/vip"),
    ("weight loss gummies", "https://keto-slim-gummies.store/offer"),
    ("buy instagram followers", "https://insta-followers-cheap.top/buy"),
)

# visible call-to-action lines injected into article bodies (plain text with a written-out link)
SPAM_LINES = (
    "Earn up to $450 a day working from home, no experience needed, sign up at www.home-income-pro.top/start",
    "Claim your free spins today! Visit https://lucky-reels-777.xyz/claim and double your first deposit.",
    "Need cash fast? Get approved in 5 minutes at quick-loan-approval.click, no credit checks.",
    "URGENT: your parcel is on hold, confirm your address at https://parcel-redelivery-fee.info/track now",
    "I made $9,000 last month trading crypto with this bot, DM me on WhatsApp +44 7700 900123 to join.",
    "Get 10,000 real followers in 24 hours, cheapest prices at https://boost-my-follows.shop/plans",
)

# comment spam (author, text, anchor, href)
SPAM_COMMENTS = (
    (
        "Jessica Miller",
        "Great article! My aunt makes $85 an hour online from her laptop. Check out",
        "this site",
        "https://work-online-easy.top/join?id=884",
    ),
    (
        "casino review",
        "Thanks for sharing, very informative. Also see my page about",
        "best online casino bonus",
        "https://mega-spins-casino.xyz/bonus?ref=4471",
    ),
    (
        "Support Team",
        "Your account needs verification. Log in at",
        "www.paypal.com/account",
        "https://paypal-account-verify.top/login",
    ),
    (
        "Mark",
        "nice post. visit",
        "cheap replica watches",
        "https://luxury-replica-store.shop/rolex-submariner",
    ),
)

# chumbox headlines (sponsored rows of ad networks), with their landing domains
CHUM_ITEMS = (
    (
        "Doctors stunned: this one kitchen trick melts belly fat overnight",
        "https://healthy-tips-daily.info/trick",
    ),
    ("Homeowners in your area are getting solar panels for free", "https://solar-grant-check.click/area"),
    (
        "The 25 most beautiful actresses of the 90s, number 7 will surprise you",
        "https://celeb-gallery-now.top/90s",
    ),
    ("New rule lets drivers over 50 cut their insurance in half", "https://insure-savings-now.site/quote"),
    ("Seniors are ditching their hearing aids for this new device", "https://hear-clear-device.shop/offer"),
    ("This game will keep you up all night. No install needed", "https://play-empire-free.online/start"),
    ("Forget expensive gutter cleaning, do this instead", "https://home-hacks-weekly.info/gutters"),
    ("Why this credit card is quietly the best of the year", "https://card-offers-compare.top/best"),
)

# legitimate widgets' links: same-site related headlines, tags, social and share links
RELATED_HEADLINES = (
    "Ten years of the Eastfield farmers' market",
    "Council publishes plan for new cycle lanes",
    "Harbour festival returns with a bigger stage",
    "Library extends opening hours over winter",
    "Rovers sign young striker from Hallam",
    "Rail company apologises for weekend delays",
    "Castle Hill path closed for repairs",
    "Residents object to quarry expansion",
)

SOCIAL = (
    ("Facebook", "https://www.facebook.com/{brand}"),
    ("X", "https://x.com/{brand}"),
    ("Instagram", "https://www.instagram.com/{brand}/"),
    ("YouTube", "https://www.youtube.com/@{brand}"),
)
