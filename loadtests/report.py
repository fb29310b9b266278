"""Markdown tables from `bench_scan.py --json` reports, for loadtests/README.md.

.venv/bin/python loadtests/report.py run1.json run2.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def services(step: dict) -> str:
    found = step.get("services_cpu_percent") or {}
    return f" (PostgreSQL {found['postgres']:.0f}%, Redis {found['redis']:.0f}% of a core)" if found else ""


def rows(path: Path) -> list[str]:
    report = json.loads(path.read_text())
    head = (
        f"{report['date']} · {report['database']} · {report['web_processes']} web · "
        f"{report.get('watchers_connected', report['watchers'])} watchers · "
        f"{report.get('api_keys', 1)} API key(s) · load {report['load_average_before']}"
    )
    out = [f"| {head} | | | | | | | | | |"]
    floor = report["floor"]
    for s in report["steps"]:
        w, a = s["watcher"], s["api"]
        web_cpu = " / ".join(f"{p['cpu_percent']:.0f}%" for n, p in s["processes"].items() if n.startswith("web"))
        out.append(
            f"| {s['rate']:.0f} | {s['scans_per_s']} | {s['error_count']} | {w['p50_ms']} | {w['p95_ms']} | "
            f"{w['p99_ms']} | {a['p50_ms']} | {floor['p50_ms']} ({s['ratio_to_floor']}×) | "
            f"{web_cpu} · {s['web_cpu_ms_per_scan']} ms | {s['machine_cpu_percent']:.0f}%{services(s)} |"
        )
    if "ceiling_scans_per_s" in report:
        out.append(
            f"| ceiling (p99 ≤ 100 ms) | **{report['ceiling_scans_per_s']}** | | | | | | | "
            f"most sustained: **{report.get('throughput_ceiling_scans_per_s', '–')}** | |"
        )
    return out


def main(paths: list[str]) -> None:
    print(
        "| offered scans/s | sustained | errors | watcher p50 ms | p95 | p99 | API p50 ms | floor p50 ms (ours/floor) "
        "| web CPU · CPU per scan | machine CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        print("\n".join(rows(Path(path))))


if __name__ == "__main__":
    main(sys.argv[1:])
