"""Fill in `spans` of a written quote-QA set's questions.jsonl from `answers` (first occurrence of
each answer in its file) and check them; answers found more than once are reported so the first
place can be confirmed.

    python eval/data/qa/make_spans.py eval/data/qa/health-pages
"""

import json
import sys
from pathlib import Path


def main(folder: Path) -> int:
    path = folder / "questions.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = 0
    for row in rows:
        text = (folder / "corpus" / row["file"]).read_bytes().decode("utf-8")
        row["spans"] = []
        for answer in row["answers"]:
            start = text.find(answer)
            if start < 0:
                print(f"{row['id']}: answer not in {row['file']}: {answer!r}")
                problems += 1
                continue
            if text.count(answer) > 1:
                print(f"{row['id']}: {answer!r} occurs {text.count(answer)} times; the first is used")
            row["spans"].append([start, start + len(answer)])
    if problems:
        return 1  # questions.jsonl is left as it was
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        text = (folder / "corpus" / row["file"]).read_bytes().decode("utf-8")
        assert all(text[s:e] == a for a, (s, e) in zip(row["answers"], row["spans"], strict=True)), row["id"]
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python {sys.argv[0]} FOLDER (with corpus/ and questions.jsonl)")
    sys.exit(main(Path(sys.argv[1])))
