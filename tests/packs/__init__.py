"""Tests for domain packs."""
