"""Migrate a project of the public chora-base release onto this template, once.

    python -m adopt ../my-project --dry-run

answers.py reads its answers, merge_base.py gives the merge base from
release-1.9.0/ (that release's Docker layer as templates), and migrate.py
renders this template, merges and reports.
"""
