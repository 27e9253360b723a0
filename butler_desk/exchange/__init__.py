"""Excel and CSV in and out with openpyxl: parse to rows and row errors, never touch the database."""
