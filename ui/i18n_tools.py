"""Regenerate the translations: ``python -m ui.i18n_tools`` runs pyside6-lupdate over the
UI sources (keeping existing translations in resources/translations/risala_ar.ts) and
pyside6-lrelease to compile ``risala_ar.qm``. Edit the .ts with pyside6-linguist."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("ar",)
EXCLUDE = {"i18n_tools.py", "selftest.py"}  # developer tools: their output is not UI


def sources() -> list[Path]:
    out = []
    for p in sorted((ROOT / "ui").rglob("*.py")):
        if not EXCLUDE.intersection(p.relative_to(ROOT / "ui").parts):
            out.append(p)
    return out


def tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def main() -> int:
    for lang in LANGUAGES:
        ts = TS_DIR / f"risala_{lang}.ts"
        # -no-obsolete: fill_ar.py re-adds the strings lupdate cannot see (its EXTRA)
        lupdate = [tool("pyside6-lupdate"), "-no-obsolete", *map(str, sources())]
        subprocess.run([*lupdate, "-ts", str(ts)], check=True)
        filler = TS_DIR / f"fill_{lang}.py"
        if filler.exists():  # re-apply the translations kept in code, then compile
            subprocess.run([sys.executable, str(filler)], check=True)
        else:
            qm = ts.with_suffix(".qm")
            subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
