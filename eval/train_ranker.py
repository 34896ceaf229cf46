"""`python -m eval train-ranker`: train the quote ranker and the abstention classifier on public
QA data (SQuAD 2.0 dev articles, split by article: eval/data/squad2-splits.json), choose their
operating points on the tune articles, and write chatbot/models/{ranker,abstention}.{npz,json}
with what they were trained on and how well they did. Deterministic: the same data and code give
the same models.

How:
1. The train articles are split in two halves, A and B; each half, and the tune articles, are
   indexed through the indexer. Every question of a half is asked of its own half's index through
   the chatbot's own evidence gathering (candidate windows and their features); answerable ones
   label each window hit / not hit (eval qa's rule).
2. Questions the documents do not answer:
   - absent subjects: questions of half B asked of index A and the other way round, train
     questions asked of the tune index and of the index of corpus/; and health questions about
     other health subjects: the written pages' questions asked of the index of corpus/, the gold
     dev half's asked of the written pages' index (each weighing PAGES_WEIGHT, as the pages do);
   - missing facts: each index is built again without one paragraph in four (a holdout copy), and
     the questions answered only by a left-out paragraph are asked of it: the documents still
     cover their subject, not the fact ("How much does it cost?" of articles that never give a
     price).
3. The ranker (gradient-boosted trees on the window features, monotonic in the evidence
   features, see RISING) learns which windows hit,
   from both halves. A length penalty (log-odds per extra sentence) is chosen on the tune articles
   and the tune pages: the largest that costs at most LENGTH_TOLERANCE of top-quote hit@1 on each,
   so that quotes are no longer than they need to be (pages answer in lists and in pairs of
   sentences more often than Wikipedia does).
4. The abstention classifier (an ensemble of MLPs on the answerability features) learns whether
   the best quote hits, from rankings it did not see in training (each half's questions ranked by
   the ranker trained on the other half; the gold dev questions, in two folds, the same way).
   SQuAD's unanswerable questions stay out of its training:
   they were written from their paragraph's own words, so they teach that a question term the
   documents never use means nothing, when for real questions it is the clearest sign that the
   documents do not cover them. Its threshold is chosen for precision on tune, the gold dev
   half and the tune pages (TUNE_PAGES, which no model trains on): the highest whose false
   abstention (answerable questions refused) stays within MAX_FALSE_ABSTENTION on each.
5. Web pages join both trainings: the gold set's dev half (questions about corpus/, asked of its
   index; follow-ups resolved as the chatbot resolves them), each of its questions weighing
   GOLD_WEIGHT SQuAD questions, and the pages the team wrote for training (WRITTEN_PAGES: patient
   pages and papers with headings, lists and bylines, and questions on them), each weighing
   PAGES_WEIGHT: Wikipedia has no headings, lists or questions of its own, so only these teach the
   models what such pages look like ("What are the symptoms of X?" answered by the first lines
   under "Symptoms"). The gold test half stays untouched.

>>> result = train(load_qa_set("../shared/datasets/squad2/dev-corpus"), Embedder())
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import Embedder

from .errors import EvalError
from .paths import QA_DATA_DIR, REPO_ROOT
from .qa_data import QAItem, QASet
from .training_data import Asked, collect, holdout

SEED = 13
ABSENT_PER_INDEX = 1500  # absent-subject probes asked of each index
LENGTH_TOLERANCE = 0.01  # top-quote hit@1 the length penalty may cost on the tune articles and on the tune pages
MAX_FALSE_ABSTENTION = 0.04  # answerable questions the abstention threshold may refuse (tune, gold dev, tune pages)
# The ranker: gradient-boosted trees, shallow enough to score ~100 windows in about a millisecond.
RANKER_TREES = {"max_iter": 200, "learning_rate": 0.1, "max_depth": 6, "max_leaf_nodes": 31, "min_samples_leaf": 100}
# Its score may only rise with these (evidence that a window answers) and only fall with
# missing_idf. Some of them hardly vary in the training data (Wikipedia has no section headings,
# few definitions); unconstrained, a model can learn anything where its data are thin, and a
# page whose heading is the very question ("What causes gout?") would then push its own answer down.
RISING = (
    "cos", "cos_max", "cos_gap", "token_match", "token_match_gap", "bm25", "bm25_log", "coverage_idf", "coverage", "coverage_gap",
    "passage_coverage_idf", "context_coverage_idf", "passage_score", "passage_rank", "passage_dense",
    "passage_bm25", "sentence_dense_rank", "sentence_bm25_rank", "heading_cos", "heading_coverage_idf",
    "scoped_coverage_idf", "type_match", "definition_subject", "lead_coverage_idf", "definition_lead",
)
FALLING = ("missing_idf", "scoped_missing_idf")
# MLPs averaged in the abstention classifier: one seed's luck alone moves its threshold.
ENSEMBLE = 5
ABSTENTION_HIDDEN = (16,)
GOLD_WEIGHT = 20.0
WRITTEN_PAGES = QA_DATA_DIR / "written-pages"
# Pages written apart from those, by other hands, that no model trains on: only the length penalty
# (step 3) and the abstention threshold's false-abstention bound (step 4) are checked on them, as on
# the SQuAD tune articles.
TUNE_PAGES = QA_DATA_DIR / "tune-pages"
PAGES_WEIGHT = 5.0
# The page-shaped sets of step 5: (index, kind of the asked questions, weight of a question).
PAGE_SETS = (("corpus", "gold dev", GOLD_WEIGHT), ("pages", "present", PAGES_WEIGHT))
PENALTIES = tuple(round(0.1 * i, 1) for i in range(0, 21))  # log-odds per extra sentence


@dataclass
class TrainResult:
    ranker: object  # chatbot.learned.TreeEnsemble
    abstainer: object
    report: dict = field(default_factory=dict)


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sample(items: list[QAItem], k: int, seed: int) -> list[QAItem]:
    rng = random.Random(seed)
    return sorted(rng.sample(items, min(k, len(items))), key=lambda i: i.id)


def _bot(documents, family: str, embedder, encoder):
    from chatbot import Chatbot
    from indexer import load_index

    from .indexes import build_family_index, index_settings

    folder, _ = build_family_index(documents, family, index_settings(), embedder)
    return Chatbot(load_index(folder), encoder)


def averaged_mlps(members: list[tuple[tuple[np.ndarray, np.ndarray], ...]]) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Several one-hidden-layer MLPs (on the same standardised inputs) as one whose log-odds are
    their mean: the hidden units side by side, the output weights and bias averaged."""
    if any(len(layers) != 2 for layers in members):
        raise ValueError("only one-hidden-layer MLPs can be merged")
    hidden_w = np.concatenate([layers[0][0] for layers in members], axis=1)
    hidden_b = np.concatenate([layers[0][1] for layers in members])
    out_w = np.concatenate([layers[1][0] for layers in members], axis=0) / len(members)
    out_b = np.mean([layers[1][1] for layers in members], axis=0)
    return ((hidden_w, hidden_b), (out_w, out_b))


