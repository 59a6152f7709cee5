"""A synthetic event graph in the ontology's shape, as N-Quads, of about a given size.

Each synthetic article is made as dkg's own records (an ``Extraction``: the
article, its actors, its acts with their evidence spans in a text written
alongside) and turned into triples by ``kg.build.extraction_triples``, the
builder ``dkg build`` uses, so the graph has exactly the shape of a built store
(docs/architecture.md): the ontology in its named graph, each article in its
own. States, their ministries and a pool of officials recur across articles;
requests are declined or accepted, accusations denied, claims on one topic
made by both sides, meetings name their participants, spokespersons speak for
their ministries. The same seed gives the same file.

    python bench/synthetic_graph.py 1000000 graph-1m.nq
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from kg.build import extraction_triples  # noqa: E402
from kg.model import Act, Actor, Article, Extraction, Span  # noqa: E402
from kg.namespaces import ONTOLOGY_GRAPH, graph_iri, slug  # noqa: E402
from kg.resources import ontology_path  # noqa: E402

__all__ = ["articles", "ontology_quads", "article_quads", "write_nquads", "write_sizes"]

VERSION = "0.1.0"
MODEL = "en_core_web_sm 3.8.0"

STATES = [
    ("CHN", "China", "Q148"), ("USA", "United States", "Q30"), ("RUS", "Russia", "Q159"),
    ("JPN", "Japan", "Q17"), ("IND", "India", "Q668"), ("FRA", "France", "Q142"),
    ("DEU", "Germany", "Q183"), ("GBR", "United Kingdom", "Q145"), ("BRA", "Brazil", "Q155"),
    ("KOR", "South Korea", "Q884"), ("PRK", "North Korea", "Q423"), ("IRN", "Iran", "Q794"),
    ("TUR", "Turkey", "Q43"), ("EGY", "Egypt", "Q79"), ("ISR", "Israel", "Q801"),
    ("SAU", "Saudi Arabia", "Q851"), ("PAK", "Pakistan", "Q843"), ("IDN", "Indonesia", "Q252"),
    ("AUS", "Australia", "Q408"), ("CAN", "Canada", "Q16"), ("MEX", "Mexico", "Q96"),
    ("POL", "Poland", "Q36"), ("UKR", "Ukraine", "Q212"), ("ITA", "Italy", "Q38"),
    ("ESP", "Spain", "Q29"), ("NGA", "Nigeria", "Q1033"), ("ZAF", "South Africa", "Q258"),
    ("VNM", "Vietnam", "Q881"), ("PHL", "Philippines", "Q928"), ("ARG", "Argentina", "Q414"),
    ("COL", "Colombia", "Q739"), ("VEN", "Venezuela", "Q717"), ("ETH", "Ethiopia", "Q115"),
    ("KEN", "Kenya", "Q114"), ("SRB", "Serbia", "Q403"), ("GRC", "Greece", "Q41"),
    ("SWE", "Sweden", "Q34"), ("NOR", "Norway", "Q20"), ("QAT", "Qatar", "Q846"),
    ("MYS", "Malaysia", "Q833"),
]
BODIES = [("foreign-ministry", "Ministry of Foreign Affairs of {s}", "foreign ministry"),
          ("defence-ministry", "Ministry of Defence of {s}", "defence ministry"),
          ("government", "Government of {s}", "government")]
ROLES = ["Foreign Minister", "Defence Minister", "Spokesperson", "Ambassador",
         "Deputy Foreign Minister", "Press Secretary", "National Security Adviser"]
FIRST = ["Wei", "Anna", "Sergei", "Kenji", "Priya", "Marie", "Klaus", "James", "Lucas", "Min-jun",
         "Hassan", "Mehmet", "Amina", "David", "Fatima", "Imran", "Siti", "Olivia", "Pierre",
         "Carlos", "Katarzyna", "Olena", "Marco", "Elena", "Chinedu", "Thabo", "Linh", "Jose"]
LAST = ["Zhang", "Petrova", "Ivanov", "Tanaka", "Sharma", "Dubois", "Weber", "Carter", "Silva",
        "Park", "Karimi", "Yilmaz", "Mansour", "Levy", "Khan", "Rahman", "Brown", "Martin",
        "Lopez", "Nowak", "Kovalenko", "Rossi", "Garcia", "Okafor", "Mokoena", "Nguyen"]
TOPICS = ["the disputed islands", "the grain deal", "the detained journalists", "the ceasefire",
          "fishing rights", "the nuclear programme", "steel tariffs", "the prisoner exchange",
          "the airspace violation", "the naval exercises", "the pipeline", "the expelled diplomats",
          "the trade agreement", "the seized tanker", "the cyber attacks", "the drone strike"]
ASKS = ["to hold talks on {t}", "to release the crew", "to withdraw its troops",
        "to reopen the border crossing", "to explain {t}", "to lift the sanctions",
        "to allow inspectors into the site", "to stop the exercises"]
CLAIMS = ["that {t} was a civilian matter", "that its forces had not crossed the border",
          "that {t} broke international law", "that the talks had failed because of the other side"]
QUOTES = ["We will not accept any interference in our internal affairs",
          "Dialogue is the only way forward", "This is a clear violation of international law",
          "We expect a full explanation", "The accusations are groundless",
          "We are ready to take all necessary measures"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class _Text:
    """The text of an article, written sentence by sentence, with the spans in it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending: list[tuple[int, int, str]] = []

    def sentence(self, *pieces: str) -> tuple[str, list[tuple[int, int, str]]]:
        """Append a sentence of ``pieces``; the spans of each piece (start, end, text)."""
        start = self.length
        spans, pos = [], start
        for k, piece in enumerate(pieces):
            if k:
                pos += 1
            spans.append((pos, pos + len(piece), piece))
            pos += len(piece)
        text = " ".join(pieces) + "."
        self.parts.append(text + " ")
        self.length += len(text) + 1
        return text, spans

    def text(self) -> str:
        return "".join(self.parts).rstrip() + "\n"


