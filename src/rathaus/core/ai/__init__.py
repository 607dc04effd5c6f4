"""AI backends (speech, LLM, embeddings, OCR) behind Protocols, and the offline model bundles.

Importing this package makes sure no library tries to reach a model hub: models load from local
files only (see docs/models.md).
"""

from __future__ import annotations

import os

for _variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_variable, "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