def fit_ranker(name: str, X: np.ndarray, y: np.ndarray, weight: np.ndarray, meta: dict):
    """Gradient-boosted trees (scikit-learn) with the monotonic constraints above, as a
    chatbot.learned.TreeEnsemble."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from chatbot.learned import TreeEnsemble

    features = tuple(meta.pop("features"))
    unknown = (set(RISING) | set(FALLING)) - set(features)
    if unknown:
        raise EvalError(f"monotonic constraints name features the ranker does not have: {sorted(unknown)}")
    constraints = [1 if f in RISING else -1 if f in FALLING else 0 for f in features]
    model = HistGradientBoostingClassifier(monotonic_cst=constraints, random_state=SEED, **RANKER_TREES)
    model.fit(X, y, sample_weight=weight)
    return TreeEnsemble.from_sklearn(name, features, model, {**meta, "trees": RANKER_TREES, "rising": RISING, "falling": FALLING})


def fit_classifier(name: str, X: np.ndarray, y: np.ndarray, weight: np.ndarray, hidden: tuple[int, ...], meta: dict):
    """A scikit-learn model fitted on standardised features, as a chatbot.learned.Classifier: the
    mean of ENSEMBLE one-hidden-layer MLPs (seeds SEED, SEED + 1, ...), or logistic regression when
    `hidden` is empty."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    from chatbot.learned import Classifier

    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    if hidden:
        members = []
        for seed in range(SEED, SEED + ENSEMBLE):
            model = MLPClassifier(hidden, max_iter=200, early_stopping=True, random_state=seed).fit(Xs, y, sample_weight=weight)
            members.append(tuple((np.asarray(w), np.asarray(b)) for w, b in zip(model.coefs_, model.intercepts_, strict=True)))
        layers = averaged_mlps(members)
    else:
        model = LogisticRegression(max_iter=5000, random_state=SEED).fit(Xs, y, sample_weight=weight)
        layers = ((model.coef_.T.copy(), model.intercept_.copy()),)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return Classifier(name, tuple(meta.pop("features")), scaler.mean_.copy(), scale, layers, meta)


