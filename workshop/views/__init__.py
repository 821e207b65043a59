"""The pages: thin Streamlit pages that read widgets, call the content, engine, couple and
printing areas, and draw. Each page module exposes ``page()``; :mod:`workshop.views.navigation`
wires them up."""
