#!/usr/bin/python3
"""Execute a notebook cell by cell in real Jupyter (nbclient + jupyter_client) and report as JSON.

Usage: /usr/bin/python3 test/tools/jupyter/execute_notebook.py MODE NOTEBOOK [--abort-window SEC]
                                                         [--cell-timeout SEC]

MODE:
  validate       only check the file against the nbformat schema (4.5, cell ids)
  run-all        Run All once, in one kernel
  run-all-twice  Run All twice in the same kernel
  rerun-each     one kernel; each code cell runs twice in a row, after the cells before it ran

The report (stdout, one JSON object) lists every execution of every code cell: its id, tags, the
status of its execute_reply, and its outputs as nbformat stores them. Nothing here decides what
output is right; the caller compares outputs. What this script does decide is pass or fail:

- `error` and `abort`/`aborted` replies are failures. nbclient raises on `error` only, and tslab
  answers every request that arrives within ~200 ms of a failed cell with `abort` without running
  it (tslab issue #19), so a driver that trusts nbclient alone passes notebooks that never ran.
- A cell tagged `raises-exception` may reply `error`. It opens tslab's abort window all the same,
  so the next cell waits the window out, as a person clicking through would. After an unexpected
  error the next cell is sent at once, as Run All does, so the report shows what tslab aborted.
  An `abort` is a failure everywhere, even in a `raises-exception` cell: the cell did not run.
- Cells tagged `skip-execution`, and empty code cells, are not sent.

The kernel is the one the notebook names (`tslab`); the caller points JUPYTER_PATH at a kernelspec.
The kernel's working directory is the notebook's folder, as in Jupyter.
"""
import argparse
import asyncio
import copy
import json
import os
import sys
import time

MISSING_JUPYTER = (
    "Jupyter is missing: install with apt-get install -y jupyter-notebook python3-nbconvert "
    "python3-nbclient jupyter-client (and run this script with /usr/bin/python3)"
)
EXIT_MISSING_JUPYTER = 3

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
except ImportError as missing:
    print(f"{MISSING_JUPYTER}: {missing}", file=sys.stderr)
    sys.exit(EXIT_MISSING_JUPYTER)

TAG_RAISES_EXCEPTION = "raises-exception"
TAG_SKIP_EXECUTION = "skip-execution"
MODES = ("validate", "run-all", "run-all-twice", "rerun-each")
# tslab resets its queue 200 ms after an error reply; wait a little longer.
DEFAULT_ABORT_WINDOW_SECONDS = 0.25


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("notebook")
    parser.add_argument(
        "--abort-window",
        type=float,
        default=DEFAULT_ABORT_WINDOW_SECONDS,
        help="seconds to wait after an expected error before the next cell (0 shows the trap)",
    )
    parser.add_argument("--cell-timeout", type=int, default=120)
    parser.add_argument("--kernel-name", default="tslab")
    return parser.parse_args(argv)


def validation_problems(path):
    """Schema errors, wrong version and duplicate or missing cell ids, as sentences."""
    with open(path, encoding="utf-8") as file:
        raw = json.load(file)
    problems = []
    version = (raw.get("nbformat"), raw.get("nbformat_minor"))
    if version[0] != 4 or not isinstance(version[1], int) or version[1] < 5:
        problems.append(f"nbformat is {version[0]}.{version[1]}; cell ids need 4.5 or later")
    try:
        nbformat.validate(raw)
    except nbformat.ValidationError as invalid:
        problems.append(f"not valid nbformat: {invalid.message}")
    seen = set()
    for index, cell in enumerate(raw.get("cells", [])):
        cell_id = cell.get("id")
        if not cell_id:
            problems.append(f"cell {index} has no id")
        elif cell_id in seen:
            problems.append(f"cell {index} repeats the id {cell_id!r}")
        seen.add(cell_id)
    return problems


