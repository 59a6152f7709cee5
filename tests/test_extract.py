"""The extractor on short hand-written sentences, one pattern each, and on the example."""
from __future__ import annotations

import pytest

from kg.model import Article


def extract(nlp, text: str, published: str | None = "2023-02-07"):
    from kg.extract import extract_article

    return extract_article(Article("t", text, published=published), nlp=nlp)


def acts_of(ex, act_type: str):
    return [a for a in ex.acts if a.type == act_type]


def label(ex, key: str | None) -> str | None:
    return next((a.label for a in ex.actors if a.key == key), None)


def state_label(ex, key: str | None) -> str | None:
    actors = {a.key: a for a in ex.actors}
    seen = 0
    while key in actors and actors[key].kind != "state" and seen < 5:
        key = actors[key].member_of
        seen += 1
    return actors[key].label if key in actors else None


def test_extract_decline_of_possessed_request_links_both(nlp):
    ex = extract(nlp, "Norway declined Sweden's request for talks on fishing rights.")
    [decline] = acts_of(ex, "decline")
    [request] = acts_of(ex, "request")
    assert label(ex, decline.agent) == "Norway"
    assert label(ex, request.agent) == "Sweden"
    assert decline.responds_to == request.key
    assert label(ex, request.addressee) == "Norway"
    assert label(ex, decline.addressee) == "Sweden"


def test_extract_reported_speech_gives_the_act_to_its_agent(nlp):
    ex = extract(nlp, "Japan rejected the proposal from Russia, the foreign ministry in Tokyo "
                      "said on Monday.")
    [decline] = acts_of(ex, "decline")
    assert label(ex, decline.agent) == "Japan"
    assert not acts_of(ex, "statement")


def test_extract_negated_and_doubted_acts_are_not_asserted(nlp):
    for text in ("Brazil did not threaten Argentina.",
                 "Peru may refuse the request from Chile.",
                 "It is unlikely that Kenya will accuse Uganda of anything."):
        ex = extract(nlp, text)
        assert not [a for a in ex.acts if a.type in ("threat", "decline", "accusation")], text


def test_extract_negated_acceptance_is_a_refusal(nlp):
    ex = extract(nlp, "Egypt said it will not accept the demands made by Ethiopia.")
    assert [label(ex, a.agent) for a in acts_of(ex, "decline")] == ["Egypt"]


def test_extract_quote_is_attributed_to_speaker_after_it(nlp):
    text = ('Foreign Minister Anna Berg of Sweden spoke on Friday.\n\n'
            '"We remain open to dialogue with everyone," she said.')
    ex = extract(nlp, text)
    [statement] = [a for a in ex.acts if a.quote and "dialogue" in a.quote]
    assert label(ex, statement.agent) == "Anna Berg"


def test_extract_first_person_in_quote_is_the_speakers_side(nlp):
    text = ('France asked Italy for an inquiry, said Jean Dupont, a French spokesman.\n\n'
            '"Unfortunately, Italy has declined our request," he said.')
    ex = extract(nlp, text)
    requests = acts_of(ex, "request")
    declines = acts_of(ex, "decline")
    assert len(requests) == 1, "the second mention is the same request"
    assert len(declines) == 1
    assert label(ex, declines[0].agent) == "Italy"
    assert declines[0].responds_to == requests[0].key


def test_extract_title_and_post_give_membership(nlp):
    ex = extract(nlp, "Defense Secretary Jane Roe of the United States visited Manila.")
    person = next(a for a in ex.actors if a.label == "Jane Roe")
    assert person.kind == "person"
    assert state_label(ex, person.key) == "United States"


def test_extract_possessive_body_belongs_to_its_state(nlp):
    ex = extract(nlp, "Canada's Foreign Ministry protested the arrest of two citizens.")
    [protest] = acts_of(ex, "protest")
    body = next(a for a in ex.actors if a.key == protest.agent)
    assert body.kind == "government"
    assert state_label(ex, body.key) == "Canada"


def test_extract_unnamed_officials_are_their_own_actor(nlp):
    ex = extract(nlp, "U.S. officials said the talks would resume in March.")
    [statement] = acts_of(ex, "statement")
    group = next(a for a in ex.actors if a.key == statement.agent)
    assert group.kind == "group"
    assert state_label(ex, group.key) == "United States"


def test_extract_capital_stands_for_its_government(nlp):
    ex = extract(nlp, "Beijing accused Washington of interference.")
    [accusation] = acts_of(ex, "accusation")
    assert label(ex, accusation.agent) == "China"
    assert label(ex, accusation.addressee) == "United States"


@pytest.mark.parametrize("phrase,expected", [
    ("on Saturday", "2023-02-04"),
    ("on Jan. 28", "2023-01-28"),
    ("last month", None),
])
def test_extract_dates_resolve_against_publication(nlp, phrase, expected):
    ex = extract(nlp, f"Ghana expelled Togo's ambassador {phrase}.")
    [action] = acts_of(ex, "action")
    assert action.date == expected


def test_extract_page_furniture_gives_no_acts(nlp):
    text = ("Headline without a full stop\n\nSomething went wrong.\nPlease try again later.\n\n"
            "Iran condemned the strike.\n\nThis article was originally published on")
    ex = extract(nlp, text)
    assert [a.type for a in ex.acts] == ["accusation"]


def test_extract_evidence_offsets_point_into_the_text(nlp, example_article,
                                                      example_extraction):
    text = example_article.text
    for act in example_extraction.acts:
        for span in act.evidence:
            assert text[span.start:span.end] == span.text
            assert span.text in span.sentence or span.sentence in text


def test_extract_same_input_same_records(nlp, example_article, example_extraction):
    from kg.extract import extract_article

    assert extract_article(example_article, nlp=nlp) == example_extraction


def test_extract_example_declines_the_request_once(example_extraction, example_article):
    declines = acts_of(example_extraction, "decline")
    assert len(declines) == 1, "both mentions of the decline are one act"
    decline = declines[0]
    assert len(decline.evidence) >= 2
    texts = " | ".join(s.text for s in decline.evidence)
    assert "declined our request" in texts
    request = next(a for a in example_extraction.acts if a.key == decline.responds_to)
    assert request.type == "request"
    assert label(example_extraction, decline.agent) == "China"
    assert label(example_extraction, request.agent) == "United States"
    names = {label(example_extraction, p) for p in request.participants}
    assert {"Lloyd Austin", "Wei Fenghe"} <= names


def test_extract_example_scores_against_gold(example_extraction, example_gold,
                                             example_article):
    from kg.evaluate import rows_from_extraction, score_article

    events, actors = rows_from_extraction(example_extraction)
    score = score_article(events, actors, example_gold, example_article.text)
    assert score.state.f1 >= 0.90
    assert score.exact.f1 >= 0.80


