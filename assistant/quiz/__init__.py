"""Quiz builder for trainers: grounded items with cited keys, self-check, bank and exports.

ingest units → extract (facts) → generate (items) → selfcheck (assistant answers) → bank / export.
Nothing heavy is imported here; exporters load python-docx, pymupdf, genanki when used.
"""
from .bank import BankEntry, QuizBank
from .extract import Fact, extract_facts, matched_units, true_values
from .generate import Quiz, QuizSpec, build_quiz, coverage_map, parse_mix
from .items import QuizItem, verify_item
from .selfcheck import SelfCheckReport, answer_item, self_check

__all__ = ["BankEntry", "Fact", "Quiz", "QuizBank", "QuizItem", "QuizSpec", "SelfCheckReport", "answer_item",
           "build_quiz", "coverage_map", "extract_facts", "matched_units", "parse_mix", "self_check",
           "true_values", "verify_item"]
