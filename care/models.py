"""Micro-providers and their checks; personal budgets and their append-only ledger."""