def test_extract_must_said_of_another_side_is_a_request(nlp):
    text = ('"Spain must withdraw its troops," said Portuguese Foreign Minister Rui Costa.')
    ex = extract(nlp, text)
    [request] = acts_of(ex, "request")
    assert label(ex, request.agent) == "Rui Costa"
    assert label(ex, request.addressee) == "Spain"


def test_extract_future_sanctions_are_a_threat_not_an_action(nlp):
    ex = extract(nlp, "Turkey said it would impose sanctions on Greece.")
    assert [a.type for a in ex.acts if a.type in ("threat", "action")] == ["threat"]


def test_extract_rejecting_an_allegation_is_a_denial(nlp):
    ex = extract(nlp, "Iraq rejected the allegations made by Syria.")
    assert [a.type for a in ex.acts if a.type in ("denial", "decline")] == ["denial"]


def test_extract_persona_non_grata_is_an_action(nlp):
    ex = extract(nlp, "Latvia declared the Belarusian ambassador persona non grata on Monday.")
    [action] = acts_of(ex, "action")
    assert label(ex, action.agent) == "Latvia"


def test_extract_claims_joined_by_and_that_are_two_acts(nlp):
    ex = extract(nlp, "Chile claimed that the ship was a fishing vessel and that its crew "
                      "was lost.")
    assert len(acts_of(ex, "claim")) == 2


def test_extract_counterpart_belongs_to_the_other_side(nlp):
    text = ("Germany's request for a meeting between Chancellor Olaf Scholz and his "
            "counterpart, Prime Minister Li Qiang, was rejected by China.")
    ex = extract(nlp, text)
    li = next(a for a in ex.actors if a.label == "Li Qiang")
    assert state_label(ex, li.key) == "China"


@pytest.mark.parametrize("text,expected", [
    ("Norway told Russia to release the fishermen.", "request"),
    ("Japan expressed concern over the missile launch by North Korea.", "protest"),
    ("Serbia called off the talks with Kosovo.", "action"),
    ("Armenia welcomed the proposal from Azerbaijan.", "accept"),
    ("Poland summoned the Belarusian ambassador.", "action"),
    ("Vietnam vowed to retaliate against China.", "threat"),
    ("Ghana recalled its envoy from Togo, citing hostile actions.", "accusation"),
    ("Britain withdrew from the talks with Iran.", "action"),
    ("Latvia said it would downgrade relations with Russia.", "threat"),
    ("Australian intelligence attempted to intercept the telephone of Indonesia's president.", "action"),
])
def test_extract_lexicon_patterns(nlp, text, expected):
    ex = extract(nlp, text)
    assert expected in [a.type for a in ex.acts], [a.type for a in ex.acts]


def test_extract_groups_of_states_are_actors(nlp):
    ex = extract(nlp, "Four Gulf nations sent a list of demands to Oman. "
                      "Oman rejected the demands of the nations.")
    [request] = acts_of(ex, "request")
    group = next(a for a in ex.actors if a.key == request.agent)
    assert group.kind == "group"
    assert label(ex, request.addressee) == "Oman"


def test_extract_the_country_is_the_state_named_last(nlp):
    ex = extract(nlp, "Peru's foreign ministry said on Monday that the country had told "
                      "Bolivia not to send troops to the border.")
    [request] = acts_of(ex, "request")
    assert label(ex, request.agent) == "Peru"
    assert label(ex, request.addressee) == "Bolivia"


def test_extract_bylines_and_datelines_are_furniture_but_by_late_sunday_is_not():
    from kg.extract.boilerplate import skipped_ranges

    text = ("Talks stall\n\nBy John Smith\n\nGENEVA — Iran said on Monday.\n\n"
            "By late Sunday, however, Iraq said no.\n")
    skipped = [text[a:b] for a, b in skipped_ranges(text, "Talks stall")]
    assert skipped == ["Talks stall", "By John Smith", "GENEVA — "]


def test_extract_act_reported_by_its_own_body_has_it_as_via(nlp):
    ex = extract(nlp, "Chile has rejected the proposal by Peru, Chile's foreign ministry said.")
    [decline] = acts_of(ex, "decline")
    assert label(ex, decline.agent) == "Chile"
    assert state_label(ex, decline.via) == "Chile" and decline.via != decline.agent


def test_extract_example_graph_passes_the_shapes(example_extraction):
    from kg import __version__
    from kg.build import extraction_graph
    from kg.validate import validate_graph

    report = validate_graph(extraction_graph(example_extraction, __version__))
    assert report.conforms, report


def test_extract_example_graph_is_consistent_for_the_reasoner(example_extraction):
    from kg import __version__
    from kg.build import extraction_graph
    from kg.validate import java_available, reason

    if not java_available():
        pytest.skip("the OWL reasoner needs a Java runtime (apt-get install default-jre-headless)")
    assert reason(extraction_graph(example_extraction, __version__)).consistent


def test_extract_noun_act_without_author_is_its_governors(nlp):
    ex = extract(nlp, "Canada demanded that India address allegations that its agents "
                      "killed a Canadian citizen.")
    accusations = acts_of(ex, "accusation")
    assert [label(ex, a.agent) for a in accusations] == ["Canada"]


def test_extract_speaker_the_ner_missed_is_a_person(nlp):
    text = ('"We will not accept this," said Maja Kovacevic, spokeswoman for the '
            'European Union.')
    ex = extract(nlp, text)
    person = next((a for a in ex.actors if a.label == "Maja Kovacevic"), None)
    assert person is not None and person.kind == "person"
    assert [label(ex, a.agent) for a in acts_of(ex, "decline")] == ["Maja Kovacevic"]


def test_extract_ties_cut_with_a_state_are_addressed_to_it(nlp):
    ex = extract(nlp, "Bolivia cut diplomatic ties with Israel.")
    [action] = acts_of(ex, "action")
    assert label(ex, action.addressee) == "Israel"


def test_extract_floated_boycott_and_future_passive_denial_are_threats(nlp):
    ex = extract(nlp, "Ambassador Li Wei has floated a consumer boycott of Australian wine.")
    assert [a.type for a in ex.acts] == ["threat"]
    ex = extract(nlp, "Israel's mission said other UN staff would be denied visas.")
    [threat] = acts_of(ex, "threat")
    assert state_label(ex, threat.agent) == "Israel"


def test_extract_called_for_x_to_do_y_is_a_request(nlp):
    ex = extract(nlp, "Chile has rejected Peru's demands and has called for "
                      "\"calm heads\" to prevail.")
    assert sorted(a.type for a in ex.acts) == ["decline", "request", "request"]


def test_extract_trailing_participle_belongs_to_the_nearest_clause(nlp):
    text = ("Oman has been acting as a mediator in the crisis that began when Jordan "
            "announced it was cutting ties with Libya, accusing it of supporting militias.")
    ex = extract(nlp, text)
    assert [label(ex, a.agent) for a in acts_of(ex, "accusation")] == ["Jordan"]