def _people(rng: random.Random) -> dict[str, list[tuple[str, str, str, str]]]:
    """A pool of officials per state: (key, name, role, body key)."""
    pool: dict[str, list] = {}
    for iso, _, _ in STATES:
        for _ in range(60):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            role = rng.choice(ROLES)
            body = f"gov/{iso}/{rng.choice(BODIES[:2])[0]}"
            pool.setdefault(iso, []).append((f"person/{slug(name)}-{iso.lower()}", name, role,
                                             body))
    return pool


def _article(i: int, rng: random.Random, people) -> Extraction:
    (ia, na, qa), (ib, nb, qb) = rng.sample(STATES, 2)
    published = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 730))
    topic = rng.choice(TOPICS)
    txt = _Text()
    mentions: dict[str, list[Span]] = {}
    actors: dict[str, dict] = {}

    def state(iso, name, qid):
        actors.setdefault(f"state/{iso}", dict(label=name, kind="state", iso=iso, wikidata=qid))
        return f"state/{iso}", name

    def body(iso, name, kind_index):
        btype, template, _ = BODIES[kind_index]
        key = f"gov/{iso}/{btype}"
        actors.setdefault(key, dict(label=template.format(s=name), kind="government",
                                    member_of=f"state/{iso}"))
        actors.setdefault(f"state/{iso}", dict(label=name, kind="state", iso=iso,
                                               wikidata=dict((s[0], s[2]) for s in STATES)[iso]))
        return key, f"{name}'s {BODIES[kind_index][2]}"

    def person(iso, name):
        key, pname, role, bkey = rng.choice(people[iso])
        body(iso, name, 0 if "foreign" in bkey else 1)
        actors.setdefault(key, dict(label=pname, kind="person", role=role, member_of=bkey))
        return key, f"{role} {pname}"

    def agent(iso, name, qid):
        pick = rng.random()
        if pick < 0.5:
            return state(iso, name, qid)
        if pick < 0.75:
            return body(iso, name, rng.randrange(3))
        return person(iso, name)

    acts: list[Act] = []

    def act(kind, who, verb, to=None, content=None, topic_=None, quote=None, responds=None,
            subtype=None, participants=(), via=None):
        day = rng.randint(0, 6)
        when = published - dt.timedelta(days=day)
        date_text = f"on {WEEKDAYS[when.weekday()]}" if rng.random() < 0.6 else None
        pieces = [who[1], verb] + ([to[1]] if to else []) + ([content] if content else [])
        if date_text:
            pieces.append(date_text)
        if via:
            pieces += ["said", via[1]]
        if quote:
            pieces = [f'"{quote},"'] + pieces
        sentence, spans = txt.sentence(*pieces)
        off = 1 if quote else 0

        def span(k):
            a, b, t = spans[k]
            return Span(a, b, t, sentence)

        mentions.setdefault(who[0], []).append(span(off))
        if to:
            mentions.setdefault(to[0], []).append(span(off + 2))
        if via:
            mentions.setdefault(via[0], []).append(span(len(spans) - 1))
        evidence = (span(off + 1),) + ((span(0),) if quote else ())
        key = f"a{len(acts) + 1}"
        acts.append(Act(key=key, type=kind, agent=who[0], evidence=evidence,
                        via=via[0] if via else None, addressee=to[0] if to else None,
                        topic=topic_, content=content, participants=tuple(participants),
                        responds_to=responds, quote=quote,
                        date=when.isoformat() if date_text and rng.random() < 0.8 else None,
                        date_text=date_text, subtype=subtype))
        return key

    A, B = (ia, na, qa), (ib, nb, qb)
    for _ in range(rng.randint(4, 7)):
        first, second = (A, B) if rng.random() < 0.5 else (B, A)
        scene = rng.random()
        if scene < 0.25:
            req = act("request", agent(*first), "asked", state(*second[:3]),
                      rng.choice(ASKS).format(t=topic))
            if rng.random() < 0.7:
                act("decline" if rng.random() < 0.7 else "accept", agent(*second),
                    "declined" if rng.random() < 0.7 else "accepted", None,
                    "the request", responds=req)
        elif scene < 0.45:
            acc = act("accusation", agent(*first), "accused", state(*second[:3]),
                      f"of violating {topic}")
            if rng.random() < 0.6:
                act("denial", agent(*second), "denied", None, "the accusation", responds=acc)
        elif scene < 0.6:
            act("protest", body(first[0], first[1], 0), "protested to", state(*second[:3]),
                f"over {topic}", quote=rng.choice(QUOTES) if rng.random() < 0.4 else None)
            if rng.random() < 0.4:
                act("threat", agent(*first), "threatened", state(*second[:3]),
                    "to expel its ambassador")
        elif scene < 0.8:
            c1 = act("claim", agent(*first), "claimed", None,
                     rng.choice(CLAIMS).format(t=topic), topic_=topic)
            act("claim", agent(*second), "said", None, rng.choice(CLAIMS).format(t=topic),
                topic_=topic, responds=c1 if rng.random() < 0.3 else None)
        elif scene < 0.9:
            p1, p2 = person(*first[:2]), person(*second[:2])
            act("action", p1, "met", p2, f"to discuss {topic}", subtype="meeting",
                participants=(p1[0], p2[0]))
        else:
            spokes = person(*first[:2])
            act("statement", body(first[0], first[1], 0), "stated", None,
                f"that it wanted peace on {topic}", topic_=topic, quote=rng.choice(QUOTES),
                via=spokes)
    if rng.random() < 0.5:
        act("commitment", agent(*A), "promised", None, f"to continue talks on {topic}")
    if rng.random() < 0.2:
        act("action", state(*B), "moved", None, "warships near the islands", subtype="movement")

    art_id = f"graph-{i:06d}"
    text = txt.text()
    article = Article(id=art_id, text=text, title=f"{na} and {nb} at odds over {topic}",
                      source="synthetic", published=published.isoformat())
    records = tuple(
        Actor(key=key, label=d["label"], kind=d["kind"], member_of=d.get("member_of"),
              role=d.get("role"), iso=d.get("iso"), wikidata=d.get("wikidata"),
              mentions=tuple(sorted(set(mentions.get(key, ())))))
        for key, d in sorted(actors.items()))
    return Extraction(article, records, tuple(acts), MODEL)


