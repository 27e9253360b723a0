"""The command line (butler-desk …): one module per area over the same Services as the GUI."""
