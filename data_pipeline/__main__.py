"""``python -m data_pipeline``: see data_pipeline/cli/ (the package)."""

import os
import sys

# Arrow's allocator (mimalloc) hands freed memory back to the system at once instead of after its default
# delay: an ingest frees a batch's buffers every few hundred milliseconds, and without this the process kept
# them, so its peak memory grew with the file's rows (benchmarks/PROFILE.md, round 7). Set before pyarrow loads.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")

from data_pipeline.cli import main  # noqa: E402

sys.exit(main())
