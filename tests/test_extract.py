from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

import pytest

from kg.export.jsonl import problems, to_record
from kg.extract.abbreviations import best_long_form
from kg.extract.pipeline import COMPONENTS, doc_text, extract_paper
from kg.types import Mention, Paper


def paper(abstract: str, title: str = "") -> Paper:
    return Paper("p", title, abstract)


def found(ex: Any, label: str | None = None) -> set[str]:
    return {m.text for m in ex.mentions if label is None or m.label == label}


def links(ex: Any) -> set[tuple[str, str, str]]:
    return {(link.relation, link.label, link.entity) for link in ex.links}


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "The code is available at https://github.com/SELGroup/SEPC.",
            "https://github.com/SELGroup/SEPC",
        ),
        ("Code: https://github.com/a/b{here}.", "https://github.com/a/b"),
        (
            "at https://github.com/xuke225/EQ-Net.git{https://github.com/xuke225/EQ-Net}.",
            "https://github.com/xuke225/EQ-Net.git",
        ),
        (
            r"instructions \url{https://github.com/HKUNLP/DiffuLLaMA}.",
            "https://github.com/HKUNLP/DiffuLLaMA",
        ),
        ("(available at https://github.com/NVlabs/gbrl).", "https://github.com/NVlabs/gbrl"),
        (
            "open-source system at github.com/BatsResearch/taglets.",
            "github.com/BatsResearch/taglets",
        ),
        (
            "at https://app.globus.org/file-manager?origin_id=5e&origin_path=%2F~%2F.",
            "https://app.globus.org/file-manager?origin_id=5e&origin_path=%2F~%2F",
        ),
        ("released at~https://github.com/Zplusdragon/PLIP", "https://github.com/Zplusdragon/PLIP"),
    ],
)
def test_urls_become_repos_without_trailing_markup(nlp: Any, text: str, url: str) -> None:
    ex = extract_paper(paper(text), nlp)
    assert found(ex, "REPO") == {url}
    assert ("has_code", "REPO", url) in links(ex)


def test_paper_links_are_not_repositories(nlp: Any) -> None:
    ex = extract_paper(
        paper(
            "As shown in https://arxiv.org/abs/2301.00001, and data at https://doi.org/10.5281/zenodo.1."
        ),
        nlp,
    )
    assert found(ex, "REPO") == {"https://doi.org/10.5281/zenodo.1"}


@pytest.mark.parametrize(
    ("short", "candidate", "long"),
    [
        ("IB", "under the Information Bottleneck", "Information Bottleneck"),
        ("ORMs", "its counterpart outcome reward models", "outcome reward models"),
        ("GNN", "uses Graph Neural Network", "Graph Neural Network"),
        ("XYZ", "a completely unrelated phrase", None),
    ],
)
def test_schwartz_hearst_long_forms(short: str, candidate: str, long: str | None) -> None:
    assert best_long_form(short, candidate) == long


def test_abbreviation_pair_and_later_bare_use(nlp: Any) -> None:
    ex = extract_paper(
        paper("Many works use the Information Bottleneck (IB) principle. Later, IB helps."), nlp
    )
    assert [m.text for m in ex.mentions if m.label == "METHOD"] == [
        "Information Bottleneck",
        "IB",
        "IB",
    ]
    assert ("IB", "Information Bottleneck") in ex.aliases
    assert ("uses", "METHOD", "Information Bottleneck") in links(ex)


def test_a_long_form_in_brackets_after_its_short_form(nlp: Any) -> None:
    ex = extract_paper(
        paper(
            "We propose LoGAH (Low-rank GrAph Hypernetworks), a hypernetwork. LoGAH is fast. "
            "We use corpora provided by Reuters (Reuters-21578 and RCV1)."
        ),
        nlp,
    )
    assert ("LoGAH", "Low-rank GrAph Hypernetworks") in ex.aliases
    assert found(ex, "METHOD") >= {"LoGAH", "Low-rank GrAph Hypernetworks"}
    assert not any(short == "Reuters" for short, _ in ex.aliases)


def test_a_long_form_spelled_by_word_initials(nlp: Any) -> None:
    ex = extract_paper(paper("We train with Structure-aware Supervised Fine-Tuning (SSFT)."), nlp)
    assert ("SSFT", "Structure-aware Supervised Fine-Tuning") in ex.aliases


