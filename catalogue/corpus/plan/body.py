"""Body text and footnotes of a planned document, drawn from pooled sentences."""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from operator import itemgetter

from .. import vocabulary as v
from .draws import weighted
from .formats import MONTHS
from .records import PlannedFootnote

# Distinct generic sentences; a power of two so that 16-bit random draws index a
# table of the pool repeated (``POOL_TABLE_REPEAT`` times) without bias or arithmetic.
SENTENCE_POOL = 2**14
POOL_TABLE_REPEAT = 2**16 // SENTENCE_POOL
WORDS_PER_SENTENCE = 14
PARAGRAPH_SIZES = (2, 3, 4, 5, 6)  # pooled sentences after each paragraph's opener
N_PARAGRAPH_SIZES = float(len(PARAGRAPH_SIZES))
FOOTNOTE_KINDS = ("date", "citation", "cross_reference", "archival", "note")
FOOTNOTE_CUM = (20, 35, 60, 75, 100)
DAYS_BACK = tuple(dt.timedelta(days=d) for d in range(7))


class BodyDrafting:
    """The planner's body and footnote draws (mixed into ``DocumentPlanner``)."""

    def _sentence(self, labels: list[str]) -> str:
        """A sentence naming one of this document's own people when it has any."""
        below = self.rng._randbelow
        if labels:
            pool = self.person_pool
            return pool[below(len(pool))].replace("{p}", labels[below(len(labels))])
        pool = self.sentence_pool
        return pool[below(len(pool))]

    def _fresh(self) -> str:
        rng = self.rng
        tmpl = v.SENTENCES[weighted(rng, range(len(v.SENTENCES)), self.sentence_cum)]
        return self._fill(tmpl, self.auth.agents[self.person()].label)

    def _fill(self, tmpl: str, p: str) -> str:
        rng = self.rng
        return tmpl.format(
            p=p,
            q=self.auth.agents[self.person()].label,
            o=rng.choice(v.ORGANISATIONS)[3],
            t=rng.choice(v.TOPIC_PHRASES),
            c=rng.choice(v.CUBAN_PLACES),
            d=rng.choice(v.WEEKDAYS),
            r=rng.choice(v.RARE_TERMS),
            h=rng.choice(v.HOURS),
        )

    def _pooled(self, k: int) -> tuple[str, ...]:
        """``k`` sentences of the pool, uniformly: one ``randbytes`` and a C-level gather
        instead of a ``random()`` and an index per sentence (the most frequent draw of
        a corpus, ~60 per document). Session 3 changed this draw (and the pool size),
        so corpora generated before differ for the same seed."""
        if k == 0:
            return ()
        indices = array("H", self.rng.randbytes(2 * k))
        if sys.byteorder == "big":
            indices.byteswap()
        found = itemgetter(*indices)(self.sentence_table)
        return found if k > 1 else (found,)

    def _body(self, doc_type, words, message_number, routing, speakers, labels) -> str:
        rng = self.rng
        paragraphs: list[str] = []
        count = 0
        if doc_type == "memorandum_of_telephone_conversation" and speakers:
            names = [self.auth.agents[s].label for s in speakers]
            alt = {0: [names[0]], 1: [names[1]]}
            if names[0] == "Secretary":
                alt[0] = ["Secretary", "Sec"]
            if names[1] == "Secretary":
                alt[1] = ["Secretary", "Sec"]
            turn = 0
            while count < words:
                sentences = [
                    self._sentence(names),
                    *rng.choices(self.sentence_pool, k=rng.randint(0, 5)),
                ]
                text = " ".join(sentences)
                paragraphs.append(f"{rng.choice(alt[turn])}: {text}")
                count += text.count(" ") + 1
                turn = 1 - turn
            return "\n\n".join(paragraphs)
        # Draw the whole body in a few calls: per-sentence draws dominated generation.
        # The list comprehensions draw what ``rng.choices(seq, k=n)`` draws (one
        # ``random()`` each, ``seq[floor(random() * len(seq))]``), without its call.
        n_paragraphs = max(1, round(words / (5 * WORDS_PER_SENTENCE)))
        random = rng.random
        steps = range(n_paragraphs)
        sizes = [PARAGRAPH_SIZES[int(random() * N_PARAGRAPH_SIZES)] for _ in steps]
        pooled = self._pooled(sum(sizes))
        if labels:
            pool = self.person_pool
            n = float(len(pool))
            templates = [pool[int(random() * n)] for _ in steps]
            n = float(len(labels))
            openers = [t.replace("{p}", labels[int(random() * n)]) for t in templates]
        else:
            pool = self.sentence_pool
            n = float(len(pool))
            openers = [pool[int(random() * n)] for _ in steps]
        at = 0
        for opener, size in zip(openers, sizes, strict=True):
            paragraphs.append(" ".join((opener, *pooled[at : at + size])))
            at += size
        if message_number:
            paragraphs[0] = " ".join((f"{message_number}.", *routing, paragraphs[0]))
        return "\n\n".join(paragraphs)

    def _footnotes(self, index, n, body, date):
        if n == 0:
            return [], body
        below = self.rng._randbelow
        size = len(body)
        found = set()
        for _ in range(n * 3):
            pos = body.find(" ", below(size))
            if pos > 0:
                found.add(pos)
            if len(found) == n:
                break
        positions = sorted(found)
        notes: list[PlannedFootnote] = []
        pieces: list[str] = []
        last = 0
        shift = 0
        for number, pos in enumerate(positions, start=1):
            marker = f"({number})"
            word_start = body.rfind(" ", 0, pos) + 1
            anchor = body[word_start:pos].strip(".,;:\"'")[:200]
            pieces.append(body[last:pos])
            offset = pos + shift
            pieces.append(marker)
            shift += len(marker)
            last = pos
            notes.append(self._footnote(index, number, anchor, offset, date))
        pieces.append(body[last:])
        return notes, "".join(pieces)

    def _footnote(self, index, number, anchor, offset, date) -> PlannedFootnote:
        rng = self.rng
        below = rng._randbelow  # as choice/randint/randrange draw
        kind = weighted(rng, FOOTNOTE_KINDS, FOOTNOTE_CUM)
        note = PlannedFootnote(number, "", kind, anchor, offset)
        if kind == "date":
            base = date or v.PEAK_START
            resolved = base - DAYS_BACK[below(7)]
            note.resolved_date = resolved
            note.text = f"{MONTHS[resolved.month]} {resolved.day}."
        elif kind == "citation":
            pub, tmpl = v.PRINTED_CITATIONS[below(len(v.PRINTED_CITATIONS))]
            a = 300 + below(601)
            b = a + 1 + below(4)
            note.text = tmpl.format(a=a, b=b, n=5 + below(22))
            note.printed = (pub, f"{a}-{b}" if "{b}" in tmpl else str(a))
        elif kind == "cross_reference" and index > 0:
            low = max(0, index - 2000)
            target = low + below(index - low)
            note.cross_reference = target
            note.cross_number = target % 700 + 1
            if rng.random() < 0.5:
                note.text = f"Khrushchev's letter is printed as Document {note.cross_number}."
            else:
                note.text = f"See Document {note.cross_number}."
        elif kind == "archival":
            files = self.auth.files
            f = files[below(len(files))]
            who = self.auth.agents[self.person()].label
            location = f.location_text
            if f.decimal:
                location = f"{location}, {f.decimal}/10-{16 + below(16)}62"
            note.archival_unit = f.unit
            note.text = f"{who}'s handwritten notes on this meeting are in {location}."
        else:
            note.kind = "note"
            note.text = v.NOTE_FOOTNOTES[below(len(v.NOTE_FOOTNOTES))]
        return note