def test_extract_rejecting_a_protest_answers_that_protest(nlp):
    text = ("Japan lodged a protest with China on Tuesday. China's foreign ministry "
            "spokesman Wang Wenbin rejected the protest. \"Japan has no right to make "
            "irresponsible remarks,\" Wang said.")
    ex = extract(nlp, text)
    [protest] = acts_of(ex, "protest")
    [decline] = acts_of(ex, "decline")
    assert decline.responds_to == protest.key
    assert protest.date == "2023-02-07"
    assert {label(ex, a.agent) for a in ex.acts if a is not protest} == {"Wang Wenbin"}


def test_extract_said_that_and_urged_are_two_acts(nlp):
    ex = extract(nlp, "Foreign Minister Ana Lima of Brazil told reporters that the raid was "
                      "\"totally unacceptable\" and urged Paraguay to withdraw its troops.")
    assert sorted(a.type for a in ex.acts) == ["accusation", "request"]
    [request] = acts_of(ex, "request")
    assert label(ex, request.agent) == "Ana Lima"
    assert label(ex, request.addressee) == "Paraguay"


def test_extract_unlisted_ministry_of_a_state_is_its_body(nlp):
    ex = extract(nlp, "South Korea's unification ministry called on North Korea to resume talks.")
    [request] = acts_of(ex, "request")
    body = next(a for a in ex.actors if a.key == request.agent)
    assert body.kind == "government" and state_label(ex, body.key) == "South Korea"
    assert label(ex, request.addressee) == "North Korea"


def test_extract_speaker_the_parser_left_without_subject(nlp):
    text = ("In a statement carried by the official news agency, Maria Silva, the deputy "
            "foreign minister, said Chile had no interest in talks with Peru.")
    ex = extract(nlp, text)
    assert [label(ex, a.agent) for a in acts_of(ex, "statement")] == ["Maria Silva"]


def test_extract_declining_to_comment_refuses_nothing(nlp):
    ex = extract(nlp, "The World Trade Organization declined to comment.")
    assert not acts_of(ex, "decline")


def test_extract_she_is_the_person_last_in_subject_position(nlp):
    text = ('"We stand ready," said Trade Commissioner Valdis Dombrovskis of the European '
            'Union.\n\nTrade Representative Katherine Tai of the United States defended the '
            'tariffs. She said the tariffs would remain until Europe cut its subsidies.')
    ex = extract(nlp, text)
    last = [a for a in ex.acts if a.evidence[0].start >= text.index("She said")]
    assert last and all(label(ex, a.agent) == "Katherine Tai" for a in last)


def test_extract_known_person_belongs_to_their_state_without_a_state_in_the_text(nlp):
    ex = extract(nlp, "President Donald Trump threatened tariffs on Monday.")
    [threat] = acts_of(ex, "threat")
    assert state_label(ex, threat.agent) == "United States"
    [person] = [a for a in ex.actors if a.key == threat.agent]
    assert person.label == "Donald Trump"


def test_extract_lead_accusation_answers_the_request_told_after_it(nlp):
    ex = extract(nlp, "Mexico accused Canada of interference on Friday. Earlier, Canada had "
                      "called on the Mexican government to release the prisoners.")
    [accusation] = acts_of(ex, "accusation")
    [request] = acts_of(ex, "request")
    assert state_label(ex, request.addressee) == "Mexico"
    assert accusation.responds_to == request.key


def test_extract_bare_quote_paragraph_continues_the_statement_before_it(nlp):
    first = '"The talks were long and frank," Foreign Minister Ana Silva of Portugal said.'
    ex = extract(nlp, first + '\n\n"It is a fair position. It is one we stand by."')
    [statement] = acts_of(ex, "statement")
    assert label(ex, statement.agent) == "Ana Silva"
    assert len(statement.evidence) >= 2  # the first quote and the paragraph after it
    ex = extract(nlp, first + '\n\n"It is a fair position," she added.')
    assert len(acts_of(ex, "statement")) == 2  # an attribution of its own: a new statement


def test_extract_political_party_is_one_organisation_with_its_acronym(nlp):
    ex = extract(nlp, "Hungary's ruling Civic Alliance (CA) party says the treaty is void. "
                      "CA also accused Austria of arrogance.")
    parties = [a for a in ex.actors if a.label == "Civic Alliance"]
    assert len(parties) == 1 and "CA" in parties[0].aliases
    assert {a.agent for a in ex.acts} == {parties[0].key}
    assert not [a for a in ex.actors if a.kind == "person"]


#: One sentence, one pattern, and exactly the acts it must give.
ACTS_OF_ONE_PATTERN = [
    # warnings of retaliation are threats
    ('"This hostile step will not go unanswered," the Serbian foreign ministry said.', ["threat"]),
    ("The spokeswoman for Serbia's foreign ministry promised retaliation against Croatia.",
     ["threat"]),
    ("Serbia said Croatia would bear full responsibility for the consequences.", ["threat"]),
    # lifting a measure is a concession, not a threat
    ("Ghana said it would lift its ban on Nigerian imports.", ["commitment"]),
    ("Ghana lifted its ban on Nigerian imports.", ["action"]),
    ("Ghana said it would ban Nigerian imports.", ["threat"]),
    ("Kenya is committed to removing every barrier to trade with Uganda.", ["commitment"]),
    # denying a deed or an account is a denial; denying what one could grant, a refusal
    ("Belarus has repeatedly denied orchestrating the crossings.", ["denial"]),
    ("Tajikistan's foreign ministry rejected that account within hours.", ["denial"]),
    ("Belarus denied the envoy a visa.", ["decline"]),
    # withholding what the other side wants is a refusal, and asks nothing itself
    ("Serbia's president said he would not attend the summit in Tirana.", ["decline"]),
    ("Mexico will not extradite the former minister, the foreign ministry said.", ["decline"]),
    ("Ghana released the crew on Monday.", []),
    # a condition on the object holds for its plural too ("held talks")
    ("Nigeria's president held talks with the Brazilian president on Wednesday.", ["action"]),
    # expecting an apology or an explanation of the other side asks for it
    ("Poland expects an explanation from Belarus.", ["request"]),
    ("We expect the talks to continue, the Polish minister said.", ["statement"]),
    # expressing solidarity is a statement; welcoming a decision too, a visitor a meeting
    ("Finland's foreign minister expressed full solidarity with Estonia.", ["statement"]),
    ("Nigeria welcomed the decision of the Brazilian government.", ["statement"]),
    ("Kenyan President William Ruto welcomed Ugandan President Yoweri Museveni in Nairobi.",
     ["action"]),
    # recalling an envoy is an action; backing a call accepts it
    ("Peru recalled its charge d'affaires in Mexico City for consultations.", ["action"]),
    ("Costa Rica backed the call for an investigation.", ["accept"]),
    # calling something by words of blame accuses; striking a note says
    ('Greek Foreign Minister Nikos Dendias called the comments "unacceptable and dangerous".',
     ["accusation"]),
    ("President Gabriel Boric struck a similar note.", []),
    # announcing a move told already is no new statement
    ("Kenya expelled the envoy of Somalia. Kenya's foreign ministry announced the move on "
     "Sunday.", ["action"]),
    # a remark by a source who speaks for no side is no act
    ("Chad expelled the French ambassador on Monday. A trade diplomat in Geneva said the "
     "dispute was unlikely to end soon.", ["action"]),
]


