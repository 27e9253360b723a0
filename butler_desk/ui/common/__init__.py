"""Widgets every area uses: table helpers, workers, messages, form rows, PDF preview and printing, QSettings, menus."""
