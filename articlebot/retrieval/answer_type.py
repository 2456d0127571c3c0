"""What kind of answer a question wants, and whether a sentence has one: a cheap signal that
an article talks about the subject but does not give the asked fact."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from articlebot.index.word_forms import finite_verb, only_a_verb, other_forms, past_participle
from articlebot.retrieval.names import (
    CALENDAR,
    CAPITALS,
    NOT_NAMES,
    TITLES,
    mentions_surname,
    same_given_name,
)
from articlebot.retrieval.spelling import chat_words, plain_letters

#: "what would the second phase cost", "what did it cost them": an amount of money.
_WHAT_COST = (
    r"^\s*what\s+(?:will|would|does|did|do|could|might|is\s+it\s+going\s+to)\b.*\bcost"
    # Not "what did the defeat cost Whitley" (his job): the amount ends the question.
    r"(?:\s+(?:them|us|you|in\s+total|altogether|to\s+(?:build|make|run|fix|repair|buy)))?\s*\??\s*$"
)
_NUMBER_QUESTION = re.compile(
    r"^\s*(?:(?:by\s+)?how\s+(?:many|much|old|long|far|big|large|high|tall|heavy|deep|often|fast|strong|hot|"
    r"cold|warm|wide|low|steep|thick|expensive|costly)|"
    r"what\s+(?:percentage|percent|share|number|proportion|age|year|amount)|"
    r"in\s+what\s+year|which\s+year)\b|" + _WHAT_COST,
    re.IGNORECASE,
)
_WHEN_QUESTION = re.compile(r"^\s*(?:when|what\s+time|what\s+date|since\s+when)\b", re.I)
#: Amounts asked for by name ("what is the price of steel", "whats the fine", "what was the
#: turnout"): a number answers, and for money one in a currency (not "pay", often a share:
#: "a 9 percent pay raise"; not "settlement" nor "bill", a town and a law as often).
_MONEY_NOUNS = (
    r"price|prices|cost|costs|fine|fines|budget|salary|wage|wages|fee|fees|fare|fares|rent|"
    r"ransom|bail|bid|valuation|revenue|revenues|profit|profits|deficit|debt|bonus|payout|"
    r"compensation|prize|reward|pension|price\s+tag"
)
_AMOUNT_NOUNS = (
    r"toll|turnout|rate|attendance|capacity|speed|distance|length|height|weight|temperature|"
    r"margin|majority|total|tally"
)
_AMOUNT_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?what(?:s|'s|’s|\s+is|\s+was|\s+are|\s+were|\s+will\s+be)\s+"
    r"(?:the|its|their|his|her|this|that)\s+(?:[\w-]+\s+){0,2}?"
    rf"(?P<noun>{_MONEY_NOUNS}|{_AMOUNT_NOUNS})\b(?!\s+(?:of\s+)?(?:the\s+)?reason)",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|third|quarter|fifth|"
    r"single|double|once|twice"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
#: "what was the score", "final score?": a match's score is the answer.
_SCORE_QUESTION = re.compile(
    r"^\s*(?:what(?:s|'s|’s|\s+is|\s+was|\s+were)\s+(?:the\s+|their\s+|its\s+)?"
    r"(?:final\s+|match\s+|full[\s-]time\s+|half[\s-]time\s+)?(?:score|scoreline)\b"
    r"|(?:final\s+)?score(?:line)?\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
#: The score asked for alone: "what was the score", "final score?", "whats the score in the
#: end" (not "the score when perera came in", which asks about a moment of the match).
_BARE_SCORE_QUESTION = re.compile(
    r"^\s*(?:(?:so\s+|and\s+|ok\s+)?what(?:s|'s|’s|\s+is|\s+was|\s+were)\s+(?:the\s+)?)?"
    r"(?:final\s+|match\s+|full[\s-]time\s+)?score(?:line)?"
    r"(?:\s+in\s+the\s+end|\s+of\s+the\s+(?:match|game|final|tie))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: A score as reports write it: "3-1", "98–95", cricket's "412 for five".
_SCORE = re.compile(
    r"(?<![\d,.])\d{1,3}\s*[-–]\s*\d{1,3}(?![\d,]|\.\d)"
    r"|\b\d{1,3}\s+for\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
#: A time as news gives one: a year or decade, a date, a time of day, an ordinal ("the 80th
#: minute"), a named day or month, or a time relative to another; not any number ("51,000 of
#: the bikes were sold" says nothing of when).
_TIME = re.compile(
    r"\b(?:1\d{3}|20\d\d)s?\b|\b\d{1,3}(?:st|nd|rd|th)\b|\b\d{1,2}:\d\d\b"
    r"|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    r"|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b"
    rf"|\b(?:{_MONTHS}|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tomorrow|tonight|morning|evening|night|week|month|year|spring|summer|autumn|fall|winter|"
    r"ago|since|until|after|before|earlier|later|last|next|now)\b",
    re.IGNORECASE,
)

#: A comparison with the one before: "the first at the plant since 1998, when workers stayed
#: out", "its biggest loss since March 2020", "the largest in the county since the Canyon
#: Creek Fire of 2018, which burned about 45,000 acres".
_SINCE_ONE_BEFORE = re.compile(
    r"\b(?:first|biggest|largest|worst|highest|lowest|most|fewest|best|longest|heaviest|"
    r"deadliest|strongest|busiest)\b[^.;]{0,60}?\bsince\s+"
    r"(?:the\s+(?:[\w’'-]+\s+){0,5}?(?:of|in)\s+)?(?:(?:early|late|mid-?)\s*)?"
    rf"(?:(?:{_MONTHS})\s+)?(?:1\d{{3}}|20\d\d)\b"
    r"(?:,?\s+(?:when|which|that|who)\b[^.;]*)?",
    re.IGNORECASE,
)
#: A "when" or a "how many" that asks of the one before or of how long ("when was the last
#: strike", "since when"), which such a comparison answers.
_PAST_ASKED_WHEN = re.compile(
    r"\b(?:last|previous|prior|before|since|ever|first|record|earlier)\b", re.IGNORECASE
)


def _without_one_before(question: str, sentence: str) -> str:
    """`sentence` without its comparisons with the one before (`_SINCE_ONE_BEFORE`), unless the
    question asks of the past or names what a comparison names ("the canyon creek fire")."""
    if _PAST_ASKED_WHEN.search(question):
        return sentence
    asked = {w.casefold() for w in _WORD.findall(question)}
    # A name's words: capitalised, and not a word the sentence writes in lower case too
    # ("Fire" of "the Canyon Creek Fire" is this story's fire as well).
    common = {w for w in _WORD.findall(sentence) if w[:1].islower()}

    def unless_asked(found: re.Match[str]) -> str:
        names = {
            w.casefold()
            for w in _WORD.findall(found.group())
            if w[:1].isupper() and w.casefold() not in common
        }
        return found.group() if names & asked else " "

    return _SINCE_ONE_BEFORE.sub(unless_asked, sentence)


#: "When will it reopen?" is answered by what is to come ("expected to begin in September"),
#: not by when something happened ("closed on Tuesday").
_FUTURE_QUESTION = re.compile(
    r"^\s*when(?:s|'s|’s)?\s+(?:will|would|can|could|is\s+the\s+next|is\s+.+\b(?:due|expected|"
    r"scheduled|set|going|supposed)\s+to|are\s+.+\b(?:due|expected|scheduled|set|going|supposed)"
    r"\s+to|(?:\S+\s+){0,3}?(?:due|expected|scheduled|going|supposed)\s+to|the\s+next|"
    # "when are the next strikes", "when's his next court date"
    r"(?:(?:is|are)\s+)?(?:the|his|her|their|its)\s+next|"
    # "when does the ban start", "when does that kick in": what is set to begin
    r"(?:do|does)\s+(?:\S+\s+){0,4}?(?:start|begin|kick\s+in|take\s+effect|come\s+in))\b",
    re.IGNORECASE,
)
#: What is to come, as news writes it; a schedule in the present too ("the motion returns to
#: council on March 18", "the trial resumes on Monday", "the bill is to be debated").
_FUTURE = re.compile(
    r"\b(?:will|would|shall|expected|expects?|scheduled|due|plans?|planned|set\s+to|going\s+to|"
    # "from April 1", "from next month"; not "to ban cars from the old town"
    r"next|from\s+(?:next|tomorrow|mid|early|late|the\s+(?:start|end|beginning)|\d|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)|"
    r"until|later\s+this|coming|upcoming|pencilled|aims?|intends?|hopes?|soon|"
    r"tomorrow|tonight|returns|resumes|reconvenes|reopens|begins|starts|opens|kicks\s+(?:off|in)|"
    # "may" in lower case: "in May" is the month, as often past as to come
    r"could|(?-i:may)|might|takes\s+effect|comes\s+into|(?:is|are)\s+to)\b|’ll\b|'ll\b",
    re.IGNORECASE,
)
#: "How long" asks for a time or a length: "a 72-hour strike", "nearly six years", "the
#: 9.8-kilometre line", or an end or start ("until at least Wednesday", "since 2019"); not
#: the strike's cost in euros.
_HOW_LONG = re.compile(r"^\s*how\s+long\b", re.IGNORECASE)
#: Units of time and of length, as measures name them.
_TIME_UNITS = (
    "seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|decades?|"
    "centuries|century"
)
_LENGTH_UNITS = (
    "km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|ft|inch(?:es)?|cm|mm|"
    "millimet(?:er|re)s?|centimet(?:er|re)s?"
)
_DURATION = re.compile(
    rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|several|few|many)|\b(?:for|within|than|lasting|lasted|took|"
    r"takes|spent)\s+(?:about\s+|almost\s+|nearly\s+)?(?:a|an))(?:\s*(?:million|thousand))?"
    rf"(?:-|\s+)(?:and\s+a\s+half\s+)?(?:{_TIME_UNITS}|fortnights?|seasons?|terms?|"
    rf"{_LENGTH_UNITS}|yards?)(?!\w)"
    r"|\b(?:until|till|through|since|overnight|half\s+an\s+hour)\b|\b\d{1,2}:\d\d\b",
    re.IGNORECASE,
)
#: "What time did it start" asks for a time of day ("at 11:40 p.m."), which news gives as a
#: clock does or by its name: "what time" and a verb, not "what time frame (does it cover)".
_CLOCK_QUESTION = re.compile(
    r"^\s*what\s+time\s+(?:is|was|are|were|do|does|did|will|would|can|could|should|has|have|"
    r"had)\b|^\s*what\s+time(?:s|'s|’s)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o[’']clock\b)"
    r"|\b(?:noon|midday|midnight|dawn|dusk|daybreak|sunrise|sunset|local\s+time|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+o[’']clock)\b",
    re.IGNORECASE,
)
#: Someone's age asked with the noun: "age of okafor", "what is the age of the coach", "whats
#: her age", "okafor's age" (not "age limit", "the stone age", "what age group").
_AGE_NOUN = re.compile(
    r"^\s*(?:(?:what(?:s|'s|’s)?|and)\s+(?:(?:is|was)\s+)?)?(?:"
    r"(?:the\s+)?age\s+of\s+(?P<of>[^?.!]+?)"
    r"|(?P<possessive>his|her|their)\s+age"
    r"|(?P<owner>(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)(?:'s|’s|'|’)\s+age"
    r")\s*(?:now\s*)?[?.!]*\s*$",
    re.IGNORECASE,
)
_PRONOUN_OF = {"his": "he", "her": "she", "their": "they"}
_AGE_QUESTION = re.compile(r"^\s*(?:how\s+old|what\s+age|at\s+what\s+age)\b", re.IGNORECASE)
#: An age question about a bare name of up to four words: "how old is putin", "how old is
#: Siobhán Ó Briain"; not "how old is the mayor", "he" nor "O'Sullivan's husband" (his, not hers).
_AGE_SUBJECT = re.compile(
    r"^\s*(?:how\s+old|what\s+age)\s+(?:is|was)\s+(?!(?:the|a|an|his|her|their|its|he|she|it|"
    r"they|this|that|mr|mrs|ms|dr)\b)(?![^?.!]*['’]s\s)(?P<who>[\w’'-]+(?:\s+[\w’'-]+){0,3})"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: An age in words, as a sentence's start writes it: "Nineteen-year-old Swede Elin Lindqvist".
_AGE_WORDS = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|"
    r"six|seven|eight|nine))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine|ten"
)
#: A person's age as news gives it: "Vinatier, 49, who", "a 34-year-old man", "aged 70",
#: "in her 50s"; or a thing's (`thing`), "for 140 years", "built in 1968", "a 10th-century
#: statue", "dating back to 1450" (not "a deal over three years"). `owner` is the name an
#: appositive age follows (capitalised, whatever the case of the rest).
_AGE = re.compile(
    rf"\b(?P<owner>(?-i:[{CAPITALS}])[\w’'-]+)(?:,\s+(?:aged\s+)?|\s+\()\d{{1,3}}\s*"
    r"(?:[,;)—–]|\.(?!\d)|\band\b|\bwho\b|$)"
    rf"|\b(?:\d{{1,3}}|{_AGE_WORDS})-year-old\b|\baged\s+\d{{1,3}}\b|\b\d{{1,3}}\s+years?\s+old\b|\bborn\s+in\s+\d{{4}}\b"
    r"|\bat\s+the\s+age\s+of\s+\d{1,3}\b|\bwho\s+(?:is|was|turns|turned)\s+\d{1,3}\b"
    r"|\bin\s+(?:his|her|their)\s+(?:early\s+|mid-?\s*|late\s+)?\d0s\b"
    rf"|(?P<thing>\bfor\s+(?:(?:more\s+than|over|nearly|almost|about|some)\s+)?(?:\d[\d,.]*|{_NUMBER_WORDS})\s+"
    r"(?:years|decades|centuries)\b"
    rf"|(?<![\w,.])(?:\d[\d,.]*|{_NUMBER_WORDS})\s+(?:years|decades|centuries)\s+ago\b"
    r"|\b(?:built|founded|opened|established|launched|created|formed|made)\s+in\s+\d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)[\s-]+(?:and\s+\d{1,2}(?:st|nd|rd|th)[\s-]+)?centur(?:y|ies)\b"
    r"|\bdat(?:e|es|ed|ing)\s+(?:back\s+)?(?:to|from)\s+(?:the\s+|about\s+|around\s+|c\.\s*)?\d)",
    re.IGNORECASE,
)
_AGE_BEFORE_NAME = re.compile(
    rf"\b(?:\d{{1,3}}|{_AGE_WORDS})-year-old\s+"
    rf"(?P<owner>(?-i:[{CAPITALS}])[\w’'-]+(?:\s+(?-i:[{CAPITALS}])[\w’'-]+){{0,3}})",
    re.IGNORECASE,
)
#: An age, a word or two of who they are, then their name: "the 21-year-old midfielder Lena
#: Fischer" (not "a 16-year-old schoolgirl from Dundee": a place).
_AGE_BEFORE_ROLE_NAME = re.compile(
    rf"\b(?:\d{{1,3}}|{_AGE_WORDS})-year-old\s+"
    r"(?:(?!(?:from|in|at|of|on|with|who|and|or|for|to|by|near|as|was|is)\b)(?-i:[a-z])[\w-]*\s+){1,2}"
    rf"(?P<owner>(?-i:[{CAPITALS}])[\w’'-]+(?:\s+(?-i:[{CAPITALS}])[\w’'-]+){{0,3}})",
    re.IGNORECASE,
)
#: "How much" asked of money: the answer has a currency ("£14.2 million", "420 million euros").
_MONEY_QUESTION = re.compile(
    _WHAT_COST + r"|^\s*how\s+(?:expensive|costly)\b"
    r"|^\s*how\s+much\b.*\b(?:cost|costs|pay|paid|paying|earn|earns|earned|worth|price|prices|"
    r"money|ransom|compensation|spend|spent|salary|salaries|wage|wages|fee|fees|fine|fined|"
    r"ticket|tickets|payments?|prize|invest|invested|funding|grant|grants|charge|charged|fares?|"
    r"bids?|offers?|rents?|loans?|debts?|bonus|bonuses|pensions?|tolls?|subsidy|subsidies|"
    r"settlement|damages|bail|donations?|revenues?|profits?|turnover|income|earnings|"
    r"valuation|valued|cash|taxe?s?|deficit|savings|dividends?|refunds?|reward|bond|"
    r"steal|stole|stolen|embezzled?|defraud(?:ed)?|scam(?:med)?|owe|owes|owed|"
    r"borrow(?:ed)?|lend|lent|receive[sd]?|awarded|"
    # "how much did she win" is a prize; "how much did they win by", a margin.
    r"win(?:s|ning)?(?!\s+by\b)|won(?!\s+by\b))\b",
    re.IGNORECASE,
)
#: A money question about a change ("how much did fares go up") or a part ("how much of their
#: income goes on rent") is answered by a share too.
_CHANGE_QUESTION = re.compile(
    r"\b(?:rise|rises|rose|risen|rising|fall|falls|fell|fallen|falling|increase|increased|"
    r"increasing|drop|dropped|grow|grew|grown|go\s+up|went\s+up|going\s+up|go\s+down|"
    r"went\s+down|jump|jumped|climb|climbed|decline|declined|raise|raised|raising|up|down)\b",
    re.IGNORECASE,
)
#: Read of `last_question`, whose "so", "and" before it are gone.
_HOW_MUCH = re.compile(r"^\s*(?:by\s+)?how\s+(?:much|far)\b", re.IGNORECASE)
_A_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
#: When a change came about, not by how much: "for the first time in three years", "over
#: the past 12 months", "within two weeks" ("fell by three weeks" is the amount).
_TIME_SPAN = re.compile(
    r"\b(?:in|for|over|within|during|after|since)\s+(?:the\s+)?(?:(?:past|last|first|next)\s+)?"
    rf"(?:\d[\d,.]*|(?:{_NUMBER_WORDS}))\s+(?:{_TIME_UNITS})(?!\w)",
    re.IGNORECASE,
)
#: "how much of their income": a share of something.
_PART_QUESTION = re.compile(r"^\s*how\s+much\s+of\b", re.IGNORECASE)
_SHARE = re.compile(
    r"%|\bper\s?cent\b|\bpercentage\s+points?\b"
    r"|\b(?:half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths|majority)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$£€¥₹₽₴₺₩₪₦]|\b(?:dollars?|pounds?|euros?|yen|yuan|crowns?|kronor|kroner|krona|rupees?|"
    r"francs?|pesos?|reais|rand|cents?|pence|shillings?|rubles?|roubles?|hryvnias?|lira|liras|"
    r"zlotys?|złoty|złotys|zł|forints?|koruna|korunas|lei|leu|kunas?|dinars?|shekels?|rupiah|"
    r"pula|kwacha|cedis?|birr|taka|dong|baht|ringgit|dirhams?|riyals?|naira|bitcoins?|"
    r"USD|EUR|GBP|JPY|CHF|PLN|CZK|HUF|SEK|NOK|DKK|RON|UAH|RUB|INR|CNY|AUD|CAD)\b"
    r"|\b\d+(?:\.\d+)?p\b",  # pence: "34.5p a litre"
    re.IGNORECASE,
)
#: A population is a count of people: "500,000 households" does not give Ukraine's.
_POPULATION_QUESTION = re.compile(
    r"\bpopulation\s+of\b|^\s*what\S*\s+(?:is\s+|was\s+)?(?:the\s+|its\s+|their\s+)?population\b"
    r"|\bhow\s+many\s+(?:people|residents|inhabitants)\s+(?:live|are\s+there)\b",
    re.IGNORECASE,
)
_POPULATION = re.compile(
    rf"\bpopulation\b|(?<![\w,.])(?:\d[\d,.]*|(?:{_NUMBER_WORDS})\b)(?:\s+\S+){{0,3}}?\s+"
    r"(?:people|residents|inhabitants|citizens)\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"^\s*how\s+many\b", re.IGNORECASE)
_COUNT_QUESTION = re.compile(r"^\s*how\s+(?:many|much)\s+(?P<rest>.*)", re.IGNORECASE)
#: Words that end the counted thing in "how many X did / are / in ...".
_COUNT_END = frozenset(
    "a an the this that these those there here he she it they we you i his her its their "
    "did do does done are is was were be been will would can could should shall may might must "
    "have has had got get gets getting in of on at to for from with by about over under "
    "per than since during before after and or so "
    # Verbs a reader puts right after the counted thing ("how many people lost ..."); other
    # past tenses end in -ed.
    "lost went made ran took came saw left won paid gave told held kept sold bought "
    "built fled lose go make run take come see leave win pay give hold keep sell buy".split()
)
#: Verbs in the present that end the counted thing once a word of it has come ("how many crew
#: work on the ferry", "how many people live there"), though each may start one ("how many
#: work permits", "how many lives were lost").
_COUNT_VERBS = frozenset(
    "work works live lives die dies need needs remain attend attends use uses own owns study "
    "studies play plays serve serves stay stays earn earns vote votes support supports oppose "
    "opposes want wants say says think thinks believe believes face faces".split()
)
#: How far (in words) a number may stand from the counted thing: "about 1,900 permanent jobs",
#: "thousands of its archaeological objects", "cases had risen to 214".
_COUNT_REACH = 4
_WORD = re.compile(r"\w(?:[\w’'.,-]*\w)?")
#: What a number measures rather than counts: time, distance, weight, speed, area, money,
#: shares; "how many years" is still answered by years (`counted_thing` in `_UNITS`).
_UNIT_WORDS = (
    f"{_TIME_UNITS}|percent|per\\s+cent|percentage\\s+points?|points?\\s+percent|"
    f"{_LENGTH_UNITS}|kg|kilos?|kilograms?|grams?|tonnes?|tons?|"
    "mph|kph|km/h|knots?|degrees?|acres?|hectares?|litres?|liters?|gallons?|barrels?|"
    "[kmg]w|[kmgt]wh|megawatts?|gigawatts?|a\\.m\\.|p\\.m\\.|am|pm|o'clock|bn|m|"
    "dollars?|pounds?|euros?|yen|yuan|pesos?|rupees?|francs?|cedis?|rand|cents?|pence"
)
_UNITS = frozenset(
    "second minute min hour hr day night week month year decade century percent km kilometre "
    "kilometer mile metre meter feet foot ft inch cm mm millimetre millimeter centimetre "
    "centimeter kg kilo kilogram gram tonne ton mph kph knot degree acre hectare litre liter "
    "gallon barrel megawatt gigawatt dollar pound euro yen yuan peso rupee franc cedi rand cent "
    "penny pence".split()
)
#: A number with its measure after it ("52 hours", "80 mph", "31.4%", "2.5 million euros",
#: "2:05"), a year ("in 2023") or a clock time; or one that is a date's day ("March 3").
_MEASURED = re.compile(
    rf"(?:\d[\d,.]*|(?:{_NUMBER_WORDS})\b)(?:\s*(?:million|billion|thousand|bn|m)\b)?"
    rf"(?:-|\s*)(?:%|°|(?:{_UNIT_WORDS})(?!\w))"
    r"|(?:1[89]|20)\d\d\b(?![,.]\d)|\d{1,2}[:.]\d\d\b",
    re.IGNORECASE,
)
_WHOLE_NUMBER = re.compile(
    rf"(?:(?<![\w.,:])\d(?:[\d,.:]*\d)?|\b(?:{_NUMBER_WORDS})\b)"
    r"(?:\s+(?:hundred|thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(
    rf"(?:[$£€¥₹₽₴₺₩₪₦]|\b(?:US|NT|A|C|HK)\$|\b(?:{_MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|"
    r"sept|oct|nov|dec)\.?)\s*$",
    re.IGNORECASE,
)
#: A sentence is a few hundred characters; what the splitter left whole (a 20,000-letter
#: code, a table) is read no further than a long sentence's length, and in linear time.
_MAX_SENTENCE = 2000
#: Where one question ends and the next begins in "who did they sign? how old is he".
_QUESTIONS = re.compile(r"\?\s+(?=\S)")

#: "What is the name of ...", "what's the satellite called": a name is the answer.
_NAME_QUESTION = re.compile(
    r"^\s*what(?:s|'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:(?:the\s+)?names?\s+of\b|.*\bcalled\b"
    # "what's the shop's name", "what is the night guards name", "whats his dogs name".
    r"|(?:\S+\s+){0,3}?\S+(?:'s|’s)?\s+names?\s*[?.!]*\s*$)"
    # "which museum is it", "which court made the ruling": one thing's name (not a year, day
    # or way; "which crops" or "which diseases" are as often named in lowercase).
    r"|^\s*which\s+(?!(?:year|day|month|date|time|way|one|of|is|was|are|were)\b)"
    r"[\w’'-]*(?:[^\Ws]|ss|us|is)\b(?![’'])",
    re.IGNORECASE,
)
#: The thing a name question asks the name of: "tanker" in "whats the name of the tanker",
#: "ship" in "what's the ship called", "shop" in "what's the shop's name".
_NAMED_THING = re.compile(
    r"\bnames?\s+of\s+(?:(?:the|this|that|his|her|their|its|a|an)\s+)?(?:[\w’'-]+\s+){0,2}?"
    r"(?P<of>[\w’'-]+)\s*\??\s*$"
    r"|(?P<called>[\w’'-]+)\s+(?:is\s+|was\s+|are\s+|were\s+)?called\b"
    r"|(?P<own>[\w-]+)(?:'s|’s)?\s+names?\s*\??\s*$"
    r"|^\s*which\s+(?:other\s+)?(?P<which>[\w’'-]+)",
    re.IGNORECASE,
)
#: A name question about a thing alone ("whats the name of the tanker", "what's the satellite
#: called"): not "the old satellite" or "the mayor of marseille", which a first naming of a
#: satellite or of anything in Marseille does not answer.
_BARE_NAME_QUESTION = re.compile(
    r"^\s*what(?:s|'s|’s|\s+is|\s+was)\s+(?:the\s+)?(?:names?\s+of\s+(?:the|this|that|its)\s+"
    r"(?P<mod1>(?:(?!of\b)[\w-]+\s+){0,2}?)(?P<of>[\w-]+)|(?:the|this|that|its)\s+"
    r"(?P<mod2>(?:(?!of\b)[\w-]+\s+){0,2}?)(?P<called>[\w-]+)\s+"
    r"(?:(?:going\s+to|gonna|to)\s+be\s+)?(?:called|named)"
    # "whats the pandas name", "what is the ship's name".
    r"|(?:the|this|that|its)\s+(?P<mod3>(?:(?!of\b)[\w-]+\s+){0,2}?)(?P<own>[\w’'-]+)\s+name)"
    r"\s*[?.!]*\s*$"
    # "which museum is it", "which strain of bird flu is it", "which journal was it in".
    r"|^\s*which\s+(?P<which>[\w-]+)(?:\s+of\s+[\w\s-]+?)?\s+(?:is|was)\s+(?:it|this|that)"
    r"(?:\s+in)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: How news gives a thing's name: "named it Pseudoliparis lumenis", "known as Glamos".
_NAMING = re.compile(
    r"\b(?:named|called|dubbed|known\s+as|titled|entitled|branded|nicknamed|codenamed|"
    r"call(?:s|ed|ing)\s+(?:itself|themselves|himself|herself)|goes\s+by|going\s+by)\s+(?:it\s+|them\s+)?"
    r"[\"“‘'(]?[A-Z0-9]",
)
#: How far (in words) a name may stand from the thing it names: "the research vessel RV
#: Tangaroa", "the Glamos network".
_NAME_REACH = 3
_WHO_QUESTION = re.compile(r"^\s*(?:who|whom|whose)\b", re.IGNORECASE)
#: A capitalised word after a sentence's first word: most often a name.
_NAME = re.compile(r"(?<=\S)\s+[\"“‘(]?([A-Z][\w’'-]+)")
#: Question words that may stand capitalised in a sentence without naming anyone asked about.
_NOT_NAMES = frozenset("the a an how old is was who what age".split())


#: The quantity "how hot" asks for, as articles name it: "temperatures were expected to reach
#: 101 degrees" never says "hot", and the model does not read "hot" as "temperature".
_QUANTITIES = {
    "hot": "temperature", "cold": "temperature", "warm": "temperature", "cool": "temperature",
    "fast": "speed", "deep": "depth", "heavy": "weight",
}  # fmt: skip
_QUANTITY_QUESTION = re.compile(rf"^\s*how\s+(?P<adjective>{'|'.join(_QUANTITIES)})(?![\w-])", re.I)


#: "how many people work for the trust": a workforce, which articles give as what an employer
#: employs ("employs about 14,500 staff"), not as people it serves.
_WORKFORCE_QUESTION = re.compile(
    r"^\s*how\s+many\s+(?:people|ppl|persons|workers|staff|employees)\s+(?:(?:\w+\s+)?"
    r"(?:work|works|worked|working|are\s+employed|is\s+employed)\b"
    # "how many workers does brightway have", "how many staff does the trust employ"
    r"|(?:does|do|did)\s+(?:[\w'’.&-]+\s+){1,4}?(?:have|employ|hire)\b)",
    re.IGNORECASE,
)
#: "what sentence did she get", "how long did he get", "how long is her sentence": the term a
#: court gave, which news gives as "sentenced ... to seven years in prison" (not "faces up to
#: 20 years", which "how long could he go to prison" asks).
_PRISON_TERM_QUESTION = re.compile(
    r"^\s*(?:what\s+(?:sentence|punishment|jail\s+term|prison\s+term)\s+(?:did|was|has)\b"
    r"|what\s+(?:was|is|s)\s+(?:his|her|their|the\s+\w+['’]s)\s+(?:jail\s+|prison\s+)?"
    r"(?:sentence|punishment)\b"
    r"|how\s+long\s+(?:is|was)\s+(?:his|her|their|the\s+\w+['’]s)\s+(?:jail\s+|prison\s+)?"
    r"sentence\b"
    r"|how\s+long\s+did\s+(?:he|she|they|[\w'’-]+(?:\s+[\w'’-]+)?)\s+get"
    r"(?:\s+in\s+(?:jail|prison)|\s+behind\s+bars)?\s*[?.!]*\s*$)",
    re.IGNORECASE,
)


#: "did anyone die", "was anyone hurt", "were there any injuries": asked in the words a chat
#: types, answered in those news writes ("No deaths have been reported", "two people were
#: injured", "taken to hospital").
_CASUALTY_QUESTION = re.compile(
    r"^\s*(?:(?:did|has|have)\s+(?:anyone|anybody|any\s*one|someone|people)\s+(?P<died>died|die)"
    r"|(?:was|were)\s+(?:anyone|anybody|any\s*one|someone|people)\s+(?:(?P<killed>killed)"
    r"|(?:hurt|injured))"
    r"|(?:were|was)\s+there\s+(?:any\s+)?(?:(?P<deaths>deaths|fatalities|casualties)"
    r"|injuries))\b",
    re.IGNORECASE,
)


#: "when was the last strike": news dates the one before as "the first strike since 2011".
_LAST_ONE_QUESTION = re.compile(
    r"^\s*when\s+(?:was|were)\s+(?:the|their|its|his|her)\s+(?:last|previous)\b",
    re.IGNORECASE,
)
#: "who led the study", "who did the research": news names a study's leader its "lead author"
#: or says who "led" it; the expert "who was not involved in the research" only comments.
_STUDY_LEAD_QUESTION = re.compile(
    r"^\s*who\s+(?:led|did|ran|conducted|carried\s+out|headed|was\s+behind|is\s+behind|"
    r"was\s+in\s+charge\s+of|wrote|authored)\s+(?:the|this|that|their)\s+(?:new\s+)?"
    r"(?:study|research|trial|survey|report|analysis|paper|review|experiment)\b",
    re.IGNORECASE,
)
#: Someone the sentence says had no part in it: "who was not involved in the research".
_OUTSIDER = re.compile(
    r"\b(?:was|were|is|are|been)\s+not\s+(?:\w+\s+)?involved\s+in\b"
    r"|\bhad\s+no\s+(?:role|part)\s+in\b|\b(?:was|were)\s+not\s+(?:a\s+)?part\s+of\b",
    re.IGNORECASE,
)
#: "what did the outside expert think", "what do other scientists say": news brings in the
#: expert who comments on a study as one "who was not involved in the research".
_OUTSIDE_EXPERT_QUESTION = re.compile(
    r"\b(?:(?:outside|independent|unaffiliated)\s+(?:expert|scientist|researcher|doctor|"
    r"specialist|economist|analyst)s?|other\s+(?:experts|scientists|researchers|doctors|"
    r"specialists))\b",
    re.IGNORECASE,
)
#: "how much of a raise do they want": news writes the amount a side asks for as "seeking"
#: or "demanding" ("The union is seeking 15 percent"). Not "what does the mayor want": that
#: is as often written "wants" or "called for", and the words lowered its confidence.
_WANT_QUESTION = re.compile(
    r"^\s*how\s+(?:much|many|big|large)\b[^?]*?\b(?:do|does|did)\s+"
    r"(?:they|the\s+[\w'’-]+(?:\s+[\w'’-]+)?|[\w'’-]+)\s+want\s*[?.!]*\s*$",
    re.IGNORECASE,
)

#: "who won the game": a match report says who "beat" whom (its "won" is often a title's).
_MATCH_WINNER_QUESTION = re.compile(
    r"^\s*who\s+(?:won|wins|has\s+won)\s+(?:the\s+|their\s+|last\s+night['’]?s\s+|"
    r"(?:on\s+)?(?:saturday|sunday|today|yesterday)['’]?s?\s+)?"
    r"(?:game|match|semi[\s-]?final|final|tie|derby|clash|fixture)\b",
    re.IGNORECASE,
)
#: "who do they play in the final", "who will city meet next": a fixture is "will face".
_OPPONENT_QUESTION = re.compile(
    r"^\s*who\s+(?:do|does|will|did|are|is)\s+(?:[\w'’.-]+\s+){1,3}?(?:play|playing|meet|"
    r"meeting)\b(?!\s+for\b)",
    re.IGNORECASE,
)

#: Questions asked in a chat's words, and the words news gives their answers in (the first
#: that matches is taken).
_NEWS_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_WORKFORCE_QUESTION, "employs staff"),
    (_PRISON_TERM_QUESTION, "sentenced to years in prison"),
    (_STUDY_LEAD_QUESTION, "lead author led"),
    (_OUTSIDE_EXPERT_QUESTION, "not involved in the research"),
    (_LAST_ONE_QUESTION, "previous, first since"),
    (_WANT_QUESTION, "seeking demanding"),
    (_MATCH_WINNER_QUESTION, "beat"),
    (_OPPONENT_QUESTION, "face"),
)


def with_news_words(question: str) -> str:
    """`question` with the words news gives its answer in, where readers ask in others: the
    quantity a "how hot" / "how deep" asks for ("how hot is it" -> "... (temperature)"), a
    workforce ("how many people work there" -> "... (employs staff)"), a court's term ("what
    sentence did she get" -> "... (sentenced to years in prison)"), casualties ("did anyone
    die" -> "... (deaths killed)"), a study's leader ("who led the study" -> "... (lead author
    led)"), an outside expert ("... (not involved in the research)"), the one before ("when
    was the last strike" -> "... (previous, first since)"), a side's demand ("how much do they
    want" -> "... (seeking demanding)"), a match's winner ("(beat)") and next opponent
    ("(face)"); other questions as they are."""
    asked = last_question(question)
    for asking, words in _NEWS_WORDS:
        if asking.search(asked):
            return f"{question.rstrip()} ({words})"
    casualty = _CASUALTY_QUESTION.match(asked)
    if casualty is not None:
        dead = casualty.group("died") or casualty.group("killed") or casualty.group("deaths")
        words = "deaths killed" if dead else "injured hurt treated hospital"
        return f"{question.rstrip()} ({words})"
    found = _QUANTITY_QUESTION.match(asked)
    if found is None:
        return question
    return f"{question.rstrip()} ({_QUANTITIES[found.group('adjective').casefold()]})"


def wanted_type(question: str) -> str | None:
    """The kind of answer a question asks for: "number", "time", "person", "name" or None."""
    question = last_question(question)
    if (
        _NUMBER_QUESTION.search(question)
        or _POPULATION_QUESTION.search(question)
        or _SCORE_QUESTION.search(question)
        or _AMOUNT_QUESTION.search(question)
    ):
        return "number"
    if _WHEN_QUESTION.search(question):
        return "time"
    if _WHO_QUESTION.search(question):
        return "person"
    if _NAME_QUESTION.search(question):
        return "name"
    return None


def has_type(kind: str | None, sentence: str, question: str = "") -> bool:
    """Whether `sentence` holds an answer of `kind` (True when no kind is asked for); for a
    person, a name other than the question's own words; for an age or a count, one of what
    is asked about."""
    question = last_question(question)
    sentence = sentence[:_MAX_SENTENCE]
    if kind == "number":
        # "the largest since the Canyon Creek Fire of 2018, which burned about 45,000 acres"
        # counts the one before, not this.
        sentence = _without_one_before(question, sentence)
        if _SCORE_QUESTION.search(question):
            return bool(_SCORE.search(sentence))
        if _AGE_QUESTION.search(question):
            return _has_age(sentence, question)
        if _POPULATION_QUESTION.search(question):
            return bool(_POPULATION.search(sentence))
        amount = _AMOUNT_QUESTION.search(question)
        money = bool(_MONEY_QUESTION.search(question)) or bool(
            amount is not None and re.fullmatch(_MONEY_NOUNS, amount.group("noun"), re.I)
        )
        if money and not (
            _MONEY.search(sentence)
            or (
                (_CHANGE_QUESTION.search(question) or _PART_QUESTION.match(question))
                and _SHARE.search(sentence)
            )
        ):
            return False
        if not _has_dimension(sentence, question):
            return False
        counted = counted_thing(question)
        # Money is counted in its currency, often words away from what it pays: "revenue of
        # as much as $48 million".
        if counted is not None and not money and not _counts(sentence, counted):
            return False
        if _HOW_MANY.search(question) and counted not in _UNITS:
            return _has_count(sentence)
        if _HOW_LONG.search(question):
            return bool(_DURATION.search(sentence))
        if _HOW_MUCH.match(question) and _CHANGE_QUESTION.search(question):
            # "how much did the waiting list fall": by an amount, which "fell for the first
            # time in three years" or "since 2019" does not give.
            clause = _clause_about(sentence, _changed_thing(question))
            return bool(_NUMBER.search(_TIME_SPAN.sub(" ", _A_YEAR.sub(" ", clause))))
        return bool(_NUMBER.search(sentence))
    if kind == "time":
        if _FUTURE_QUESTION.search(question) and not _FUTURE.search(sentence):
            return False
        if _CLOCK_QUESTION.search(question):
            return bool(_CLOCK.search(sentence))
        # "The strike is the first at the plant since 1998" dates the one before, not this.
        sentence = _without_one_before(question, sentence)
        return bool(_TIME.search(sentence))
    if kind in ("person", "name"):
        asked = _words(question)
        if kind == "name" and not _names_the_thing(sentence, question, asked):
            return False
        return any(
            _bare(m.group(1)) not in asked and _bare(m.group(1)) not in CALENDAR
            for m in _NAME.finditer(sentence)
        )
    return True


def _changed_thing(question: str) -> set[str]:
    """The words, stemmed, of what "how much did X fall" asks about ("peso" of "how much did
    the peso drop"); empty when none stands between "how much" and the change."""
    found = _CHANGED_THING.search(question)
    if found is None:
        return set()
    return {_stem(word) for word in _WORD.findall(found.group("thing"))} - _THING_FILLERS


_CHANGED_THING = re.compile(
    r"how\s+(?:much|far)\s+(?:did|has|have|had|does|do|will|would|is|was|are|were)\s+"
    rf"(?P<thing>(?:[\w’'-]+\s+){{1,4}}?)(?={_CHANGE_QUESTION.pattern})",
    re.IGNORECASE,
)
_THING_FILLERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "it", "they", "go"})