@pytest.mark.parametrize("text, expected", ACTS_OF_ONE_PATTERN)
def test_extract_acts_of_one_pattern(nlp, text, expected):
    assert [a.type for a in extract(nlp, text).acts] == expected, text


@pytest.mark.parametrize("text, first, second", [
    # a sentence-opening "It" continues the body that was the subject before
    ("Lithuania's foreign ministry summoned the Belarusian envoy on Tuesday. It demanded a "
     "full explanation of the incident.", "Lithuania", "Lithuania"),
    # a participle opening the sentence is not its subject
    ('Calling the remarks "insulting", Hungary summoned the Ukrainian ambassador on Tuesday.',
     "Hungary", "Hungary"),
])
def test_extract_agent_of_a_sentence_with_no_plain_subject(nlp, text, first, second):
    ex = extract(nlp, text)
    assert [state_label(ex, a.agent) for a in ex.acts] == [first, second]


def test_extract_a_states_leader_unnamed_is_its_head_named_before(nlp):
    ex = extract(nlp, "Nigerian President Bola Tinubu visited Brazil on Wednesday. The Nigerian "
                      "leader invited Lula to make a state visit to Abuja. Lula accepted the "
                      "invitation.")
    [request] = acts_of(ex, "request")
    [accept] = acts_of(ex, "accept")
    assert label(ex, request.agent) == "Bola Tinubu"
    assert state_label(ex, accept.agent) == "Brazil"  # a known one-word name
    assert accept.responds_to == request.key


def test_extract_a_region_named_after_a_state_is_not_that_state(nlp):
    ex = extract(nlp, "Brazil called for new seats for Africa and Latin America. China's coast "
                      "guard rammed a boat in the South China Sea.")
    assert "United States" not in {a.label for a in ex.actors}
    assert [state_label(ex, a.agent) for a in ex.acts] == ["Brazil", "China"]


def test_extract_planning_a_response_is_no_threat(nlp):
    ex = extract(nlp, "Serbia said it would coordinate its response with its partners.")
    assert not acts_of(ex, "threat")


def test_extract_body_said_after_a_named_person_is_the_speaker(nlp):
    ex = extract(nlp, "Chile has turned down Bolivia's request to extradite former minister "
                      "Jorge Paz Rivas, the Chilean Foreign Ministry said on Wednesday, arguing "
                      "that the charges against him were politically motivated.")
    [decline] = acts_of(ex, "decline")
    assert label(ex, decline.agent) == "Chile"
    assert not [a for a in ex.acts if a.agent and a.agent.startswith("person/")]


def test_extract_quote_attributed_after_its_second_sentence(nlp):
    ex = extract(nlp, 'The panel, chaired by Lena Berg, released its findings on Monday. '
                      '"These deaths were no accident. They were a policy," Lena Berg told '
                      'reporters.')
    quoted = [a for a in ex.acts if a.quote and "no accident" in a.quote]
    assert quoted and all(label(ex, a.agent) == "Lena Berg" for a in quoted)


def test_extract_report_speaks_for_its_author(nlp):
    ex = extract(nlp, "The report, published on Tuesday by the Council of Europe, said Serbia "
                      "had failed to protect journalists.")
    assert [label(ex, a.agent) for a in ex.acts] == ["Council of Europe"]


def test_extract_will_regret_is_no_protest_by_the_one_warned(nlp):
    ex = extract(nlp, '"Brussels will regret this decision," the Belarusian spokesman said.')
    assert not acts_of(ex, "protest")


@pytest.mark.parametrize("text, answer, answered", [
    ("Latvia expelled two Belarusian diplomats on Monday. Belarus accused the Latvian "
     "government of hysteria.", "accusation", "action"),
    # a statement after a threat aimed at its side answers it too
    ("Beijing threatened a boycott of Australian wine on Monday. Canberra said on Tuesday "
     "that its position was unchanged.", "statement", "threat"),
])
def test_extract_reaction_answers_the_other_sides_act_aimed_at_it(nlp, text, answer, answered):
    ex = extract(nlp, text)
    [target] = acts_of(ex, answered)
    [reply] = acts_of(ex, answer)
    assert reply.responds_to == target.key


def test_extract_reaction_answers_the_lead_act_not_a_later_one(nlp):
    # the story's news is Norway's expulsion; what Norway says after it is background
    ex = extract(nlp, "Norway expelled three Russian diplomats on Wednesday. The Norwegian "
                      "police said they had watched the men for a year. Russia called the "
                      "expulsions a hostile act.")
    [expulsion] = [a for a in acts_of(ex, "action") if state_label(ex, a.agent) == "Norway"][:1]
    [accusation] = acts_of(ex, "accusation")
    assert accusation.responds_to == expulsion.key


@pytest.mark.parametrize("text", [
    "China imposed tariffs on Australian barley on Monday. China suspended imports of "
    "Australian wine on Tuesday. Australia protested over the suspension.",
    "China imposed tariffs on Australian barley on Monday. China detained three Australian "
    "officials on Tuesday. Australia condemned the detention.",  # a listed derivation
])
def test_extract_reaction_answers_the_act_its_noun_names(nlp, text):
    ex = extract(nlp, text)
    [tariffs, named] = [a for a in ex.acts if state_label(ex, a.agent) == "China"]
    [reaction] = [a for a in ex.acts if state_label(ex, a.agent) == "Australia"]
    assert reaction.responds_to == named.key


def test_extract_body_title_takes_the_one_state_of_its_sentence(nlp):
    ex = extract(nlp, "In Moscow, Foreign Ministry spokeswoman Olga Marina promised retaliation.")
    [threat] = acts_of(ex, "threat")
    assert label(ex, threat.agent) == "Olga Marina"
    assert state_label(ex, threat.agent) == "Russia"


def test_extract_unnamed_post_and_its_named_holder_are_one_actor(nlp):
    ex = extract(nlp, "The Chilean ambassador to the United Nations called for a vote. "
                      "The Chilean ambassador to the United Nations, Rosa Campos, said the "
                      "vote was urgent.")
    persons = [a for a in ex.actors if a.kind == "person"]
    assert [p.label for p in persons] == ["Rosa Campos"]
    [request] = acts_of(ex, "request")
    assert request.agent == persons[0].key


