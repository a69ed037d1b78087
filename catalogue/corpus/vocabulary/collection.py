"""The collection itself: its name and misspellings, the footer its texts carry, the
crisis's dates, and the proportions of document types, classifications, caveats and
subjects seen in FRUS 1961–1963 vol. XI.

Separate from the people and institutions because these are the shape of the corpus as
a whole (what kind of document, how secret, when), not who or what appears in one.
"""

import datetime as dt

COLLECTION = "The Cuban Missile Crisis"
COLLECTION_VARIANTS = [
    "The Cuban Missle Crisis",
    "The Cuban Missile Crises",
    "Cuban Missile Crisis",
]
FOOTER = "127 Wall Street, New Haven, CT 06511."

CRISIS_START = dt.date(1962, 10, 1)
CRISIS_END = dt.date(1962, 12, 31)
PEAK_START = dt.date(1962, 10, 16)
PEAK_END = dt.date(1962, 11, 3)

# (key, weight, median body words, mean footnotes)
DOCUMENT_TYPES = [
    ("telegram", 38, 420, 1.6),
    ("circular_telegram", 2, 260, 1.0),
    ("memorandum", 11, 520, 2.2),
    ("memorandum_of_conversation", 10, 700, 2.4),
    ("memorandum_of_telephone_conversation", 7, 380, 1.8),
    ("memorandum_for_the_record", 5, 560, 2.6),
    ("letter", 6, 650, 2.0),
    ("message", 5, 480, 1.6),
    ("summary_record", 3, 1400, 3.5),
    ("notes", 2, 900, 3.0),
    ("paper", 3, 1100, 2.8),
    ("editorial_note", 4, 300, 2.2),
    ("record_of_meeting", 2, 850, 2.5),
    ("report", 2, 800, 2.0),
]

# Classification slug -> weight (editorial notes carry none).
CLASSIFICATIONS = [
    ("secret", 36),
    ("top-secret", 21),
    ("confidential", 19),
    ("no-classification-marking", 12),
    ("unclassified", 5),
    ("official-use-only", 4),
    ("limited-official-use", 3),
]
CLASSIFICATION_NAMES = {
    "secret": "Secret",
    "top-secret": "Top Secret",
    "confidential": "Confidential",
    "no-classification-marking": "No classification marking",
    "unclassified": "Unclassified",
    "official-use-only": "Official Use Only",
    "limited-official-use": "Limited Official Use",
}
CLASSIFICATION_RANKS = {
    "no-classification-marking": 0,
    "unclassified": 10,
    "official-use-only": 20,
    "limited-official-use": 25,
    "confidential": 30,
    "secret": 40,
    "top-secret": 50,
}

# Caveat slug, display name, kind, probability on a telegram, on other documents.
CAVEATS = [
    ("eyes-only", "Eyes Only", "caveat", 0.14, 0.10),
    ("niact", "Niact", "precedence", 0.16, 0.0),
    ("operational-immediate", "Operational Immediate", "precedence", 0.10, 0.0),
    ("priority", "Priority", "precedence", 0.14, 0.0),
    ("flash", "Flash", "precedence", 0.02, 0.0),
    ("limited-distribution", "Limited Distribution", "distribution", 0.05, 0.04),
    ("exdis", "Exdis", "distribution", 0.08, 0.02),
    ("nodis", "Nodis", "distribution", 0.05, 0.02),
    ("verbatim-text", "Verbatim Text", "handling", 0.04, 0.03),
    ("personal-and-confidential", "Personal and Confidential", "caveat", 0.0, 0.03),
]

SUBJECTS = [
    "Soviet missiles in Cuba",
    "Naval quarantine of Cuba",
    "United Nations inspection and verification",
    "Aerial reconnaissance",
    "Jupiter missiles in Turkey and Italy",
    "IL-28 bombers",
    "Non-invasion assurances",
    "Soviet-American relations",
    "Organization of American States",
    "Berlin",
    "Cuban exiles",
    "Soviet shipping",
    "Surface-to-air missile sites",
    "Prisoners held in Cuba",
    "Allied consultation",
]
