"""The real people of the crisis, as FRUS 1961–1963 vol. XI names them.

Each with the labels and spellings the texts use, the positions held, and how often
they act; and which of them sat on the other side of the table. One long list of
records that belong together, apart from the synthetic staff (``staff``) that grows
with the corpus.
"""

# Persons: authorised name, sort name, weight (how often they act), variants
# (form, name type), positions (title, organisation key, start, end), office phrase
# used in headings, the label a telephone transcript uses for them.
PERSONS = [
    (
        "Dean Rusk",
        "Rusk, Dean",
        60,
        [
            ("Rusk", "label"),
            ("Secretary of State Rusk", "office"),
            ("Secretary", "label"),
            ("Sec", "label"),
        ],
        [("Secretary of State", "state", "1961-01-21", "1969-01-20")],
        "Secretary of State Rusk",
        "Secretary",
    ),
    (
        "Adlai E. Stevenson",
        "Stevenson, Adlai E.",
        30,
        [
            ("Stevenson", "label"),
            ("the Permanent Representative to the United Nations (Stevenson)", "office"),
        ],
        [("Permanent Representative to the United Nations", "usun", "1961-01-23", "1965-07-14")],
        "the Permanent Representative to the United Nations (Stevenson)",
        "Stevenson",
    ),
    (
        "John J. McCloy",
        "McCloy, John J.",
        22,
        [("McCloy", "label"), ("Mr. McCloy", "label")],
        [
            (
                "Chairman of the Coordinating Committee on Cuba",
                "white_house",
                "1962-10-26",
                "1963-01-07",
            )
        ],
        "John J. McCloy",
        "McCloy",
    ),
    (
        "Vasily V. Kuznetsov",
        "Kuznetsov, Vasily V.",
        18,
        [
            ("Kuznetsov", "label"),
            ("Kuznetzov", "transliteration"),
            ("First Deputy Foreign Minister Kuznetsov", "office"),
        ],
        [
            (
                "First Deputy Minister of Foreign Affairs of the Soviet Union",
                "",
                "1955-03-01",
                "1977-10-07",
            )
        ],
        "First Deputy Foreign Minister Kuznetsov",
        "Kuznetsov",
    ),
    (
        "George W. Ball",
        "Ball, George W.",
        20,
        [("Ball", "label"), ("Under Secretary of State Ball", "office")],
        [("Under Secretary of State", "state", "1961-12-04", "1966-09-30")],
        "Under Secretary of State Ball",
        "Ball",
    ),
    (
        "Nikita S. Khrushchev",
        "Khrushchev, Nikita S.",
        30,
        [
            ("Khrushchev", "label"),
            ("Khrushchov", "transliteration"),
            ("Chairman Khrushchev", "office"),
        ],
        [
            (
                "Chairman of the Council of Ministers of the Soviet Union",
                "",
                "1958-03-27",
                "1964-10-14",
            )
        ],
        "Chairman Khrushchev",
        "Khrushchev",
    ),
    (
        "John F. Kennedy",
        "Kennedy, John F.",
        40,
        [("Kennedy", "label"), ("President Kennedy", "office"), ("the President", "label")],
        [("President of the United States", "white_house", "1961-01-20", "1963-11-22")],
        "President Kennedy",
        "President",
    ),
    (
        "Robert F. Kennedy",
        "Kennedy, Robert F.",
        10,
        [("Attorney General Kennedy", "office"), ("RFK", "abbreviation")],
        [("Attorney General", "", "1961-01-21", "1964-09-03")],
        "Attorney General Kennedy",
        "Attorney General",
    ),
    (
        "Llewellyn E. Thompson",
        "Thompson, Llewellyn E.",
        12,
        [("Thompson", "label"), ("Ambassador at Large Thompson", "office")],
        [("Ambassador at Large", "state", "1962-10-03", "1966-12-31")],
        "Ambassador at Large Thompson",
        "Thompson",
    ),
    (
        "McGeorge Bundy",
        "Bundy, McGeorge",
        18,
        [
            ("Bundy", "label"),
            ("the President's Special Assistant for National Security Affairs (Bundy)", "office"),
        ],
        [
            (
                "Special Assistant for National Security Affairs",
                "white_house",
                "1961-01-20",
                "1966-02-28",
            )
        ],
        "the President's Special Assistant for National Security Affairs (Bundy)",
        "Bundy",
    ),
    (
        "Robert S. McNamara",
        "McNamara, Robert S.",
        22,
        [("McNamara", "label"), ("Secretary of Defense McNamara", "office")],
        [("Secretary of Defense", "defense", "1961-01-21", "1968-02-29")],
        "Secretary of Defense McNamara",
        "McNamara",
    ),
    (
        "Roswell L. Gilpatric",
        "Gilpatric, Roswell L.",
        9,
        [("Gilpatric", "label"), ("Deputy Secretary of Defense Gilpatric", "office")],
        [("Deputy Secretary of Defense", "defense", "1961-01-24", "1964-01-20")],
        "Deputy Secretary of Defense Gilpatric",
        "Gilpatric",
    ),
    (
        "Alexander Akalovsky",
        "Akalovsky, Alexander",
        8,
        [("Akalovsky", "label")],
        [("Interpreter, Division of Language Services", "state", "1958-01-01", "1970-12-31")],
        "Alexander Akalovsky",
        "Akalovsky",
    ),
    (
        "Valerian A. Zorin",
        "Zorin, Valerian A.",
        10,
        [("Zorin", "label"), ("Soviet Permanent Representative Zorin", "office")],
        [
            (
                "Permanent Representative of the Soviet Union to the United Nations",
                "",
                "1962-01-01",
                "1962-12-31",
            )
        ],
        "Soviet Permanent Representative Zorin",
        "Zorin",
    ),
    (
        "U Thant",
        "Thant, U",
        16,
        [
            ("Thant", "label"),
            ("Acting Secretary-General U Thant", "office"),
            ("SYG", "abbreviation"),
        ],
        [("Acting Secretary-General of the United Nations", "", "1961-11-03", "1962-11-30")],
        "Acting Secretary-General U Thant",
        "U Thant",
    ),
    (
        "Anastas I. Mikoyan",
        "Mikoyan, Anastas I.",
        10,
        [("Mikoyan", "label"), ("First Deputy Chairman Mikoyan", "office")],
        [("First Deputy Chairman of the Council of Ministers", "", "1955-02-28", "1964-07-15")],
        "First Deputy Chairman Mikoyan",
        "Mikoyan",
    ),
    (
        "Fidel Castro",
        "Castro, Fidel",
        14,
        [("Castro", "label"), ("Prime Minister Castro", "office")],
        [("Prime Minister of Cuba", "", "1959-02-16", "1976-12-02")],
        "Prime Minister Castro",
        "Castro",
    ),
    (
        "Anatoly F. Dobrynin",
        "Dobrynin, Anatoly F.",
        11,
        [("Dobrynin", "label"), ("Soviet Ambassador Dobrynin", "office")],
        [("Ambassador of the Soviet Union to the United States", "", "1962-03-30", "1986-05-01")],
        "Soviet Ambassador Dobrynin",
        "Dobrynin",
    ),
    (
        "Foy D. Kohler",
        "Kohler, Foy D.",
        12,
        [("Kohler", "label"), ("Ambassador Kohler", "office")],
        [("Ambassador to the Soviet Union", "emb_moscow", "1962-09-27", "1966-11-14")],
        "Ambassador Kohler",
        "Kohler",
    ),
    (
        "Charles W. Yost",
        "Yost, Charles W.",
        6,
        [("Yost", "label")],
        [("Deputy Representative to the Security Council", "usun", "1961-03-01", "1966-01-01")],
        "Charles W. Yost",
        "Yost",
    ),
    (
        "Edwin M. Martin",
        "Martin, Edwin M.",
        9,
        [
            ("Martin", "label"),
            ("Assistant Secretary of State for Inter-American Affairs (Martin)", "office"),
        ],
        [
            (
                "Assistant Secretary of State for Inter-American Affairs",
                "state",
                "1962-05-18",
                "1964-01-03",
            )
        ],
        "the Assistant Secretary of State for Inter-American Affairs (Martin)",
        "Martin",
    ),
    (
        "U. Alexis Johnson",
        "Johnson, U. Alexis",
        9,
        [
            ("Johnson", "label"),
            ("Deputy Under Secretary of State for Political Affairs (Johnson)", "office"),
        ],
        [
            (
                "Deputy Under Secretary of State for Political Affairs",
                "state",
                "1961-05-02",
                "1964-07-12",
            )
        ],
        "the Deputy Under Secretary of State for Political Affairs (Johnson)",
        "Johnson",
    ),
    (
        "Roger Hilsman",
        "Hilsman, Roger",
        8,
        [
            ("Hilsman", "label"),
            ("Director of the Bureau of Intelligence and Research (Hilsman)", "office"),
        ],
        [
            (
                "Director of the Bureau of Intelligence and Research",
                "state",
                "1961-02-19",
                "1963-05-08",
            )
        ],
        "the Director of the Bureau of Intelligence and Research (Hilsman)",
        "Hilsman",
    ),
    (
        "Paul H. Nitze",
        "Nitze, Paul H.",
        7,
        [("Nitze", "label")],
        [
            (
                "Assistant Secretary of Defense for International Security Affairs",
                "defense",
                "1961-01-29",
                "1963-11-29",
            )
        ],
        "the Assistant Secretary of Defense for International Security Affairs (Nitze)",
        "Nitze",
    ),
    (
        "Maxwell D. Taylor",
        "Taylor, Maxwell D.",
        9,
        [("Taylor", "label"), ("General Taylor", "office")],
        [("Chairman of the Joint Chiefs of Staff", "jcs", "1962-10-01", "1964-07-01")],
        "the Chairman of the Joint Chiefs of Staff (Taylor)",
        "Taylor",
    ),
    (
        "Theodore C. Sorensen",
        "Sorensen, Theodore C.",
        6,
        [("Sorensen", "label")],
        [("Special Counsel to the President", "white_house", "1961-01-20", "1964-02-29")],
        "the President's Special Counsel (Sorensen)",
        "Sorensen",
    ),
    (
        "John A. McCone",
        "McCone, John A.",
        12,
        [("McCone", "label"), ("Director of Central Intelligence McCone", "office")],
        [("Director of Central Intelligence", "cia", "1961-11-29", "1965-04-28")],
        "Director of Central Intelligence McCone",
        "McCone",
    ),
    (
        "Indar Jit Rikhye",
        "Rikhye, Indar Jit",
        4,
        [("Rikhye", "label"), ("General Rikhye", "office")],
        [("Military Adviser to the Secretary-General", "", "1960-01-01", "1969-12-31")],
        "General Rikhye",
        "Rikhye",
    ),
    (
        "Osvaldo Dorticós Torrado",
        "Dorticós Torrado, Osvaldo",
        3,
        [("Dorticos", "variant"), ("Dorticós", "label"), ("President Dorticos", "office")],
        [("President of Cuba", "", "1959-07-18", "1976-12-02")],
        "President Dorticos",
        "Dorticos",
    ),
    (
        "Raymond L. Garthoff",
        "Garthoff, Raymond L.",
        4,
        [("Garthoff", "label")],
        [
            (
                "Special Assistant, Bureau of Politico-Military Affairs",
                "state",
                "1961-09-01",
                "1968-12-31",
            )
        ],
        "Raymond L. Garthoff",
        "Garthoff",
    ),
    (
        "Harlan Cleveland",
        "Cleveland, Harlan",
        6,
        [("Cleveland", "label")],
        [
            (
                "Assistant Secretary of State for International Organization Affairs",
                "state",
                "1961-02-23",
                "1965-09-14",
            )
        ],
        "the Assistant Secretary of State for International Organization Affairs (Cleveland)",
        "Cleveland",
    ),
    (
        "Andrei A. Gromyko",
        "Gromyko, Andrei A.",
        8,
        [("Gromyko", "label"), ("Foreign Minister Gromyko", "office")],
        [("Minister of Foreign Affairs of the Soviet Union", "", "1957-02-15", "1985-07-02")],
        "Foreign Minister Gromyko",
        "Gromyko",
    ),
    (
        "Dean Acheson",
        "Acheson, Dean",
        4,
        [("Acheson", "label")],
        [("Special Emissary of the President", "white_house", "1962-10-22", "1962-10-24")],
        "former Secretary of State Acheson",
        "Acheson",
    ),
    (
        "Francis T.P. Plimpton",
        "Plimpton, Francis T.P.",
        4,
        [("Plimpton", "label")],
        [("Deputy Representative to the United Nations", "usun", "1961-03-08", "1965-03-01")],
        "Francis T.P. Plimpton",
        "Plimpton",
    ),
    (
        "Thomas K. Finletter",
        "Finletter, Thomas K.",
        5,
        [("Finletter", "label")],
        [
            (
                "Permanent Representative to the North Atlantic Council",
                "usnato",
                "1961-04-01",
                "1965-09-01",
            )
        ],
        "the Permanent Representative to the North Atlantic Council (Finletter)",
        "Finletter",
    ),
    (
        "Raymond A. Hare",
        "Hare, Raymond A.",
        5,
        [("Hare", "label")],
        [("Ambassador to Turkey", "emb_ankara", "1961-05-01", "1965-09-30")],
        "the Ambassador to Turkey (Hare)",
        "Hare",
    ),
]

# Actors on the other side of the table: never drafters or clearers of US papers.
FOREIGN_PERSONS = {
    "Vasily V. Kuznetsov",
    "Nikita S. Khrushchev",
    "Valerian A. Zorin",
    "U Thant",
    "Anastas I. Mikoyan",
    "Fidel Castro",
    "Anatoly F. Dobrynin",
    "Indar Jit Rikhye",
    "Osvaldo Dorticós Torrado",
    "Andrei A. Gromyko",
}