def test_extract_accusation_aimed_at_a_third_side_answers_nothing_of_another(nlp):
    ex = extract(nlp, "Israel called for the resignation of the UN chief, Ana Lopes. "
                      "Ana Lopes of the United Nations rejected the call. "
                      "Ana Lopes also condemned the attacks by Hamas.")
    [accusation] = acts_of(ex, "accusation")
    assert accusation.responds_to is None


def test_extract_statement_after_a_refusal_of_its_sides_request_answers_nothing(nlp):
    ex = extract(nlp, "Japan declined South Korea's request for talks on Monday. "
                      "Seoul said on Tuesday that the talks had aimed to ease tension.")
    [statement] = acts_of(ex, "statement")
    assert statement.responds_to is None


@pytest.mark.parametrize("text, answered, reaction", [
    # "regretted the decision" answers the other side's refusal
    ("Serbia turned down an invitation from Albania to attend the summit. "
     "Serbia also criticised Kosovo's new trade rules. "
     "Albania's prime minister said he deeply regretted the decision.",
     "decline", "protest"),
    # calling the other side's charge absurd denies it
    ("Georgia accused Lithuania of blackmail on Monday. Lithuania's foreign "
     "ministry said the accusation was absurd.",
     "accusation", "denial"),
    # rejecting "the note" answers the protest it carried
    ("Guyana lodged a formal protest with Venezuela on Monday. Venezuela also "
     "accused Colombia of meddling. Caracas rejected the note on Wednesday.",
     "protest", "decline"),
    # calling the invitation deceitful answers the invitation
    ("Morocco announced an open invitation to Algeria's president. The Moroccan "
     "king later decided to withdraw from the summit. Algerian authorities said "
     "that the invitation was \"deceitful marketing\".",
     "request", "accusation"),
])
def test_extract_reaction_answers_the_act_it_names(nlp, text, answered, reaction):
    ex = extract(nlp, text)
    [act] = acts_of(ex, answered)
    [response] = acts_of(ex, reaction)
    assert response.responds_to == act.key


def test_extract_act_never_answers_the_statement_that_reports_it(nlp):
    ex = extract(nlp, "Washington imposed tariffs on Colombia on Sunday. "
                      "The White House later said Colombia had agreed to take the flights.")
    [accept] = acts_of(ex, "accept")
    [statement] = acts_of(ex, "statement")
    assert accept.responds_to != statement.key


def test_extract_request_asked_once_again_is_the_same_request(nlp):
    ex = extract(nlp, "Greece's foreign ministry on Tuesday repeated its call for Turkey to "
                      "withdraw its survey ship. \"Greece once again urges Turkey to withdraw "
                      "the ship at once,\" the ministry said.")
    [request] = acts_of(ex, "request")
    assert len(request.evidence) == 2


def test_extract_measure_taken_for_a_wrong_is_also_an_accusation(nlp):
    ex = extract(nlp, "Bolivia declared the Peruvian ambassador persona non grata for meddling "
                      "in its internal affairs.")
    assert sorted(a.type for a in ex.acts) == ["accusation", "action"]
    [accusation] = acts_of(ex, "accusation")
    assert label(ex, accusation.agent) == "Bolivia"


def test_extract_participle_after_a_call_says_what_the_call_asks(nlp):
    ex = extract(nlp, "Peru on Thursday defied a call from the European Union (EU) urging it "
                      "to reconsider the expulsion.")
    assert sorted(a.type for a in ex.acts) == ["decline", "request"]
    [request] = acts_of(ex, "request")
    assert label(ex, request.agent) == "European Union"


@pytest.mark.parametrize("text", [
    "Chile on Friday turned down Peru's \"advice\" to call off a meeting with the rebels.",
    "The minister told the envoy that it would not be possible for Chile to accept this advice.",
])
def test_extract_what_is_advised_or_impossible_is_no_act(nlp, text):
    assert not [a for a in extract(nlp, text).acts if a.type in ("action", "accept")], text


def test_extract_the_experts_are_the_expert_group_named_before(nlp):
    ex = extract(nlp, "Nicaragua rejected a call by United Nations human rights experts for an "
                      "investigation. The experts urged the government to release all prisoners.")
    requests = acts_of(ex, "request")
    assert len(requests) == 2
    assert {label(ex, r.agent) for r in requests} == {"United Nations human rights experts"}


def test_extract_party_member_apposition_is_not_the_speaker(nlp):
    ex = extract(nlp, 'Foreign Minister Anna Berg of Sweden, a Green, said last month that '
                      '"all options must remain on the table".')
    assert {label(ex, a.agent) for a in ex.acts} == {"Anna Berg"}


def test_extract_quoted_command_is_a_request(nlp):
    ex = extract(nlp, 'Chile has asked for the statue back for decades. "Give us one chance to '
                      'have him back," said Mayor Pedro Paoa of Chile.')
    quoted = [a for a in ex.acts if a.quote and "one chance" in a.quote]
    assert [a.type for a in quoted] == ["request"]


def test_extract_note_handed_over_in_reported_speech_is_the_reporters_protest(nlp):
    ex = extract(nlp, "Vietnam's foreign ministry said a diplomatic note had been handed to the "
                      "Chinese embassy in Hanoi.")
    [protest] = acts_of(ex, "protest")
    assert state_label(ex, protest.agent) == "Vietnam"
    assert state_label(ex, protest.addressee) == "China"


def test_extract_a_protest_told_twice_is_one_protest(nlp):
    ex = extract(nlp, "Lithuania lodged a formal protest with Belarus on Monday. The foreign "
                      "ministry in Vilnius handed a protest note to Belarus's charge d'affaires.")
    [protest] = acts_of(ex, "protest")
    assert len(protest.evidence) == 2


@pytest.mark.parametrize("text, name", [
    ("Foreign Minister Jean-Yves Le Drian urged the two countries to resume talks.",
     "Jean-Yves Le Drian"),
    ("In Washington, the State Department spokeswoman, Morgan Ortagus, called on Nicaragua to "
     "release the prisoners.", "Morgan Ortagus"),
    ("The UN high commissioner for human rights, Michelle Bachelet, whose office was expelled "
     "last year, urged Nicaragua to reconsider.", "Michelle Bachelet"),
])
def test_extract_named_person_is_the_agent_whatever_the_recogniser_did(nlp, text, name):
    ex = extract(nlp, text)
    [request] = acts_of(ex, "request")
    assert label(ex, request.agent) == name
    assert [a.label for a in ex.actors if a.kind == "person"] == [name]


