"""The 欠费催收 tab: the arrears register."""