def _clause_about(sentence: str, thing: set[str]) -> str:
    """The clauses of `sentence` that mention `thing` (stemmed words), where others do not:
    "Copper prices fell by 3 per cent, and the peso dropped for the first time" tells the
    peso's change by its second clause alone; the whole sentence where none or every one
    does."""
    if not thing:
        return sentence
    clauses = _CLAUSES.split(sentence)
    mentioning = [c for c in clauses if thing & {_stem(word) for word in _WORD.findall(c)}]
    if not mentioning or len(mentioning) == len(clauses):
        return sentence
    return " ".join(mentioning)


#: Where a sentence joins two clauses that may each tell their own change.
_CLAUSES = re.compile(r";|,\s+(?:and|but|while|whereas)\s+|\s+(?:while|whereas)\s+")


def _names_the_thing(sentence: str, question: str, asked: set[str]) -> bool:
    """False when the sentence mentions the thing a name question asks about but gives no name
    near it ("a lander, which is dropped from a ship" for "what's the ship called"); True when
    it names something ("named it Pseudoliparis lumenis") or never mentions the thing (it may
    call it otherwise: the ship a "research vessel")."""
    found = _NAMED_THING.search(question)
    if found is None or _NAMING.search(sentence):
        return True
    named = found.group("of") or found.group("called") or found.group("own") or found.group("which")
    if _bare(named) in _PRONOUNS:  # "whats his name": whose it is, not a thing beside a name
        return True
    thing = _stem(named)
    words = _WORD.findall(sentence)
    at = [i for i, word in enumerate(words) if _stem(word) == thing]
    if not at:
        return True
    # "which florida city" may take its thing from an adjective ("florida"): any name near it
    # then, as a name asked for by "name" or "called" is of the very thing.
    loosely = found.group("which") is not None
    return any(
        word[:1].isupper()
        and j > 0
        and _bare(word) not in asked
        and _bare(word) not in _NOT_NAMES
        and _bare(word) not in CALENDAR
        and (loosely or _joined(words[min(i, j) + 1 : max(i, j)], after=j > i))
        for i in at
        for j, word in enumerate(
            words[max(i - _NAME_REACH, 0) : i + 1 + _NAME_REACH], max(i - _NAME_REACH, 0)
        )
    )