def ranking_rows(asked: list[Asked], weight: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, sample weight) of every candidate window of the answerable questions asked of their
    own index whose candidates hold at least one hit (the others teach nothing about which is
    right); every window weighs `weight`."""
    chosen = [a for a in asked if a.present and a.item.kind == "answerable" and a.hits.any()]
    if not chosen:
        raise EvalError("no answerable question with a hitting candidate to train the ranker on")
    X, y = np.concatenate([a.features for a in chosen]), np.concatenate([a.hits for a in chosen])
    return X, y, np.full(len(y), weight)


def _joined(*parts: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def top_hits(ranker, asked: list[Asked], penalty: float) -> tuple[float, float]:
    """(hit@1, mean sentences) of the best window per answerable question, with a length penalty."""
    from chatbot.features import WINDOW_FEATURES, penalised

    hits, sizes = [], []
    size = WINDOW_FEATURES.index("size")
    for a in asked:
        if a.item.kind != "answerable" or not a.present or not len(a.features):
            continue
        best = int(np.argmax(penalised(ranker.logits(a.features), a.features, penalty)))
        hits.append(bool(a.hits[best]))
        sizes.append(float(a.features[best, size]))
    return (float(np.mean(hits)) if hits else 0.0, float(np.mean(sizes)) if sizes else 0.0)


def answerability_rows(
    ranker, asked: list[Asked], penalty: float, weight: float = 1.0, kind: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(X, y, sample weight, kind) per question: the answerability features once `ranker` has
    scored its windows; y is whether the best window hits; kind is `kind` when given, else
    answerable, unanswerable or absent."""
    from chatbot.features import penalised

    X, y, kinds = [], [], []
    for a in asked:
        if not len(a.features):
            continue  # no candidate at all: the chatbot refuses without asking the classifier
        scores = penalised(ranker.logits(a.features), a.features, penalty)
        X.append(a.evidence.answerability(scores))
        y.append(bool(a.hits[int(np.argmax(scores))]))
        kinds.append(kind or ("absent" if not a.present else a.item.kind))
    return np.array(X), np.array(y), np.full(len(y), weight), kinds


def _fold(item_id: str) -> str:
    """A page-set question's fold, "A" or "B", by the hash of its id."""
    return "AB"[hashlib.sha256(item_id.encode()).digest()[0] % 2]


def _page_sets(asked, half: str | None = None) -> list[tuple[list[Asked], float]]:
    """(asked questions, weight of one) of each page set (PAGE_SETS), of its fold `half` (None: all)."""
    return [
        ([a for a in asked[index, kind] if half is None or _fold(a.item.id) == half], weight)
        for index, kind, weight in PAGE_SETS
    ]


def _written_set(folder: Path, asked: list[Asked], **use) -> dict:
    """What the models record of a page set the team wrote: where it is, which version, how many
    questions, and how it was used."""
    return {
        "folder": os.path.relpath(folder, REPO_ROOT),
        "questions_sha256": _fingerprint(folder / "questions.jsonl"),
        "questions": len(asked),
        **use,
    }


def _without_squad_unanswerable(asked: list[Asked]) -> list[Asked]:
    return [a for a in asked if a.item.kind == "answerable"]


ANSWERABLE_KINDS = ("answerable", "gold answerable", "pages answerable")  # each kept within MAX_FALSE_ABSTENTION
REFUSAL_KINDS = (*ANSWERABLE_KINDS, "unanswerable", "gold unanswerable", "pages unanswerable", "missing", "absent")


