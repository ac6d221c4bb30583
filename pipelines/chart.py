"""`indicators chart`: one metric as lines, one per locality, drawn to a PNG.

Agg backend, through the object API (no pyplot): nothing global is switched,
no display is needed. matplotlib's default font has no Chinese glyphs, so the
labels use a CJK font shipped by a PyPI package (pylopdf-fonts-zh-cn, Noto
Sans SC) or one the system has; with neither, or for any label the font
cannot draw, they fall back to ASCII: locality codes, metric codes, English
names. Nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

# Families that cover simplified Chinese, should the system have one.
_SYSTEM_CJK = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
               "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "Microsoft YaHei", "PingFang SC")


MAX_LEGEND = 20


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: Path

    def draws(self, text: str) -> bool:
        return all(ord(c) in _charmap(self.path) for c in text if not c.isspace())


@cache
def _charmap(path: Path) -> frozenset[int]:
    return frozenset(FT2Font(str(path)).get_charmap())


def _packaged_font() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn  # data-only wheel with Noto Sans SC (OFL)
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@cache
def find_cjk_font() -> CjkFont | None:
    """The first CJK font available: the packaged one (same on every machine), then the system's."""
    path = _packaged_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        return CjkFont(font_manager.FontProperties(fname=str(path)).get_name(), path)
    for entry in font_manager.fontManager.ttflist:
        if entry.name in _SYSTEM_CJK:
            return CjkFont(entry.name, Path(entry.fname))
    return None


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    # A label the font cannot draw is handled by the ASCII fallback; the warnings would only be noise.
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*Glyph \d+ .* missing from (current )?font.*")
            warnings.filterwarnings("ignore", message=r".*missing from (current )?font.*")
            yield
    finally:
        logger.setLevel(level)


def ascii_locality(row: dict) -> str:
    """An ASCII name for a locality: its official code, else its city's code and level (3703-zone)."""
    return row["locality_code"] or f"{row.get('city_code') or 'xx'}-{row.get('level') or 'zone'}"


@dataclass(frozen=True)
class ChartResult:
    path: Path
    lines: int
    unit: str
    cjk_font: str | None  # the font family used for Chinese labels, or None (ASCII labels)
    skipped_units: list[str]


def draw_series(long: pl.DataFrame, metric: str, name_zh: str, name_en: str | None, usual_unit: str | None,
                out: Path, font: CjkFont | None = None) -> ChartResult:
    """One line per locality (x = year) for the metric's main unit; returns what was drawn.

    `long` is analyst.series_long(). Values in other units are not comparable on
    the same axis: they are left out and named in the result.
    """
    units = long.group_by("unit").len().sort(["len", "unit"], descending=[True, False])["unit"].to_list()
    unit = usual_unit if usual_unit in units else units[0]
    data = long.filter(pl.col("unit") == unit).sort("locality", "year")

    title = f"{name_zh} ({metric})"
    use_cjk = font is not None and font.draws(title + unit)
    if not use_cjk:
        title = f"{metric}" + (f" - {name_en}" if name_en else "")

    fig = Figure(figsize=(8, 4.5), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    with _quiet_fonts():
        text_font = {"family": font.family} if use_cjk and font else {}
        for _, rows in data.group_by(["locality_key"], maintain_order=True):
            first = rows.row(0, named=True)
            label = first["locality"] if font is not None and font.draws(first["locality"]) else ascii_locality(first)
            ax.plot(rows["year"].to_list(), rows["value"].to_list(), marker="o", label=label)
        ax.set_title(title, **text_font)
        ax.set_xlabel("year")
        ax.set_ylabel(unit if use_cjk or unit.isascii() else "value", **text_font)
        first, last = data["year"].min(), data["year"].max()
        ax.set_xlim(first - 0.5, last + 0.5)  # one year alone would otherwise get a century of axis
        if last - first < 15:
            ax.set_xticks(list(range(first, last + 1)))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        if data["locality_key"].n_unique() <= MAX_LEGEND:  # past that a legend hides the lines
            ax.legend(prop=font_manager.FontProperties(fname=str(font.path) if font else None, size="small"))
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format="png")
    return ChartResult(out, data["locality_key"].n_unique(), unit, font.family if use_cjk and font else None,
                       [u for u in units if u != unit])