_PRONOUNS = frozenset("he she it they this that his her its their him them".split())
#: Words that may stand between a thing and its name, beside numbers and the name's own
#: words: "her husband, Tom Hale", "the No. 36 route". Anything else ("near Wiveliscombe
#: with her husband") makes the name another thing's.
_NAME_JOINERS = frozenset("the a an his her their its our my your".split())


def _joined(between: Sequence[str], after: bool) -> bool:
    """Whether the words between a thing and a capitalised word leave that word its name:
    only other capitalised words (the rest of the name), numbers, articles and possessives;
    or, the name `after` the thing, "of" alone ("parts of Ukraine", "the Journal of
    Vertebrate Palaeontology"; not "the captain of the Aurora Bay")."""
    if after and [_bare(word) for word in between] == ["of"]:
        return True
    return all(
        word[:1].isupper() or word[:1].isdigit() or _bare(word) in _NAME_JOINERS for word in between
    )


@dataclass(frozen=True, slots=True)
class NameQuestion:
    """What a name question asks the name of."""

    #: The thing, stemmed: "tanker" in "whats the name of the tanker".
    thing: str
    #: Narrowed by a word before it ("the new species", "the hacker group"): the article's
    #: first naming of such a thing may be another one's.
    narrowed: bool = False


def name_asked(question: str) -> NameQuestion | None:
    """What a name question asks the name of ("tanker" in "whats the name of the tanker"), or
    None for another question."""
    question = last_question(question)
    found = _BARE_NAME_QUESTION.match(question)
    if found is None:
        return None
    thing = _stem(
        found.group("of") or found.group("called") or found.group("own") or found.group("which")
    )
    if thing in {"it", "this", "that", "he", "she", "they"}:
        return None
    narrowed = found.group("mod1") or found.group("mod2") or found.group("mod3")
    return NameQuestion(thing, bool(narrowed))