@pytest.mark.parametrize("text, expected", [
    ("Maduro denied any fraud.", ["denial"]),
    ("Israel denied a visa to the envoy.", ["decline"]),
    ("Baku dismissed the Armenian concerns as baseless.", ["denial"]),
    ("Nicaragua has also ignored requests from the commission.", ["decline"]),
    ('"We will take every measure necessary," the Armenian foreign minister said.', ["threat"]),
])
def test_extract_deny_dismiss_ignore_and_measures(nlp, text, expected):
    assert [a.type for a in extract(nlp, text).acts if a.type != "request"] == expected


def test_extract_accepting_an_apology_answers_no_request(nlp):
    ex = extract(nlp, "Prime Minister Hun Sen on Thursday accepted an apology from Thai Foreign "
                      "Minister Don Pramudwinai.")
    assert not acts_of(ex, "request")


def test_extract_reaction_after_a_clause_answers_the_act_of_that_clause(nlp):
    ex = extract(nlp, "Canada suspended trade talks with India on Monday. "
                      "After Canada expelled an Indian diplomat, India retaliated by "
                      "accusing Canada of interference.")
    [expulsion] = [a for a in acts_of(ex, "action") if "expelled" in a.evidence[0].text]
    [accusation] = acts_of(ex, "accusation")
    assert accusation.responds_to == expulsion.key


def test_extract_unnamed_spokesman_speaks_for_the_body_named_last(nlp):
    ex = extract(nlp, "Australia's foreign ministry criticised the decision. "
                      "The Chinese embassy rejected the criticism. "
                      "\"We have nothing to hide,\" a spokesman said.")
    [spokesman] = [a for a in ex.actors if a.label.lower() == "spokesman"]
    assert spokesman.member_of.startswith("gov/CHN/")


def test_extract_third_side_urging_a_side_answers_that_sides_news(nlp):
    ex = extract(nlp, "Serbia turned down an invitation from Albania to attend the summit. "
                      "The European Union's foreign policy chief, Josep Borrell, urged "
                      "Serbia to reconsider.")
    [decline] = acts_of(ex, "decline")
    urged = [a for a in acts_of(ex, "request") if a.agent.startswith("person/")]
    assert [a.responds_to for a in urged] == [decline.key]


def test_extract_statement_said_in_two_joined_clauses_is_one_statement(nlp):
    ex = extract(nlp, "Smadiyarov said the cargo consisted of spare parts and that every "
                      "document had been filed in line with the rules.")
    assert len(acts_of(ex, "statement")) == 1


def test_extract_the_foreign_ministry_again_is_the_one_named_before(nlp):
    ex = extract(nlp, "China's Foreign Ministry repeated its call on Tuesday. China is willing "
                      "to hold talks on maritime issues, the Foreign Ministry said.")
    ministries = [a for a in ex.actors if "inistry" in a.label]
    assert [m.member_of for m in ministries] == ["state/CHN"]


def test_extract_reaction_drawn_from_an_actor_is_that_actors(nlp):
    ex = extract(nlp, "Austria refused to return the cross. The refusal drew criticism from "
                      "Austrian opposition lawmakers.")
    [accusation] = acts_of(ex, "accusation")
    [lawmakers] = [a for a in ex.actors if a.key == accusation.agent]
    assert lawmakers.kind == "group" and lawmakers.member_of == "state/AUT"


def test_extract_welcomed_by_an_actor_is_its_statement(nlp):
    ex = extract(nlp, "Uruguay let the crew leave. The decision was welcomed by the "
                      "International Transport Workers' Federation.")
    [statement] = acts_of(ex, "statement")
    assert "Federation" in label(ex, statement.agent)


@pytest.mark.parametrize("text", [
    "Chinese President Xi Jinping paid a state visit to Vietnam on Tuesday.",
    "Senegal's Foreign Minister Yassine Fall received the Russian ambassador on Tuesday.",
    "Olaf Scholz held a phone call with Brazilian President Lula on Monday.",
])
def test_extract_meetings_named_by_visit_receive_and_call(nlp, text):
    ex = extract(nlp, text)
    assert [a.type for a in ex.acts] == ["action"]


def test_extract_joint_subjects_are_one_of_the_actors_just_named(nlp):
    ex = extract(nlp, "Brazilian President Lula met Nigerian President Bola Tinubu in Abuja "
                      "on Monday. The two leaders called on rich nations to fund the forests. "
                      "They also urged banks to lend to farmers.")
    requests = acts_of(ex, "request")
    assert len(requests) == 2
    assert all(label(ex, r.agent) in ("Luiz Inácio Lula da Silva", "Bola Tinubu")
               for r in requests)


@pytest.mark.parametrize("text", [
    "The cargo plane was grounded by Argentine authorities last week.",
    "Argentina barred the crew from leaving the country on Monday.",
    "Senegal confiscated 300 tonnes of fish from the trawler on Friday.",
    "Kazakh Foreign Minister Murat Nurtleu raised the issue in a telephone call with his "
    "Argentine counterpart, Diana Mondino, on Wednesday.",
])
def test_extract_measures_and_calls_named_by_less_common_verbs(nlp, text):
    ex = extract(nlp, text)
    assert [a.type for a in ex.acts] == ["action"]


def test_extract_street_protests_are_no_act_of_those_who_take_part(nlp):
    ex = extract(nlp, "She denied that the authorities had detained anyone for taking part "
                      "in peaceful protests.")
    assert acts_of(ex, "protest") == []


def test_extract_cannot_accept_is_a_refusal_could_accept_is_nothing(nlp):
    ex = extract(nlp, "Uruguay cannot accept the proposal, the minister said. "
                      "Brazil could accept the offer.")
    assert [(a.type, a.agent) for a in ex.acts] == [("decline", "state/URY")]


def test_extract_what_a_request_asks_to_be_said_is_not_said(nlp):
    ex = extract(nlp, "Sri Lanka asked Norway to explain the meeting.")
    assert [a.type for a in ex.acts] == ["request"]


def test_extract_drawing_conclusions_is_a_threat(nlp):
    ex = extract(nlp, "Azerbaijan will draw its own conclusions, the minister said.")
    assert [a.type for a in ex.acts] == ["threat"]

def test_extract_state_the_parser_takes_for_a_person_with_its_possessive(nlp):
    ex = extract(nlp, "Sri Lanka's Foreign Ministry called in Norway's ambassador on Wednesday.")
    [summons] = acts_of(ex, "action")
    assert summons.agent == "gov/LKA/foreign-ministry"


def test_extract_disappointment_and_concern_of_the_speakers_government_are_protests(nlp):
    ex = extract(nlp, "Ukraine's ambassador, Oleksii Makeiev, said his government was deeply "
                      "disappointed by the vote. Sri Lanka summoned Norway's envoy on Monday. "
                      "Foreign Minister Ali Sabry told parliament on Wednesday that the "
                      "government had serious concerns about the meeting.")
    protests = acts_of(ex, "protest")
    assert [p.agent for p in protests] == ["state/UKR", "state/LKA"]


