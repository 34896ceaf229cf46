"""Follow-up resolution, without a model: what a question leaning on the conversation searches for."""

from __future__ import annotations

import pytest

from chatbot.followup import resolve, subject_of

# (history, question, what is searched)
CASES = [
    # pronouns and possessives
    (["What is dermatographism?"], "How long do its flare ups last?", "How long do dermatographism's flare ups last?"),
    (["What is rosacea?"], "Who usually gets it?", "Who usually gets rosacea?"),
    # ellipsis carries the subject into the previous question
    (["What is dermatographism?", "How long do its flare ups last?"], "What about rosacea?", "How long do rosacea's flare ups last?"),
    # a question naming its own subject beside a pronoun hands that subject on
    (["What are nerve blocks?", "Is an epidural one of them?"], "Do women feel labor pain with one?", "Do women feel labor pain with one (epidural)?"),
    # definite references point back as pronouns do
    (["Is ketamine addictive?"], "How long does the relief last?", "How long does the relief (ketamine) last?"),
    # the reference is the whole noun phrase, not its first word
    (["How is fibromyalgia diagnosed?"], "What are the side effects?", "What are the side effects (fibromyalgia)?"),
    (["What does dermatographism look like?"], "Is there a cure?", "Is there a cure (dermatographism)?"),
    (["What is a nerve block?"], "How long does the procedure take?", "How long does the procedure (nerve block) take?"),
    (["What is tactile allodynia?"], "What does the name literally mean?", "What does the name (tactile allodynia) literally mean?"),
    (["What happens during an IV ketamine infusion?"], "Does the infusion hurt?", "Does IV ketamine infusion hurt?"),
    # "this" with a noun naming the subject itself stands for the subject; with a noun of the
    # subject's own ("these symptoms", "this pain") it is a definite reference; with no noun after
    # it, "this" alone is the pronoun, and every other word stays
    (["What is dermatographism?"], "How is this condition treated?", "How is dermatographism treated?"),
    (["What happens during an IV ketamine infusion?"], "Does this infusion hurt?", "Does IV ketamine infusion hurt?"),
    (["What is fibromyalgia?"], "Can these symptoms be treated?", "Can these symptoms (fibromyalgia) be treated?"),
    (["What is dermatographism?"], "Are these bumps itchy?", "Are these bumps (dermatographism) itchy?"),
    (["What is dermatographism?"], "Is this dangerous?", "Is dermatographism dangerous?"),
    (["What is fibromyalgia?"], "Does this happen to men?", "Does fibromyalgia happen to men?"),
    (["What is fibromyalgia?"], "What causes this?", "What causes fibromyalgia?"),
    # a pronoun question hands on the subject it names before the pronoun, not what it says of it
    (["What is rosacea?", "Is it contagious?"], "How is it treated?", "How is rosacea treated?"),
    (["What is rosacea?", "Is it an allergy?"], "How is it treated?", "How is rosacea treated?"),
    # ... and what a pronoun points at stays the subject, whatever else the question names
    (["What is rosacea?", "Which oral antibiotic is used for it?"], "How do doctors figure out if I have it?",
     "How do doctors figure out if I have rosacea?"),
    # a plural pointer takes the plural thing the previous question named
    (["Does donating blood leave bruises?"], "How should I treat them?", "How should I treat bruises?"),
    # ... or the plural aspect the previous question asked about
    (["What are the side effects of ketamine therapy?"], "Who should I talk to about them?",
     "Who should I talk to about side effects of ketamine therapy?"),
    (["What are the common symptoms of gout?"], "How long do they last?", "How long do common symptoms of gout last?"),
    (["Tell me about fibromyalgia", "What are the symptoms?"], "Which of them is the most common?",
     "Which of symptoms of fibromyalgia is the most common?"),  # the aspect asked about as a follow-up
    # "they" before "it" is people: "it" is the pointer
    (["Tell me about fibromyalgia"], "How do they diagnose it?", "How do they diagnose fibromyalgia?"),
    (["What is rosacea?"], "ok and how is it treated", "ok and how is rosacea treated"),  # "ok" names nothing
    # a question naming only what it asks for leans on the conversation; the verb after "I" names nothing
    (["What is gout?", "What causes it?"], "Which foods should I avoid?", "Which foods should I avoid (gout)?"),
    (["What is gout?", "Which foods should I avoid?"], "How is it treated?", "How is gout treated?"),
    (["What is sciatica?"], "Can I still exercise?", "Can I still exercise (sciatica)?"),
    (["What is sciatica?"], "When should I see a doctor?", "When should I see a doctor (sciatica)?"),
    (["What is osteoporosis?", "Who is most at risk?"], "How is it diagnosed?", "How is osteoporosis diagnosed?"),
    # verbs and judgements name nothing: "need", "better"
    (["How many infusions would I need?"], "Are there side effects?", "Are there side effects (infusions)?"),
    (["What is ketamine infusion therapy?", "How long before I feel better?"], "Is it covered by insurance?",
     "Is ketamine infusion therapy covered by insurance?"),
    # ... and an aspect pointed at leaves the subject as it was
    (["Tell me about fibromyalgia", "What are the symptoms?", "Which of them is the most common?"], "How do they diagnose it?",
     "How do they diagnose fibromyalgia?"),
    # the subject is the first run of naming words ("of" may join them), not every word named
    (["Can a lack of vitamin D cause body pain?"], "What are the signs of it?", "What are the signs of lack of vitamin D?"),
    (["What causes fibromyalgia according to the American College of Rheumatology?"], "And what has it been called?",
     "And what has fibromyalgia been called?"),
    # prepositions are not part of a subject
    (["What happens during an IV ketamine infusion?"], "Can you wake up in the middle of it?", "Can you wake up in the middle of IV ketamine infusion?"),
]
# Questions that stand on their own, even after another question.
INDEPENDENT = [
    (["What is dermatographism?"], "What are the symptoms of the flu?"),
    (["What is dermatographism?"], "What is the capital of France?"),
    (["What is ketamine?"], "Is the treatment covered by Medicare?"),
    (["Can men get fibromyalgia?"], "What are the side effects of ketamine infusions?"),  # the phrase names what it is of
    (["What is dermatographism?"], "Is it safe to take ketamine at home?"),  # "it" points forward
    ([], "How long does the relief last?"),  # nothing to point back to
    # the message's own earlier clause names what "it" is
    (["What is fibromyalgia?"], "what's dermatographism?? and is it related to fibro"),
    (["What is ketamine?"], "I have fibro. Is it genetic?"),
    (["What is fibromyalgia?"], "Thanks!"),  # thanks ask nothing of the conversation
]


