import pytest

from catalogue.importers.avalon.names import (
    looks_like_agent_start,
    normalise_name,
    parse_agent_label,
    split_agents,
)


@pytest.mark.parametrize(
    ("label", "name", "office", "kind"),
    [
        ("Secretary of State Rusk", "Rusk", "Secretary of State", "person"),
        (
            "the Permanent Representative to the United Nations (Stevenson)",
            "Stevenson",
            "Permanent Representative to the United Nations",
            "person",
        ),
        ("President Kennedy", "Kennedy", "President", "person"),
        ("Chairman Khrushchev", "Khrushchev", "Chairman", "person"),
        (
            "the President's Special Assistant for National Security Affairs (Bundy)",
            "Bundy",
            "President's Special Assistant for National Security Affairs",
            "person",
        ),
        ("the Under Secretary of State (Ball)", "Ball", "Under Secretary of State", "person"),
        ("Prime Minister Macmillan", "Macmillan", "Prime Minister", "person"),
        ("Attorney General Kennedy", "Kennedy", "Attorney General", "person"),
        ("Acting Secretary-General U Thant", "U Thant", "Acting Secretary-General", "person"),
        ("President de Gaulle", "de Gaulle", "President", "person"),
        ("Soviet Foreign Minister Gromyko", "Gromyko", "Soviet Foreign Minister", "person"),
        ("Secretary of State Dean Rusk", "Dean Rusk", "Secretary of State", "person"),
        (
            "Director of Central Intelligence McCone",
            "McCone",
            "Director of Central Intelligence",
            "person",
        ),
        ("Ambassador to Brazil Gordon", "Gordon", "Ambassador to Brazil", "person"),
        (
            "White House Press Secretary Salinger",
            "Salinger",
            "White House Press Secretary",
            "person",
        ),
        ("Mr. Akalovsky", "Akalovsky", "", "person"),
        ("Akalovsky", "Akalovsky", "", "person"),
        ("U. Alexis Johnson", "U. Alexis Johnson", "", "person"),
        ("Meeker (L)", "Meeker", "L", "person"),
        ("Hilsman (INR)", "Hilsman", "INR", "person"),
        ("the President", "President", "President", "person"),
        (
            "the Deputy Chief of Mission",
            "Deputy Chief of Mission",
            "Deputy Chief of Mission",
            "person",
        ),
        ("the Department of State", "Department of State", "", "organisation"),
        ("the Embassy in the Soviet Union", "Embassy in the Soviet Union", "", "organisation"),
        ("the Mission to the United Nations", "Mission to the United Nations", "", "organisation"),
        ("the Joint Chiefs of Staff", "Joint Chiefs of Staff", "", "organisation"),
        (
            "the Executive Committee of the National Security Council",
            "Executive Committee of the National Security Council",
            "",
            "organisation",
        ),
        ("All Latin American Posts", "All Latin American Posts", "", "organisation"),
        ("the Soviet Government", "Soviet Government", "", "organisation"),
        ("the White House", "White House", "", "organisation"),
    ],
)
def test_parse_agent_label(label, name, office, kind):
    agent = parse_agent_label(label)
    assert (agent.name, agent.office, agent.kind) == (name, office, kind)
    assert agent.label == label


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "Secretary of State Rusk and the Permanent Representative to the United Nations"
            " (Stevenson)",
            [
                "Secretary of State Rusk",
                "the Permanent Representative to the United Nations (Stevenson)",
            ],
        ),
        (
            "the Director of the Bureau of Intelligence and Research (Hilsman) and Secretary Rusk",
            ["the Director of the Bureau of Intelligence and Research (Hilsman)", "Secretary Rusk"],
        ),
        ("Ball, Johnson, and Tyler", ["Ball", "Johnson", "Tyler"]),
        ("Ball and Meeker (L)", ["Ball", "Meeker (L)"]),
        (
            "President Kennedy, Prime Minister Macmillan and Chancellor Adenauer",
            ["President Kennedy", "Prime Minister Macmillan", "Chancellor Adenauer"],
        ),
        (
            "Secretary of Health, Education, and Welfare Celebrezze",
            ["Secretary of Health, Education, and Welfare Celebrezze"],
        ),
        ("", []),
    ],
)
def test_split_agents(text, labels):
    assert split_agents(text) == labels


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        ("the Department", True),
        ("President Kennedy", True),
        ("Rusk", True),
        ("Research (Hilsman)", False),
        ("in the morning", False),
        ("", False),
    ],
)
def test_looks_like_agent_start(piece, expected):
    assert looks_like_agent_start(piece) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kuznetsóv,  V.", "kuznetsov v"),
        ("  SECRETARY-General  U Thant ", "secretary general u thant"),
        ("Chargé d’Affaires", "charge d affaires"),
        ("", ""),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected
