"""Excel templates that field offices fill in and upload: one per kind of table.

Each workbook has a ``data`` sheet (the canonical columns, an HXL hashtag row under the header,
drop-down lists where the values come from a list), a ``lists`` sheet the drop-downs read
(the 16 programme districts, the indicator ids, the breakdown values, the funding lines), and an
``Instructions`` sheet in English and Russian with an example row. A filled-in template ingests
as it is: ``ingest`` reads the ``data`` sheet by its name and the columns by their hashtags.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from data_pipeline.reference.hxl import HXL_TAGS
from data_pipeline.ingest import MAX_ROWS
from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATORS
from data_pipeline.reference.schemas import AGE_GROUPS, DISABILITY, KIND_ACTIVITIES, KIND_FUNDING, KIND_TARGETS, SEXES
from geo.gazetteer import PROGRAMME_DISTRICTS

DATA_SHEET = "data"
LISTS_SHEET = "lists"
INSTRUCTIONS_SHEET = "Instructions"
VALIDATED_ROWS = 20_000
"""Rows of the data sheet that carry the drop-down lists (Excel stores a range, not one per cell)."""
_FIRST_DATA_ROW = 3  # row 1: header, row 2: HXL hashtags
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HXL_FONT = Font(italic=True, color="666666")


@dataclass(frozen=True)
class _Column:
    name: str
    width: float
    list_name: str | None = None
    """The ``lists`` column the drop-down reads."""
    strict: bool = False
    """Refuse values not in the list (else warn: other spellings, e.g. Russian names, are accepted)."""
    note_en: str = ""
    note_ru: str = ""


@dataclass(frozen=True)
class _Kind:
    columns: tuple[_Column, ...]
    example: tuple[object, ...]
    about_en: str
    about_ru: str


_LISTS: dict[str, tuple[str, list[str]]] = {
    "district": ("District (English)", [d.name_en for d in PROGRAMME_DISTRICTS]),
    "district_ru": ("Район (по-русски)", [d.name_ru for d in PROGRAMME_DISTRICTS]),
    "district_code": ("District code", [d.code for d in PROGRAMME_DISTRICTS]),
    "region": ("Region", [d.region for d in PROGRAMME_DISTRICTS]),
    "indicator": ("Indicator id", [i.id for i in INDICATORS]),
    "indicator_label": ("Indicator", [i.label for i in INDICATORS]),
    "unit": ("Unit", [i.unit for i in INDICATORS]),
    "programme": ("Programme", [i.programme for i in INDICATORS]),
    "sex": ("sex", list(SEXES)),
    "age_group": ("age_group", list(AGE_GROUPS)),
    "disability": ("disability", list(DISABILITY)),
    "plan": ("plan", sorted({line.plan for line in FUNDING_LINES})),
    "objective": ("objective", list(dict.fromkeys(line.objective for line in FUNDING_OBJECTIVES))),
    "component": ("component", [line.component for line in FUNDING_LINES if line.component]),
}
_LIST_ORDER = list(_LISTS)

_DISTRICT_NOTE_EN = "One of the 16 programme districts (drop-down); Russian or Tajik names are accepted too."
_DISTRICT_NOTE_RU = "Один из 16 районов программы (список); названия по-русски и по-таджикски тоже принимаются."

KINDS: dict[str, _Kind] = {
    KIND_ACTIVITIES: _Kind(
        columns=(
            _Column("date", 12, note_en="Date of the activity, e.g. 2020-03-15 (a date cell, or text YYYY-MM-DD).",
                    note_ru="Дата мероприятия, например 2020-03-15 (ячейка-дата или текст ГГГГ-ММ-ДД)."),
            _Column("district", 18, "district", note_en=_DISTRICT_NOTE_EN, note_ru=_DISTRICT_NOTE_RU),
            _Column("indicator", 30, "indicator", strict=True,
                    note_en="Indicator id from the drop-down (see the 'lists' sheet for names and units).",
                    note_ru="Код показателя из списка (названия и единицы — на листе 'lists')."),
            _Column("value", 10, note_en="The count for this row: a whole number ≥ 0, no formula.",
                    note_ru="Количество для этой строки: целое число ≥ 0, без формул."),
            _Column("sex", 10, "sex", note_en="female / male, or empty for a total.",
                    note_ru="female / male (или женский / мужской), пусто — итог."),
            _Column("age_group", 11, "age_group", note_en="0-17, 18-29, 30-44, 45-59, 60+, or empty.",
                    note_ru="0-17, 18-29, 30-44, 45-59, 60+ или пусто."),
            _Column("disability", 11, "disability", note_en="yes / no, or empty.",
                    note_ru="yes / no (да / нет) или пусто."),
            _Column("notes", 40, note_en="Optional free text.", note_ru="Необязательный комментарий."),
        ),
        example=("2020-03-15", "Panj", "grants_awarded", 12, "female", "18-29", "no", "Spring round"),
        about_en="Activities: one row per activity record (what was done, where, when, how many).",
        about_ru="Мероприятия: одна строка на запись (что сделано, где, когда, сколько).",
    ),
    KIND_TARGETS: _Kind(
        columns=(
            _Column("indicator", 30, "indicator", strict=True, note_en="Indicator id from the drop-down.",
                    note_ru="Код показателя из списка."),
            _Column("district", 18, "district", note_en="A programme district, or empty for a programme-wide target.",
                    note_ru="Район программы или пусто — цель по всей программе."),
            _Column("period", 10, note_en="whole (the programme period), a year (2019), a quarter (2019-Q2) "
                                          "or a month (2019-03).",
                    note_ru="whole (весь период), год (2019), квартал (2019-Q2) или месяц (2019-03)."),
            _Column("target", 10, note_en="The target: a number ≥ 0.", note_ru="Целевое значение: число ≥ 0."),
        ),
        example=("grants_awarded", "Panj", "whole", 120),
        about_en="Targets: one row per indicator, district (or programme-wide) and period.",
        about_ru="Цели: одна строка на показатель, район (или всю программу) и период.",
    ),
    KIND_FUNDING: _Kind(
        columns=(
            _Column("plan", 12, "plan", strict=True, note_en="The plan (drop-down).", note_ru="План (список)."),
            _Column("objective", 42, "objective", strict=True, note_en="The plan's objective (drop-down).",
                    note_ru="Цель плана (список)."),
            _Column("component", 50, "component", strict=True,
                    note_en="The objective's component (drop-down), or empty for the objective as a whole.",
                    note_ru="Компонент цели (список) или пусто — цель целиком."),
            _Column("donor", 20, note_en="Optional: who gave the money.", note_ru="Необязательно: донор."),
            _Column("required", 12, note_en="Optional: funding required, in US dollars.",
                    note_ru="Необязательно: требуемое финансирование, в долларах США."),
            _Column("received", 12, note_en="Funding received, in US dollars.",
                    note_ru="Полученное финансирование, в долларах США."),
            _Column("currency", 9, note_en="USD (or empty).", note_ru="USD (или пусто)."),
        ),
        example=(FUNDING_LINES[0].plan, FUNDING_LINES[0].objective, FUNDING_LINES[0].component, "ECHO", None,
                 50000, "USD"),
        about_en="Funding: one row per plan line and donor, amounts in US dollars.",
        about_ru="Финансирование: одна строка на строку плана и донора, суммы в долларах США.",
    ),
}

_GENERAL = (
    ("How to fill in this template", "Как заполнить этот шаблон"),
    ("Fill in the 'data' sheet from row 3 down. Row 1 (column names) and row 2 (HXL hashtags) must stay as "
     "they are: the dashboard recognises the columns by them.",
     "Заполняйте лист 'data' начиная с 3-й строки. Строку 1 (названия столбцов) и строку 2 (HXL-хэштеги) "
     "не меняйте: по ним панель узнаёт столбцы."),
    ("One record per row. Do not merge cells, do not add totals or blank title rows, and type values, "
     "not formulas (or paste them as values).",
     "Одна запись в строке. Не объединяйте ячейки, не добавляйте итоговые строки и заголовки, вводите "
     "значения, а не формулы (или вставляйте как значения)."),
    ("Pick districts and indicators from the drop-down lists; the 'lists' sheet shows every allowed value "
     "with its Russian name, unit and programme.",
     "Выбирайте районы и показатели из раскрывающихся списков; на листе 'lists' — все допустимые значения "
     "с русскими названиями, единицами и программой."),
    (f"Save as Excel Workbook (.xlsx) or CSV UTF-8, and upload it on the dashboard's 'Upload data' page. At "
     f"most {MAX_ROWS:,} rows per file are read (the page states its own, smaller upload limits).",
     f"Сохраните как книгу Excel (.xlsx) или CSV UTF-8 и загрузите на странице панели 'Upload data'. "
     f"Читается не более {MAX_ROWS:,} строк на файл (страница указывает свои, меньшие ограничения)."),
    ("The dashboard checks every cell and lists each problem with its row, column, value and what is "
     "allowed; nothing is published until the file is clean. Uploading the same file twice does not count "
     "it twice.",
     "Панель проверяет каждую ячейку и перечисляет все ошибки (строка, столбец, значение, что допустимо); "
     "пока файл не исправлен, ничего не публикуется. Повторная загрузка того же файла не учитывается дважды."),
)


def template_kinds() -> tuple[str, ...]:
    """The kinds a template exists for: ``activities``, ``targets``, ``funding``."""
    return tuple(KINDS)


def template_file_name(kind: str) -> str:
    return f"border-districts-{kind}-template.xlsx"


def build_template(kind: str = KIND_ACTIVITIES) -> bytes:
    """The XLSX template of ``kind`` (``activities``, ``targets`` or ``funding``) as bytes."""
    if kind not in KINDS:
        raise ValueError(f"No template for {kind!r}; choose one of {', '.join(KINDS)}.")
    spec = KINDS[kind]
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    list_ranges = _write_lists(lists)
    _write_data_sheet(data, spec.columns, list_ranges)
    _write_instructions(instructions, spec)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_lists(sheet) -> dict[str, str]:
    """Write each list in its own column; returns each list's absolute range (``lists!$A$2:$A$17``)."""
    ranges = {}
    for index, key in enumerate(_LIST_ORDER, start=1):
        title, values = _LISTS[key]
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=title)
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value).data_type = "s"
        ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        sheet.column_dimensions[letter].width = max(len(title), *(len(str(v)) for v in values)) + 2
    sheet.freeze_panes = "A2"
    return ranges