def test_extract_name_in_apposition_to_a_post_is_a_person(nlp):
    ex = extract(nlp, "Ukraine's ambassador, Oleksii Makeiev, said the vote was regrettable.")
    [makeiev] = [a for a in ex.actors if a.label == "Oleksii Makeiev"]
    assert makeiev.kind == "person"


def test_extract_an_expulsion_told_twice_is_one_act_a_past_one_is_another(nlp):
    ex = extract(nlp, "Venezuela expelled Germany's ambassador, the ministry said. On Wednesday, "
                      "Venezuela had declared German Ambassador Daniel Kriener persona non grata. "
                      "In January, Venezuela ordered the Spanish ambassador to leave.")
    expulsions = [a for a in acts_of(ex, "action") if a.agent == "state/VEN"]
    assert len(expulsions) == 2
    assert len(expulsions[0].evidence) == 2


def test_extract_a_quoted_pledge_is_its_own_commitment(nlp):
    ex = extract(nlp, '"The British Museum gave a disappointing answer," Boric said. "We will '
                      'keep insisting, with patience and with respect."')
    [pledge] = acts_of(ex, "commitment")
    assert "keep insisting" in pledge.evidence[0].text


def test_extract_a_quoted_refusal_with_will_not_is_no_pledge(nlp):
    ex = extract(nlp, '"We will not," Szijjarto told reporters in Budapest, "accept such '
                      'remarks."')
    assert acts_of(ex, "commitment") == []


@pytest.mark.parametrize("text, agent", [
    ("The Russian ministry warned that further reciprocal measures against British media "
     "could follow.", "state/RUS"),
    ("The Commission said the European Union would respond in a proportionate manner if "
     "Belarus targeted its firms.", None),
])
def test_extract_warnings_of_a_measured_response_are_threats(nlp, text, agent):
    ex = extract(nlp, text)
    [threat] = acts_of(ex, "threat")
    assert agent is None or threat.agent == agent


def test_extract_promise_to_answer_a_letter_is_no_threat(nlp):
    ex = extract(nlp, "Russia said it would respond to the letter next week.")
    assert acts_of(ex, "threat") == []


def test_extract_a_side_telling_of_the_others_hostile_act_accuses_it(nlp):
    ex = extract(nlp, "Vietnam's foreign ministry said on Thursday that China's coast guard "
                      "had rammed a Vietnamese fishing boat near the Paracel Islands.")
    [accusation] = acts_of(ex, "accusation")
    [ramming] = acts_of(ex, "action")
    assert accusation.agent.startswith("gov/VNM/") and accusation.addressee == ramming.agent
    assert acts_of(ex, "statement") == []


def test_extract_a_report_of_a_withdrawal_accuses_no_one(nlp):
    ex = extract(nlp, "Algeria's news agency reported that the Moroccan king was due to attend "
                      "the summit but decided to withdraw at the last minute.")
    assert acts_of(ex, "accusation") == []


def test_extract_a_note_is_the_act_it_carries_not_a_protest(nlp):
    ex = extract(nlp, "The Thai embassy in Yangon delivered a diplomatic note on Monday "
                      "requesting the prompt release of the crew.")
    assert [a.type for a in ex.acts] == ["request"]


def test_extract_an_act_dating_the_background_since_a_year_is_not_told(nlp):
    ex = extract(nlp, "Estonia has expelled 20 Russian diplomats since Russia launched its "
                      "full-scale invasion of Ukraine in February 2022.")
    assert [a.agent for a in acts_of(ex, "action")] == ["state/EST"]


def test_extract_striking_a_tone_is_no_act(nlp):
    ex = extract(nlp, "The European Union's foreign policy chief, Josep Borrell, struck a more "
                      "cautious tone.")
    assert ex.acts == ()


def test_extract_a_group_named_with_an_apposition_ends_before_it(nlp):
    ex = extract(nlp, "UN experts accused senior officials of crimes against humanity, a "
                      "charge the government denied.")
    assert all("charge" not in a.label for a in ex.actors)


@pytest.mark.parametrize("text, kind", [
    ("Venezuela remains committed to direct dialogue with Guyana, Foreign Minister Yvan Gil "
     "said.", "commitment"),
    ("Milei's spokesman, Manuel Adorni, on Wednesday ruled out any apology to Brazil.",
     "decline"),
    ("Korea's Foreign Minister Cho Tae-yul raised the sampling issue with his Japanese "
     "counterpart, Yoko Kamikawa, on Friday.", "action"),
    ("Greek Foreign Minister Giorgos Gerapetritis spoke by phone with his Turkish "
     "counterpart, Hakan Fidan, late Tuesday.", "action"),
])
def test_extract_commitments_refusals_and_calls_in_other_words(nlp, text, kind):
    ex = extract(nlp, text)
    assert [a.type for a in ex.acts] == [kind]


def test_extract_the_regional_body_is_the_organisation_named_before(nlp):
    ex = extract(nlp, "Niger's junta rejected the demand of ECOWAS on Monday. The regional "
                      "body remained committed to dialogue, its president said.")
    [pledge] = acts_of(ex, "commitment")
    assert "West African" in label(ex, pledge.agent)


@pytest.mark.parametrize("text", [
    "Two Brazilian officials, who asked not to be named, said the talks had ended.",
    "Argentina's foreign minister was due to meet her Brazilian counterpart in Brasilia.",
])
def test_extract_anonymity_and_planned_meetings_are_no_acts(nlp, text):
    ex = extract(nlp, text)
    assert acts_of(ex, "request") == [] and acts_of(ex, "action") == []


def test_extract_a_note_named_by_its_states_adjective_speaks_for_that_state(nlp):
    ex = extract(nlp, "Turkey issued a maritime notice on Monday. The Greek note called on "
                      "Ankara to withdraw the notice.")
    [request] = acts_of(ex, "request")
    assert request.agent == "state/GRC"


def test_extract_a_party_named_in_apposition_is_an_actor(nlp):
    ex = extract(nlp, "The main opposition party, SYRIZA, accused the government of naivety.")
    [accusation] = acts_of(ex, "accusation")
    assert label(ex, accusation.agent) == "SYRIZA"


def test_extract_signing_an_agreement_is_an_action(nlp):
    ex = extract(nlp, "Kazakh President Kassym-Jomart Tokayev and Uzbek President Shavkat "
                      "Mirziyoyev on Tuesday signed a joint statement.")
    assert [a.type for a in ex.acts] == ["action"]