@pytest.mark.parametrize("history, question, query", CASES)
def test_follow_ups_are_searched_with_the_conversation_subject(history, question, query):
    assert resolve(question, history) == query


@pytest.mark.parametrize("history, question", INDEPENDENT)
def test_independent_questions_are_searched_as_asked(history, question):
    assert resolve(question, history) == question


def test_the_subject_is_neither_what_the_question_asks_for_nor_an_adverb():
    assert subject_of("Who typically gets rosacea?") == "rosacea"
    assert subject_of("Which oral antibiotic is used for rosacea?") == "rosacea"
    assert subject_of("At what age is bronchiectasis usually found?") == "bronchiectasis"
    assert subject_of("How many adults have gallstones?") == "gallstones"
    assert subject_of("Can dehydration cause body aches?") == "dehydration"  # the first run otherwise
    assert resolve("How do I know if I have it?", ["Which oral antibiotic is used for rosacea?"]) == "How do I know if I have rosacea?"


def test_a_verb_ending_a_run_of_naming_words_is_not_part_of_the_subject():
    assert subject_of("what is sertraline prescribed for") == "sertraline"
    assert subject_of("Is fibromyalgia linked to depression?") == "fibromyalgia"
    assert subject_of("What is a thrombosed hemorrhoid?") == "thrombosed hemorrhoid"  # before a noun it describes it
    assert subject_of("Who is affected?") == ""  # a lone verb names nothing
    assert subject_of("What does dermatographism look like?") == "dermatographism"
    assert subject_of("Should I stop the antibiotic?") == "antibiotic"  # "stop" is the visitor's verb
    assert subject_of("Can I give cellulitis to my family?") == "cellulitis"  # after a verb, a thing named


def test_what_a_yes_no_question_asks_of_its_subject_is_not_part_of_it():
    assert subject_of("Is ketamine addictive?") == "ketamine"
    assert subject_of("Are ketamine infusions painful?") == "ketamine infusions"
    assert subject_of("Is the VESPER trial blinded?") == "VESPER trial"
    assert subject_of("Is fibromyalgia an autoimmune disease?") == "fibromyalgia"  # the article splits the runs
    assert subject_of("Are there ketamine clinics near Boston?") == "ketamine clinics near Boston"  # no subject after "are"
    assert resolve("what are its side effects", ["what is sertraline prescribed for"]) == "what are sertraline's side effects"


def test_only_the_latest_turns_count():
    history = ["What is dermatographism?", "Tell me about rosacea"] * 500
    assert "rosacea" in resolve("How long do its flare ups last?", history, max_turns=6).lower()


def test_subject_leaves_out_question_words_prepositions_and_generic_aspects():
    assert subject_of("What are the side effects of ketamine therapy?") == "ketamine therapy"
    assert subject_of("What happens during an IV ketamine infusion?") == "IV ketamine infusion"
    assert subject_of("Why?") == ""