@pytest.mark.parametrize(
    ("title", "long"),
    [
        ("ConR: Contrastive Regularizer for Deep Imbalanced Regression", "Contrastive Regularizer"),
        (
            "MARS: Matching Attribute-aware Representations for Text-based Sequential Recommendation",
            "Matching Attribute-aware Representations for Text-based Sequential Recommendation",
        ),
        (
            "m2mKD: Module-to-Module Knowledge Distillation for Modular Transformers",
            "Module-to-Module Knowledge Distillation",
        ),
        ("ToVo: Toxicity Taxonomy via Voting", "Toxicity Taxonomy via Voting"),
        (
            "LEAD: Liberal Feature-based Distillation for Dense Retrieval",
            "Liberal Feature-based Distillation",
        ),
        ("Zephyr: Direct Distillation of LM Alignment", None),
        ("Aioli: A Unified Optimization Framework for Language Model Data Mixing", None),
    ],
)
def test_a_title_lead_spelled_by_its_subtitle(nlp: Any, title: str, long: str | None) -> None:
    ex = extract_paper(paper("We study it.", title=title), nlp)
    short = title.split(":")[0]
    assert [a for s, a in ex.aliases if s == short] == ([long] if long else [])
    if long:
        assert {m.text for m in ex.mentions if m.field == "title"} >= {short, long}


def test_a_title_definition_beside_the_abstracts_own(nlp: Any) -> None:
    ex = extract_paper(
        paper(
            "We introduce customized density ratio (CDR), a training-free method. CDR is fast.",
            title="CDR: Customizable Density Ratios of Strong-over-weak LLMs",
        ),
        nlp,
    )
    assert {a for s, a in ex.aliases if s == "CDR"} == {
        "customized density ratio",
        "Customizable Density Ratios",
    }
    assert found(ex, "METHOD") >= {"customized density ratio", "Customizable Density Ratios", "CDR"}


def test_a_title_lead_keeps_its_subtitles_label(nlp: Any) -> None:
    # The long form alone reads as a task ("… Discovery"); the lead names the paper's method.
    title = "LADDER: Language Driven Slice Discovery and Error Rectification"
    ex = extract_paper(paper("We study it.", title=title), nlp)
    assert ("LADDER", "Language Driven Slice Discovery") in ex.aliases
    assert {m.label for m in ex.mentions if m.text == "LADDER"} == {"METHOD"}


def test_proposal_cues_and_title_name(nlp: Any) -> None:
    ex = extract_paper(
        paper(
            "We propose a structural entropy-guided model, named SEPC. SEPC outperforms BERT on GLUE.",
            title="SEPC: Structural Entropy for Probabilistic Coding",
        )
    )
    # The subtitle spells the lead name: the entity goes by that long form.
    assert ("SEPC", "Structural Entropy for Probabilistic Coding") in ex.aliases
    assert ("proposes", "METHOD", "Structural Entropy for Probabilistic Coding") in links(ex)
    assert ("evaluates_on", "BENCHMARK", "GLUE") in links(ex)
    assert ("compares_with", "METHOD", "BERT") in links(ex)
    assert {m.field for m in ex.mentions if m.text == "SEPC"} == {"title", "abstract"}


def test_dataset_proposal_label_from_apposition(nlp: Any) -> None:
    ex = extract_paper(paper("We release ChartQA-X, a dataset of 9,000 chart questions."), nlp)
    assert ("proposes", "DATASET", "ChartQA-X") in links(ex)


def test_generic_phrases_are_not_entities(nlp: Any) -> None:
    ex = extract_paper(
        paper("Our model is a deep neural network trained with machine learning on training data."),
        nlp,
    )
    assert found(ex) == set()


def test_gazetteer_labels_tasks_metrics_and_model_sizes(nlp: Any) -> None:
    ex = extract_paper(
        paper("We address sequential recommendation with Llama-3-8B and report NDCG@10 of 0.41."),
        nlp,
    )
    assert ("addresses", "TASK", "sequential recommendation") in links(ex)
    assert ("reports", "METRIC", "NDCG@10") in links(ex)
    assert "Llama-3-8B" in found(ex, "METHOD")


def test_latex_span_points_into_stored_text(nlp: Any) -> None:
    text = r"We fine-tune with \textit{LoRA} and report $F1$ on GLUE."
    ex = extract_paper(paper(text), nlp)
    lora = next(m for m in ex.mentions if m.text == "LoRA")
    assert text[lora.start : lora.end] == "LoRA"
    assert len(doc_text(paper(text))) == len(text) + 2


