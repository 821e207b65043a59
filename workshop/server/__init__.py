"""Serving Bedrock as an ASGI application: the routes beside Streamlit's own (health, the
long poll phones and projectors wait on) and the one version watcher per server process."""
