"""Tests for butler_desk.domain."""
