"""The web console at ``/console``: server-rendered pages over the same data and the same role
checks as the admin API (``governance/roles.py``), for the finance, compliance and platform people
who look at a screen before they read a JSON body.

Why server-rendered HTML (Jinja2) with plain forms, and one vendored chart library, instead of a
single-page app: nothing to build, no Node.js to install or run, every figure is in the HTML the
server sends (so tests and screen readers read the same numbers), and each page is one small
Python module (``pages/``) with its template — the registry shape the rest of tenbin uses.
"""
