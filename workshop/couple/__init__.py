"""The couple path's logic: a couple's evening at home (state and every change to it), the
speaker-listener turn timer, and the save file. No Streamlit here."""