def test_output_follows_the_contract(nlp: Any) -> None:
    ex = extract_paper(
        paper(
            "Graph neural networks (GNNs) are strong. We propose GraphX and evaluate on Cora and MMLU, "
            "reporting accuracy. Code: https://github.com/x/y.",
            title="GraphX: Better GNNs",
        ),
        nlp,
    )
    record = to_record(ex)
    assert problems(record) == []
    # Every field of the records, in declaration order (to_record spells them out).
    assert record["mentions"] == [asdict(m) for m in ex.mentions]
    assert [e for link in record["links"] for e in link["evidence"]] == [
        asdict(e) for link in ex.links for e in link.evidence
    ]
    assert all(list(m) == [f.name for f in fields(Mention)] for m in record["mentions"])
    for link in record["links"]:
        assert link["evidence"], link
        for evidence in link["evidence"]:
            text = record[evidence["field"]]
            assert evidence["sentence"] in text
            assert 0 <= evidence["start"] < evidence["end"] <= len(text)


def test_pipeline_is_made_of_registered_components(nlp: Any) -> None:
    assert set(COMPONENTS) <= set(nlp.pipe_names)


def test_problems_catches_bad_records() -> None:
    bad = {
        "id": "x",
        "title": "T",
        "abstract": "abc",
        "mentions": [
            {"field": "abstract", "start": 0, "end": 2, "text": "ab", "label": "THING"},
            {"field": "abstract", "start": 0, "end": 2, "text": "xx", "label": "METHOD"},
        ],
        "links": [{"relation": "reports", "label": "METHOD", "entity": "a"}],
    }
    found_problems = problems(bad)
    assert len(found_problems) == 3


def test_fields_listed_in_gazetteers_are_still_generic(nlp: Any) -> None:
    # "Natural language processing" is a Papers-with-Code task name but a field, not a task.
    ex = extract_paper(
        paper(
            "Advances in natural language processing and computer vision help sentiment analysis."
        ),
        nlp,
    )
    assert found(ex, "TASK") == {"sentiment analysis"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("We test on benchmarks like LogiQA and ReClor.", {"LogiQA", "ReClor"}),
        ("We build a test set, SPMSD, of hard cases.", {"SPMSD"}),
        ("A ViT pre-trained on JFT-3B and fine-tuned.", {"JFT-3B"}),
        ("Results on GSM8K and AQuA-RAT improve.", {"GSM8K", "AQuA-RAT"}),
        ("We run tests on the QXB and ZRT-4 datasets.", {"QXB", "ZRT-4"}),
        ("Gains on two datasets Yelpo and LastQM hold.", {"LastQM"}),
        ("We use diverse datasets (KQZ-1, PLOR, and VVN) here.", {"KQZ-1", "PLOR", "VVN"}),
        # a score before "on": what it was measured on
        ("It scores 7.54 on QZT-Set and gains 4.3% on PLX-9.", {"QZT-Set", "PLX-9"}),
        (
            "We create the Personality Alignment Kit (PAKX) dataset of chats.",
            {"Personality Alignment Kit", "PAKX"},
        ),
    ],
)
def test_data_words_mark_unknown_names_as_data(nlp: Any, text: str, names: set[str]) -> None:
    labels = {m.text: m.label for m in extract_paper(paper(text), nlp).mentions}
    assert {n for n in names if labels.get(n) in ("DATASET", "BENCHMARK")} == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "We propose a metric, Glorp Vulnerability Index (GVI), for it.",
            {"Glorp Vulnerability Index", "GVI"},
        ),
        ("Models are ranked by the ZQN score and by QRT.", {"ZQN"}),
        ("We add a novel metric GroundQX to rate it.", {"GroundQX"}),
    ],
)
def test_metric_words_mark_unknown_names_as_metrics(nlp: Any, text: str, names: set[str]) -> None:
    labels = {m.text: m.label for m in extract_paper(paper(text), nlp).mentions}
    assert {n for n in names if labels.get(n) == "METRIC"} == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("It scores 7.54 on QZ Bench today.", "QZ Bench"),
        ("It reaches 37.4% on ArenaQX and more.", "ArenaQX"),
        ("We test on benchmarks like PoolEval and ReClor.", "PoolEval"),
    ],
)
def test_data_named_as_benchmarks_are_benchmarks(nlp: Any, text: str, name: str) -> None:
    labels = {m.text: m.label for m in extract_paper(paper(text), nlp).mentions}
    assert labels.get(name) == "BENCHMARK"


