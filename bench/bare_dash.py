"""The baseline of `bench.load`: a bare Dash app (one static layout, no sign-in, no store), served by
the same gunicorn settings as certdash: `gunicorn -c python:dashboard.gunicorn_conf bench.bare_dash:server`."""
from __future__ import annotations

from dash import Dash, html

app = Dash(__name__, serve_locally=True)
app.layout = html.Div([html.H1("certdash"), html.Div(id="content")])
server = app.server