def cell_tags(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def execution_record(cell, index, round_number, status, outputs, reply=None, reason=None):
    tags = cell_tags(cell)
    passed = status in ("ok", "skipped", "empty") or (
        status == "error" and TAG_RAISES_EXCEPTION in tags
    )
    record = {
        "index": index,
        "id": cell.get("id"),
        "tags": tags,
        "round": round_number,
        "status": status,
        "passed": passed,
        "outputs": outputs,
        "executionCount": (reply or {}).get("execution_count"),
    }
    if reason:
        record["reason"] = reason
    return record


class CellByCellRunner:
    """Sends one code cell at a time through nbclient and keeps each cell's execute_reply."""

    def __init__(self, notebook, notebook_dir, arguments):
        self.client = NotebookClient(
            notebook,
            kernel_name=arguments.kernel_name,
            timeout=arguments.cell_timeout,
            startup_timeout=120,
            # Errors are classified here, from the reply, so that `abort` counts too.
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": notebook_dir}},
            on_cell_executed=self._remember_reply,
        )
        self.abort_window = arguments.abort_window
        self.last_error_at = None
        self.last_reply = None

    async def _remember_reply(self, cell, cell_index, execute_reply):
        self.last_reply = execute_reply

    async def _wait_out_abort_window(self):
        if self.abort_window <= 0 or self.last_error_at is None:
            return
        remaining = self.last_error_at + self.abort_window - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)

    async def execute(self, cell, index, round_number):
        tags = cell_tags(cell)
        if TAG_SKIP_EXECUTION in tags:
            return execution_record(cell, index, round_number, "skipped", [])
        if not cell.source.strip():
            return execution_record(cell, index, round_number, "empty", [])
        await self._wait_out_abort_window()
        attempt = copy.deepcopy(cell)
        self.last_reply = None
        try:
            await self.client.async_execute_cell(attempt, index)
        except CellTimeoutError:
            return execution_record(
                cell, index, round_number, "timeout", attempt.get("outputs", []),
                reason="the cell ran longer than the cell timeout",
            )
        content = (self.last_reply or {}).get("content", {})
        status = normalised_status(content.get("status"))
        if status == "error" and TAG_RAISES_EXCEPTION in tags:
            self.last_error_at = time.monotonic()
        return execution_record(cell, index, round_number, status, attempt.outputs, content)


def normalised_status(status):
    # The messaging spec says `abort`; older kernels and docs say `aborted`.
    if status in ("abort", "aborted"):
        return "abort"
    return status or "no-reply"


def code_cells(notebook):
    return [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


async def run_mode(mode, runner, notebook):
    """Yields the execution records of one mode, in the order the cells were sent."""
    cells = code_cells(notebook)
    records = []
    if mode in ("run-all", "run-all-twice"):
        rounds = 2 if mode == "run-all-twice" else 1
        for round_number in range(1, rounds + 1):
            for index, cell in cells:
                records.append(await runner.execute(cell, index, round_number))
    elif mode == "rerun-each":
        for index, cell in cells:
            for round_number in (1, 2):
                records.append(await runner.execute(cell, index, round_number))
    return records


async def execute(arguments):
    path = os.path.abspath(arguments.notebook)
    report = {"notebook": path, "mode": arguments.mode, "executions": []}
    report["validationProblems"] = validation_problems(path)
    if arguments.mode != "validate":
        notebook = nbformat.read(path, as_version=4)
        runner = CellByCellRunner(notebook, os.path.dirname(path), arguments)
        started = time.monotonic()
        try:
            async with runner.client.async_setup_kernel():
                report["kernelStartSeconds"] = round(time.monotonic() - started, 2)
                report["executions"] = await run_mode(arguments.mode, runner, notebook)
        except DeadKernelError as dead:
            report["kernelError"] = f"the kernel died: {dead}"
        except RuntimeError as failed:
            report["kernelError"] = f"the kernel could not run the notebook: {failed}"
    report["failures"] = [
        {key: record[key] for key in ("index", "id", "round", "status")}
        for record in report["executions"]
        if not record["passed"]
    ]
    report["ok"] = (
        not report["validationProblems"] and not report["failures"] and "kernelError" not in report
    )
    return report


def main(argv):
    arguments = parse_arguments(argv)
    report = asyncio.run(execute(arguments))
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
