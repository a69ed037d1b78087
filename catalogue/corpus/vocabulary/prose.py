"""The material a document's text is written from: rare terms, places, topic phrases,
sentence templates, weekdays and hours, printed citations, footnotes and remarks.

Separate from the catalogue facts (people, institutions, classifications) because only
the body and notes of a document draw on these.
"""

# Rare words and proper names that appear in few documents: the "rare word" queries.
RARE_TERMS = [
    "Marucla",
    "Grozny",
    "Poltava",
    "Kimovsk",
    "Vinnitsa",
    "Bucharest",
    "Alexandrovsk",
    "Omsk",
    "Kasimov",
    "Divnogorsk",
    "Almetyevsk",
    "Okhotsk",
    "Volgoles",
    "Dubna",
    "Remedios",
    "Guanajay",
    "Mariel",
    "Banes",
    "Caibarien",
    "Bejucal",
    "Quonset",
    "Scabbards",
    "Chiriqui",
    "Ilyushin",
    "Komar",
    "Shaddock",
    "Sopka",
    "Guideline",
    "Kennel",
    "Kronstadt",
    "Murmansk",
    "Sevastopol",
    "Nikolaev",
    "Baltiysk",
    "Odessa",
    "Fiolent",
    "Indigirka",
    "Aleksandrovsk",
    "Labinsk",
]

CUBAN_PLACES = [
    "Havana",
    "Mariel",
    "San Cristobal",
    "Guanajay",
    "Sagua la Grande",
    "Remedios",
    "Banes",
]

TOPIC_PHRASES = [
    "offensive weapons",
    "aerial reconnaissance",
    "the quarantine",
    "UN verification",
    "the IL-28 bombers",
    "the missile sites",
    "non-invasion assurances",
    "the Jupiter missiles",
    "the Security Council",
    "Soviet ships",
    "the dismantling",
    "on-site inspection",
    "Red Cross inspection",
    "the SAM sites",
    "the five points",
    "the Berlin question",
    "the OAS resolution",
    "the exchange of letters",
]

# Sentence templates for narrative paragraphs; {p} person, {q} another person, {o} an
# office, {t} a topic phrase, {c} a Cuban place, {d} a weekday, {r} a rare term.
SENTENCES = [
    "{p} said {t} must be settled before any other question could be discussed.",
    "{p} observed that {t} remained the main problem at this time.",
    "We understood Soviet reluctance to admit inspection on the ground before {t} was completed.",
    "{p} noted that the Soviet Government had given assurances concerning {t}.",
    "According to our information there were difficulties with Castro over {t}.",
    "{p} and {q} agreed that the question of {t} should be raised again on {d}.",
    "The photographs of {d} did not indicate any marked progress at {c}.",
    "{p} asked what was meant by {t}; {q} said he did not know the details.",
    "It would be difficult to reach agreement on {t} while the gun was on the table.",
    "{o} reported that shipping to {c} had continued through the night.",
    "Dept pass White House and Defense.",
    "{p} stressed that {t} was the primary problem and all else could wait.",
    "There is no indication that the Soviets intend to leave the {r} equipment behind.",
    "{p} said he would give a definite reply first thing tomorrow morning.",
    "The Secretary-General was told that {t} would be taken up by the Council.",
    "{p} expressed the hope that Castro would be less recalcitrant on {t}.",
    "We should continue surveillance until verification by the UN is arranged.",
    "{q} replied that the USSR had fulfilled its part under the U Thant proposal.",
    "A ship identified as the {r} was reported off {c} at first light.",
    "{p} pointed out that the United States had made clear what it meant by {t}.",
    "The meeting adjourned at {h} after agreement on the text of the statement.",
    "{p} recalled that the President's message of {d} contained two points on {t}.",
    "It is our impression that the Soviets do not want to stay a single hour longer than necessary.",
    "{o} should be informed at once of any change in the position on {t}.",
    "{p} thought a joint statement on {t} might be acceptable to both Governments.",
    "No Cuban observation of the dismantling at {c} has been permitted.",
    "Our reading is that Moscow has not yet instructed its representatives on {t}.",
    "{p} suggested that {t} be discussed at a later date once the weapons were removed.",
    "The Embassy believes the {r} report should be treated with reserve.",
    "{q} said he would have to refer the question of {t} to Moscow.",
    "Allied governments have been briefed on {t} and have raised no objection.",
    "{p} said the Soviet General had offered to answer any questions on {t}.",
    "The text of the reply will be cabled as soon as it is cleared.",
    "{p} emphasized that nothing should be done which might be taken as a threat.",
    "Low-level flights over {c} showed the launchers being removed.",
    "{o} recommends that no public statement be made on {t} until further notice.",
]

WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
HOURS = ["9:15 a.m.", "10 a.m.", "11:30 a.m.", "noon", "2:45 p.m.", "4 p.m.", "6:30 p.m."]

PRINTED_CITATIONS = [
    ("afp", "For text, see American Foreign Policy: Current Documents, 1962, pp. {a}-{b}."),
    ("bulletin", "Printed in Department of State Bulletin, November {n}, 1962, p. {a}."),
    ("afp", "The statement is in American Foreign Policy: Current Documents, 1962, p. {a}."),
]
NOTE_FOOTNOTES = [
    "Not printed.",
    "Not found.",
    "The source text bears no indication that it was sent.",
    "No record of this meeting has been found.",
    "Ellipsis in the source text.",
    "A handwritten notation on the source text indicates that the President saw it.",
    "Printed from an unsigned copy.",
]
REMARKS = [
    'A handwritten notation on the source text reads: "Pres. has seen."',
    "The source text is a copy that bears no drafting information.",
    "According to another copy, this message was delivered by hand.",
    "A summary of this telegram was sent to the President.",
    "Printed from a copy that indicates the original was sent to the White House.",
]