def choose_threshold(probabilities: np.ndarray, kinds: list[str]) -> tuple[float, dict]:
    """The highest threshold whose false abstention is at most MAX_FALSE_ABSTENTION on each group
    of answerable questions (SQuAD tune articles; the gold dev half and the tune pages, whose
    questions are paraphrased and so easier to refuse wrongly), and the refusal rates it gives."""
    kinds_array = np.array(kinds)
    groups = [probabilities[kinds_array == kind] for kind in ANSWERABLE_KINDS if (kinds_array == kind).any()]
    candidates = np.unique(np.round(probabilities, 4))
    best = 0.0
    for threshold in candidates:
        if all((group < threshold).mean() <= MAX_FALSE_ABSTENTION for group in groups):
            best = float(threshold)
    return best, refusal_rates(probabilities, kinds_array, best)


def refusal_rates(probabilities: np.ndarray, kinds: np.ndarray, threshold: float) -> dict:
    return {
        f"{kind.replace(' ', '_')}_refused": round(float((probabilities[kinds == kind] < threshold).mean()), 4)
        for kind in REFUSAL_KINDS
        if (kinds == kind).any()
    }


def collect_questions(
    qa: QASet, embedder: Embedder, progress=None, absent_per_index: int = ABSENT_PER_INDEX
) -> dict[tuple[str, str], list[Asked]]:
    """Every question asked of its index, as steps 1, 2, 4 (the tune pages) and 5 describe: {(index, kind): asked}."""
    from indexer.reading import read_corpus

    from .cached_encoder import CachedEncoder
    from .indexes import corpus_documents
    from .qa_data import gold_set, load_folder

    say = progress or (lambda message: None)
    for split in ("train", "tune"):
        qa.files_of(split)  # a clear error when the set has no such split
    train_files = sorted(qa.files_of("train"))
    halves = {"A": set(train_files[: len(train_files) // 2 + 1]), "B": set(train_files[len(train_files) // 2 + 1 :])}
    documents, _ = read_corpus(qa.corpus)
    by_name = {Path(d.file).name: d for d in documents}
    encoder = CachedEncoder(embedder)
    say("encoding the questions")
    encoder.warm([i.question for i in qa.items])
    def questions(files) -> list[QAItem]:
        return [i for i in qa.items if i.article in files]

    bots, missing = {}, {}
    for name, files in (*halves.items(), ("tune", qa.files_of("tune"))):
        documents_of = [by_name[f] for f in sorted(files)]
        bots[name] = _bot(documents_of, f"train-ranker-{name}", embedder, encoder)
        kept, missing[name] = holdout(documents_of, questions(files))
        bots[f"{name} holdout"] = _bot(kept, f"train-ranker-{name}-holdout", embedder, encoder)
    corpus_docs, _ = corpus_documents()
    bots["corpus"] = _bot(corpus_docs, "train-ranker-corpus", embedder, encoder)
    pages = load_folder(WRITTEN_PAGES)
    bots["pages"] = _bot(read_corpus(pages.corpus)[0], "train-ranker-pages", embedder, encoder)
    tune_pages = load_folder(TUNE_PAGES)
    bots["tune pages"] = _bot(read_corpus(tune_pages.corpus)[0], "train-ranker-tune-pages", embedder, encoder)

    train_questions = questions(set(train_files))
    gold_dev = gold_set().select("dev")
    encoder.warm([i.question for i in gold_dev + list(pages.items) + list(tune_pages.items)])
    asked: dict[tuple[str, str], list[Asked]] = {}
    plan = [
        ("A", "present", questions(halves["A"]), True),
        ("B", "present", questions(halves["B"]), True),
        ("tune", "present", questions(qa.files_of("tune")), True),
        ("A holdout", "missing", missing["A"], True),
        ("B holdout", "missing", missing["B"], True),
        ("tune holdout", "missing", missing["tune"], True),
        ("A", "absent", _sample([i for i in questions(halves["B"]) if i.kind == "answerable"], absent_per_index, 1), False),
        ("B", "absent", _sample([i for i in questions(halves["A"]) if i.kind == "answerable"], absent_per_index, 2), False),
        ("tune", "absent", _sample([i for i in train_questions if i.kind == "answerable"], absent_per_index, 3), False),
        ("corpus", "absent", _sample([i for i in train_questions if i.kind == "answerable"], absent_per_index, 4), False),
        ("corpus", "pages absent", [i for i in pages.items if i.kind == "answerable"], False),
        ("pages", "gold absent", [i for i in gold_dev if i.kind == "answerable"], False),
        ("corpus", "gold dev", gold_dev, True),
        ("pages", "present", list(pages.items), True),
        ("tune pages", "present", list(tune_pages.items), True),
    ]
    for index_name, kind, items, present in plan:
        say(f"asking {len(items)} questions of the {index_name} index ({kind})")
        asked[index_name, kind] = collect(bots[index_name], items, encoder, present=present, progress=say)
    return asked


def train(qa: QASet, embedder: Embedder, progress=None, absent_per_index: int = ABSENT_PER_INDEX) -> TrainResult:
    """Collect, train, choose operating points; returns the two models and a report."""
    asked = collect_questions(qa, embedder, progress, absent_per_index)
    return fit_models(qa, embedder, asked, progress)


def fit_models(qa: QASet, embedder: Embedder, asked: dict[tuple[str, str], list[Asked]], progress=None) -> TrainResult:
    """Steps 3 and 4 on the collected questions."""
    import sklearn

    from chatbot.features import ANSWERABILITY_FEATURES, WINDOW_FEATURES

    say = progress or (lambda message: None)
    train_files = sorted(qa.files_of("train"))
    gold_dev = asked["corpus", "gold dev"]
    model = {"name": embedder.info.name, "fingerprint": embedder.info.fingerprint}
    data = {
        "dataset": os.path.relpath(os.path.abspath(qa.corpus.parent), REPO_ROOT),  # e.g. ../shared/datasets/...
        "questions_sha256": _fingerprint(qa.corpus.parent / "questions.jsonl"),
        "train_articles": train_files,
        "tune_articles": sorted(qa.files_of("tune")),
        "gold_dev": {"file": "eval/data/gold.jsonl", "questions": len(gold_dev), "weight": GOLD_WEIGHT},
        "written_pages": _written_set(WRITTEN_PAGES, asked["pages", "present"], weight=PAGES_WEIGHT),
        "tune_pages": _written_set(TUNE_PAGES, asked["tune pages", "present"], use="length penalty and abstention threshold only"),
    }
    common = {"embedding_model": model, "training_data": data, "sklearn": sklearn.__version__, "seed": SEED}

    say("training the ranker (and one per half, for the abstention classifier's training rankings)")
    X, y, weight = _joined(ranking_rows(asked["A", "present"] + asked["B", "present"]), *(ranking_rows(q, w) for q, w in _page_sets(asked)))
    ranker = fit_ranker("ranker", X, y, weight, {"features": WINDOW_FEATURES, **common})
    # One ranker per half, each with its own fold of the page sets, so that the abstention
    # classifier learns from rankings of questions the ranker scoring them never saw.
    by_half = {
        half: fit_ranker(
            f"ranker-{half}",
            *_joined(ranking_rows(asked[half, "present"]), *(ranking_rows(q, w) for q, w in _page_sets(asked, half))),
            {"features": WINDOW_FEATURES},
        )
        for half in ("A", "B")
    }
    tune_present, tune_pages = asked["tune", "present"], asked["tune pages", "present"]
    unpenalised = top_hits(ranker, tune_present, 0.0)[0]
    pages_unpenalised = top_hits(ranker, tune_pages, 0.0)[0]
    penalty = max(
        p for p in PENALTIES
        if top_hits(ranker, tune_present, p)[0] >= unpenalised - LENGTH_TOLERANCE
        and top_hits(ranker, tune_pages, p)[0] >= pages_unpenalised - LENGTH_TOLERANCE
    )
    tune_hit, tune_sentences = top_hits(ranker, tune_present, penalty)
    pages_hit, pages_sentences = top_hits(ranker, tune_pages, penalty)
    ranker.meta.update(
        length_penalty=penalty,
        tune={"hit@1": round(tune_hit, 4), "hit@1_without_penalty": round(unpenalised, 4), "mean_sentences": round(tune_sentences, 2)},
        tune_pages={
            "hit@1": round(pages_hit, 4), "hit@1_without_penalty": round(pages_unpenalised, 4), "mean_sentences": round(pages_sentences, 2),
        },
        training_rows=int(len(y)),
        positives=int(y.sum()),
        gold_dev_hit_in_sample=round(top_hits(ranker, asked["corpus", "gold dev"], penalty)[0], 4),
        written_pages_hit_in_sample=round(top_hits(ranker, asked["pages", "present"], penalty)[0], 4),
    )

    say("training the abstention classifier")
    other = {"A": by_half["B"], "B": by_half["A"]}  # rank each half's questions with the other half's ranker
    parts = [
        answerability_rows(other["A"], _without_squad_unanswerable(asked["A", "present"]), penalty),
        answerability_rows(other["B"], _without_squad_unanswerable(asked["B", "present"]), penalty),
        answerability_rows(other["A"], asked["A holdout", "missing"], penalty),
        answerability_rows(other["B"], asked["B holdout", "missing"], penalty),
        answerability_rows(by_half["A"], asked["A", "absent"], penalty),  # half B's questions
        answerability_rows(by_half["B"], asked["B", "absent"], penalty),
        answerability_rows(ranker, asked["corpus", "absent"], penalty),
        answerability_rows(ranker, asked["corpus", "pages absent"], penalty, PAGES_WEIGHT),
        answerability_rows(ranker, asked["pages", "gold absent"], penalty, PAGES_WEIGHT),
        *(answerability_rows(other[half], q, penalty, w) for half in ("A", "B") for q, w in _page_sets(asked, half)),
    ]
    Xa, ya, wa = _joined(*(p[:3] for p in parts))
    abstainer = fit_classifier("abstention", Xa, ya, wa, ABSTENTION_HIDDEN, {"features": ANSWERABILITY_FEATURES, **common})
    Xt, _, _, kinds = answerability_rows(ranker, asked["tune", "present"] + asked["tune", "absent"], penalty)
    Xm, _, _, missing_kinds = answerability_rows(ranker, asked["tune holdout", "missing"], penalty, kind="missing")
    gold_parts = [answerability_rows(other[half], [a for a in gold_dev if _fold(a.item.id) == half], penalty) for half in ("A", "B")]
    Xg, gold_kinds = np.concatenate([part[0] for part in gold_parts]), [kind for part in gold_parts for kind in part[3]]
    Xp, _, _, page_kinds = answerability_rows(ranker, asked["tune pages", "present"], penalty)
    threshold, rates = choose_threshold(
        abstainer.probability(np.concatenate([Xt, Xm, Xg, Xp])),
        kinds + missing_kinds + [f"gold {kind}" for kind in gold_kinds] + [f"pages {kind}" for kind in page_kinds],
    )
    abstainer.meta.update(threshold=threshold, max_false_abstention=MAX_FALSE_ABSTENTION, tune=rates, training_rows=int(len(ya)))
    report = {
        "ranker": {k: v for k, v in ranker.meta.items() if k not in ("training_data",)},
        "abstention": {k: v for k, v in abstainer.meta.items() if k not in ("training_data",)},
        "questions_asked": {f"{i} {k}": len(v) for (i, k), v in asked.items()},
        "training_data": data,
    }
    return TrainResult(ranker, abstainer, report)


def report_markdown(result: TrainResult, info: dict) -> str:
    r, a = result.report["ranker"], result.report["abstention"]
    data = result.report["training_data"]
    asked = "\n".join(f"- {name}: {n}" for name, n in result.report["questions_asked"].items())
    return f"""# Training the quote ranker and the abstention classifier

Command: `{info['command']}` ({info['created']}).
Data: {data['dataset']} (questions.jsonl sha256 `{data['questions_sha256'][:16]}…`); trained on
{len(data['train_articles'])} articles, operating points chosen on {len(data['tune_articles'])} tune articles
({', '.join(data['tune_articles'])}). The report articles played no part.

Questions asked:
{asked}

**Ranker** ({r['training_rows']:,} candidate windows, {r['positives']:,} hits): on tune, top-quote hit@1
{r['tune']['hit@1']} with a length penalty of {r['length_penalty']} log-odds per extra sentence
({r['tune']['hit@1_without_penalty']} without it; {r['tune']['mean_sentences']} sentences per top quote); on the tune
pages {r['tune_pages']['hit@1']} ({r['tune_pages']['hit@1_without_penalty']} without it; {r['tune_pages']['mean_sentences']} sentences).

**Abstention** ({a['training_rows']:,} questions): threshold {a['threshold']} (false abstention at most
{a['max_false_abstention']} on tune, on the gold dev half and on the tune pages); it refuses: {', '.join(f'{k} {v}' for k, v in a['tune'].items())}.
"""


def save(result: TrainResult, folder: Path | None = None) -> list[Path]:
    from chatbot.learned import MODELS_DIR

    folder = folder or MODELS_DIR
    return result.ranker.save(folder) + result.abstainer.save(folder)