def test_benchmark_as_a_verb_marks_nothing(nlp: Any) -> None:
    labels = {
        m.text: m.label
        for m in extract_paper(paper("This study benchmarks QZX-9 on math."), nlp).mentions
    }
    assert labels.get("QZX-9") not in ("DATASET", "BENCHMARK")


def test_amounts_after_data_cues_are_not_names(nlp: Any) -> None:
    ex = extract_paper(paper("Models trained on 24 GPUs and results on 1B tokens."), nlp)
    assert not found(ex, "DATASET") and not found(ex, "BENCHMARK")


@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("We study multi-choice reading comprehension.", "multi-choice reading comprehension"),
        ("We study unsupervised representation learning.", "unsupervised representation learning"),
        ("Results for Target Sentiment Classification.", "Target Sentiment Classification"),
    ],
)
def test_known_tasks_grow_over_their_setting_words(nlp: Any, text: str, task: str) -> None:
    assert task in found(extract_paper(paper(text), nlp), "TASK")


def test_title_case_growth_stops_at_function_words(nlp: Any) -> None:
    ex = extract_paper(paper("Models For Sentiment Classification."), nlp)
    assert "Sentiment Classification" in found(ex, "TASK")


def test_an_acronym_task_does_not_grow_over_a_lower_case_compound(nlp: Any) -> None:
    text = (
        "Aspect-based sentiment analysis (ABSA) is hard. "
        "We ease reproducing state-of-the-art ABSA performance."
    )
    tasks = found(extract_paper(paper(text), nlp), "TASK")
    assert "ABSA" in tasks and not any("the-art" in task for task in tasks)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("We add a loss term (dubbed QXR loss) to the objective.", "QXR loss"),
        ("The second loss, which we dub RQZ loss, is simple.", "RQZ loss"),
    ],
)
def test_a_named_loss_keeps_its_head(nlp: Any, text: str, name: str) -> None:
    methods = found(extract_paper(paper(text), nlp), "METHOD")
    assert name in methods and name.split()[0] not in methods


def test_names_with_latex_accents_are_named_as_written(nlp: Any) -> None:
    ex = extract_paper(paper(r"We propose Nystr\"omLoRA, a variant of LoRA."), nlp)
    assert ("proposes", "METHOD", r"Nystr\"omLoRA") in links(ex)


@pytest.mark.parametrize(
    ("title", "task"),
    [
        (
            "Neural Models for Factual Inconsistency Classification with Hints",
            "Factual Inconsistency Classification",
        ),
        ("A Case Study in Online Learning and Games", "Online Learning"),
        ("Better Priors for Robust Quasar Spectrum Segmentation", "Quasar Spectrum Segmentation"),
        ("Probing CLIP-based Few-Shot Glyph Recognition", "Few-Shot Glyph Recognition"),
        # Head words the Papers-with-Code task names end in (kg.extract.task_words).
        ("Compressing Features for Quasar Counting", "Quasar Counting"),
        ("Knowledge Distillation for Glyph Class Discovery", "Glyph Class Discovery"),
    ],
)
def test_title_case_task_phrases_are_tasks(nlp: Any, title: str, task: str) -> None:
    ex = extract_paper(paper("We study it.", title), nlp)
    assert task in found(ex, "TASK")


@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("Results on the set property prediction task are new.", "set property prediction"),
        ("We tackle glyph shape classification problems here.", "glyph shape classification"),
    ],
)
def test_phrases_before_task_words_are_tasks(nlp: Any, text: str, task: str) -> None:
    assert task in found(extract_paper(paper(text), nlp), "TASK")


@pytest.mark.parametrize(
    ("text", "tasks"),
    [
        (
            "Results on three tasks, including glyph typing, rune shape sorting, and quill "
            "trace mending, demonstrate gains.",
            {"glyph typing", "rune shape sorting", "quill trace mending"},
        ),
        (
            "It helps tasks such as quill trace mending and rune sorting.",
            {"quill trace mending", "rune sorting"},
        ),
        ("It helps tasks (e.g., graph-based quill mending) too.", {"quill mending"}),
    ],
)
def test_examples_after_task_words_are_tasks(nlp: Any, text: str, tasks: set[str]) -> None:
    found_tasks = found(extract_paper(paper(text), nlp), "TASK")
    assert tasks <= found_tasks
    assert not any(t.startswith(("demonstrate", "graph-based")) for t in found_tasks)