def _write_data_sheet(sheet, columns: Sequence[_Column], list_ranges: dict[str, str]) -> None:
    last_row = _FIRST_DATA_ROW + VALIDATED_ROWS - 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.name)
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        tag = sheet.cell(row=2, column=index, value=HXL_TAGS[column.name])
        tag.font = _HXL_FONT
        sheet.column_dimensions[letter].width = column.width
        cells = f"{letter}{_FIRST_DATA_ROW}:{letter}{last_row}"
        if column.list_name:
            validation = DataValidation(type="list", formula1=f"={list_ranges[column.list_name]}", allow_blank=True,
                                        showDropDown=False, showErrorMessage=True,
                                        errorStyle="stop" if column.strict else "warning",
                                        errorTitle=f"{column.name}", error=column.note_en,
                                        promptTitle=column.name, prompt=column.note_en, showInputMessage=True)
        elif column.name in ("value", "target", "required", "received"):
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                        allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                        errorTitle=column.name, error=column.note_en)
        else:
            continue
        validation.add(cells)
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=_FIRST_DATA_ROW, column=1)


def _write_instructions(sheet, spec: _Kind) -> None:
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 70
    wrap = Alignment(wrap_text=True, vertical="top")
    rows: list[tuple[str, str, bool]] = [("English", "Русский", True), (spec.about_en, spec.about_ru, False)]
    rows += [(en, ru, i == 0) for i, (en, ru) in enumerate(_GENERAL)]
    rows.append(("Columns of the 'data' sheet", "Столбцы листа 'data'", True))
    rows += [(f"{c.name} ({HXL_TAGS[c.name]}): {c.note_en}", f"{c.name}: {c.note_ru}", False) for c in spec.columns]
    row = 1
    for en, ru, bold in rows:
        for column, text in ((1, en), (2, ru)):
            cell = sheet.cell(row=row, column=column, value=text)
            cell.data_type = "s"
            cell.alignment = wrap
            cell.font = Font(bold=bold)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Example row (type yours on the 'data' sheet, not here)").font = Font(bold=True)
    sheet.cell(row=row, column=2, value="Пример строки (вводите данные на листе 'data', не здесь)").font = Font(bold=True)
    row += 1
    for index, column in enumerate(spec.columns, start=1):
        sheet.cell(row=row, column=index, value=column.name).font = Font(bold=True)
        value = spec.example[index - 1]
        if value is not None:
            sheet.cell(row=row + 1, column=index, value=value)