def naming_sentence(sentences: Sequence[str], thing: str) -> int | None:
    """The first of an article's sentences (in order) that names `thing`: right after it ("the
    Maltese-flagged tanker Aurora Bay"), or by a naming verb in a sentence about it or after
    one ("The researchers have named it Pseudoliparis lumenis" after the fish's sentence); None
    when none does."""
    mentioned_before = False
    for i, sentence in enumerate(sentences):
        words = _WORD.findall(sentence[:_MAX_SENTENCE])
        at = [j for j, word in enumerate(words) if _stem(word) == thing]
        if any(
            j + 1 < len(words)
            and words[j + 1][:1].isupper()
            and _bare(words[j + 1]) not in _NOT_NAMES
            and not words[j].endswith(("'s", "’s"))
            for j in at
        ) or any(_in_a_name(words, j) for j in at):
            return i
        if at and _NAMING.search(sentence):
            return i
        if mentioned_before and any(
            not _NEW_THING.search(sentence[: found.start()])
            for found in _NAMING.finditer(sentence[:_MAX_SENTENCE])
        ):
            return i
        mentioned_before = bool(at)
    return None


#: A thing brought in just before a naming verb ("a group calling itself ShadowLedger"): the
#: name is that new thing's, not the one the sentence before mentioned.
_NEW_THING = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}[\w-]+\s*,?\s*$", re.IGNORECASE)


def _in_a_name(words: Sequence[str], j: int) -> bool:
    """Whether `words[j]` is the last word of a name that other capitalised words begin, as
    "Museum" in "the Lindenhof Museum of World Cultures" (not a sentence's first word)."""
    return (
        j > 1
        and words[j][:1].isupper()
        and words[j - 1][:1].isupper()
        and _bare(words[j - 1]) not in _NOT_NAMES
    )


def answer_type_missing(question: str, sentence: str) -> float:
    """1.0 when the question asks for a number, a time or a name and the sentence holds none,
    else 0.0."""
    kind = wanted_type(question)
    if kind in ("number", "time", "name"):
        return 0.0 if has_type(kind, sentence, question) else 1.0
    return 0.0


#: A question asking who, what, which, where, when, why or how: not a yes-or-no one, whose
#: answer may well be a "not".
_WH_QUESTION = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:who|whom|whose|what|which|where|when|why|how)\b", re.I
)
#: A question's own denial, contractions typed without the apostrophe written out first.
_NEGATION = re.compile(r"\b(?:not|never|no|nor|without|cannot)\b|n[’']t\b", re.IGNORECASE)
#: Saying, thinking and wanting: what was said may deny anything ("what did the mp want to
#: know": "I don't know ..."), and "has not yet said" denies no "who said".
_SAYING = (
    r"say|says|said|saying|tell|tells|told|think|thinks|thought|know|knew|want|wants|wanted|"
    r"feel|feels|felt|react|reacted|respond|responded|claim|claimed|argue|argued|warn|warned|"
    r"believe|believes|believed|ask|asked|mean|meant|comment|commented|describe|described"
)
_WHAT_SAID_QUESTION = re.compile(rf"^\s*(?:what|how|who)\b.*\b(?:{_SAYING})\b", re.IGNORECASE)
_SAYING_WORDS = frozenset(_SAYING.split("|"))
#: A predicate denied: "are not affected", "were never told", "wasn't badly hurt"; not "if
#: not opposing" (or even opposing), "whether or not" nor "not only".
_DENIED = re.compile(
    r"(?:(?<!\bif\s)(?<!\bor\s)\b(?:not|never)|n[’']t)\s+"
    r"(?!(?:only|just|merely|least|necessarily|exactly|quite)\b)"
    r"(?:(?:been|be|yet|\w+ly)\s+)?(?P<word>[^\W\d_][\w’'-]*)",
    re.IGNORECASE,
)
_ASKING_WORDS = frozenset(
    "what whats which where when who whom whose why how does did were was have has been this "
    "that they them their there with from about many much will would could should going take "
    "takes taking make makes made come comes happen happened still also even really need "
    "needs used".split()
)


def denies_asked(question: str, sentence: str) -> bool:
    """Whether `sentence` says the opposite of what a who/what/which question asks about: it
    denies one of the question's own words ("which models are affected": "other models ... are
    not affected"), and the question denies nothing itself nor asks what someone said; or it
    says the one it brings in had no part in the study asked about ("who led the study": "...,
    who was not involved in the research")."""
    question = chat_words(last_question(question))
    if _STUDY_LEAD_QUESTION.match(question) and _OUTSIDER.search(sentence[:_MAX_SENTENCE]):
        return True
    if (
        not _WH_QUESTION.match(question)
        or _NEGATION.search(question)
        or _WHAT_SAID_QUESTION.match(question)
    ):
        return False
    asked = {
        _bare(w)[:5]
        for w in _WORD.findall(question.casefold())
        if len(w) >= 4 and _bare(w) not in _ASKING_WORDS and _bare(w) not in _SAYING_WORDS
    }
    return any(
        _bare(m.group("word"))[:5] in asked for m in _DENIED.finditer(sentence[:_MAX_SENTENCE])
    )


def withholds_name(question: str, sentence: str) -> bool:
    """Whether a question asking who or for a name is met by a sentence saying the name is not
    given: "The ship's master, whose name has not been released", "a headteacher who asked
    not to be named", "The man has not been identified"."""
    kind = wanted_type(question)
    if kind not in ("person", "name") and not _NAME_ASKED.search(last_question(question)):
        return False
    return _NAME_WITHHELD.search(sentence[:_MAX_SENTENCE]) is not None


