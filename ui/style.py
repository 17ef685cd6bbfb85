"""Fonts, text size, colours and the focus ring of the whole program.

The text size is chosen inside the program (not from Windows settings) and set once on the
application with `QApplication.setFont`: every widget inherits it. Style sheets here never set
a font size, because a style sheet silently wins over the application font.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QLibraryInfo, QLocale, QPointF, QSettings, Qt, QTranslator
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionHeader,
    QWidget,
)

from app.paths import resource_path

ORGANISATION = "laoniangjiu"
APPLICATION = "laoniangjiu"
SETTINGS_KEY = "text_scale"

#: The screen font first; the others cover rare characters such as 𠮷 in names.
FONT_FILES = ("wqy-microhei.ttc", "LXGWWenKai-Regular.ttf", "uming.ttc")
FONT_FAMILIES = ["WenQuanYi Micro Hei", "LXGW WenKai", "AR PL UMing CN"]

#: 100% is 12 pt at 96 dpi = 16 px. Pixels, not points: the size must not follow the system DPI
#: setting a second time (Qt already scales logical pixels on high-DPI screens).
BASE_PIXELS = 16
SCALES = (100, 125, 150, 200)
SCALE_NAMES = {100: "标准字体", 125: "较大字体", 150: "大字体", 200: "特大字体"}
#: Headings are a quarter larger than body text: 20 px normally, 30 px from 150% on.
HEADING_FACTOR = 1.25

# Colours: text on its background is at least 7:1, borders and the focus ring at least 3:1.
TEXT = "#1a1a1a"
WINDOW = "#f5f5f0"
BASE = "#ffffff"
BORDER = "#767676"
ACCENT = "#0b4fa8"  # the one main action of each screen
FOCUS = "#c2410c"  # orange-brown ring: 4.6:1 on white, differs from the blue main action
ERROR = "#a4161a"
OK = "#1b5e20"
SELECTION = "#cfe0fb"
HINT = "#4a4a4a"
GROUP = "#fbfbf8"  # the background of a framed section (a party, a term)

_registered_families: list[str] = []
_fonts_registered = False
#: Qt's own Chinese words (context menus, calendar, file dialog); kept alive here.
_translators: list[QTranslator] = []

#: Everything Qt draws by itself speaks Chinese: month and day names, 撤销/剪切/复制…
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def register_fonts() -> list[str]:
    """Register the bundled CJK fonts: a PC without Chinese fonts would otherwise show boxes."""
    global _fonts_registered
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id >= 0:
            _registered_families.extend(QFontDatabase.applicationFontFamilies(font_id))
    _fonts_registered = True
    return registered_families()


def registered_families() -> list[str]:
    """The font families the program brought with it and registered."""
    return list(_registered_families)


def body_pixels(scale: int) -> int:
    return round(BASE_PIXELS * scale / 100)


def heading_pixels(scale: int) -> int:
    return round(body_pixels(scale) * HEADING_FACTOR)


def make_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(pixels)
    font.setBold(bold)
    # Chinese text looks blurred with hinting off on Windows; full hinting keeps strokes crisp.
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def saved_scale() -> int:
    value = QSettings().value(SETTINGS_KEY, 100)
    try:
        scale = int(value)  # type: ignore[call-overload]  # QSettings.value() is typed `object`
    except (TypeError, ValueError):
        return 100
    return scale if scale in SCALES else 100


def current_scale() -> int:
    app = QApplication.instance()
    value = app.property("text_scale") if app is not None else None
    return int(value) if value in SCALES else 100


def apply_scale(scale: int, save: bool = True) -> None:
    """Set the text size of the whole program (and remember it for the next start)."""
    if scale not in SCALES:
        scale = 100
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setProperty("text_scale", scale)
    app.setFont(make_font(body_pixels(scale)))
    if save:
        QSettings().setValue(SETTINGS_KEY, scale)
    body = body_pixels(scale)
    for widget in app.allWidgets():
        if widget.property("heading"):
            # Headings have a font of their own: they do not follow the application font.
            refresh_heading(widget)
        elif widget.font().pixelSize() != body:
            # A style-sheet rule that sets a font property (bold main buttons, headers) fixes
            # the font the widget was polished with; polishing again takes the new size.
            widget.style().unpolish(widget)
            widget.style().polish(widget)


def heading_font() -> QFont:
    return make_font(heading_pixels(current_scale()), bold=True)


def make_heading(widget: QWidget) -> QWidget:
    """Mark a widget as a heading: bold and a quarter larger, following the text size."""
    widget.setProperty("heading", True)
    widget.setFont(heading_font())
    return widget


def refresh_heading(widget: QWidget) -> None:
    if widget.property("heading"):
        widget.setFont(heading_font())


def palette() -> QPalette:
    pal = QPalette()
    colours = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: "#eef2f7",
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#ececec",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: SELECTION,
        QPalette.ColorRole.HighlightedText: TEXT,
        QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: HINT,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    # Disabled text stays readable (4.5:1) rather than the usual faint grey.
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c5c5c"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#5c5c5c"))
    return pal


# No font-size anywhere (see the module docstring). Borders stay the same width when focused
# so nothing moves; the focus ring changes colour and thickness is ≥ 2 px throughout.
STYLE_SHEET = f"""
QPushButton {{
    color: {TEXT};
    background: #ececec;
    border: 2px solid {BORDER};
    border-radius: 6px;
    padding: 8px 18px;
    min-height: 28px;
    min-width: 44px;
}}
QPushButton:hover {{ background: #e0e6ee; }}
QPushButton:pressed {{ background: #d0d8e4; }}
QPushButton:disabled {{ color: #5c5c5c; background: #e4e4e4; border-color: #a0a0a0; }}
QPushButton:focus {{ border: 3px solid {FOCUS}; padding: 7px 17px; }}
QPushButton[primary="true"] {{
    color: #ffffff;
    background: {ACCENT};
    border: 2px solid {ACCENT};
    font-weight: bold;
    padding: 12px 24px;
    /* 36 + 2 × 12 padding + 2 × 2 border = 64 px: a main button is ≥ 60 px at every size. */
    min-height: 36px;
    min-width: 60px;
}}
QPushButton[primary="true"]:hover {{ background: #0a448f; }}
QPushButton[primary="true"]:disabled {{
    color: #5c5c5c;
    background: #e4e4e4;
    border-color: #a0a0a0;
}}
QPushButton[primary="true"]:focus {{ border: 3px solid {FOCUS}; padding: 11px 23px; }}
QLineEdit, QComboBox, QDateEdit, QTextEdit, QPlainTextEdit {{
    color: {TEXT};
    background: {BASE};
    border: 2px solid {BORDER};
    border-radius: 4px;
    padding: 5px 6px;
    selection-background-color: {SELECTION};
    selection-color: {TEXT};
}}
/* 30 + 2 × 5 padding + 2 × 2 border = 44 px at least; larger text makes them taller. */
QLineEdit, QComboBox, QDateEdit {{ min-height: 30px; }}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QTextEdit:focus, QPlainTextEdit:focus {{
    border: 3px solid {FOCUS};
    padding: 4px 5px;
    background: #fffbea;
}}
QLineEdit:disabled, QComboBox:disabled, QDateEdit:disabled {{
    background: #ececec;
    border-color: #a0a0a0;
}}
QComboBox::drop-down, QDateEdit::drop-down {{
    subcontrol-origin: padding;
    subcontrol-position: center right;
    width: 32px;
    border: none;
}}
QComboBox::down-arrow, QDateEdit::down-arrow {{
    image: url({{arrow}});
    width: 16px;
    height: 10px;
}}
QComboBox::down-arrow:disabled, QDateEdit::down-arrow:disabled {{ image: none; }}
QComboBox {{ padding-right: 34px; }}
QComboBox:focus {{ padding-right: 33px; }}
QComboBox QAbstractItemView {{
    background: {BASE};
    selection-background-color: {SELECTION};
    selection-color: {TEXT};
}}
QCheckBox, QRadioButton {{ min-height: 44px; spacing: 10px; }}
/* Tabs are targets too: 44 px tall at least, the chosen one marked by more than colour. */
QTabBar::tab {{
    color: {TEXT};
    background: #e4e4e4;
    border: 2px solid {BORDER};
    border-bottom: none;
    border-top-left-radius: 6px;
    border-top-right-radius: 6px;
    padding: 6px 16px;
    min-height: 30px;
    margin-right: 4px;
}}
QTabBar::tab:selected {{ background: {BASE}; font-weight: bold; border-top: 4px solid {ACCENT}; }}
QTabBar::tab:focus {{ border: 3px solid {FOCUS}; border-bottom: none; }}
/* The box itself: a dark border (4.5:1 on the group boxes' #fbfbf8), filled blue with a
   white tick when checked, so the two states differ in more than a thin mark. Its size
   follows the text ("em" is a line of the font here): 25 px at 100%, 46 px at 200%. */
QCheckBox::indicator {{
    width: 1.1em;
    height: 1.1em;
    border: 2px solid {BORDER};
    border-radius: 4px;
    background: {BASE};
}}
QCheckBox::indicator:hover {{ border-color: {TEXT}; }}
QCheckBox::indicator:checked {{
    background: {ACCENT};
    border-color: {ACCENT};
    image: url({{tick}});
}}
QCheckBox::indicator:disabled {{ background: #ececec; border-color: #8a8a8a; }}
QCheckBox::indicator:checked:disabled {{ background: #6b6b6b; border-color: #6b6b6b; }}
QCheckBox:focus, QRadioButton:focus {{ border: 3px solid {FOCUS}; border-radius: 4px; }}
QCheckBox:!focus, QRadioButton:!focus {{ border: 3px solid transparent; }}
QTableView {{
    background: {BASE};
    alternate-background-color: #f1f4f8;
    gridline-color: #c4c4c4;
    selection-background-color: {SELECTION};
    selection-color: {TEXT};
    border: 2px solid {BORDER};
}}
QTableView:focus {{ border: 3px solid {FOCUS}; }}
QHeaderView::section {{
    background: #e6ebf2;
    color: {TEXT};
    border: 1px solid #b0b0b0;
    padding: 6px 8px;
    font-weight: bold;
}}
QGroupBox {{
    border: 2px solid #b8b8b8;
    border-radius: 6px;
    margin-top: 0px;
    padding: 8px;
    background: {GROUP};
}}
QLabel[error="true"] {{ color: {ERROR}; font-weight: bold; }}
QLabel[hint="true"] {{ color: {HINT}; }}
QLabel[bold="true"] {{ font-weight: bold; }}
QLabel[notice="ok"] {{
    color: {OK};
    background: #e8f5e9;
    border: 2px solid {OK};
    border-radius: 6px;
    padding: 8px;
}}
QLabel[notice="error"] {{
    color: {ERROR};
    background: #fdecea;
    border: 2px solid {ERROR};
    border-radius: 6px;
    padding: 8px;
}}
QScrollArea {{ border: none; }}
QMenu {{ background: {BASE}; border: 2px solid {BORDER}; }}
/* 14 + 14 px around a line of text: a menu row is at least 44 px high at every size. */
QMenu::item {{ padding: 14px 32px 14px 40px; color: {TEXT}; }}
QMenu::item:selected {{ background: {SELECTION}; }}
QToolTip {{ color: {TEXT}; background: #fffbe6; border: 1px solid {BORDER}; }}
"""


#: Scroll bars (and their arrow buttons) are this wide: nothing clickable below 24 px.
SCROLL_BAR = 24


class LargeControlsStyle(QProxyStyle):
    """Fusion with bigger arrows, check boxes and scroll bars: easier to see and to hit."""

    ARROWS: ClassVar[dict[QStyle.PrimitiveElement, tuple[tuple[float, float], ...]]] = {
        QStyle.PrimitiveElement.PE_IndicatorArrowDown: ((-1, -0.5), (1, -0.5), (0, 0.6)),
        QStyle.PrimitiveElement.PE_IndicatorArrowUp: ((-1, 0.5), (1, 0.5), (0, -0.6)),
        QStyle.PrimitiveElement.PE_IndicatorArrowLeft: ((0.5, -1), (0.5, 1), (-0.6, 0)),
        QStyle.PrimitiveElement.PE_IndicatorArrowRight: ((-0.5, -1), (-0.5, 1), (0.6, 0)),
    }

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow:
            # Qt marks a descending column "SortUp"; draw it pointing down (big → small).
            header = option
            up = getattr(header, "sortIndicator", None) == QStyleOptionHeader.SortIndicator.SortDown
            element = (
                QStyle.PrimitiveElement.PE_IndicatorArrowUp
                if up
                else QStyle.PrimitiveElement.PE_IndicatorArrowDown
            )
        corners = self.ARROWS.get(element)
        if corners is None:
            super().drawPrimitive(element, option, painter, widget)
            return
        rect = option.rect
        half = max(4.0, min(rect.width(), rect.height()) * 0.3)
        centre = QPointF(rect.center())
        points = [centre + QPointF(x * half, y * half) for x, y in corners]
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TEXT if enabled else "#8a8a8a"))
        painter.drawPolygon(QPolygonF(points))
        painter.restore()

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        if metric == QStyle.PixelMetric.PM_ScrollBarExtent:
            return SCROLL_BAR
        if metric in (
            QStyle.PixelMetric.PM_IndicatorWidth,
            QStyle.PixelMetric.PM_IndicatorHeight,
            QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
            QStyle.PixelMetric.PM_ExclusiveIndicatorHeight,
        ):
            return 24
        return super().pixelMetric(metric, option, widget)


def _image_folder() -> Path:
    return Path(tempfile.gettempdir()) / "laoniangjiu-ui"


def arrow_image() -> Path:
    """The drop-down arrow of choice lists, drawn once: larger and darker than the default."""
    folder = _image_folder()
    path = folder / "arrow-down.png"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for name, ratio in (("arrow-down.png", 1), ("arrow-down@2x.png", 2)):
        image = QImage(16 * ratio, 10 * ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TEXT))
        points = [QPointF(0, 0), QPointF(16 * ratio, 0), QPointF(8 * ratio, 10 * ratio)]
        painter.drawPolygon(QPolygonF(points))
        painter.end()
        image.save(str(folder / name))
    return path


def tick_image() -> Path:
    """The white tick of a checked check box, drawn large: Qt scales it down to the box."""
    folder = _image_folder()
    path = folder / "tick-48.png"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in (("tick-48.png", 48), ("tick-48@2x.png", 96)):
        ratio = size / 22
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#ffffff"), 3.2 * ratio)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        points = [QPointF(4.5, 11.5), QPointF(9, 16), QPointF(17.5, 6)]
        painter.drawPolyline(QPolygonF([point * ratio for point in points]))
        painter.end()
        image.save(str(folder / name))
    return path


def install_translations(app: QApplication) -> None:
    """Qt's own words in Chinese: the right-click menu of text fields, the calendar, dialogs.

    Loading the one catalogue takes about a millisecond; it ships inside PySide6.
    """
    QLocale.setDefault(CHINESE)
    if _translators:
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(CHINESE, "qtbase", "_", folder):
        app.installTranslator(translator)
        _translators.append(translator)


def setup_application(app: QApplication) -> None:
    """Everything the program needs before its first window: names, fonts, size, colours."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    install_translations(app)
    if not _fonts_registered:
        register_fonts()
    # Fusion looks the same on every Windows version and honours the palette fully.
    if "fusion" in (key.lower() for key in QStyleFactory.keys()):  # noqa: SIM118 — not a dict
        # Built from the style's name: the proxy then owns its base style alone.
        app.setStyle(LargeControlsStyle("Fusion"))
    app.setPalette(palette())
    sheet = STYLE_SHEET.replace("{arrow}", arrow_image().as_posix())
    app.setStyleSheet(sheet.replace("{tick}", tick_image().as_posix()))
    apply_scale(saved_scale(), save=False)
