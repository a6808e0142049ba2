"""Rendering of the clinician report: one Jinja2 HTML template, printed to PDF by WeasyPrint."""