def test_extract_the_governments_of_two_states_act_as_one_of_them(nlp):
    ex = extract(nlp, "The military governments of neighbouring Mali and Burkina Faso warned "
                      "that any intervention would be considered a declaration of war.")
    [threat] = acts_of(ex, "threat")
    assert threat.agent in ("state/MLI", "state/BFA")


def test_extract_who_was_prompted_to_act_is_the_agent(nlp):
    ex = extract(nlp, "Japan began releasing the treated water last year, prompting China to "
                      "impose a blanket ban on Japanese seafood.")
    [ban] = acts_of(ex, "action")
    assert ban.agent == "state/CHN"


def test_extract_hoping_things_stay_calm_asks_nothing_hoping_for_a_reversal_does(nlp):
    ex = extract(nlp, "Tokyo hoped the matter would not turn into a political issue. "
                      "The European Union hopes that this decision can be reconsidered.")
    assert [(a.type, a.agent) for a in acts_of(ex, "request")] == [("request", "inst/INT/eu")]


def test_extract_tit_for_tat_expulsion_answers_the_one_it_came_after(nlp):
    ex = extract(nlp, "Russia ordered a Moldovan diplomat to leave the country on Tuesday, two "
                      "days after Moldova expelled a Russian embassy employee.")
    [russian] = [a for a in acts_of(ex, "action") if a.agent == "state/RUS"]
    [moldovan] = [a for a in acts_of(ex, "action") if a.agent == "state/MDA"]
    assert russian.responds_to == moldovan.key

def test_extract_the_possessor_state_owns_a_ministry_named_like_anothers(nlp):
    ex = extract(nlp, '"Ethiopia must first retract the illegal deal," Somalia\'s Ministry of '
                      'Foreign Affairs and International Cooperation said in a statement.')
    [request] = acts_of(ex, "request")
    assert request.agent == "gov/SOM/foreign-ministry"


def test_extract_a_press_commentary_speaks_for_its_outlet(nlp):
    ex = extract(nlp, "North Korea's official KCNA news agency on Tuesday lashed out at South "
                      "Korea's president. The commentary also accused Seoul of turning the "
                      "South into a forward base for nuclear weapons.")
    accusations = acts_of(ex, "accusation")
    assert len(accusations) == 2
    assert all(ex_label.startswith(("Korean Central", "KCNA"))
               for ex_label in (label(ex, a.agent) for a in accusations))


def test_extract_who_would_face_consequences_threatens_no_one(nlp):
    ex = extract(nlp, "North Korea warned on Tuesday that Seoul would face catastrophic "
                      "consequences if it continued what it called reckless provocations.")
    assert [(a.type, a.agent) for a in ex.acts] == [("threat", "state/PRK")]


def test_extract_it_in_a_relative_clause_is_the_side_that_acts(nlp):
    ex = extract(nlp, "Britain on Thursday imposed sanctions on six Iranian officials and three "
                      "companies it accused of helping to supply attack drones to Russia, "
                      "prompting Tehran to warn that it would respond in kind.")
    [accusation] = acts_of(ex, "accusation")
    assert accusation.agent == "state/GBR"


def test_extract_no_plans_to_act_is_no_act(nlp):
    ex = extract(nlp, "Britain had no plans to close its embassy in Tehran, the minister said.")
    assert acts_of(ex, "action") == []

@pytest.mark.parametrize("text", [
    "Mexican President Andres Manuel Lopez Obrador, asked about the case at his regular "
    "morning news conference, said Mexico would not give in.",
    "Spokeswoman Maria Zakharova was asked whether Moscow would retaliate.",
])
def test_extract_a_question_put_to_an_official_is_no_request(nlp, text):
    ex = extract(nlp, text)
    assert acts_of(ex, "request") == []


def test_extract_a_third_side_welcoming_the_outcome_answers_it(nlp):
    ex = extract(nlp, "Kenya asked Tanzania to lift the levy. Tanzania agreed to suspend the "
                      "levy on Monday. The African Union welcomed the outcome.")
    [accept] = acts_of(ex, "accept")
    [statement] = [a for a in acts_of(ex, "statement") if "welcomed" in a.evidence[0].text]
    assert statement.responds_to == accept.key


def test_extract_soldiers_led_by_a_general_act_for_him(nlp):
    ex = extract(nlp, "Soldiers led by General Abdourahamane Tiani toppled Niger's President "
                      "Mohamed Bazoum on July 26.")
    [coup] = acts_of(ex, "action")
    assert "Tchiani" in label(ex, coup.agent) or "Tiani" in label(ex, coup.agent)


@pytest.mark.parametrize("text, kind", [
    ("State Department spokesperson Matthew Miller said the United States supports a "
     "peaceful resolution of the controversy.", "statement"),
    ("Norway's foreign minister said: \"On this point we agree with them.\"", "statement"),
])
def test_extract_support_and_agreement_that_answer_no_offer_are_statements(nlp, text, kind):
    ex = extract(nlp, text)
    assert acts_of(ex, "accept") == [] and [a.type for a in ex.acts] == [kind]


def test_extract_a_group_of_states_counted_twice_is_one_group(nlp):
    ex = extract(nlp, "Qatar received a list of demands submitted by four Arab nations. Qatar "
                      "rejected demands from several Arab countries that cut ties with it.")
    groups = [a for a in ex.actors if a.kind == "group"]
    assert len(groups) == 1


def test_extract_recognising_a_claim_is_an_act_the_importance_of_a_thing_none(nlp):
    ex = extract(nlp, "Guaido declared himself interim president in January, a move which was "
                      "immediately recognized by the United States. The minister recognized the "
                      "importance of dialogue.")
    assert [a.agent for a in acts_of(ex, "action")] == ["state/USA"]


def test_extract_an_infinitive_describing_a_noun_is_no_act(nlp):
    ex = extract(nlp, "Somaliland wants Ethiopia to be the first country to expel Somalia's "
                      "ambassador.")
    assert acts_of(ex, "action") == []


def test_extract_a_craft_acts_for_the_state_that_sends_it(nlp):
    ex = extract(nlp, "Lithuania said a Belarusian military helicopter entered its airspace on "
                      "Tuesday.")
    [entry] = acts_of(ex, "action")
    assert entry.agent == "state/BLR"


def test_extract_every_actor_an_act_refers_to_is_an_actor_of_the_article(nlp):
    ex = extract(nlp, "Lithuania said a Belarusian military helicopter entered its airspace. "
                      "Ambassador Cheng Jingye has floated a Chinese consumer boycott.")
    keys = {a.key for a in ex.actors}
    assert all(k in keys for act in ex.acts for k in (act.agent, act.addressee) if k)


def test_extract_a_lack_of_seriousness_is_a_blame(nlp):
    ex = extract(nlp, "Pakistan's Foreign Office said India's conditions demonstrated a lack of "
                      "seriousness on India's part.")
    assert [a.type for a in ex.acts] == ["accusation"]
