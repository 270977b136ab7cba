"""Registers as spreadsheets for the office's own files: CSV (UTF-8, opens in any
spreadsheet) and XLSX (openpyxl: a header row, real dates, sensible column widths).

Moments are written in the organisation's time zone; each file is written to a
temporary name first and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from opskit.masking import mask

SHEET_TITLE_LENGTH = 31  # the most Excel allows
MAX_COLUMN_WIDTH = 60


def write_csv(path: Path, columns: list[str], rows: list[list[Any]], zone: tzinfo) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_plain(cell, zone) for cell in row])
    # The byte-order mark makes spreadsheet programs read the UTF-8 (names, "Perangkat lunak").
    _replace(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_xlsx(
    path: Path, title: str, columns: list[str], rows: list[list[Any]], zone: tzinfo
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "".join(char for char in title if char not in "[]:*?/\\")[:SHEET_TITLE_LENGTH]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(column) for column in columns]
    for row in rows:
        values = [_typed(cell, zone) for cell in row]
        sheet.append(values)
        for index, value in enumerate(values):
            length = (
                16 if isinstance(value, datetime) else len(str(value if value is not None else ""))
            )
            widths[index] = max(widths[index], min(length, MAX_COLUMN_WIDTH))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    _replace(path, buffer.getvalue())


def _plain(cell: Any, zone: tzinfo) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return mask(str(cell))


def _typed(cell: Any, zone: tzinfo) -> Any:
    if isinstance(cell, datetime):
        return cell.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if cell is None or isinstance(cell, int):
        return cell
    return mask(str(cell))


def _replace(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)
