"""A synthetic corpus of diplomatic-news-like articles, made from sentence templates.

Each article is a short wire story: a headline and a few paragraphs in which
states, their ministries, embassies and officials request, decline, accept,
protest, accuse, deny, threaten, promise, meet and say things, with quotes and
dates. The same seed always gives the same corpus. The first article is the
project's example article (``kg/examples/balloon-call-declined.txt``).

Run ``python bench/corpus.py N OUT.jsonl`` to write N articles as a ``.jsonl``
corpus (one article object a line), the input ``dkg build`` reads.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

__all__ = ["STATES", "article", "corpus", "write_corpus", "example_article"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "kg" / "examples" / "balloon-call-declined.txt"

#: (name, demonym, capital, short name used in text as "the ...", or "")
STATES = [
    ("China", "Chinese", "Beijing", ""), ("the United States", "American", "Washington", "U.S."),
    ("Russia", "Russian", "Moscow", ""), ("Japan", "Japanese", "Tokyo", ""),
    ("India", "Indian", "New Delhi", ""), ("France", "French", "Paris", ""),
    ("Germany", "German", "Berlin", ""), ("the United Kingdom", "British", "London", "U.K."),
    ("Brazil", "Brazilian", "Brasilia", ""), ("South Korea", "South Korean", "Seoul", ""),
    ("North Korea", "North Korean", "Pyongyang", ""), ("Iran", "Iranian", "Tehran", ""),
    ("Turkey", "Turkish", "Ankara", ""), ("Egypt", "Egyptian", "Cairo", ""),
    ("Israel", "Israeli", "Jerusalem", ""), ("Saudi Arabia", "Saudi", "Riyadh", ""),
    ("Pakistan", "Pakistani", "Islamabad", ""), ("Indonesia", "Indonesian", "Jakarta", ""),
    ("Australia", "Australian", "Canberra", ""), ("Canada", "Canadian", "Ottawa", ""),
    ("Mexico", "Mexican", "Mexico City", ""), ("Poland", "Polish", "Warsaw", ""),
    ("Ukraine", "Ukrainian", "Kyiv", ""), ("Italy", "Italian", "Rome", ""),
    ("Spain", "Spanish", "Madrid", ""), ("Nigeria", "Nigerian", "Abuja", ""),
    ("South Africa", "South African", "Pretoria", ""), ("Vietnam", "Vietnamese", "Hanoi", ""),
    ("the Philippines", "Philippine", "Manila", ""), ("Argentina", "Argentine", "Buenos Aires", ""),
    ("Colombia", "Colombian", "Bogota", ""), ("Venezuela", "Venezuelan", "Caracas", ""),
    ("Ethiopia", "Ethiopian", "Addis Ababa", ""), ("Kenya", "Kenyan", "Nairobi", ""),
    ("Serbia", "Serbian", "Belgrade", ""), ("Greece", "Greek", "Athens", ""),
    ("Sweden", "Swedish", "Stockholm", ""), ("Norway", "Norwegian", "Oslo", ""),
    ("Qatar", "Qatari", "Doha", ""), ("Malaysia", "Malaysian", "Kuala Lumpur", ""),
]

FIRST = ["Wei", "Anna", "Sergei", "Kenji", "Priya", "Marie", "Klaus", "James", "Lucas", "Min-jun",
         "Hassan", "Mehmet", "Amina", "David", "Fatima", "Imran", "Siti", "Olivia", "Pierre",
         "Carlos", "Katarzyna", "Olena", "Marco", "Elena", "Chinedu", "Thabo", "Linh", "Jose",
         "Diego", "Tomas", "Abebe", "Grace", "Milos", "Nikos", "Ingrid", "Lars", "Khalid",
         "Aziz", "Rosa", "Yuki"]
LAST = ["Zhang", "Petrova", "Ivanov", "Tanaka", "Sharma", "Dubois", "Weber", "Carter", "Silva",
        "Park", "Karimi", "Yilmaz", "Mansour", "Levy", "Al-Saud", "Khan", "Rahman", "Brown",
        "Martin", "Lopez", "Nowak", "Kovalenko", "Rossi", "Garcia", "Okafor", "Mokoena",
        "Nguyen", "Santos", "Fernandez", "Novak", "Tesfaye", "Wanjiru", "Jovanovic",
        "Papadopoulos", "Lindqvist", "Hansen", "Al-Thani", "Ibrahim", "Castillo", "Sato"]
TITLES = ["Foreign Minister", "Defence Minister", "Prime Minister", "President",
          "Ambassador", "Deputy Foreign Minister", "Trade Minister", "National Security Adviser"]
BODIES = ["foreign ministry", "defence ministry", "embassy", "trade ministry", "military"]
TOPICS = ["the disputed islands", "a grain export deal", "the detained journalists",
          "a ceasefire along the border", "fishing rights", "the nuclear programme",
          "sanctions on steel imports", "a prisoner exchange", "the airspace violation",
          "the naval exercises", "visa rules for students", "the pipeline project",
          "the expelled diplomats", "a new trade agreement", "refugee returns",
          "the seized tanker", "cyber attacks on government networks", "the drone strike"]
ASKS = ["hold talks on {t}", "release the crew of the seized tanker", "withdraw its troops",
        "reopen the border crossing", "extradite the former minister", "explain the incident",
        "lift the sanctions", "return the ambassador", "allow inspectors into the site",
        "stop the naval exercises", "share information about {t}"]
REASONS = ["the timing was not right", "the demands were unacceptable",
           "it would not negotiate under pressure", "the matter was an internal affair",
           "the request had no legal basis"]
QUOTES = ["We will not accept any interference in our internal affairs",
          "Dialogue is the only way forward",
          "This is a clear violation of international law",
          "Our doors remain open, but the other side must act in good faith",
          "We expect a full explanation",
          "The accusations are groundless and irresponsible",
          "We are ready to take all necessary measures to defend our interests",
          "Both sides agreed to keep the lines of communication open"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
SOURCES = ["Wire Service", "Daily Courier", "Evening Gazette", "World Desk", "News Agency"]
FILLER = [
    "Relations between {A} and {B} have been strained for years.",
    "The two countries established diplomatic relations in {year}.",
    "Analysts said the dispute could affect trade between the two neighbours.",
    "The incident drew attention from governments across the region.",
    "Officials in {capA} did not immediately respond to a request for comment.",
    "Talks between the two sides broke down last year.",
    "The {demB} side has made similar complaints in the past.",
    "Markets in {capB} were little changed after the announcement.",
]


def _upper_first(text: str) -> str:
    return text[0].upper() + text[1:]


class _Scene:
    """The cast of one article: two states, their officials and a topic."""

    def __init__(self, rng: random.Random) -> None:
        a, b = rng.sample(STATES, 2)
        self.rng = rng
        self.a, self.b = a, b
        self.topic = rng.choice(TOPICS)
        self.pa = self._person(a)
        self.pb = self._person(b)
        self.spoke = f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    def _person(self, state) -> tuple[str, str]:
        title = self.rng.choice(TITLES)
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        return f"{state[1]} {title} {name}", name

    @staticmethod
    def name(state, start: bool = False) -> str:
        text = state[0]
        return text[0].upper() + text[1:] if start else text

    def body(self, state) -> str:
        kind = self.rng.choice(BODIES)
        if kind == "embassy":
            other = self.b if state is self.a else self.a
            return f"the {state[1]} embassy in {other[2]}"
        return self.rng.choice([f"{state[0]}'s {kind}", f"the {state[1]} {kind}"])

    def day(self, published: dt.date) -> str:
        rng = self.rng
        back = rng.randint(0, 6)
        when = published - dt.timedelta(days=back)
        return rng.choice([
            f"on {WEEKDAYS[when.weekday()]}", f"on {MONTHS[when.month - 1]} {when.day}",
            "last week", "earlier this month", f"on {when.day} {MONTHS[when.month - 1]}"])


def _sentences(s: _Scene, published: dt.date) -> tuple[list[str], list[str]]:
    rng = s.rng
    A, B = s.name(s.a), s.name(s.b)
    ask = rng.choice(ASKS).format(t=s.topic)
    quote = rng.choice(QUOTES)
    day = s.day(published)
    cap = s.name
    pool = [
        f"{cap(s.a, True)} asked {B} {day} to {ask}, {s.body(s.a)} said.",
        f"{s.pa[0]} called on {B} to {ask}.",
        f"{cap(s.b, True)} declined the request, saying {rng.choice(REASONS)}.",
        f"{cap(s.b, True)} rejected {A}'s call for talks on {s.topic} {day}.",
        f"{_upper_first(s.body(s.a))} lodged a formal protest with {B} over {s.topic}.",
        f"{cap(s.a, True)} accused {B} of violating its airspace {day}.",
        f"{cap(s.b, True)} denied the accusation and called it baseless.",
        f"{s.pb[0]} warned that {B} would respond if {A} continued the exercises.",
        f"{cap(s.b, True)} threatened to expel {A}'s ambassador over {s.topic}.",
        f"{s.pa[0]} met {s.pb[0]} in {s.b[2]} {day} to discuss {s.topic}.",
        f"\"{quote},\" {s.pb[1]} told reporters in {s.b[2]}.",
        f"\"{rng.choice(QUOTES)},\" said {s.spoke}, a spokesperson for {s.body(s.a)}.",
        f"{cap(s.a, True)} promised to continue the dialogue with {B} on {s.topic}.",
        f"{cap(s.b, True)} agreed {day} to {ask}.",
        f"{_upper_first(s.body(s.b))} summoned {A}'s ambassador {day} over {s.topic}.",
        f"{cap(s.a, True)} urged {B} to respect the agreement on {s.topic}.",
        f"{cap(s.b, True)} said it had no plans to {ask}.",
        f"{s.pb[0]} said {B} was ready to accept the proposal from {A}.",
        f"{cap(s.a, True)} said the two governments would meet again next month.",
    ]
    year = rng.randint(1949, 1995)
    filler = [f.format(A=A, B=B, year=year, capA=s.a[2], capB=s.b[2], demB=s.b[1])
              for f in FILLER]
    return pool, filler


def article(i: int, rng: random.Random) -> dict:
    """The ``i``-th synthetic article, drawn from ``rng``: a dict as a .jsonl line holds it."""
    scene = _Scene(rng)
    published = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 730))
    acts, filler = _sentences(scene, published)
    chosen = rng.sample(acts, rng.randint(4, 7)) + rng.sample(filler, rng.randint(1, 3))
    rng.shuffle(chosen)
    paragraphs = [" ".join(chosen[k:k + 2]) for k in range(0, len(chosen), 2)]
    title = f"{scene.name(scene.a, True)} and {scene.name(scene.b)} at odds over {scene.topic}"
    text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
    return {"id": f"synthetic-{i:05d}", "title": title, "source": rng.choice(SOURCES),
            "published": published.isoformat(), "text": text}


def example_article() -> dict:
    """The project's example article, as a .jsonl line holds it."""
    meta = json.loads(EXAMPLE.with_suffix(".json").read_text(encoding="utf-8"))
    return {"id": meta["id"], "title": meta.get("title"), "published": meta.get("published"),
            "text": EXAMPLE.read_text(encoding="utf-8")}


def corpus(n: int, seed: int = 10) -> list[dict]:
    """``n`` articles: the example article, then ``n - 1`` synthetic ones (same seed, same list)."""
    rng = random.Random(seed)
    out = [example_article()] if n > 0 else []
    out += [article(i, rng) for i in range(1, n)]
    return out


def write_corpus(path: str | Path, n: int, seed: int = 10) -> Path:
    """Write ``corpus(n, seed)`` as a .jsonl file; returns its path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for item in corpus(n, seed):
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many articles")
    parser.add_argument("out", type=Path, help="the .jsonl file to write")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    write_corpus(args.out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
