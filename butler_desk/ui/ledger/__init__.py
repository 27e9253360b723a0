"""The 业户台账 tab and its dialogs: units, people, history, roster import, estate information."""
