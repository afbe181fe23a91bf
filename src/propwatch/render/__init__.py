"""Renderers: an Analysis for the terminal, as JSON and as a self-contained HTML report; corpus
statistics as tables, CSV, Parquet and a dashboard."""
