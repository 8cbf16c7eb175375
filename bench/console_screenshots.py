"""Screenshots of every console page from demo data, for docs/console/ and the README.

    .venv/bin/python bench/console_screenshots.py            # -> docs/console/<slug>.png

One command: fills a fresh demo store (``tenbin demo``'s own fill, at a fixed Tokyo time so the
pictures do not change with the day they are taken), serves the gateway with the console on
127.0.0.1, logs in with the demo's admin key in headless Chromium (Debian's ``/usr/bin/chromium``
through Playwright, as the tests) and saves each page at 1280x800 in Japanese, and the overview
also in English (``overview-en.png``). ``--full-page`` keeps the whole scrolled page instead of
the first screen; ``--role viewer`` shows what a team's viewer sees.

Nothing is downloaded; the Japanese text needs a CJK font (``fonts-noto-cjk``, which .ci/run
installs with chromium).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from tenbin.clock import ManualClock
from tenbin.console.pages import PAGES
from tenbin.demo.run import demo_config, listen, run
from tenbin.gateway.runtime import build_runtime

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # as tests/console: a Friday evening
VIEWPORT = {"width": 1280, "height": 800}


async def shoot(out: Path, role: str, full_page: bool, end: dt.datetime) -> list[Path]:
    from playwright.async_api import async_playwright

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="tenbin-shots-") as tmp:
        folder = Path(tmp) / "demo"
        t0 = time.perf_counter()
        _, keys, summary = await run(folder, end=end, serve=False, say=lambda _: None)
        print(f"demo filled: {summary.requests:,} requests in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        key = {"admin": keys.admin, "team-admin": keys.team_admin, "viewer": keys.viewer}[role]
        runtime = build_runtime(demo_config(folder / "tenbin.yaml"), clock=ManualClock(end))
        runner, url = await listen(runtime)
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM)
                ctx = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
                page = await ctx.new_page()
                await page.goto(url + "/console/login")
                await page.fill("#login-key", key)
                await page.click(".login-form button[type=submit]")
                await page.wait_for_url("**/console/overview")
                shots = [(pg.slug, "ja") for pg in PAGES if role in pg.roles] + [("overview", "en")]
                for slug, lang in shots:
                    resp = await page.goto(f"{url}/console/{slug}?lang={lang}")
                    if resp is None or resp.status != 200:
                        raise SystemExit(f"/console/{slug} answered {resp.status if resp else 'nothing'}")
                    await page.wait_for_load_state("networkidle")
                    name = out / (f"{slug}.png" if lang == "ja" else f"{slug}-{lang}.png")
                    await page.screenshot(path=str(name), full_page=full_page)
                    written.append(name)
                    print(f"  {name.relative_to(ROOT) if name.is_relative_to(ROOT) else name}", file=sys.stderr)
                await browser.close()
        finally:
            await runner.cleanup()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "console", help="folder for the PNGs")
    ap.add_argument("--role", choices=("admin", "team-admin", "viewer"), default="admin")
    ap.add_argument("--full-page", action="store_true", help="the whole page, not only the first 1280x800")
    ap.add_argument("--end", default=END.isoformat(), help="the demo's last moment (ISO 8601 with offset)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    logging.basicConfig(level=logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    written = asyncio.run(shoot(args.out, args.role, args.full_page, dt.datetime.fromisoformat(args.end)))
    print(f"{len(written)} screenshots in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