def articles(seed: int = 10) -> Iterator[Extraction]:
    """Synthetic article extractions, without end, the same for the same seed."""
    rng = random.Random(seed)
    people = _people(rng)
    i = 0
    while True:
        i += 1
        yield _article(i, rng, people)


def ontology_quads() -> list[ox.Quad]:
    """The ontology, in its named graph, as dkg's store holds it."""
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)]


def article_quads(ex: Extraction) -> list[ox.Quad]:
    """An article's triples in its named graph."""
    graph = ox.NamedNode(str(graph_iri(ex.article.id)))
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in extraction_triples(ex, VERSION)]


def write_sizes(targets: dict[int, Path], seed: int = 10) -> dict[int, tuple[int, int]]:
    """Write one N-Quads file per target size (in quads, the ontology's included), each
    the previous one's articles and more; returns size -> (quads, articles) written."""
    files = {n: open(path, "wb") for n, path in targets.items()}
    counts = {n: [0, 0] for n in targets}
    try:
        onto = ontology_quads()
        data = ox.serialize(onto, format=ox.RdfFormat.N_QUADS)
        for n, fh in files.items():
            fh.write(data)
            counts[n][0] += len(onto)
        for ex in articles(seed):
            open_sizes = [n for n in targets if counts[n][0] < n]
            if not open_sizes:
                break
            quads = article_quads(ex)
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
            for n in open_sizes:
                files[n].write(data)
                counts[n][0] += len(quads)
                counts[n][1] += 1
    finally:
        for fh in files.values():
            fh.close()
    return {n: (c[0], c[1]) for n, c in counts.items()}


def write_nquads(path: str | Path, size: int, seed: int = 10) -> tuple[int, int]:
    """Write a graph of at least ``size`` quads to ``path``; (quads, articles) written."""
    return write_sizes({size: Path(path)}, seed)[size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="how many quads (triples), at least")
    parser.add_argument("out", type=Path, help="the .nq file to write")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    quads, count = write_nquads(args.out, args.size, args.seed)
    print(f"{quads} quads, {count} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
