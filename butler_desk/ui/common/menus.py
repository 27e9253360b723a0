"""The main window's menu bar, shared by the modules that add entries to it.

The order is fixed here so that it does not depend on which tab installs its entries first:
文件 · 工单 · 打印 · 设置 · 帮助.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QMenuBar

FILE_MENU = "文件(&F)"
REQUESTS_MENU = "工单(&R)"
PRINT_MENU = "打印(&P)"
SETTINGS_MENU = "设置(&S)"
HELP_MENU = "帮助(&H)"
MENU_ORDER = (FILE_MENU, REQUESTS_MENU, PRINT_MENU, SETTINGS_MENU, HELP_MENU)


def menu_named(menubar: QMenuBar, title: str) -> QMenu:
    """The menu called ``title``, made in its place of MENU_ORDER when no one has made it yet.

    Several modules add entries to the same 设置 menu; whichever runs first creates it.
    """
    existing = {action.text(): action for action in menubar.actions() if action.menu() is not None}
    if title in existing:
        return existing[title].menu()
    menu = QMenu(title, menubar)
    rank = MENU_ORDER.index(title) if title in MENU_ORDER else MENU_ORDER.index(HELP_MENU)
    later = next((existing[t] for t in MENU_ORDER[rank + 1 :] if t in existing), None)
    if later is not None:
        menubar.insertMenu(later, menu)
    else:
        menubar.addMenu(menu)
    return menu