#: "who was the metal detectorist that found them", "whats the name of the judge": who, or
#: the name of, someone the question names by what they are.
_THING_ASKED = re.compile(
    r"^\s*(?:(?:who|whom)\s+(?:is|was|were|are)|whos|who['’]s"
    r"|what(?:s|['’]s|\s+is|\s+was)\s+(?:the\s+)?names?\s+of)\s+"
    r"(?:the|that|this|his|her|their|its)\s+(?P<thing>(?:[\w’'-]+\s+){0,3}?[\w’'-]+?)"
    r"(?:\s+(?:that|who|which|whose|shes|she|he|hes|they|we|i|in|at|on|of|from|with|for)\b.*)?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_INDEFINITE = frozenset({"a", "an", "one", "another"})


def leaves_unnamed(question: str, sentence: str) -> bool:
    """Whether a question asking who someone is by what they are ("who was the metal
    detectorist", "whats the name of the judge") is met by a sentence that brings them in
    unnamed: every mention with "a" or "one" before it ("found by a metal detectorist", "A
    magistrate judge released Creed") and no name beside it ("Martin Fogarty, a retired
    postman" and "a farmer, John Smith" are named)."""
    found = _THING_ASKED.match(last_question(question))
    if found is None:
        return False
    thing = _stem(found.group("thing").split()[-1])
    words = _WORD.findall(sentence[:_MAX_SENTENCE])
    at = [i for i, word in enumerate(words) if _stem(word) == thing]
    if not at:
        return False
    for i in at:
        opening = [j for j in range(max(0, i - 4), i) if words[j].lower() in _INDEFINITE]
        if not opening:
            return False
        first = opening[-1]
        named_before = first > 1 and words[first - 1][:1].isupper()
        named_after = i + 1 < len(words) and words[i + 1][:1].isupper()
        if named_before or named_after or any(w[:1].isupper() for w in words[first + 1 : i]):
            return False
    return True


#: "whats the name of the captain", "what is the night guards name".
_NAME_ASKED = re.compile(r"\b(?:name|names|called|identity)\b", re.IGNORECASE)
#: A name news says it does not give.
_NAME_WITHHELD = re.compile(
    r"\b(?:name|names|identity|identities)\b[^.;]{0,40}?\b(?:not|n[’']t)\s+(?:yet\s+)?(?:been\s+)?"
    r"(?:released|disclosed|made\s+public|given|published|revealed)"
    r"|\b(?:has|have|had|was|were|is|are)\s+(?:not|n[’']t)\s+(?:yet\s+)?(?:been\s+)?"
    r"(?:named|identified)\b"
    r"|\b(?:declined|refused|asked)\s+not\s+to\s+be\s+(?:named|identified)"
    r"|\bdeclined\s+to\s+(?:give|disclose|release)\s+(?:his|her|their|the)\s+names?\b",
    re.IGNORECASE,
)


#: A sentence about an earlier event, dated: "The last pilots' strike at Nordavia, in 2012,
#: lasted nine days", "the previous club record of 26 million euros ... in 2019", "The
#: district last closed schools in 2011".
_EARLIER_ONE = re.compile(
    r"\b(?:the|a|its|their|his|her)\s+(?:previous|last|prior|earlier)\b[^.;]{0,80}?"
    r"\b(?:1[89]|20)\d\d\b"
    r"|\blast\s+[a-z]+\b[^.;]{0,40}?\bin\s+(?:1[89]|20)\d\d\b"
    # Background of the same kind, by its year: "a magnitude 8.8 quake in 2010 killed more
    # than 500 people", "... but cut 550 jobs in 2023".
    r"|\b(?:a|an)\s+(?:[\w.,-]+\s+){0,5}?in\s+(?:1[89]|20)\d\d\s+(?:killed|left|injured|"
    r"destroyed|damaged|displaced|cost|claimed|flooded|forced|hit|struck|caused)\b"
    # Not a plan: "would cut 300 jobs in 2027".
    r"|(?<!\bwill\s)(?<!\bwould\s)(?<!\bto\s)(?<!\bcould\s)(?<!\bmay\s)(?<!\bmight\s)"
    r"\b(?:cut|shed|axed|lost|closed|killed|laid\s+off)\s+(?:about\s+|around\s+|more\s+than\s+|"
    r"over\s+|some\s+|nearly\s+)?[\d,.]+\s+[a-z]+\s+in\s+(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
#: An earlier one set beside what is told now: "Turnout was 52.6 percent, up from 47 percent
#: at the last municipal vote in 2021" answers "whats the turnout".
_COMPARED = re.compile(r"\b(?:from|than|compared\s+(?:with|to)|versus|against)\b", re.IGNORECASE)
_COMPARED_REACH = 40
#: A question about the past or a comparison with it, which such a sentence may answer.
_PAST_ASKED = re.compile(
    r"\b(?:before|beforehand|previous|previously|prior|ago|ever|history|first|earlier|"
    r"past|used\s+to|again|record|since|times|(?:first|last|previous|other|another)\s+time|when|"
    r"year|years|originally|(?:1[89]|20)\d\d)\b"
    # "the last strike", "last time"; not the verb ("how long will the strike last").
    r"|\blast\b(?!\s*(?:[?.!]|$|for\b|until\b|into\b|through\b|beyond\b|longer\b))",
    re.IGNORECASE,
)


def tells_an_earlier_one(question: str, sentence: str) -> bool:
    """Whether `sentence` tells of an earlier, dated event ("The last pilots' strike at
    Nordavia, in 2012, ...") and the question asks nothing of the past: "how many flights a day
    does nordavia fly" is not answered by the last strike's cancellations."""
    if _PAST_ASKED.search(last_question(question)):
        return False
    sentence = sentence[:_MAX_SENTENCE]
    return any(
        not _COMPARED.search(sentence[max(0, found.start() - _COMPARED_REACH) : found.start()])
        for found in _EARLIER_ONE.finditer(sentence)
    )


def tells_a_similar_one(question: str, sentence: str) -> bool:
    """Whether `sentence` tells of another event like the one asked about ("A similar crash
    on the same stretch in 2019 injured 7 people") and the question asks of no other one:
    "when did the crash happen" is the story's crash (a CLI attacker: answered "2019" with
    confidence)."""
    asked = last_question(question)
    told = sentence[:_MAX_SENTENCE]
    if _OTHER_ASKED.search(asked) or _SIMILAR_ONE.search(told) is None:
        return False
    # The other one named as the sentence names it: "what happened to the Skerry Bank
    # project" of "A similar project at Skerry Bank was cancelled" asks of that one (a
    # verifier).
    named = {w.lower() for w in re.findall(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’-]+", told)}
    return not named & {w.lower() for w in re.findall(r"[\w'’-]+", asked)}


#: "A similar crash", "a similar attack": another event; not "a similar number" or "way".
_SIMILAR_ONE = re.compile(
    r"\b(?:a|an)\s+similar\s+(?!(?:number|amount|figure|level|size|rate|share|proportion|"
    r"percentage|sum|price|way|period|time|scale|pattern|picture|view|story|point|age|"
    r"distance|length|height|weight|speed|cost|fee|increase|rise|fall|drop|group|sample|"
    r"cohort|set|kind|type|range|model|version|one|ones)\b)[a-z]+",
    re.IGNORECASE,
)
#: A question asking of another one than the story's: "was there a similar crash before".
_OTHER_ASKED = re.compile(
    r"\b(?:similar|previous|previously|earlier|before|last|other|another|ever|first|prior|"
    r"past|again|history)\b|\b(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)


#: "what party is joanna creswell in", "which party ran the city": a political party is the
#: answer.
_PARTY_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:what|which)\s+(?:political\s+)?party\b", re.IGNORECASE
)
#: How news names a party: the word itself, or a party's own name ("Labour's", "the Tories").
_PARTY = re.compile(
    r"\b[Pp]art(?:y|ies)\b|\b(?:Labour|Conservatives?|Tory|Tories|Liberals?|Lib\s+Dems?|Greens?|"
    r"Republicans?|Democrats?|Democratic|Socialists?|Communists?|Unionists?|SNP|Plaid|"
    r"Sinn\s+F[eé]in|Fianna\s+F[aá]il|Fine\s+Gael)\b"
)


def leaves_party_out(question: str, sentence: str) -> bool:
    """Whether a question asking which party is met by a sentence naming none ("Local MP
    Joanna Creswell, who has received more than 300 letters" for "what party is joanna
    creswell")."""
    return bool(_PARTY_QUESTION.match(last_question(question))) and not _PARTY.search(
        sentence[:_MAX_SENTENCE]
    )


#: "why did grades go down", "what caused the fire": a reason is the answer.
_REASON_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:why|how\s+come|what\s+(?:caused|causes|led\s+to|is\s+"
    r"behind|was\s+behind|prompted|triggered|sparked))\b",
    re.IGNORECASE,
)
#: How news gives a reason: "because of", "due to", "blamed on", "after storms damaged",
#: "amid", "citing", "to close a deficit", "driven by", "a shortage of".
_REASON = re.compile(
    r"\b(?:because|due\s+to|owing\s+to|thanks\s+to|blam\w*|caus\w*|after|amid|as\s+a\s+result|"
    r"on\s+the\s+back\s+of|in\s+response\s+to|in\s+protest|"
    r"following|citing|cited|attribut\w*|reasons?|so\s+that|in\s+order\s+to|led\s+to|lead\s+to|"
    r"driven\s+by|result\w*|sparked|triggered|prompted|shortages?|concerns?|fears?|pressure|"
    r"to\s+(?:close|cover|fund|pay|avoid|meet|protect|reduce|cut|help|prevent|make|keep|save|"
    r"ease|offset|fill|tackle|stop|raise|balance))\b",
    re.IGNORECASE,
)


def reason_asked(question: str) -> bool:
    """Whether the question asks why ("why did grades go down", "what caused the fire")."""
    return bool(_REASON_QUESTION.match(last_question(question)))


def gives_reason(sentence: str) -> bool:
    """Whether the sentence gives a reason as news does ("because", "due to", "after", "amid",
    "to close a deficit", "a shortage of")."""
    return bool(_REASON.search(sentence[:_MAX_SENTENCE]))


#: "who won", "who won the women's race", "who beat braga", "which bakery won": the winner is
#: the answer.
_WINNER_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:who|(?:which|what)(?:\s+[\w’'-]+){1,2}?)"
    r"\s+(?:won|wins|has\s+won|beat|defeated)"
    r"(?:\s+(?P<what>(?:[\w’'.-]+\s+){0,4}?[\w’'.-]+))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: How a report says who won: "Ana Varga won the runoff", "beat Dinamo 3-2", "claimed the
#: title", "victory".
_WINNING = re.compile(
    r"\b(?:won|wins|win|beat|beats|beating|defeated|defeats|defeating|claimed|clinched|"
    r"secured|triumphed|victory|victorious|winner|champion)\b",
    re.IGNORECASE,
)
_PLAIN_WORDS = frozenset("the a an this that it last first".split())


def winner_asked(question: str) -> tuple[str, ...] | None:
    """The words narrowing what a "who won" question asks the winner of ("women's", "race"
    in "who won the women's race"; () for "who won"), or None for another question."""
    found = _WINNER_QUESTION.match(last_question(question))
    if found is None:
        return None
    words = _words(found.group("what") or "")
    return tuple(sorted(w for w in words if w not in _PLAIN_WORDS))


def names_winner(sentence: str, narrowing: Sequence[str], headline: str = "") -> bool:
    """Whether `sentence` says who won, by a name and a winning word, and of what the question
    narrows it to (each narrowing word in the sentence or the headline): "Ana Varga won
    Valdoria's presidential runoff" for "who won the election" in a story headlined on it,
    not the final's winner for "who won the semi"."""
    sentence = sentence[:_MAX_SENTENCE]
    if not _WINNING.search(sentence) or not _NAME.search(sentence):
        return False
    told = {_stem(w) for w in _words(sentence) | _words(headline)}
    return all(_stem(w) in told for w in narrowing)


def says_work(sentence: str) -> bool:
    """Whether `sentence` says where or as what someone works ("who works part-time as a
    veterinary nurse", "is employed by the council", "a teacher by profession", "quit her job
    as a dental hygienist")."""
    return bool(_WORKS.search(sentence[:_MAX_SENTENCE]))


_WORKS = re.compile(
    r"\b(?:works?|worked|working)\s+(?:(?:part|full)[\s-]time\s+|nights\s+|shifts\s+)?"
    r"(?:as|for|at)\s+(?:an?\s+|the\s+)?[\w’'-]+"
    r"|\b(?:is|was)\s+employed\s+(?:as|by|at)\b|\bby\s+(?:profession|trade)\b"
    r"|\b(?:day|full[\s-]time|part[\s-]time|(?:her|his|their|my)(?:\s+old)?)\s+job\s+(?:as|at)\b",
    re.IGNORECASE,
)


def count_doer_asked(question: str) -> tuple[str, str] | None:
    """Who and what a "how many goals did Brandt score" asks a count of ("Brandt", "score"),
    or None for another question (one about "they", "he", a phrasal verb, or someone not
    written as a name)."""
    found = _COUNT_DOER_QUESTION.match(last_question(question))
    if found is None:
        return None
    who, verb = found.group("who"), found.group("verb").lower()
    if who.lower().split()[-1] in _NOT_A_DOER or verb in _PARTICLES or verb in _LIGHT_VERBS:
        return None  # "how many did they lay off": a phrasal verb, or no one named
    if not who[:1].isupper() or not other_forms(verb) or only_a_verb(who.split()[-1]):
        return None  # a name typed as one ("the storm" may be "Storm Ida" in the article)
    return who, verb


_COUNT_DOER_QUESTION = re.compile(
    r"^\s*how\s+many\s+(?:[\w’'-]+\s+){1,2}?(?:did|has|have|had|does|do)\s+"
    r"(?:the\s+)?(?P<who>(?:[\w’'.-]+\s+){0,2}?[\w’'.-]+)\s+(?P<verb>[a-z]+)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_NOT_A_DOER = frozenset({"they", "he", "she", "it", "you", "we", "i", "people", "police"})
_PARTICLES = frozenset({"off", "up", "down", "out", "in", "on", "away", "back", "over", "for"})
#: Verbs news says a count with in other words ("finished with 14,212 votes" for "get").
_LIGHT_VERBS = frozenset({"get", "got", "have", "has", "had", "make", "take", "receive", "win"})


def clause_tells(
    sentence: str, who: str, verb: str, thing: str = "", pronoun: bool = False
) -> bool:
    """Whether a clause of `sentence` names `who` (its last word; with `pronoun`, "he", "she"
    or "they" too) with `verb` in a form of its own or a count of `thing` ("Leo Brandt, 19,
    scored twice", "Ryan Coles added a third", "Robinson finished with 31 points" for how
    many X scored); not "City took the lead ..., but ... Brandt scored" for City."""
    forms = {verb, *other_forms(verb)}
    names = {_bare(who.split()[-1])} | ({"he", "she", "they"} if pronoun else set())
    for clause in _CLAUSES.split(sentence[:_MAX_SENTENCE]):
        words = [w.lower() for w in re.findall(r"[\w’'-]+", clause)]
        if any(_bare(w) in names for w in words) and (
            any(w in forms for w in words)
            or _ORDINAL.search(clause)
            or (thing and counts_directly(clause, thing))
        ):
            return True
    return False


_ORDINAL = re.compile(r"\b(?:second|third|fourth|fifth|hat-?trick|brace|twice|once)\b", re.I)


def tells_what_would_have_been(question: str, sentence: str) -> bool:
    """Whether `sentence` tells what would have been ("The first plan, rejected in 2016,
    would have cost 80 million dollars") and the question what will be ("how much will it
    cost"); not one asking of the plan ("how much did the first plan cost")."""
    asked = last_question(question)
    return (
        bool(_WOULD_HAVE.search(sentence[:_MAX_SENTENCE]))
        and bool(re.search(r"\b(?:will|gonna)\b|['’]ll\b", asked, re.IGNORECASE))
        and not re.search(r"\b(?:would|could|might)\b|['’]d\b", asked, re.IGNORECASE)
    )


_WOULD_HAVE = re.compile(
    r"\b(?:would|could|might)\s+(?:have|'ve)\s+(?!been\s+(?:the\s+)?(?:first|last)\b)\w+"
    r"|\bwould['’]ve\b",
    re.IGNORECASE,
)


def tells_a_past_peak(question: str, sentence: str) -> bool:
    """Whether `sentence` gives a figure of the past's best ("It employed 12,000 people at its
    height", "once produced 3 million tonnes") and the question asks of now ("how many people
    does the plant employ now", "how much steel does it make")."""
    asked = last_question(question)
    told = sentence[:_MAX_SENTENCE]
    of_now = _NOW.search(asked) is not None or _COUNT_IN_PRESENT.match(asked) is not None
    # "... employed 18,000 at its peak, now employs about 3,200" gives today's figure too.
    return of_now and _PAST_PEAK.search(told) is not None and _NOW_TOLD.search(told) is None


_NOW = re.compile(r"\b(?:now|currently|today|these\s+days|nowadays|still)\b", re.IGNORECASE)
_NOW_TOLD = re.compile(
    r"\b(?:now|currently|today|still|these\s+days)\b|\bthis\s+(?:season|year|month)\b",
    re.IGNORECASE,
)
_COUNT_IN_PRESENT = re.compile(r"^\s*how\s+(?:many|much)\b.*\b(?:does|do)\b", re.IGNORECASE)
_PAST_PEAK = re.compile(
    r"\bat\s+(?:its|their|the)\s+(?:peak|height|heyday|zenith)\b|\bin\s+(?:its|their)\s+heyday\b"
    r"|\bonce\s+(?:employed|produced|had|made|housed|held)\b"
    r"|\bused\s+to\s+(?:employ|produce|have|make|house|hold)\b",
    re.IGNORECASE,
)


def suffered_asked(question: str) -> str | None:
    """What "who was injured" or "who got released" asks who underwent ("injured"), or
    None for another question."""
    found = _SUFFERED_QUESTION.match(last_question(question))
    if found is None:
        return None
    verb = found.group("verb").lower()
    return verb if past_participle(verb) and verb not in _NOT_SUFFERED else None


_SUFFERED_QUESTION = re.compile(
    r"^\s*who\s+(?:was|were|got|has\s+been|have\s+been|had\s+been)\s+(?P<verb>[a-z]+)"
    r"(?:\s+(?:in|on|at|during|after)\s+(?:the\s+)?[\w\s’'-]{1,30})?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: Participles that say who someone is, or are asked by other shapes ("who was found
#: guilty", "who was elected"), not what befell them.
_NOT_SUFFERED = frozenset({"found", "elected", "named", "appointed", "called", "born", "given"})


def mentions_verb(sentence: str, verb: str) -> bool:
    """Whether `sentence` uses `verb` as a verb ("injuring" for "injured"; not the noun of
    "released without charge" for "charged")."""
    forms = {verb, *(form for form in other_forms(verb) if form.endswith(("ed", "ing", "en")))}
    return any(word.lower() in forms for word in re.findall(r"[A-Za-z]+", sentence))


def leaves_out_the_doer(question: str, sentence: str) -> bool:
    """Whether "who hit the guard" is answered by a sentence saying only that the guard "was
    hit with a hammer": the verb in the passive, and no "by" naming who did it."""
    found = _WHO_DID_IT.match(last_question(question))
    if found is None or not finite_verb(found.group("verb")):
        return False
    verb = found.group("verb").lower()
    passive = re.search(
        rf"\b(?:was|were|been|being|got)\s+(?:\w+ly\s+)?{re.escape(verb)}\b(?P<after>[^.;]*)",
        sentence[:_MAX_SENTENCE],
        re.IGNORECASE,
    )
    # A name after the verb is as often a bystander's or a place's ("outside the office of
    # depot manager Steve Wragg") as the doer's: only "by" names who did it.
    return passive is not None and re.search(r"\bby\b", passive.group("after")) is None


_WHO_DID_IT = re.compile(r"^\s*who\s+(?P<verb>[a-z]+)\s+(?:the|a|an|his|her|their)\s+\w+", re.I)


@dataclass(frozen=True, slots=True)
class VerdictQuestion:
    """A question about a trial's verdict: of whom (None: the story's), and whether it
    supposes one ("what was Hurst convicted of": "guilty"; "cleared of": "cleared")."""

    name: str | None
    supposed: str | None
    #: The verdict the question's words name, supposed or asked about: of two verdicts on
    #: someone, the one asked about comes first.
    asked: str | None = None


def verdict_asked(question: str) -> VerdictQuestion | None:
    """The verdict "was Hurst found guilty?", "what was Karen Bell cleared of?" or "what was the
    verdict" asks about, or None for another question."""
    question = last_question(question)
    found = _VERDICT_QUESTION.match(question)
    if found is None:
        return None
    if found.group("bare"):
        return VerdictQuestion(None, None)
    if found.group("of"):
        return VerdictQuestion(found.group("of"), None)
    name = found.group("name")
    if name.lower().split()[0] in _NOT_A_DEFENDANT:
        return None
    polarity = _polarity(found.group("verdict"))
    # "what was X convicted of" supposes the verdict; "was X found guilty" asks which it was.
    return VerdictQuestion(name, polarity if found.group("what") else None, polarity)


_VERDICT_WORDS = r"found\s+(?:not\s+)?guilty|(?:not\s+)?guilty|convicted|cleared|acquitted"
_VERDICT_QUESTION = re.compile(
    r"^\s*(?:(?P<bare>(?:what\s*(?:'s|’s|s|\s+is|\s+was)\s+the\s+verdict|verdict)\s*[?.!]*\s*$)"
    r"|(?:what\s*(?:'s|’s|s|\s+is|\s+was)\s+the\s+)?verdicts?\s+(?:on|for|against|in)\s+"
    r"(?:the\s+case\s+of\s+)?(?P<of>(?:[\w’'.-]+\s+){0,2}?[\w’'.-]+?)(?:['’]s\s+case)?\s*[?.!]*\s*$"
    r"|(?P<what>what\s+(?:was|were|is|has|had)\s+)?(?:(?:was|were|is|has|had)\s+)?"
    r"(?P<name>(?:[\w’'.-]+\s+){0,2}?[\w’'.-]+)\s+(?:been\s+)?"
    rf"(?P<verdict>{_VERDICT_WORDS})(?:\s+of)?\b.*$)",
    re.IGNORECASE,
)
#: What a verdict question may start with that names no one ("who was found guilty").
_NOT_A_DEFENDANT = frozenset(
    {"who", "anyone", "anybody", "someone", "they", "it", "how", "why", "he", "she", "him", "her"}
)


def _polarity(words: str) -> str | None:
    """ "guilty" or "cleared", as `words` (a verdict phrase) say."""
    words = words.lower()
    if re.search(r"\bnot\s+guilty|cleared|acquitted", words):
        return "cleared"
    if re.search(r"guilty|convicted", words):
        return "guilty"
    return None


def verdicts_of(sentence: str, name: str | None) -> list[str]:
    """The verdicts `sentence` gives ("guilty", "cleared"; "open" where the jury could not
    reach one), in order: of `name` where given, in the clauses naming them and those after
    that name no one else ("Mills was cleared of fraud but convicted of theft": both, his),
    not another's ("Hurst was cleared, but his adviser Bell was found guilty")."""
    sentence = sentence[:_MAX_SENTENCE]
    found: list[str] = []
    theirs = name is None
    for clause in _VERDICT_CLAUSES.split(sentence) if name else [sentence]:
        if name:
            if mentions_surname(_POSSESSIVE_NAME.sub(" ", clause), name):
                theirs = True  # not "Ellison's partner, Jodie Marsh, ...": hers
            elif any(
                m.start() > len(clause) - len(clause.lstrip()) for m in _NAME.finditer(clause)
            ):
                theirs = False  # another's clause ("his adviser, Karen Bell, was ...")
        if not theirs:
            continue
        for verdict in _VERDICT.finditer(clause):
            found.append("open" if verdict.group("open") else _polarity(verdict.group(0)) or "")
    return [verdict for verdict in found if verdict]


def verdict_of(sentence: str, name: str | None) -> str | None:
    """The first verdict `sentence` gives of `name` (see `verdicts_of`), or None."""
    verdicts = verdicts_of(sentence, name)
    return verdicts[0] if verdicts else None


_POSSESSIVE_NAME = re.compile(r"\b[\w-]+['’]s\b")
#: Where a sentence of two verdicts parts them: "acquitted Mills of misconduct but convicted
#: Grant of taking bribes" (no comma).
_VERDICT_CLAUSES = re.compile(r";|,\s+(?:and|but|while|whereas)\s+|\s+(?:but|while|whereas)\s+")
_VERDICT = re.compile(
    r"(?P<open>could\s+not\s+(?:reach|agree)\s+(?:on\s+)?a\s+verdict|hung\s+jury)"
    # "found former warehouse manager Daniel Hurst guilty"; a guilty plea convicts, a plea of
    # not guilty is no verdict.
    r"|\bfound\s+(?:[\w’'.-]+\s+){0,6}?(?:not\s+)?guilty\b|\bpleaded\s+guilty\b"
    r"|\b(?:was|were|been)\s+convicted\b|\bconvicted\s+(?:him|her|them|[A-Z])"
    r"|\b(?:cleared|acquitted)\b",
    re.IGNORECASE,
)


def says_where(sentence: str) -> bool:
    """Whether `sentence` names a place something happened in or at ("fell 18% in London",
    "at Pier 4 in Dunmore"): a capitalised name after "in", "at", "near" or "outside" that
    is no month or weekday."""
    return any(
        _bare(found.group("place")) not in CALENDAR
        for found in _WHERE.finditer(sentence[:_MAX_SENTENCE])
    )


_WHERE = re.compile(
    rf"\b(?:in|at|near|outside|off|across)\s+(?:the\s+)?(?P<place>(?-i:[{CAPITALS}])[\w’'-]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PlacingQuestion:
    """ "who came second in the women's race": the place (2), and the words narrowing what
    it was in ("women"), plain: no "'s", no plural "s"."""

    place: int
    narrowing: tuple[str, ...] = ()

    def narrows(self, sentence: str) -> bool:
        """Whether `sentence` says every narrowing word."""
        said = {_plain_word(word) for word in re.findall(r"[\w’'-]+", sentence)}
        return all(word in said for word in self.narrowing)


def _plain_word(word: str) -> str:
    return _bare(word).rstrip("s")


def placing_asked(question: str) -> PlacingQuestion | None:
    """The place a "who came second" question asks for (2 of "who finished 2nd", "who was
    the runner-up") and what narrows it, or None for another question."""
    found = _PLACING_QUESTION.match(last_question(question))
    if found is None:
        return None
    place = _PLACES[found.group("place").lower().replace("-", " ")]
    words = re.findall(r"[\w’'-]+", found.group("what") or "")
    narrowing = tuple(_plain_word(w) for w in words if _bare(w) not in _PLAIN_PLACE_WORDS)
    return PlacingQuestion(place, narrowing)


#: Words of "in the race", "at the championships" that narrow nothing.
_PLAIN_PLACE_WORDS = frozenset({"the", "a", "an", "race", "event", "this", "that", "it"})


_PLACES = {
    "second": 2, "2nd": 2, "runner up": 2, "runnerup": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": 0,
}  # fmt: skip
_PLACING = r"(?P<place>second|2nd|third|3rd|fourth|4th|fifth|5th|last|runner[\s-]?up)"
_PLACING_QUESTION = re.compile(
    r"^\s*who\s+(?:came|finished|was|placed|ended\s+up|got|took|is|were|came\s+in|finished\s+in)"
    rf"\s+(?:in\s+)?(?:the\s+)?{_PLACING}(?:\s+place)?(?:\s+(?:in|at)\s+(?!(?:command|line|charge)\b)(?P<what>[\w\s’'-]+?))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def states_placing(sentence: str, place: int) -> bool:
    """Whether `sentence` says who finished in `place` ("Elin Sundqvist, 31, was third",
    "Tyler Joe finished third", "runner-up Darren Pike"), by a name: not "for the second
    time" or "the second-largest"."""
    sentence = sentence[:_MAX_SENTENCE]
    if not _NAME.search(sentence):
        return False
    if place == 2 and _RUNNER_UP.search(sentence):
        return True
    said = "|".join(w for w, number in _PLACES.items() if number == place and " " not in w)
    placing = re.compile(
        rf"\b(?:(?:finished|came|placed|was|were|ended|took|claimed)\s+(?:in\s+)?(?:a\s+)?"
        rf"(?:distant\s+|close\s+|joint\s+)?(?:{said})\b(?!-)|\b(?:{said})[\s-]place\b)",
        re.IGNORECASE,
    )
    return bool(placing.search(sentence))


_RUNNER_UP = re.compile(r"\brunners?[\s-]?up\b", re.IGNORECASE)


def finished_behind(sentence: str) -> bool:
    """Whether `sentence` names whom the winner finished ahead of ("finishing 47 minutes ahead
    of four-time champion Geir Arne Bakken", "edging out Lena Holm"): the runner-up, where
    no sentence says who came second."""
    sentence = sentence[:_MAX_SENTENCE]
    return any(_bare(found.group("name")) not in CALENDAR for found in _AHEAD_OF.finditer(sentence))


_AHEAD_OF = re.compile(
    r"\b(?:(?:finish(?:ed|ing)|c(?:a|o)m(?:e|ing)\s+home|cross(?:ed|ing)\s+the\s+(?:finish\s+)?line)\s+"
    r"(?:[\w,.]+\s+){0,5}?ahead\s+of|edg(?:ed|ing)\s+out|pipp(?:ed|ing))\s+"
    rf"(?:[\w’'-]+,?\s+){{0,4}}?(?P<name>(?-i:[{CAPITALS}])[\w’'-]+)",
    re.IGNORECASE,
)


def score_asked(question: str) -> bool:
    """Whether the question asks for a match's score and nothing more ("what was the score")."""
    return bool(_BARE_SCORE_QUESTION.match(last_question(question)))


#: "what was the vote", "whats the final tally", "how did the council vote": a vote's tally.
_TALLY_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?(?:what(?:s|'s|’s|\s+is|\s+was)\s+(?:the\s+)?(?:final\s+)?"
    r"(?:vote|tally|vote\s+count)(?:\s+in\s+the\s+end)?"
    r"(?:\s+(?:on|of|in|at|by)\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+)?)?"
    r"|how\s+did\s+(?:the\s+)?(?:council|councillors|councilors|board|committee|parliament|"
    r"senate|house|assembly|lawmakers|legislators|mps|members|shareholders|jury|judges|court|"
    r"union\s+members)\s+vote)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: A vote's tally as reports write it: "voted 6-3", "by 21 votes to 9", "21 to 9".
_TALLY = re.compile(
    r"(?<![\d,.$£€])\d{1,3}\s*[-–]\s*\d{1,3}(?![\d,%]|\.\d)"
    r"|(?<![\d,.$£€])\d{1,3}\s+(?:votes\s+)?to\s+\d{1,3}(?![\d,%]|\.\d)",
    re.IGNORECASE,
)
#: A tally is of a vote ("deadlocked 4-4 on a motion", "split 5-4"): "4 to 9" in "children
#: aged 4 to 9" is none.
_VOTING = re.compile(
    r"\bvot|\bballot|\btally|\bin\s+favou?r\b|\bagainst\b|\bdeadlock|\bmotion\b|\bsplit\b",
    re.IGNORECASE,
)


def tally_asked(question: str) -> bool:
    """Whether the question asks how a vote went and nothing more ("what was the vote")."""
    return bool(_TALLY_QUESTION.match(last_question(question)))


def first_tally(sentences: Sequence[str]) -> int | None:
    """The first of an article's sentences (in order) giving a vote's tally ("voted 6-3 to
    approve", "by 21 votes to 9"); None when none does."""
    return next(
        (
            i
            for i, text in enumerate(sentences)
            if _TALLY.search(text[:_MAX_SENTENCE]) and _VOTING.search(text[:_MAX_SENTENCE])
        ),
        None,
    )


def first_score(sentences: Sequence[str]) -> int | None:
    """The first of an article's sentences (in order) giving a score: a match report leads
    with its result ("beat Real Madrid 94-91 in overtime"); None when none does."""
    return next(
        (i for i, text in enumerate(sentences) if _SCORE.search(text[:_MAX_SENTENCE])), None
    )


#: A clause before the question proper: "When imperialism impacts social norms, what is it
#: called?" asks for a name, not a time.
_LEADING_CLAUSE = re.compile(
    r"^\s*(?:when|if|after|before|while|once|since)\b[^,?]*,\s*"
    r"(?=(?:what|who|whom|whose|which|where|when|how|why)\b)",
    re.IGNORECASE,
)


#: A chat's opening word before the question word: "and how old is he?", "so who won?".
_LEADING_WORDS = re.compile(
    r"^\s*(?:(?:and|so|ok|okay|but|also|then|well|oh|right|hmm+|um+)\b[\s,]*)+"
    r"(?=(?:what|who|whom|whose|which|where|when|how|why)\b)",
    re.IGNORECASE,
)


def last_question(text: str) -> str:
    """The last of the questions in `text`, without a clause or a chat's "and", "so" before
    it: a follow-up asked after the one before it ("who did they sign? and how old is he")
    wants what it asks for; an age asked without "how old" is asked with it ("age of okafor"
    -> "how old is okafor")."""
    last = _LEADING_WORDS.sub("", _QUESTIONS.split(text)[-1], count=1)
    return _as_how_old(_LEADING_CLAUSE.sub("", last, count=1))


def _as_how_old(question: str) -> str:
    """`question` as "how old is ..." when it asks for someone's "age" ("whats her age",
    "the age of the coach", "okafor's age"), else as it is."""
    found = _AGE_NOUN.match(question)
    if found is None:
        return question
    who = found.group("of") or found.group("owner")
    if who is None:
        who = _PRONOUN_OF[found.group("possessive").casefold()]
    return f"how old is {who}?"


def counted_thing(question: str) -> str | None:
    """The thing a "how many" question counts ("jobs" of "how many permanent jobs were
    promised"), stemmed; None for other questions and "how many did he make"."""
    match = _COUNT_QUESTION.search(last_question(question))
    if match is None:
        return None
    thing = None
    for word in _WORD.findall(match.group("rest").casefold())[:4]:
        if (
            word in _COUNT_END
            or (len(word) > 4 and word.endswith("ed"))
            or (thing is not None and word in _COUNT_VERBS)
        ):
            break
        thing = word
    return None if thing is None else _stem(thing)


#: How many words may stand between a count and what it counts for the count to be of it:
#: "14 firefighting planes", "1,900 permanent jobs".
_DIRECT_REACH = 2
#: Counts too vague to say how many: "thousands of students", "dozens of homes".
_VAGUE_COUNT = re.compile(r"(?:hundreds|thousands|millions|billions|dozens|several|many)$", re.I)


def counts_directly(sentence: str, thing: str) -> bool:
    """Whether `sentence` gives a count right before `thing` (stemmed): "14 firefighting
    planes" counts "plane"; "at least 23 blazes" and "thousands of students" do not."""
    words = _WORD.findall(sentence[:_MAX_SENTENCE])
    return any(
        _NUMBER.search(word) and not _VAGUE_COUNT.match(word) and not _MEASURED.match(word)
        for i, other in enumerate(words)
        if _stem(other) == thing
        for word in words[max(i - _DIRECT_REACH - 1, 0) : i]
    )


def mentions(sentence: str, thing: str) -> bool:
    """Whether `sentence` names `thing` (stemmed) at all."""
    return any(_stem(word) == thing for word in _WORD.findall(sentence[:_MAX_SENTENCE]))


#: "how wide was the slide" is answered by a width ("300 metres wide"), not by the altitude
#: beside it: the dimension asked, and the words news gives it in.
_DIMENSIONS = {
    "wide": r"wide|width|across|broad|breadth",
    "deep": r"deep|depth|below|beneath|down",
    "tall": r"tall|high|height",
    "thick": r"thick|thickness",
    "heavy": r"heavy|weighs?|weighed|weighing|weight|kg|kilos?|kilograms?|grams?|tonnes?|tons?|"
    r"pounds?|lbs?|ounces?|oz",
}
_DIMENSION_QUESTION = re.compile(
    rf"^\s*how\s+(?P<dimension>{'|'.join(_DIMENSIONS)})\b"
    r"|^\s*how\s+much\s+(?:does|did|do|will|would|could|can)\b.*\bweigh\b",
    re.IGNORECASE,
)


def _has_dimension(sentence: str, question: str) -> bool:
    """False when the question asks how wide, deep, tall, thick or heavy and the sentence never says
    it in those words; True otherwise."""
    found = _DIMENSION_QUESTION.match(question)
    if found is None:
        return True
    words = _DIMENSIONS[(found.group("dimension") or "heavy").casefold()]
    return re.search(rf"\b(?:{words})\b", sentence, re.IGNORECASE) is not None


def _counts(sentence: str, thing: str) -> bool:
    """False when the sentence names the counted thing but no number stands near it (the
    firefighters are there, the 600 counts hectares); True when it never names it (it may
    count it in other words: "homes" as "households")."""
    words = _WORD.findall(sentence)
    named = [i for i, word in enumerate(words) if _stem(word) == thing]
    if not named:
        return True
    return any(
        _NUMBER.search(words[j])
        for i in named
        for j in range(max(i - _COUNT_REACH, 0), min(i + 1 + _COUNT_REACH, len(words)))
        if j <= i + 1 or not _counts_another(words, j, thing)
    )


#: Words ending in -s after a number that count nothing.
_NOT_COUNTED = frozenset("this was has is his its as plus less thus always perhaps".split())


def _counts_another(words: Sequence[str], at: int, thing: str) -> bool:
    """Whether the number `words[at]` counts the plural right after it, another thing than
    `thing` ("patients at 61 hospitals": 61 counts hospitals, not patients; a number right
    after the thing is read as its count, "the original 390 settlers" too)."""
    if at + 1 >= len(words):
        return False
    after = words[at + 1].casefold()
    return (
        after.isalpha()
        and len(after) > 3
        and after.endswith("s")
        and not after.endswith("ss")
        and after not in _NOT_COUNTED
        and _stem(after) != thing
    )


#: A number counting part of a group counted elsewhere: "35 of the most seriously injured".
_PART_OF = re.compile(r"\s+of\s+(?:the|those|them|whom|which|these|its|their)\b", re.IGNORECASE)


def _has_count(sentence: str) -> bool:
    """Whether a number in the sentence counts things: not only an age ("Mensah, 32,"), a
    year, a time of day or a measure ("52 hours", "80 mph", "£2 million"), which never answer
    "how many people were trapped"."""
    ages = [age.span() for age in _AGE.finditer(sentence)]
    for match in _WHOLE_NUMBER.finditer(sentence):
        at = match.start()
        if (
            _MEASURED.match(sentence[at : at + 40])
            or _CURRENCY_BEFORE.search(sentence[max(at - 12, 0) : at])
            or _PART_OF.match(sentence, match.end())
        ):
            continue
        if not any(start <= at < end for start, end in ages):
            return True
    return False


def _has_age(sentence: str, question: str) -> bool:
    """Whether the sentence gives an age, and not only someone else's: "Vinatier, 49" does not
    answer "how old is Kasatkin?" though both are named there."""
    asked = _words(question)
    kin = _KIN_AGE.match(question)
    if kin is not None:
        # "how old is her husband" of "Niamh O'Sullivan, 31, ... said she and her husband
        # Ciaran had been due to leave": where the sentence names the husband, his age is
        # the one given with him ("her husband, Ciaran, 34"), not hers.
        relation = _stem(kin.group("kin"))
        text = sentence[:_MAX_SENTENCE]
        at = [m.span() for m in _WORD.finditer(text) if _stem(m.group(0)) == relation]
        if at:
            return any(
                _AGE.search(text[end : end + _KIN_REACH]) is not None
                or _AGED_BEFORE.search(text[max(start - _KIN_REACH, 0) : start]) is not None
                for start, end in at
            )
    # "how old is lynette harrow": someone named is asked about, and "who has directed the
    # department for 12 years" says how long she has done something, not her age.
    person = _AGE_SUBJECT.match(question) is not None or _asks_a_persons_age(question)
    others = False
    for match in _AGE.finditer(sentence):
        if person and match.group("thing"):
            continue
        owner = match.group("owner")
        if owner is None or _bare(owner) in asked:
            return True
        others = True
    if not others:
        return False
    named = {_bare(m.group(1)) for m in _NAME.finditer(sentence)} - _NOT_NAMES
    if asked & named:
        return False
    # Someone else's age, and the asked one not named: fine for "the french researcher",
    # whom the sentence may call by name, not for a name ("how old is putin") it lacks.
    subject = _AGE_SUBJECT.match(question)
    return subject is None or bool(_words(subject.group("who")) & _words(sentence))


#: "how old is he", "how old is the bank manager", "what age was the victim": a person's age
#: asked by a pronoun or by who they are, which "jailed for seven years" does not give.
_PERSON_AGE = re.compile(
    r"^\s*(?:how\s+old|what\s+age)\s+(?:is|was|are|were)\s+"
    r"(?:(?P<pronoun>he|she|they)|(?:the|a|an|his|her|their|this|that)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?P<noun>[\w’'-]+)(?:\s+(?:who|that|whom)\b[^?.!]*)?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PEOPLE_NOUNS = frozenset(
    "man woman men women boy girl person people guy lady victim victims suspect suspects "
    "driver teacher student pupil child children baby toddler teenager teen youngster "
    "mother father son daughter wife husband brother sister grandmother grandfather "
    "pensioner worker employee volunteer nurse doctor surgeon paramedic firefighter "
    "officer constable sergeant soldier farmer fisherman sailor player footballer athlete "
    "rider cyclist runner winner survivor patient resident owner chef pilot passenger "
    "pedestrian climber hiker swimmer diver gunman gunmen shooter killer murderer attacker "
    "assailant robber thief burglar fraudster defendant accused prisoner inmate convict "
    "offender witness neighbour neighbor landlord tenant councillor candidate politician "
    "lawmaker activist campaigner protester singer actor actress artist writer novelist "
    "musician boxer jockey graduate founder".split()
)


def _asks_a_persons_age(question: str) -> bool:
    """Whether a question asks a person's age by a pronoun or by who they are."""
    found = _PERSON_AGE.match(last_question(question))
    if found is None:
        return False
    noun = (found.group("noun") or "").lower()
    return found.group("pronoun") is not None or noun in TITLES or noun in _PEOPLE_NOUNS


#: "how old is her husband", "what age is his son", "how old is Niamh O'Sullivan's husband":
#: someone's age asked by how they are related to whom the chat is about.
_KIN_AGE = re.compile(
    r"^\s*(?:how\s+old|what\s+age)\s+(?:is|was|are|were)\s+(?:his|her|their|the\s+[\w-]+(?:’s|'s)|"
    rf"(?-i:[{CAPITALS}])[\w’'-]*(?:\s+(?-i:[{CAPITALS}])[\w’'-]*){{0,2}}(?:’s|'s))\s+"
    r"(?P<kin>husband|wife|partner|son|daughter|father|mother|dad|mum|mom|brother|sister|"
    r"grandson|granddaughter|grandfather|grandmother|child|baby|boyfriend|girlfriend|"
    r"fiance|fiancee|friend|coach|colleague|neighbour|neighbor)s?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: Characters after the relation an age of theirs comes within: "her husband, Ciaran Walsh,
#: 34".
_KIN_REACH = 40
#: An age written before the relation: "her 12-year-old son".
_AGED_BEFORE = re.compile(rf"\b(?:\d{{1,3}}|{_AGE_WORDS})-year-old\s+$", re.IGNORECASE)


def age_asked(question: str) -> str | None:
    """The name a question asks the age of ("how old is okafor": "okafor"); None for another
    question, or one about "the mayor" or "her"."""
    found = _AGE_SUBJECT.match(last_question(question))
    return None if found is None else found.group("who")


#: "how old is the panda": the age of a thing the question names with "the".
_THING_AGE = re.compile(
    r"^\s*(?:how\s+old|what\s+age)\s+(?:is|was)\s+(?:the|this|that)\s+(?P<thing>[\w-]+)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def thing_age_asked(question: str) -> str | None:
    """The thing a question asks the age of, stemmed ("how old is the panda": "panda"); None
    for another question."""
    found = _THING_AGE.match(last_question(question))
    return None if found is None else _stem(found.group("thing"))


#: An age right before what it is the age of, a word or two on: "the 96-year-old bridge", "A
#: 23-year-old Sumatran orangutan".
_AGED_THING = re.compile(
    rf"\b(?:\d{{1,3}}|{_AGE_WORDS})-year-old\s+([\w-]+)(?:\s+([\w-]+))?", re.IGNORECASE
)


def states_thing_age(sentence: str, thing: str) -> bool:
    """Whether `sentence` gives `thing`'s (stemmed) age right before it."""
    text = sentence[:_MAX_SENTENCE]
    return any(
        _stem(word) == thing for found in _AGED_THING.finditer(text) for word in found.groups("")
    )


def aged_thing_sentence(sentences: Sequence[str], thing: str) -> int | None:
    """The first of an article's sentences giving `thing`'s age: "the 96-year-old bridge", or
    an age in place of its name right after a sentence mentioning it ("A red panda escaped"
    then "The three-year-old male, named Bao"); None when none does."""
    for i, sentence in enumerate(sentences):
        if states_thing_age(sentence, thing):
            return i
        if called_by_age(sentences, i, lambda earlier: mentions(earlier, thing)):
            return i
    return None


def ages_only_others(name: str, sentence: str) -> bool:
    """Whether `sentence` gives ages, each of them someone's named other than `name`: "Jamal
    Okoro scored twice, and the 21-year-old midfielder Lena Fischer sealed the win" does not
    say how old Okoro is. False for an age whose owner it does not name."""
    asked = _words(name)
    sentence = sentence[:_MAX_SENTENCE]
    ages = 0
    for match in _AGE.finditer(sentence):
        if match.group("thing"):
            continue
        ages += 1
        if match.group("owner") is not None:
            if _owner_is(asked, sentence, match):
                return False
            continue
        named = _AGE_BEFORE_NAME.match(sentence, match.start()) or _AGE_BEFORE_ROLE_NAME.match(
            sentence, match.start()
        )
        if named is None or asked & _words(named.group("owner")):
            return False
    return ages > 0


def states_age_of(name: str, sentence: str) -> bool:
    """Whether `sentence` gives `name`'s age as news does: right after the name ("Okafor, 54,",
    "Nováková (22)")."""
    asked = _words(name)
    sentence = sentence[:_MAX_SENTENCE]
    if any(
        match.group("owner") is not None and _owner_is(asked, sentence, match)
        for match in _AGE.finditer(sentence)
    ):
        return True
    # After who they are: "Amara Diallo, a 12-year-old from Dakar", "Viktor Sorensen of
    # Denmark, 41".
    if any(_owner_is(asked, sentence, match) for match in _AGE_APPOSED.finditer(sentence)):
        return True
    # Before the name: "Nineteen-year-old Swede Elin Lindqvist", "the 34-year-old Okafor",
    # "19-year-old striker Tomi Adeyemi" (not "A 34-year-old man attacked Okafor").
    return any(
        asked & _words(match.group("owner"))
        for pattern in (_AGE_BEFORE_NAME, _AGE_BEFORE_ROLE_NAME)
        for match in pattern.finditer(sentence)
        if not finite_verb((_between_age_and_name(match) or [""])[-1])
    )


def _between_age_and_name(match: re.Match[str]) -> list[str]:
    """The words of who someone is between their age and their name ("striker" of
    "19-year-old striker Tomi Adeyemi"; the last a verb in "a 23-year-old fan hit Tomi
    Adeyemi", whose age it is not; "left winger" is who one is)."""
    return match.string[match.start() : match.start("owner")].split()[1:]


def _owner_is(asked: set[str], sentence: str, match: re.Match[str]) -> bool:
    """Whether the word an age follows (`match`'s owner) names the person asked about: one of
    their names, and not the surname of a relative with another first name ("His daughter,
    Niamh Fogarty, 34" is not Martin Fogarty's age)."""
    if _bare(match.group("owner")) not in asked:
        # Asked by a first name: "how old is siobhan" of "Siobhán Ó Briain, 39".
        run = _NAME_RUN_BEFORE.search(sentence[: match.start("owner")])
        return run is not None and bool(asked & _words(run.group(0)))
    before = re.search(r"([\w’'-]+)\s+$", sentence[: match.start("owner")])
    if before is None or len(asked) < 2:
        return True
    run = _NAME_RUN_BEFORE.search(sentence[: match.start("owner")])
    if run is not None and any(
        same_given_name(word, given)
        for word in _words(run.group(0))
        for given in asked - {_bare(match.group("owner"))}
    ):
        # A middle name between, a short form asked: "Jan Willem Keller, 41" for Jan Keller,
        # "Thomas Brandt, 55" for Tom Brandt.
        return True
    word = before.group(1)
    given = _bare(word)
    return not (
        word[:1].isupper()
        and given not in asked
        and given.strip(".") not in NOT_NAMES
        and given not in TITLES
    )


#: The capitalised words right before a name's last: "Siobhán Ó " of "Siobhán Ó Briain".
_NAME_RUN_BEFORE = re.compile(rf"(?:(?-i:[{CAPITALS}])[\w’'-]*\s+){{1,3}}$")
_AGE_APPOSED = re.compile(
    rf"\b(?P<owner>(?-i:[{CAPITALS}])[\w’'-]+)"
    rf"(?:\s+(?:of|from)\s+(?-i:[{CAPITALS}])[\w’'-]+(?:\s+(?-i:[{CAPITALS}])[\w’'-]+)?(?=,\s+\d))?"
    rf",\s+(?:(?:a|an|the)\s+(?:\d{{1,3}}|{_AGE_WORDS})-year-old\b|\d{{1,3}}\s*(?:[,;)—–]|\.(?!\d)|$))",
    re.IGNORECASE,
)


#: A sentence opening with someone's age in place of their name: "The 24-year-old, who
#: scored 27 league goals", "The 22-year-old Spaniard"; not "The 62-year-old chain".
_AGE_OPENING = re.compile(
    rf"^[\"“‘(]?the\s+(?:\d{{1,3}}|{_AGE_WORDS})-year-old(?:,|\s+(?-i:[{CAPITALS}])|\s+(?:man|woman|"
    r"boy|girl|male|female|father|mother|grandmother|grandfather|player|striker|forward|midfielder|"
    r"defender|goalkeeper|star|singer|actor|actress|driver|rider|runner|veteran|teenager)\b)",
    re.IGNORECASE,
)


def opens_with_age(sentence: str) -> bool:
    """Whether `sentence` opens with a person's age in place of their name ("The 24-year-old,
    who ..."), as news refers back to the person the sentence before named."""
    return _AGE_OPENING.match(sentence.strip()[:_MAX_SENTENCE]) is not None


#: An age opening a sentence, whatever it is of: "The 27-year-old pulled away from ...", "A
#: 92-year-old bridge".
_ANY_AGE_OPENING = re.compile(
    rf"^[\"“‘(]?(?:the|an?)\s+(?:\d{{1,3}}|{_AGE_WORDS})-year-old\b", re.IGNORECASE
)


def ages_its_subject(sentence: str) -> bool:
    """Whether `sentence` opens with an age: its subject's, not that of a name it goes on to
    mention ("The 27-year-old pulled away from Ethiopia's Meseret Tola" is not Tola's age)."""
    return _ANY_AGE_OPENING.match(sentence.strip()[:_MAX_SENTENCE]) is not None


def called_by_age(sentences: Sequence[str], at: int, mentions: Callable[[str], bool]) -> bool:
    """Whether sentence `at` calls what the sentence before `mentions` by its age ("Mateo
    Lindqvist ..." then "The 24-year-old, who scored")."""
    return at > 0 and opens_with_age(sentences[at]) and mentions(sentences[at - 1])


#: Someone described by their age before the next sentence names them: "A 16-year-old
#: schoolgirl from Dundee became ..." (then "Amara Osei, who ...").
_DESCRIBED_BY_AGE = re.compile(
    rf"\b(?:an?)\s+(?:\d{{1,3}}|{_AGE_WORDS})-year-old\s+(?!(?:company|firm|chain|business|"
    r"building|bridge|church|tree|ship|record|law|tradition|rule|ban)\b)[a-z]",
    re.IGNORECASE,
)


def describes_by_age(sentence: str) -> bool:
    """Whether `sentence` describes someone by their age, as a lead does before the next
    sentence names them ("A 16-year-old schoolgirl from Dundee became ...")."""
    return _DESCRIBED_BY_AGE.search(sentence[:_MAX_SENTENCE]) is not None


def _words(text: str) -> set[str]:
    return {_bare(word) for word in re.findall(r"[\w’'-]+", text)}


def _bare(word: str) -> str:
    """A word without case, accents or a possessive: "Tadesse's" is "tadesse", "Siobhán"
    "siobhan" (readers type names without their accents)."""
    return plain_letters(word.casefold().removesuffix("’s").removesuffix("'s"))


#: Family words as readers type them and as news writes them: "whats the mum called" asks
#: for "Her mother, Nuru, 14".
_FAMILY = {
    "mum": "mother", "mom": "mother", "mam": "mother", "mummy": "mother", "mommy": "mother",
    "dad": "father", "daddy": "father", "kid": "child", "children": "child",
    "grandma": "grandmother", "gran": "grandmother", "granny": "grandmother",
    "nan": "grandmother", "grandpa": "grandfather", "grandad": "grandfather",
    "granddad": "grandfather", "hubby": "husband", "bro": "brother", "sis": "sister",
}  # fmt: skip


def _stem(word: str) -> str:
    """A plural's singular, near enough to match "jobs" with "job" and "buses" with "bus", and a
    family word as news writes it ("mums" is "mother")."""
    word = _singular(_bare(word).strip(".,"))
    return _FAMILY.get(word, word)


def _singular(word: str) -> str:
    """`word` without a plural ending, when it looks like it has one."""
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
