"""Butler Desk (管家台): the front-desk tool of a residential property office."""

__version__ = "0.1.0"