def test_a_list_of_examples_ends_at_a_word_that_names_nothing(nlp: Any) -> None:
    ex = extract_paper(paper("It suits tasks such as the rune sorting of old books."), nlp)
    assert not any("rune" in t for t in found(ex, "TASK"))


def test_qualifiers_stay_out_of_task_phrases(nlp: Any) -> None:
    ex = extract_paper(paper("We address challenging glyph classification tasks."), nlp)
    assert "glyph classification" in found(ex, "TASK")
    assert not any(t.startswith("challenging") for t in found(ex, "TASK"))


@pytest.mark.parametrize(
    "title",
    [
        "Quasar Spectrum Segmentation for Astronomy Surveys",  # a lead phrase before `for`: the method
        "Efficient Learning of Sparse Codes",  # the head word alone
        "Contrastive Learning of Visual Representations",  # the gazetteer's METHOD
        # A run of more than five capitalised words is a clause: no cut of it is the name.
        "Sparse Quasar Glyph Rune Spectrum Segmentation via Hints",
        # A run holding a name listed with another label (LoRA, a METHOD).
        "Hints for LoRA Glyph Segmentation",
    ],
)
def test_title_phrases_that_are_not_tasks(nlp: Any, title: str) -> None:
    ex = extract_paper(paper("We study it.", title), nlp)
    assert not {t for t in found(ex, "TASK") if t.endswith(("Segmentation", "Learning"))}


@pytest.mark.parametrize("data_word", ["measure", "datasets", "score", "benchmark"])
def test_no_mention_runs_over_the_title_break(nlp: Any, data_word: str) -> None:
    ex = extract_paper(paper(f"The {data_word} of this kind matters.", "Quasar Difficulty"), nlp)
    assert not problems(to_record(ex))
    assert all("\n" not in m.text for m in ex.mentions)


def test_listed_names_are_found_in_other_spellings(nlp: Any) -> None:
    text = "We test on Cifar10, WikiText2 and WMT-2014, but not on glue code."
    labels = {m.text: m.label for m in extract_paper(paper(text), nlp).mentions}
    assert {n: labels.get(n) for n in ("Cifar10", "WikiText2", "WMT-2014")} == {
        "Cifar10": "DATASET",
        "WikiText2": "DATASET",
        "WMT-2014": "DATASET",
    }
    assert "glue" not in labels


@pytest.mark.parametrize(
    ("text", "long_form"),
    [
        ("Unlike humans, these 'Large Quasar Models' (LQMs) vary.", "Large Quasar Models"),
        ("We use a ``chain-of-glyphs'' (CoG) prompt.", "chain-of-glyphs"),
        (
            "A technique we dub \u201cfunctional Glyph Imaging\u201d (fGI) helps.",
            "functional Glyph Imaging",
        ),
    ],
)
def test_quotes_around_a_long_form_are_not_part_of_it(nlp: Any, text: str, long_form: str) -> None:
    assert long_form in found(extract_paper(paper(text), nlp))


def test_a_task_phrase_modifying_a_noun_is_no_task(nlp: Any) -> None:
    ex = extract_paper(paper("We build dense retrieval models for search engines."), nlp)
    assert ("TASK", "dense retrieval") not in {(m.label, m.text) for m in ex.mentions}
    ex = extract_paper(paper("We study dense retrieval. Our dense retrieval models are fast."), nlp)
    assert [m.text for m in ex.mentions if m.label == "TASK"] == [
        "dense retrieval",
        "dense retrieval",
    ]


@pytest.mark.parametrize(
    ("title", "abstract", "label"),
    [
        # The abstract's apposition says what the title's lead name is, also behind a bracket.
        (
            "ZELDRA: Evaluating Language Models on Tables",
            "We introduce ZELDRA (Zero-shot Evaluation of Layout Data), a dataset of 5,000 tables.",
            "DATASET",
        ),
        ("ZELDRA: A Benchmark for Table Reasoning", "ZELDRA holds 5,000 tables.", "BENCHMARK"),
        ("ZELDRA: Evaluating Language Models on Tables", "ZELDRA holds tables.", "BENCHMARK"),
        # A data word later in the subtitle names the data a method is for.
        (
            "ZELDRA: Efficient Active Learning for Large and Imbalanced Datasets",
            "We propose ZELDRA to choose examples.",
            "METHOD",
        ),
        (
            "ZELDRA: A Large-Scale Multi-Discipline Reasoning Dataset",
            "We introduce ZELDRA for the community.",
            "DATASET",
        ),
    ],
)
def test_a_title_lead_name_takes_the_label_of_its_closest_description(
    nlp: Any, title: str, abstract: str, label: str
) -> None:
    ex = extract_paper(paper(abstract, title=title), nlp)
    assert {m.label for m in ex.mentions if m.text == "ZELDRA" and m.field == "title"} == {label}


