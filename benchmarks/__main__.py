"""Run the benchmark suite: ``python -m benchmarks [NAME ...] [--quick]``.

Each benchmark run is a separate Python process, so its peak RSS (from
``os.wait4``) is its own and TensorFlow starts fresh each time. Results print as
they come, then each benchmark prints its summary of ratios. Names:

``core``
    fit overhead vs plain Keras, single-document latency, batch throughput.
``scaling``
    fit time and peak RSS at 10k, 100k and 1M documents (bag model), and the
    default ``tfidf`` model at 10k and 100k.
``search``
    wall time of one fixed search with ``n_jobs=1``, ``n_jobs=2`` (loky) and
    a 2-worker Dask ``LocalCluster``.

``--quick`` runs smaller sizes to check that everything works (minutes, not
the numbers to record). The other scripts in ``benchmarks/`` (``sampling``,
``sparse_memory``, ``imbalance_levers``, ``sms_duplicates``...) run by name as
they are, with their own output, plus their peak RSS and wall time; they are not
part of the default run. Run from the repository root.
"""

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

SUITE = ("core", "scaling", "search")
RESULT_PREFIX = "RESULT "


def versions():
    """One line naming the machine and the versions that matter."""
    from importlib.metadata import PackageNotFoundError, version

    def get(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    sys.path.insert(0, os.getcwd())
    import sklearn_imbal

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"sklearn_imbal {sklearn_imbal.__version__} | python {platform.python_version()} | "
        f"tensorflow {get('tensorflow-cpu') if get('tensorflow') == '-' else get('tensorflow')}"
        f" | keras {get('keras')} | scikit-learn {get('scikit-learn')} | "
        f"imbalanced-learn {get('imbalanced-learn')} | dask {get('dask')} | "
        f"distributed {get('distributed')} | {platform.machine()}, {os.cpu_count()} cores | "
        f"load average {load:.2f}"
    )


def scripts():
    """The other benchmark scripts: run by name, as they are."""
    return sorted(
        path.stem for path in Path(__file__).parent.glob("*.py")
        if not path.stem.startswith("_") and path.stem not in SUITE
    )


def run_child(module, argv, *, expect_result=True):
    """Run ``python -m benchmarks.<module> *argv``; stream its output.

    Returns
    -------
    result : dict
        The JSON the child printed after ``RESULT``, plus ``peak_rss_mb`` (the
        child's peak resident memory) and ``wall_s``.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
    command = [sys.executable, "-m", f"benchmarks.{module}", *argv]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    result = None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
        else:
            print("  " + line, end="", flush=True)
    # wait4, not Popen.wait: it also returns the child's own resource usage.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or (expect_result and result is None):
        raise SystemExit(f"benchmark {' '.join(command[2:])} failed "
                         f"(exit code {process.returncode})")
    result = result or {}
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    result["wall_s"] = time.perf_counter() - start
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(SUITE)} (the default: all "
                             f"three) or a script: {', '.join(scripts())}")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: checks the suite runs, not numbers to record")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(SUITE) - set(scripts()))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from "
                     f"{', '.join([*SUITE, *scripts()])}")
    names = args.names or list(SUITE)

    print(f"# {versions()}")
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}{' (quick)' if args.quick else ''}", flush=True)
    for name in names:
        if name not in SUITE:
            source = (Path(__file__).parent / f"{name}.py").read_text()
            quick = ["--quick"] if args.quick and '"--quick"' in source else []
            print(f"\n== {name} {' '.join(quick)}", flush=True)
            r = run_child(name, quick, expect_result=False)
            print(f"\n{name}: peak RSS {r['peak_rss_mb']:,.0f} MB, wall {r['wall_s']:.1f} s",
                  flush=True)
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n== {name}: {module.__doc__.splitlines()[0]}", flush=True)
        results = []
        for label, child_argv in module.runs(quick=args.quick):
            print(f"-- {label}", flush=True)
            results.append(run_child(name, child_argv))
        print(f"\n{module.report(results)}", flush=True)


if __name__ == "__main__":
    main()
