"""Run one import's reader on a file under a memory limit, as a child process of a test.

    python -m tests.returns.bounded_run KIND FILE_NAME MEMORY_BYTES

MEDIA_ROOT (from the environment) holds the file. The address space is limited first
(RLIMIT_AS), then Django is set up and the kind's reader runs exactly as validating a batch
runs it: the batch's file opened (`batch_file_open`) and read by the kind's derive function
(a return) or `batch_table_read` (a spreadsheet). Prints one JSON line: the findings, the rows
read and the peak resident memory (kB). A MemoryError escapes, and the test sees
the process fail.
"""

from __future__ import annotations

import json
import resource
import sys


def peak_kb() -> int:
    """This process's peak resident memory since it started its program, in kB. Linux's
    VmHWM, not ru_maxrss: that one is kept across exec, so a child of a big test process
    would report its parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(kind: str, file_name: str, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    import django

    django.setup()

    from returns.kinds import sheet_rows, statutory
    from returns.kinds.base import batch_file_open
    from returns.models import ImportBatch

    batch = ImportBatch(kind=kind, file=file_name, file_name=file_name, collection_year=2025)
    handlers = {"ssda903": statutory.SSDA903, "cin": statutory.CIN}
    if kind in handlers:
        with batch_file_open(batch) as source:
            derived = handlers[kind].derive(batch, source, 2025)
        findings, rows = derived.findings, derived.rows
    else:
        table = sheet_rows.batch_table_read(batch, "figures")
        findings, rows = table.findings, len(table.rows)
    print(
        json.dumps(
            {
                "findings": [[f.row, f.column, f.message, str(f.severity)] for f in findings],
                "rows": rows,
                "peak_kb": peak_kb(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