def test_a_name_after_a_proposal_cue_takes_no_label_from_a_prepositional_phrase(nlp: Any) -> None:
    ex = extract_paper(paper("We evaluate the proposed ZELDRA on several benchmark datasets."), nlp)
    assert found(ex, "METHOD") >= {"ZELDRA"}
    assert not found(ex, "BENCHMARK") & {"ZELDRA"}


@pytest.mark.parametrize(
    ("abstract", "label"),
    [
        ("We propose Topic-aware Clause Order Prediction (TCOP) for segmentation.", "METHOD"),
        ("We design a prompt-based bias-aware recommendation (PBRec) framework.", "METHOD"),
        ("We propose a new task, multimodal irony grading classification (MIGC).", "TASK"),
        ("We study topic-aware clause order prediction (TCOP).", "TASK"),
        # What another coinage is for, or is: the task.
        ("We propose a novel approach for topic-aware clause order prediction (TCOP).", "TASK"),
        ("We propose QUARBLE, a topic-aware clause order prediction (TCOP) model.", "TASK"),
    ],
)
def test_a_pair_the_paper_coins_is_its_method_whatever_its_head_word(
    nlp: Any, abstract: str, label: str
) -> None:
    ex = extract_paper(paper(abstract), nlp)
    shorts = {m.label for m in ex.mentions if m.text in ("TCOP", "PBRec", "MIGC")}
    assert shorts == {label}


def test_a_proposed_benchmark_is_also_evaluated_on(nlp: Any) -> None:
    ex = extract_paper(paper("We introduce QUARBLE, a benchmark of 300 table questions."), nlp)
    assert {
        ("proposes", "BENCHMARK", "QUARBLE"),
        ("evaluates_on", "BENCHMARK", "QUARBLE"),
    } <= links(ex)
    added = next(link for link in ex.links if link.relation == "evaluates_on")
    assert added.evidence[0].extractor.endswith(":proposed_benchmark")


def test_measures_at_a_cut_off_are_metrics(nlp: Any) -> None:
    text = "Gains in Recall@10 and NDCG@10, F1-Score@N and pass@1; write to team@lab or user@K9x."
    ex = extract_paper(paper(text), nlp)
    assert found(ex, "METRIC") == {"Recall@10", "NDCG@10", "F1-Score@N", "pass@1"}


@pytest.mark.parametrize(
    "abstract",
    [
        "We propose the Deep Foo Network (DFN)",
        "We propose DFN (Deep Foo Network)",
        "We introduce a new method, Deep Foo Network (DFN)",
    ],
)
def test_a_pair_at_the_very_end_of_the_text(nlp: Any, abstract: str) -> None:
    # The coinage test looked four tokens past the long form, past the end of the doc.
    ex = extract_paper(paper(abstract, "Graphs"), nlp)
    assert {"DFN", "Deep Foo Network"} <= found(ex, "METHOD")


def shipped_or_rules(nlp: Any) -> list[Any]:
    from kg.extract.pipeline import load_pipeline, shipped_model

    return [nlp, load_pipeline()] if shipped_model() else [nlp]


def test_every_prefix_and_suffix_of_an_abstract_extracts(nlp: Any) -> None:
    """Cut anywhere, a text still runs through every component (no look-ahead or look-behind
    past the doc's edges); the abstracts are two of the project's own synthetic ones."""
    from kg.train.annotations import read_synthetic

    chosen = [r for r in read_synthetic() if "propose" in r["abstract"] and "(" in r["abstract"]]
    for pipeline in shipped_or_rules(nlp):
        for record in chosen[:2]:
            text = f"{record['title']}\n\n{record['abstract']}"
            ends = [t.idx + len(t) for t in pipeline.make_doc(text)]
            for cut in ends:
                pipeline(text[:cut])
                pipeline(text[cut:])
