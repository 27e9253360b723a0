"""The 打印 menu: blank and filled forms, print settings."""
