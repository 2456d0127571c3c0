"""A local index's contents as rows for the PostgreSQL writer (to move an index over, and to
check the two backends against each other)."""

from __future__ import annotations

import numpy as np

from articlebot.index.builder import keyword_text
from articlebot.index.token_codes import quantize
from articlebot.storage.local_index import IndexData
from articlebot.storage.postgres.rows import NewDocument, NewPassage, NewSentence


def documents_from_index(data: IndexData) -> list[NewDocument]:
    """Every document of `data` with its passages, sentences, vectors, keyword terms and the
    token vectors it keeps (as codes again: the same codes, for an index that keeps codes)."""
    tokenizer = data.keyword.tokenizer
    out = []
    for row, doc_id in enumerate(data.doc_order):
        doc = data.documents[doc_id]
        s0, s1 = int(data.sentence_bounds[row]), int(data.sentence_bounds[row + 1])
        p0, p1 = int(data.passage_bounds[row]), int(data.passage_bounds[row + 1])
        tokens = data.sentence_token_vectors(np.arange(s0, s1))
        sentences = tuple(
            NewSentence(
                int(start),
                int(end),
                data.sentence_vectors[i],
                tuple(tokenizer.terms(doc.text[int(start) : int(end)])),
                *(quantize(vectors) if vectors is not None else (None, None)),
            )
            for i, (_, start, end), vectors in zip(
                range(s0, s1), data.sentence_table[s0:s1], tokens, strict=True
            )
        )
        passages = tuple(
            NewPassage(
                paragraph=p.paragraph,
                start=p.start,
                end=p.end,
                first_sentence=p.first_sentence,
                sentence_count=len(p.sentences),
                terms=tuple(tokenizer.terms(keyword_text(doc.title, doc.text[p.start : p.end]))),
                vector=data.passage_vectors[i],
            )
            for i, p in zip(range(p0, p1), data.passages[p0:p1], strict=True)
        )
        out.append(
            NewDocument(
                doc_id=doc.doc_id,
                title=doc.title,
                text=doc.text,
                source=doc.source,
                byline=doc.byline,
                body_start=doc.body_start,
                passages=passages,
                sentences=sentences,
                meta=data.manifest.documents.get(doc_id, {}),
            )
        )
    return out
