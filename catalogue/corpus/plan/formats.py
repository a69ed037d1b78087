"""How the documents write dates, times, ordinals and heading phrases."""

from __future__ import annotations

import datetime as dt

MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ORDINALS = {1: "st", 2: "nd", 3: "rd"}


def format_time(t: dt.time) -> str:
    if t.hour == 12 and t.minute == 0:
        return "noon"
    if t.hour == 0 and t.minute == 0:
        return "midnight"
    suffix = "a.m." if t.hour < 12 else "p.m."
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {suffix}" if t.minute else f"{hour} {suffix}"


def format_date(d: dt.date) -> str:
    return f"{MONTHS[d.month]} {d.day}, {d.year}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else ORDINALS.get(n % 10, "th")
    return f"{n}{suffix}"


def _cap(phrase: str) -> str:
    return phrase[0].upper() + phrase[1:] if phrase.startswith("the ") else phrase
